"""Time `journal digest` on 10 members × 5 years of weekly check-ins (≈ 2,600 of them).

Prints the full build (no previous site; target ≤ 5 s), the rebuild after one check-in
changed (target ≤ 1 s) and pages per second, each in-process (best of a few runs) and as
the whole command a user runs. With `--screenshot PATH` it also saves a picture of the
digest's front page (needs Debian's chromium and the playwright package).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from synth import journal_files

from journal.digest.build import BuildResult, build_digest

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # Wednesday of the week after the last check-in
T = TypeVar("T")


def _data(text: str) -> str:
    return f"data {len(text.encode())}\n{text}\n"


def _commit(path: str, text: str, member: str, when: int, message: str) -> str:
    return (f"commit refs/heads/main\nauthor {member} <{member}@example.org> {when} +0000\n"
            f"committer {member} <{member}@example.org> {when} +0000\n" + _data(message)
            + f"M 100644 inline {path}\n" + _data(text))


def make_repository(root: Path) -> None:
    """The synthetic journal with a history: setup first, then each check-in committed on
    the Sunday morning of its week, so every period counts on time."""
    files = journal_files(members=10, years=5)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    setup = int(dt.datetime(2021, 11, 20, tzinfo=dt.UTC).timestamp())
    stream = [f"commit refs/heads/main\nauthor member-00 <member-00@example.org> {setup} +0000\n"
              f"committer member-00 <member-00@example.org> {setup} +0000\n" + _data("setup")]
    stream += [f"M 100644 inline {p}\n" + _data(t) for p, t in sorted(files.items()) if not p.startswith("checkins/")]
    checkins = sorted((p for p in files if p.startswith("checkins/")), key=lambda p: (p.rsplit("/", 1)[1][:8], p))
    for path in checkins:
        m = re.search(r"(\d{4})-W(\d{2})-(member-\d\d)", path)
        assert m is not None
        sunday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 7)
        when = int(dt.datetime(sunday.year, sunday.month, sunday.day, 6, tzinfo=dt.UTC).timestamp())
        stream.append(_commit(path, files[path], m[3], when, f"check-in {m[0]}"))
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input="".join(stream).encode(), check=True)
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "-f", "main"], check=True)


def add_checkin(root: Path, n: int) -> None:
    """member-00 checks in for the current week (edited again on later calls)."""
    path = "checkins/2026/2026-W48-member-00.md"
    text = (f"---\nmember: member-00\nweek: 2026-W48\noutcomes: []\nmetrics: {{member-00-goal-0: {20 + n}}}\n"
            f"commitments:\n  - {{commitment: Run {n + 3} times, goal: member-00-goal-0}}\n---\n"
            f"## Wins\nEdit number {n}.\n")
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text)
    env = {"GIT_AUTHOR_DATE": f"2026-11-24T10:{n % 60:02d}:00+00:00", "GIT_COMMITTER_DATE": f"2026-11-24T10:{n % 60:02d}:00+00:00"}
    subprocess.run(["git", "-C", str(root), "add", path], check=True)
    subprocess.run(["git", "-C", str(root), "-c", "user.name=member-00", "-c", "user.email=member-00@example.org",
                    "commit", "-q", "-m", f"edit {n}"], check=True, env={**_environ(), **env})


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def _best(runs: int, before: Callable[[int], object], fn: Callable[[], T]) -> tuple[float, T]:
    best, result = float("inf"), None
    for i in range(runs):
        before(i)
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result  # type: ignore[return-value]


def screenshot(site: Path, path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.goto((site / "index.html").as_uri())
        page.screenshot(path=str(path))
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="take the best of this many runs")
    parser.add_argument("--screenshot", type=Path, help="also save a screenshot of index.html here")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="journal-digest-bench-"))
    try:
        root = work / "journal"
        make_repository(root)
        site = root / "site"
        build_digest(root, NOW)  # fills the parse and history caches, as any earlier command would

        def clear(_: int) -> None:
            shutil.rmtree(site, ignore_errors=True)

        full, result = _best(args.runs, clear, lambda: build_digest(root, NOW))
        edits = iter(range(1, 100))
        warm, changed = _best(args.runs, lambda _: add_checkin(root, next(edits)), lambda: build_digest(root, NOW))
        command = [sys.executable, "-m", "journal", "-C", str(root), "digest", "--now", NOW.isoformat()]
        cmd_full, _ = _best(1, clear, lambda: subprocess.run(command, check=True, capture_output=True))
        cmd_warm, _ = _best(1, lambda _: add_checkin(root, next(edits)),
                            lambda: subprocess.run(command, check=True, capture_output=True))
        _report(result, full, changed, warm, cmd_full, cmd_warm, args.runs)
        if args.screenshot:
            screenshot(site, args.screenshot)
            print(f"screenshot: {args.screenshot}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _report(result: BuildResult, full: float, changed: BuildResult, warm: float, cmd_full: float, cmd_warm: float,
            runs: int) -> None:
    print(f"{result.pages} pages and {result.files - result.pages} other files "
          f"(10 members × 260 weeks, 2,600 check-ins); best of {runs} runs")
    print(f"  {'full build':<34}{full:6.2f} s   target ≤ 5 s   {'OK' if full <= 5 else 'OVER'}")
    print(f"  {'pages per second (full build)':<34}{result.pages / full:6.0f}")
    print(f"  {'rebuild after one check-in':<34}{warm:6.2f} s   target ≤ 1 s   {'OK' if warm <= 1 else 'OVER'}"
          f"   ({changed.rendered} of {changed.pages} pages rendered)")
    print(f"  {'journal digest, full (process)':<34}{cmd_full:6.2f} s")
    print(f"  {'journal digest, +1 check-in':<34}{cmd_warm:6.2f} s")


if __name__ == "__main__":
    raise SystemExit(main())
