"""A Markdown file in an entry folder that journal never reads (a goal in a subfolder, `.MD`,
`.markdown`) is named by `journal check` and by the pre-commit hook, as a warning: it used to
be ignored without a word, and whatever it said counted for nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.store import worktree_cache
from journal.store.git import cache_dir
from journal.store.workspace import open_repository
from tests.integration.test_hooks import commit_all, setup_repo
from tests.support.journals import GOAL, checkin, git, write_journal

NESTED_GOAL = "not read as an entry: goals/ holds no folders; a goal is goals/<id>.md"
ENDING = "not read as an entry: entries end in .md, in lowercase"
STRAYS = {
    "goals/2026/swim.md": NESTED_GOAL,
    "goals/2026/run.MD": NESTED_GOAL,  # both wrong: the folder is what to fix first
    "goals/swim.MD": ENDING,
    "contracts/pact3.mdown": ENDING,
    "checkins/2026/2026-W48-alice.markdown": ENDING,
    "contracts/old/pact.md": "not read as an entry: contracts/ holds no folders; a contract is contracts/<id>.md",
}


def _strays(root: Path) -> None:
    for rel in STRAYS:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(GOAL if rel.startswith("goals") else checkin(week="2026-W48"))
    # Not strays: notes beside the entries, Markdown outside the entry folders, editor droppings.
    (root / "goals" / "notes.txt").write_text("ideas")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "how-we-work.md").write_text("# How we work\n")
    (root / "goals" / ".swim.md.swp").write_text("")
    (root / "goals" / ".hidden.MD").write_text(GOAL)
    (root / "goals" / ".obsidian").mkdir()
    (root / "goals" / ".obsidian" / "note.md").write_text("")
    (root / "goals" / "link.MD").symlink_to(root / "journal.yaml")  # a link, never a stray: never read


def test_check_warns_of_each_markdown_file_it_does_not_read(run, tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j")
    _strays(root)
    result = run("-C", root, "check")
    assert result.code == 0, result  # warnings: the entries themselves are fine
    for rel, message in STRAYS.items():
        assert f"{rel}:1:1: warning: {message} [not-an-entry]" in result.out
    assert "notes.txt" not in result.out and "how-we-work" not in result.out and ".swp" not in result.out
    assert run("-C", root, "check", "--strict").code == 1
    found = json.loads(run("-C", root, "check", "--json").out)
    assert sorted(p["path"] for p in found if p["code"] == "not-an-entry") == sorted(STRAYS)


def test_a_stray_is_named_from_a_remembered_folder_listing_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The listing of a folder unchanged since the last run is read back from worktree.bin: its
    # strays are kept with it, or a second run would say nothing.
    root = write_journal(tmp_path / "j")
    git(root, "init", "-q", "-b", "main")
    _strays(root)
    monkeypatch.setattr(worktree_cache, "STABLE_NS", -1)
    repo = open_repository(root)
    assert repo is not None
    first = worktree_cache.load_worktree(root, cache_dir(repo))
    again = worktree_cache.load_worktree(root, cache_dir(repo))
    assert first.strays == again.strays == tuple(sorted(STRAYS))
    assert worktree_cache.load_worktree(root, None).strays == first.strays


def test_the_pre_commit_hook_warns_of_a_stray_being_committed_and_lets_it_through(repo_with_hooks: Path) -> None:
    (repo_with_hooks / "goals" / "2026").mkdir()
    (repo_with_hooks / "goals" / "2026" / "swim.md").write_text(GOAL)
    git(repo_with_hooks, "add", "goals/2026/swim.md")
    result = commit_all(repo_with_hooks)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"goals/2026/swim.md:1:1: warning: {NESTED_GOAL} [not-an-entry]" in result.stdout + result.stderr
    # With an entry in the same commit, both are checked and the entry's problems still block.
    (repo_with_hooks / "goals" / "run.markdown").write_text(GOAL)
    (repo_with_hooks / "checkins/2026/2026-W48-alice.md").write_text("---\nmember: alice\nweek: 2026-W48\nbogus: 1\n---\n")
    git(repo_with_hooks, "add", "-A")
    blocked = commit_all(repo_with_hooks)
    assert blocked.returncode != 0
    said = blocked.stdout + blocked.stderr
    assert f"goals/run.markdown:1:1: warning: {ENDING}" in said
    assert "unknown key 'bogus'" in said


def test_the_hook_and_check_name_the_same_strays(repo_with_hooks: Path, run) -> None:
    # Dot-named files and folders, links: the working tree's listing never takes them, and
    # the hook named them (a link told to be renamed to .md becomes a symlinked entry).
    _strays(repo_with_hooks)
    checked = run("-C", repo_with_hooks, "check")
    git(repo_with_hooks, "add", "-A")
    committed = commit_all(repo_with_hooks)
    assert committed.returncode == 0, committed.stdout + committed.stderr

    def named(text: str) -> list[str]:
        return sorted(line.split(":")[0] for line in text.splitlines() if line.endswith("[not-an-entry]"))

    assert named(checked.out) == named(committed.stdout + committed.stderr) == sorted(STRAYS)


@pytest.fixture
def repo_with_hooks(tmp_path: Path, run) -> Path:
    return setup_repo(tmp_path / "journal", run)


def test_check_given_a_stray_by_name_says_why_it_is_none(run, tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j")
    _strays(root)
    result = run("-C", root, "check", "goals/2026/run.MD")
    assert result.code == 1
    assert "not a journal entry: goals/2026/run.MD" in result.err
    assert "hint: goals/ holds no folders; a goal is goals/<id>.md" in result.err
    # A link is no stray: renamed to .md it would be a symlinked entry, which is refused.
    link = run("-C", root, "check", "goals/link.MD")
    assert link.code == 1 and "entries end in .md" not in link.err and "entries are journal.yaml" in link.err


def test_a_check_in_in_a_dot_named_folder_counts_nowhere(repo_with_hooks: Path, run) -> None:
    # `journal check` never saw it (the listing skips dot-named folders), yet the history
    # counted it as alice's check-in: what is not checked must not count.
    hidden = "checkins/.x/2026-W48-alice.md"
    (repo_with_hooks / "checkins" / ".x").mkdir()
    (repo_with_hooks / hidden).write_text(checkin(week="2026-W48", extra="energy: lots\n"))
    git(repo_with_hooks, "add", hidden)
    env = {"GIT_AUTHOR_DATE": "2026-11-25T12:00:00+01:00", "GIT_COMMITTER_DATE": "2026-11-25T12:00:00+01:00"}
    assert commit_all(repo_with_hooks, env=env).returncode == 0  # nothing of the journal: no check
    data = json.loads(run("-C", repo_with_hooks, "streaks", "--json", "--now", "2026-11-25T13:00:00+01:00").out)
    alice = next(m for m in data["members"] if m["member"] == "alice")
    assert {p["period"]: p["status"] for p in alice["periods"]}["2026-W48"] == "pending"
    assert run("-C", repo_with_hooks, "check").code == 0
