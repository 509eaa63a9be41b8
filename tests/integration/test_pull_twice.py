"""After any git operation the hooks handle, no generated file is left modified.

The post-merge hook used to regenerate `digest/` in the working tree after a pull, so a
second `git pull` before any commit stopped with "Your local changes would be
overwritten". Now a merge or rebase made here carries its own digest in its commit, a
fast-forward brings the digest its author's pre-commit hook made (only checked), and
nothing is left modified in the index or the working tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.hooked_repos import ALICE, BOB, at, clone, commit, make_origin
from tests.support.journals import GOAL, checkin, git

pytestmark = pytest.mark.slow

def pull(repo: Path, env: dict[str, str], *args: str) -> str:
    pulled = git(repo, "pull", *args, "origin", "main", env=env, check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    return pulled.stdout + pulled.stderr


def assert_clean_and_current(repo: Path, run) -> None:
    """Nothing modified, staged or left over; and the digest HEAD carries is the one HEAD's
    entries give at HEAD's commit time (regenerating it changes no byte)."""
    assert git(repo, "status", "--porcelain").stdout == ""
    when = git(repo, "log", "-1", "--format=%cI").stdout.strip()
    assert run("-C", repo, "digest", "--markdown-only", "--now", when).code == 0
    assert git(repo, "status", "--porcelain").stdout == "", git(repo, "diff").stdout


@pytest.fixture
def origin(tmp_path: Path, run) -> Path:
    return make_origin(tmp_path, run, {".gitignore": "site/\n"})


def test_two_merging_pulls_in_a_row(origin: Path, tmp_path: Path, run) -> None:
    alice, bob = clone(origin, tmp_path / "alice", run), clone(origin, tmp_path / "bob", run)
    commit(alice, {"checkins/2026/2026-W47-alice.md": checkin()}, at("2026-11-22T10:00:00+01:00", ALICE))
    git(alice, "push", "-q", "origin", "main")
    commit(bob, {"checkins/2026/2026-W47-bob.md": checkin("bob")}, at("2026-11-22T12:00:00-05:00", BOB))
    said = pull(bob, at("2026-11-22T12:30:00-05:00", BOB))
    assert "regenerated" in said and "in the new commit for its merged state" in said
    assert len(git(bob, "log", "-1", "--format=%P").stdout.split()) == 2  # a real merge commit
    assert_clean_and_current(bob, run)
    # The merge commit's digest knows both check-ins.
    text = git(bob, "show", "HEAD:digest/README.md").stdout
    for name in ("Alice Moreno", "Bob Okafor"):
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} |"))
        assert row.split("|")[2].strip() == "1", row
    # The second pull, before any commit: alice has moved on again; it merges cleanly too.
    commit(alice, {"checkins/2026/2026-W48-alice.md": checkin(week="2026-W48")}, at("2026-11-29T10:00:00+01:00", ALICE))
    git(alice, "push", "-q", "origin", "main")
    commit(bob, {"goals/berlin-half.md": GOAL.replace("Berlin", "Boston", 1)}, at("2026-11-29T09:00:00-05:00", BOB))
    pull(bob, at("2026-11-29T09:30:00-05:00", BOB))
    assert_clean_and_current(bob, run)
    pull(bob, BOB)  # and a third, with nothing new
    assert git(bob, "status", "--porcelain").stdout == ""


def test_two_fast_forward_pulls_in_a_row(origin: Path, tmp_path: Path, run) -> None:
    alice, bob = clone(origin, tmp_path / "alice", run), clone(origin, tmp_path / "bob", run)
    for week, when in (("2026-W47", "2026-11-22T10:00:00+01:00"), ("2026-W48", "2026-11-29T10:00:00+01:00")):
        commit(alice, {f"checkins/2026/{week}-alice.md": checkin(week=week)}, at(when, ALICE))
        git(alice, "push", "-q", "origin", "main")
        said = pull(bob, BOB, "--ff-only")
        assert "alice checked in for" in said  # the summary still comes
        assert "not up to date" not in said
        assert git(bob, "rev-parse", "HEAD").stdout == git(alice, "rev-parse", "HEAD").stdout
        assert_clean_and_current(bob, run)


