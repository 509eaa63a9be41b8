"""Time the pre-commit hook as git runs it, next to the interpreter-plus-imports floor.

Targets: with one staged check-in on a ~2,700-entry journal, <= 1.5 x the floor
`python -c "import pygit2, ruamel.yaml"`; with no journal file staged, <= 60 ms.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import journal_files, write  # noqa: E402

ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "member-00@example.org",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "member-00@example.org"}


def best(args: list[str], cwd: Path, runs: int = 7, ok: tuple[int, ...] = (0,)) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode not in ok:
            sys.exit(f"{' '.join(args)} failed: {result.stdout[-1500:]}{result.stderr[-1500:]}")
    return min(times)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True)


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="journal-hook-bench-"))
    try:
        files = journal_files(members=10, years=5)
        write(root, files)
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "five years")
        subprocess.run([sys.executable, "-m", "journal", "-C", str(root), "hooks", "install"], check=True,
                       capture_output=True)
        hook = str(root / ".git/hooks/pre-commit")
        # pip compiles an installed package's bytecode; an editable checkout (or a shell with
        # PYTHONDONTWRITEBYTECODE) would otherwise recompile journal/ on every run.
        import journal

        subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(journal.__file__).parent)], check=True)
        floor = best([sys.executable, "-c", "import pygit2, ruamel.yaml"], root)
        nothing = best([hook], root)
        # One new check-in staged, as a partner's Sunday-evening commit would have it.
        last = max(p for p in files if p.startswith("checkins/") and p.endswith("member-00.md"))
        period = last.rsplit("/", 1)[1][:8]
        new = root / "checkins/2026/2026-W50-member-00.md"
        new.parent.mkdir(parents=True, exist_ok=True)
        new.write_text(files[last].replace(period, "2026-W50"))
        git(root, "add", str(new))
        cold_start = time.perf_counter()
        subprocess.run([hook], cwd=root, env=ENV, capture_output=True)
        cold = time.perf_counter() - cold_start
        with_digest = best([hook], root, runs=3)
        # Check only: the committed digest turned off, as `digest.commit: false` does.
        config = root / "journal.yaml"
        config.write_text(config.read_text() + "digest: {commit: false}\n")
        git(root, "commit", "-q", "--no-verify", "-m", "check only", "--", "journal.yaml")
        staged = best([hook], root)
        print(f"journal entries                 {len(files)}")
        print(f"floor: python -c 'import pygit2, ruamel.yaml'   {floor * 1000:6.0f} ms")
        print(f"pre-commit, nothing staged      {nothing * 1000:6.0f} ms   target <= 60 ms")
        print(f"pre-commit, one check-in staged {staged * 1000:6.0f} ms   {staged / floor:4.2f} x floor, "
              f"target <= 1.5 x")
        print(f"pre-commit + committed digest   {with_digest * 1000:6.0f} ms   target <= 1000 ms "
              f"(first run, caches cold: {cold * 1000:.0f} ms)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
