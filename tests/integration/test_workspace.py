"""The workspace: the journal opened once and handed down (issue 12, item 3)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from journal.digest.committed import GITATTRIBUTES
from journal.errors import NotARepository
from journal.store import history, workspace
from journal.store.workspace import Workspace, require_repository
from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin, git

ALICE = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
         "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"}
BOB = {"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com",
       "GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"}


def _pulled_clone(tmp_path: Path) -> Path:
    """Alice's clone right after a real `git pull` that merged Bob's check-in (no hooks
    installed, so the post-merge hook runs only when the test runs it)."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    for rel, text in {"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
                      "checkins/2026/2026-W47-alice.md": checkin(), ".gitattributes": GITATTRIBUTES}.items():
        (seed / rel).parent.mkdir(parents=True, exist_ok=True)
        (seed / rel).write_text(text)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "start", env=ALICE)
    origin, alice, bob = tmp_path / "origin.git", tmp_path / "alice", tmp_path / "bob"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    for clone in (alice, bob):
        git(tmp_path, "clone", "-q", str(origin), str(clone))
        git(clone, "config", "pull.rebase", "false")
    (bob / "checkins/2026/2026-W47-bob.md").write_text(
        checkin("bob", "2026-W47", outcomes="[{commitment: a 5 km run, status: done}]"))
    git(bob, "add", "-A")
    git(bob, "commit", "-q", "-m", "bob W47", env=BOB)
    git(bob, "push", "-q", "origin", "HEAD")
    git(alice, "pull", "-q", "origin", "main", env=ALICE)
    return alice


def test_post_merge_hook_reads_the_journal_and_walks_the_history_once(tmp_path: Path, run,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    alice = _pulled_clone(tmp_path)
    counts = {"walks": 0, "loads": 0, "discoveries": 0}
    real_walk, real_load, real_open = history.read_history, Workspace._load, workspace.open_repository

    def walk(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts["walks"] += 1
        return real_walk(*args, **kwargs)

    def load(self, source):  # type: ignore[no-untyped-def]
        counts["loads"] += 1
        return real_load(self, source)

    def discover(start):  # type: ignore[no-untyped-def]
        counts["discoveries"] += 1
        return real_open(start)

    monkeypatch.setattr(history, "read_history", walk)
    monkeypatch.setattr(Workspace, "_load", load)
    monkeypatch.setattr(workspace, "open_repository", discover)
    result = run("-C", alice, "hooks", "run", "post-merge", "0", "--now", "2026-11-25T12:00+00:00")
    assert result.code == 0, result
    # It really did all three steps: the summary, the site and the committed digest's check
    # (Bob committed without hooks, so HEAD's digest is behind; it is reported, not written).
    assert "journal: bob checked in for 2026-W47: 1 of 1 commitments done" in result.out
    assert (alice / "site" / "index.html").is_file()
    assert "journal: digest/ in HEAD is not up to date with HEAD's entries" in result.out
    assert git(alice, "status", "--porcelain", "--untracked-files=no").stdout == ""
    assert "could not" not in result.err
    assert counts == {"walks": 1, "loads": 1, "discoveries": 1}


def test_one_hint_for_a_folder_outside_any_repository(tmp_path: Path, run) -> None:
    with pytest.raises(NotARepository, match="not in a Git repository") as caught:
        require_repository(tmp_path)
    assert "git init" in caught.value.hint
    result = run("-C", tmp_path, "hooks", "install")
    assert result.code == 1
    assert "not in a Git repository" in result.err and "hint: run `git init`" in result.err


def test_workspace_loads_each_source_once(tmp_path: Path) -> None:
    alice = _pulled_clone(tmp_path)
    ws = Workspace.open(alice / "checkins")
    assert ws.root == alice
    assert ws.config is ws.snapshot().journal.config
    assert ws.snapshot() is ws.snapshot("worktree")
    assert ws.snapshot("head") is not ws.snapshot("worktree")
    assert ws.history() is ws.history()
    assert ws.reopen().snapshot() is not ws.snapshot()


PROBE = """
import sys
from journal.githooks.precommit import run
code = run(".")
print(code, sorted(m for m in ("click", "jinja2", "watchdog") if m in sys.modules))
"""


def test_the_pre_commit_check_opens_the_repository_without_click_or_jinja(tmp_path: Path) -> None:
    repo = tmp_path / "j"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for rel, text in {"journal.yaml": CONFIG.replace("private: [energy]}", "private: [energy], commit: false}"),
                      "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
                      "checkins/2026/2026-W47-alice.md": checkin()}.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    git(repo, "add", "-A")
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=repo / "checkins", env={**os.environ, **ALICE},
                            text=True, capture_output=True)
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stdout + result.stderr
