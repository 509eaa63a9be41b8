"""The pre-commit hook's hint when it blocks a commit holds for both ways of committing:
`git add` + `git commit`, and `git commit -- FILE` (which takes FILE from the working tree)."""

from __future__ import annotations

from pathlib import Path

from tests.support.hooked_repos import ALICE, SEED, at, hooked_repo, write
from tests.support.journals import checkin, git

W48 = "checkins/2026/2026-W48-alice.md"
BAD = "---\nmember: alice\nweek: 2026-W48\nbogus: 1\n---\n"
HINT = ("commit blocked. Fix the entries and commit again (`git add` the fix first, unless you commit the "
        "files by name: `git commit -- FILE`), or bypass the check with `git commit --no-verify`.")


def _journal(tmp_path: Path, run) -> Path:
    good = checkin(week="2026-W48", commitments="\n  - {commitment: Run more}")
    return hooked_repo(tmp_path / "repo", run, {**SEED, W48: good}, at("2026-11-27T09:00:00+01:00", ALICE))


def _commit(repo: Path, *paths: str):
    return git(repo, "commit", "-m", "entry", *(["--", *paths] if paths else []),
               env=at("2026-11-28T09:00:00+01:00", ALICE), check=False)


def test_a_path_limited_commit_is_told_to_fix_and_commit_again_not_to_add(tmp_path: Path, run) -> None:
    repo = _journal(tmp_path, run)
    before = git(repo, "rev-parse", "HEAD").stdout
    write(repo, {W48: BAD})
    blocked = _commit(repo, W48)  # nothing staged: git takes the file from the working tree
    assert blocked.returncode != 0 and HINT in blocked.stderr
    assert "and `git add` them" not in blocked.stderr
    assert git(repo, "rev-parse", "HEAD").stdout == before
    # As the hint says: fix the file and commit it again by name, no `git add`.
    write(repo, {W48: checkin(week="2026-W48", commitments="\n  - {commitment: Run twice}")})
    fixed = _commit(repo, W48)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Run twice" in git(repo, "show", f"HEAD:{W48}").stdout


def test_a_staged_commit_gets_the_same_hint_and_adding_the_fix_commits(tmp_path: Path, run) -> None:
    repo = _journal(tmp_path, run)
    write(repo, {W48: BAD})
    git(repo, "add", W48)
    blocked = _commit(repo)
    assert blocked.returncode != 0 and HINT in blocked.stderr
    write(repo, {W48: checkin(week="2026-W48", commitments="\n  - {commitment: Run twice}")})
    assert _commit(repo).returncode != 0  # the fix is not staged yet: still the bad entry
    git(repo, "add", W48)
    assert _commit(repo).returncode == 0
