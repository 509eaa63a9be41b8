"""Time the pre-commit hook as partners pay it: a real `git commit` running the installed shim.

On the 10-member × 5-year journal (≈ 2,700 entries, one commit per check-in), every round
stages a *new* check-in in each clone and commits it, next to the floor
`python -c "import pygit2, ruamel.yaml"` in the same round (see timing.py). Cases:

* committed digest on (the default), caches warm from the previous round;
* the same on a clone whose caches are removed before each commit (a fresh clone);
* check only, `digest: {commit: false}`;
* nothing of the journal staged (the shim's fast path; target ≤ 60 ms).

Targets (issue 17): ≤ 1.5 ×, ≤ 3 × and ≤ 1.2 × the floor.

Reference cases in the same rounds show what the project's fixed choices cost before the
hook does any work: `git commit --no-verify` of a new check-in in a clone without hooks,
the imports the hook needs (`python -c "import pygit2, ruamel.yaml, jinja2"`; Jinja2
renders digest/README.md), and stock ruamel.yaml loading every entry's front matter
(parse_entries.py), which a clone without caches cannot skip. Each row's fixed-choice
floor, printed under it, is their sum per round: git commit + the hook's imports (committed
digest on), that + the parse of every entry (first commit after clone), git commit + the
floor (check only).
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
from timing import FLOOR, Case, FixedFloor, compile_installed, importing, report, run_rounds  # noqa: E402

ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "member-00@example.org",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "member-00@example.org"}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **ENV}, check=True, capture_output=True)


def clone(source: Path, target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(source), str(target)], check=True)
    subprocess.run([sys.executable, "-m", "journal", "-C", str(target), "hooks", "install"], check=True,
                   capture_output=True)
    return target


def committing(name: str, repo: Path, member: str, target: str, fresh: bool = False, hooks: bool = True) -> Case:
    """A case that stages member's next new check-in and times `git commit`, hook included, or
    with `hooks=False` as `git commit --no-verify` (which still runs post-commit: give it a
    clone without hooks)."""

    def prepare(n: int) -> None:
        if fresh:
            shutil.rmtree(repo / ".git" / "journal", ignore_errors=True)
        git(repo, "add", new_checkin(repo, member, n))

    command = ["git", "commit", "-q", "-m", "check-in", *([] if hooks else ["--no-verify"])]
    return Case(name, command, cwd=repo, prepare=prepare, env=ENV, target=target)


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
        # A clone with no hooks installed: `git commit` alone, as the hook rows pay it.
        subprocess.run(["git", "clone", "-q", str(work / "origin"), str(work / "plain")], check=True)
        floor = Case("floor", FLOOR)
        bare_commit = committing("reference: git commit --no-verify, no hooks, new check-in", work / "plain",
                                 "member-04", "", hooks=False)
        hook_imports = importing("hook")
        parse = Case("reference: ruamel.yaml safe load of every front matter", [
            sys.executable, str(HERE / "parse_entries.py"), str(cold)])
        with_digest = FixedFloor("git commit + the hook's imports", ((bare_commit, 1), (hook_imports, 1)))
        cases = [
            committing("pre-commit, committed digest on, new check-in", warm, "member-01", "target ≤ 1.5 ×"),
            committing("same, first commit after clone (no caches)", cold, "member-02", "target ≤ 3 ×", fresh=True),
            committing("pre-commit, check only (digest.commit: false)", check, "member-03", "target ≤ 1.2 ×"),
            Case("pre-commit, nothing of the journal staged", ["git", "hook", "run", "pre-commit"], cwd=warm,
                 env=ENV, target="target ≤ 60 ms"),
            bare_commit, hook_imports, parse,
        ]
        cases[0].fixed = with_digest
        # The parse process imports pygit2 and ruamel.yaml itself: the floor's imports come out once.
        cases[1].fixed = FixedFloor("that + the parse of every entry",
                                    (*with_digest.terms, (parse, 1), (floor, -1)))
        cases[2].fixed = FixedFloor("git commit + the floor", ((bare_commit, 1), (floor, 1)))
        run_rounds(cases, args.rounds, floor=floor)
        report(f"pre-commit hook via `git commit`, {len(files)} journal files", cases, floor)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