def test_a_fast_forward_to_a_commit_made_without_hooks_is_reported_not_rewritten(origin: Path, tmp_path: Path,
                                                                               run) -> None:
    alice, bob = clone(origin, tmp_path / "alice", run), clone(origin, tmp_path / "bob", run)
    # A partner without the hooks: the check-in comes with the old digest.
    assert run("-C", alice, "hooks", "uninstall").code == 0
    commit(alice, {"checkins/2026/2026-W47-alice.md": checkin()}, at("2026-11-22T10:00:00+01:00", ALICE))
    assert git(alice, "diff", "--name-only", "HEAD~1", "HEAD").stdout.split() == ["checkins/2026/2026-W47-alice.md"]
    git(alice, "push", "-q", "origin", "main")
    said = pull(bob, BOB, "--ff-only")
    assert "digest/ in HEAD is not up to date with HEAD's entries" in said
    assert git(bob, "status", "--porcelain").stdout == ""
    pull(bob, BOB)  # a second pull still works


def test_a_rebasing_pull_twice_leaves_nothing_modified(origin: Path, tmp_path: Path, run) -> None:
    alice, bob = clone(origin, tmp_path / "alice", run), clone(origin, tmp_path / "bob", run, rebase=True)
    commit(alice, {"checkins/2026/2026-W47-alice.md": checkin()}, at("2026-11-22T10:00:00+01:00", ALICE))
    git(alice, "push", "-q", "origin", "main")
    commit(bob, {"checkins/2026/2026-W47-bob.md": checkin("bob")}, at("2026-11-22T12:00:00-05:00", BOB))
    said = pull(bob, BOB)
    assert "in the new commit for its merged state" in said
    assert_clean_and_current(bob, run)  # the rebased tip carries its own digest
    commit(alice, {"checkins/2026/2026-W48-alice.md": checkin(week="2026-W48")}, at("2026-11-29T10:00:00+01:00", ALICE))
    git(alice, "push", "-q", "origin", "main")
    pull(bob, BOB)
    assert_clean_and_current(bob, run)


def test_merging_and_checking_out_branches_leaves_nothing_modified(origin: Path, tmp_path: Path, run) -> None:
    bob = clone(origin, tmp_path / "bob", run)
    git(bob, "checkout", "-q", "-b", "side")
    commit(bob, {"checkins/2026/2026-W47-bob.md": checkin("bob")}, at("2026-11-22T12:00:00-05:00", BOB))
    git(bob, "checkout", "-q", "main")
    assert git(bob, "status", "--porcelain").stdout == ""
    commit(bob, {"goals/berlin-half.md": GOAL.replace("Berlin", "Boston", 1)}, at("2026-11-22T13:00:00-05:00", BOB))
    merged = git(bob, "merge", "--no-edit", "side", env=at("2026-11-22T14:00:00-05:00", BOB), check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert_clean_and_current(bob, run)
    git(bob, "checkout", "-q", "side")
    assert git(bob, "status", "--porcelain").stdout == ""
    git(bob, "checkout", "-q", "main")
    assert git(bob, "status", "--porcelain").stdout == ""


def test_a_merge_committed_after_a_conflict_carries_both_sides_digest(origin: Path, tmp_path: Path, run) -> None:
    alice, bob = clone(origin, tmp_path / "alice", run), clone(origin, tmp_path / "bob", run)
    commit(alice, {"checkins/2026/2026-W47-alice.md": checkin(), "goals/berlin-half.md": GOAL.replace("Berlin", "Hamburg", 1)},
           at("2026-11-22T10:00:00+01:00", ALICE))
    git(alice, "push", "-q", "origin", "main")
    commit(bob, {"checkins/2026/2026-W47-bob.md": checkin("bob"), "goals/berlin-half.md": GOAL.replace("Berlin", "Boston", 1)},
           at("2026-11-22T12:00:00-05:00", BOB))
    stopped = git(bob, "pull", "origin", "main", env=BOB, check=False)
    assert "CONFLICT (content): Merge conflict in goals/berlin-half.md" in stopped.stdout + stopped.stderr
    git(bob, "checkout", "--theirs", "goals/berlin-half.md")
    git(bob, "add", "goals/berlin-half.md")
    made = git(bob, "commit", "--no-edit", env=at("2026-11-22T12:30:00-05:00", BOB), check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "for its merged state" in made.stdout + made.stderr
    assert_clean_and_current(bob, run)
    text = git(bob, "show", "HEAD:digest/README.md").stdout
    alice_row = next(line for line in text.splitlines() if line.startswith("| Alice Moreno |"))
    # Alice's check-in counts as hers, filed when she committed it, not as Bob's at the merge.
    assert alice_row.split("|")[2].strip() == "1" and "committed-by-other" not in alice_row, alice_row
    pull(bob, BOB)
    assert git(bob, "status", "--porcelain").stdout == ""
