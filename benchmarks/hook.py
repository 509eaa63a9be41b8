"""Time the pre-commit hook as partners pay it: a real `git commit` running the installed shim.

On the 10-member × 5-year journal (≈ 2,700 entries, one commit per check-in), every round
stages a *new* check-in in each clone and commits it, next to the floor
`python -c "import pygit2, ruamel.yaml"` in the same round (see timing.py). Cases:

* committed digest on (the default), caches warm from the previous round;
* the same on a clone whose caches are removed before each commit (a fresh clone);
* check only, `digest: {commit: false}`;
* nothing of the journal staged (the shim's fast path; target ≤ 60 ms).

Targets (issue 17): ≤ 1.5 ×, ≤ 3 × and ≤ 1.2 × the floor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import make_repository, new_checkin  # noqa: E402
from timing import Case, compile_installed, report, run_rounds  # noqa: E402

ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "member-00@example.org",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "member-00@example.org"}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **ENV}, check=True, capture_output=True)


def clone(source: Path, target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(source), str(target)], check=True)
    subprocess.run([sys.executable, "-m", "journal", "-C", str(target), "hooks", "install"], check=True,
                   capture_output=True)
    return target


def committing(name: str, repo: Path, member: str, target: str, fresh: bool = False) -> Case:
    """A case that stages member's next new check-in and times `git commit` (hook included)."""

    def prepare(n: int) -> None:
        if fresh:
            shutil.rmtree(repo / ".git" / "journal", ignore_errors=True)
        git(repo, "add", new_checkin(repo, member, n))

    return Case(name, ["git", "commit", "-q", "-m", "check-in"], cwd=repo, prepare=prepare, env=ENV, target=target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="journal-hook-bench-"))
    try:
        files = make_repository(work / "origin")
        compile_installed()
        warm = clone(work / "origin", work / "warm")
        cold = clone(work / "origin", work / "cold")
        check = clone(work / "origin", work / "check")
        config = check / "journal.yaml"
        config.write_text(config.read_text() + "digest: {commit: false}\n")
        git(check, "commit", "-q", "--no-verify", "-m", "check only", "--", "journal.yaml")
        # One commit each beforehand, as a partner's previous commit would have left the caches.
        for repo, member in ((warm, "member-01"), (check, "member-03")):
            git(repo, "add", new_checkin(repo, member, 100))
            git(repo, "commit", "-q", "-m", "warm-up")
        cases = [
            committing("pre-commit, committed digest on, new check-in", warm, "member-01", "target ≤ 1.5 ×"),
            committing("same, first commit after clone (no caches)", cold, "member-02", "target ≤ 3 ×", fresh=True),
            committing("pre-commit, check only (digest.commit: false)", check, "member-03", "target ≤ 1.2 ×"),
            Case("pre-commit, nothing of the journal staged", ["git", "hook", "run", "pre-commit"], cwd=warm,
                 env=ENV, target="target ≤ 60 ms"),
        ]
        floor = run_rounds(cases, args.rounds)
        report(f"pre-commit hook via `git commit`, {len(files)} journal files", cases, floor)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
