"""Time `journal watch` on a synthetic journal of ~2,700 entries: from saving a check-in
to the rebuilt page on disk (target: <= 1 s)."""

from __future__ import annotations

import datetime as dt
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import journal_files, write  # noqa: E402

TARGET = 1.0
SAVES = 7


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Member 0", "GIT_AUTHOR_EMAIL": "member-00@example.org",
           "GIT_COMMITTER_NAME": "Member 0", "GIT_COMMITTER_EMAIL": "member-00@example.org"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def wait_line(lines: queue.Queue[str], prefix: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line.startswith(prefix):
            return line
    sys.exit(f"no line starting with {prefix!r} within {timeout} s")


def save_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.bench.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="journal-bench-"))
    proc: subprocess.Popen[str] | None = None
    try:
        files = journal_files(members=10, years=5)
        write(root, files)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "synthetic journal")
        latest = max(p for p in files if p.startswith("checkins/") and p.endswith("-member-03.md"))
        week = latest.rsplit("/", 1)[1][:8]
        now = dt.datetime.fromisocalendar(int(week[:4]), int(week[6:8]), 5).replace(hour=12, tzinfo=dt.UTC)
        page = root / "site" / "periods" / f"{week}.html"

        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "journal", "-C", str(root), "watch", "--now", now.isoformat()],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout or ()], daemon=True).start()
        wait_line(lines, "built ", 300)
        first = time.perf_counter() - started

        path = root / latest
        original = path.read_text(encoding="utf-8")
        latencies: list[float] = []
        builds: list[float] = []
        for i in range(SAVES):
            marker = f"Saved for the benchmark, round {i}."
            t0 = time.perf_counter()
            save_atomically(path, original.replace("A good week.", marker))
            deadline = t0 + 30
            while marker not in _read(page):
                if time.perf_counter() > deadline:
                    sys.exit(f"the page never showed round {i}")
                time.sleep(0.002)
            latencies.append(time.perf_counter() - t0)
            built = wait_line(lines, "built ", 30)  # let the round finish before the next save
            builds.append(float(built.split(" in ", 1)[1].split(" s ", 1)[0]))
        median, worst = statistics.median(latencies), max(latencies)
        print(f"entries                              {len(files)}")
        print(f"start-up: first check + full build   {first:6.3f} s")
        print(f"save -> rebuilt page on disk         {median:6.3f} s median, {worst:.3f} s worst of {SAVES}   "
              f"target <= {TARGET} s   {'OK' if worst <= TARGET else 'OVER'}")
        print(f"  of which the digest build          {statistics.median(builds):6.3f} s median "
              f"(the rest: debounce, re-check, start of the build)")
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(root, ignore_errors=True)


def _read(page: Path) -> str:
    try:
        return page.read_text(encoding="utf-8")
    except OSError:
        return ""  # between the two renames of the build's swap


if __name__ == "__main__":
    main()
