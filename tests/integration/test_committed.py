"""The digest committed inside the journal: regenerated on commit, merged without conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.hooked_repos import ALICE, BOB, PACT, at, clone, commit, make_origin, write
from tests.support.journals import CONFIG, GOAL, checkin, git


def shown(repo: Path, rev: str = "HEAD") -> str:
    return git(repo, "show", f"{rev}:digest/README.md").stdout


@pytest.fixture
def origin(tmp_path: Path, run) -> Path:
    return make_origin(tmp_path, run)


def test_first_commit_carries_a_digest(origin: Path, tmp_path: Path) -> None:
    seed = tmp_path / "seed"
    text = shown(seed)
    assert text.startswith("# Alice & Bob\n")
    assert "journal hooks install" in text.splitlines()[2]
    assert "![Alice Moreno: check-ins by period](charts/heatmap-alice.svg)" in text
    assert git(seed, "cat-file", "-e", "HEAD:digest/charts/heatmap-bob.svg", check=False).returncode == 0


def test_commit_counts_its_own_checkin_in_the_digest(origin: Path, tmp_path: Path, run) -> None:
    alice = clone(origin, tmp_path / "alice", run)
    commit(alice, {"checkins/2026/2026-W47-alice.md": checkin(outcomes="[]")},
           at("2026-11-22T10:00:00+01:00", ALICE))
    text = shown(alice)
    row = next(line for line in text.splitlines() if line.startswith("| Alice Moreno |"))
    assert row.split("|")[2].strip() == "1", row  # the streak already includes this commit
    assert "checked in" in row.lower()
    # Committing something that is not a journal entry leaves the digest alone.
    commit(alice, {"notes.txt": "hello"}, at("2026-11-22T11:00:00+01:00", ALICE))
    assert git(alice, "diff", "--name-only", "HEAD~1", "HEAD").stdout.split() == ["notes.txt"]


def test_committed_digest_matches_markdown_only_for_the_same_state(origin: Path, tmp_path: Path, run) -> None:
    alice = clone(origin, tmp_path / "alice", run)
    commit(alice, {"checkins/2026/2026-W47-alice.md": checkin(outcomes="[]")},
           at("2026-11-22T10:00:00+01:00", ALICE))
    before = shown(alice)
    assert run("-C", alice, "digest", "--markdown-only", "--now", "2026-11-22T10:00:00+01:00").code == 0
    assert (alice / "digest/README.md").read_text() == before
    assert run("-C", alice, "digest", "--markdown-only", "--now", "2026-11-22T10:00:00+01:00").out.endswith(
        "up to date\n")


@pytest.mark.parametrize("rebase", [False, True], ids=["merge", "rebase"])
def test_two_partners_pull_each_other_without_conflicts(origin: Path, tmp_path: Path, run, rebase: bool) -> None:
    alice = clone(origin, tmp_path / "alice", run, rebase)
    bob = clone(origin, tmp_path / "bob", run, rebase)
    commit(alice, {"checkins/2026/2026-W47-alice.md": checkin(outcomes="[]")}, at("2026-11-22T10:00:00+01:00", ALICE))
    commit(bob, {"checkins/2026/2026-W47-bob.md": checkin("bob", outcomes="[]")}, at("2026-11-22T12:00:00-05:00", BOB))
    git(alice, "push", "-q", "origin", "main")
    pulled = git(bob, "pull", "-q", "origin", "main", env=at("2026-11-22T12:30:00-05:00", BOB), check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert "CONFLICT" not in pulled.stdout + pulled.stderr
    git(bob, "push", "-q", "origin", "main")
    again = git(alice, "pull", "-q", "origin", "main", env=ALICE, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    assert git(alice, "rev-parse", "HEAD").stdout == git(bob, "rev-parse", "HEAD").stdout
    # Both regenerated the same digest for the same state, and it knows both check-ins.
    text = (alice / "digest/README.md").read_text()
    assert text == (bob / "digest/README.md").read_text()
    for name in ("Alice Moreno", "Bob Okafor"):
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} |"))
        assert row.split("|")[2].strip() == "1", row


def test_without_the_driver_the_conflict_says_what_to_run(origin: Path, tmp_path: Path, run) -> None:
    alice = clone(origin, tmp_path / "alice", run)
    bob = clone(origin, tmp_path / "bob", run)
    assert run("-C", bob, "hooks", "uninstall").code == 0  # a fresh clone, before `hooks install`
    commit(alice, {"checkins/2026/2026-W47-alice.md": checkin(outcomes="[]")}, at("2026-11-22T10:00:00+01:00", ALICE))
    git(alice, "push", "-q", "origin", "main")
    write(bob, {"checkins/2026/2026-W47-bob.md": checkin("bob", outcomes="[]")})
    git(bob, "add", "-A")
    assert run("-C", bob, "digest", "--markdown-only", "--now", "2026-11-22T12:00:00-05:00").code == 0
    git(bob, "add", "-A")
    git(bob, "commit", "-q", "-m", "bob", env=at("2026-11-22T12:00:00-05:00", BOB))
    pulled = git(bob, "pull", "-q", "--no-rebase", "origin", "main", env=BOB, check=False)
    assert pulled.returncode != 0, pulled.stdout + pulled.stderr
    assert "CONFLICT (content): Merge conflict in digest/README.md" in pulled.stdout + pulled.stderr
    conflicted = (bob / "digest/README.md").read_text()
    assert "<<<<<<<" in conflicted
    hunk = conflicted[conflicted.index("<<<<<<<"):conflicted.index(">>>>>>>")]
    assert "run `journal hooks install`, then `journal digest --markdown-only` and `git add digest`" in hunk


HOSTILE = ('<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) '
           '<iframe src="https://evil.example"></iframe>')


def test_hostile_markdown_comes_out_inert(origin: Path, tmp_path: Path, run) -> None:
    alice = clone(origin, tmp_path / "alice", run)
    entry = checkin(outcomes="[]", extra=f"ask: '{HOSTILE}'\n") + f"\n{HOSTILE}\n## Obstacles\n{HOSTILE}\n"
    commit(alice, {"checkins/2026/2026-W47-alice.md": entry.replace("## Wins\nRan.", f"## Wins\n{HOSTILE}")},
           at("2026-11-22T10:00:00+01:00", ALICE))
    text = shown(alice)
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": True}).render(text)
    for bad in ("<script", "<img src=\"x\"", "<img src=x", "<iframe", "href=\"javascript:"):
        assert bad not in html, bad
    import re

    assert not re.search(r"<[a-z][^>]*\son\w+=", html)  # no live event handler in any tag
    assert "&lt;script&gt;" in text  # the words survive, as text


def test_digest_commit_false_turns_it_off(origin: Path, tmp_path: Path, run) -> None:
    alice = clone(origin, tmp_path / "alice", run)
    config = CONFIG.replace("private: [energy]}", "private: [energy], commit: false}")
    git(alice, "rm", "-q", "-r", "digest")
    commit(alice, {"journal.yaml": config}, at("2026-11-22T10:00:00+01:00", ALICE))
    commit(alice, {"checkins/2026/2026-W47-alice.md": checkin(outcomes="[]")}, at("2026-11-22T11:00:00+01:00", ALICE))
    assert git(alice, "ls-files", "digest").stdout == ""


def test_a_commit_of_a_reply_carries_it_in_the_digest(origin: Path, tmp_path: Path, run) -> None:
    """A reply counts as committed by the commit that adds it, as a check-in does: the
    commit's own digest shows the thread answered, and regenerating it changes nothing."""
    from tests.support.replies import ci, reply

    alice = clone(origin, tmp_path / "alice", run)
    commit(alice, dict([ci("alice", "2026-W47")]), at("2026-11-22T10:00:00+01:00", ALICE))
    assert "## Replies" not in shown(alice)  # replies are expected from a journal's first one on
    # Only the reply is staged: the hook must still regenerate the digest for it.
    when = "2026-11-22T12:00:00-05:00"
    commit(alice, dict([reply("bob", "alice", "2026-W47")]), at(when, BOB))
    assert git(alice, "diff", "--name-only", "HEAD~1", "HEAD", "--", "digest/README.md").stdout.strip()
    after = shown(alice)
    thread = after[after.index("### Alice Moreno, 2026-W47"):]
    assert "- **Bob Okafor**" in thread and "  **Answer:** Yes, Tuesday." in thread
    assert "waiting for a reply" not in thread
    assert run("-C", alice, "digest", "--markdown-only", "--now", when).code == 0
    assert git(alice, "status", "--porcelain").stdout == ""


def test_markdown_only_twice_before_any_commit(commit, run, tmp_path: Path) -> None:
    """A digest written by `--markdown-only` and not committed yet is still journal's own:
    a second run replaces it (only files without the mark are refused)."""
    commit({"journal.yaml": CONFIG, "contracts/pact.md": PACT, "goals/berlin-half.md": GOAL},
           "2026-11-16T09:00:00+01:00")
    repo = tmp_path / "repo"
    assert run("-C", repo, "digest", "--markdown-only", "--now", "2026-11-17T09:00:00+00:00").code == 0
    again = run("-C", repo, "digest", "--markdown-only", "--now", "2026-11-24T09:00:00+00:00")
    assert again.code == 0, again
    assert "Progress digest as of Tue 24 Nov 2026" in (repo / "digest" / "README.md").read_text()
