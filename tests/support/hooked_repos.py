"""Journals with the hooks installed, committed to as partners do: dated commits by
Alice and Bob, a bare origin and clones of it (for the committed digest, pulls, merges)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from journal.digest.committed import GITATTRIBUTES
from tests.support.journals import CONFIG, CONTRACT, GOAL, git

ALICE = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
         "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"}
BOB = {"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com",
       "GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"}
PACT = CONTRACT.replace("effective: 2026-09-07", "effective: 2026-11-16")
SEED = {"journal.yaml": CONFIG, "contracts/pact.md": PACT, "goals/berlin-half.md": GOAL,
        ".gitattributes": GITATTRIBUTES}
BOB_GOAL = GOAL.replace("owner: alice", "owner: bob").replace("Berlin half", "Bob's 10k").replace(
    "berlin-half", "bob-10k")


def at(when: str, who: dict[str, str]) -> dict[str, str]:
    """Git's environment for a commit by `who` with author and committer time `when` (ISO 8601)."""
    return {**who, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}


def write(repo: Path, files: dict[str, str]) -> None:
    """Write each relative path's text into the working tree, making folders as needed."""
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")


def commit(repo: Path, files: dict[str, str], env: dict[str, str], message: str = "entry") -> None:
    """Write `files`, stage everything and make a real `git commit` (hooks run)."""
    write(repo, files)
    git(repo, "add", "-A")
    result = git(repo, "commit", "-q", "-m", message, env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def hooked_repo(path: Path, run: Callable[..., Any], files: dict[str, str], env: dict[str, str]) -> Path:
    """A new repository at `path` with the hooks installed and `files` as its first commit."""
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    assert run("-C", path, "hooks", "install").code == 0
    commit(path, files, env, "start")
    return path


def make_origin(tmp_path: Path, run: Callable[..., Any], extra: dict[str, str] | None = None) -> Path:
    """A bare origin whose first commit (made in `tmp_path/seed`, hooks on) holds SEED and `extra`."""
    seed = hooked_repo(tmp_path / "seed", run, {**SEED, **(extra or {})}, at("2026-11-16T09:00:00+01:00", ALICE))
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    return bare


def clone(origin: Path, path: Path, run: Callable[..., Any], rebase: bool = False) -> Path:
    """A clone of `origin` at `path` with the hooks installed and `pull.rebase` set."""
    git(origin.parent, "clone", "-q", str(origin), str(path))
    git(path, "config", "pull.rebase", "true" if rebase else "false")
    assert run("-C", path, "hooks", "install").code == 0
    return path


def two_goal_journal(path: Path, run: Callable[..., Any]) -> Path:
    """A hooked journal of Alice and Bob, each with a goal, first committed on 2026-09-06."""
    return hooked_repo(path, run, {"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
                                   "goals/bob-10k.md": BOB_GOAL, ".gitattributes": GITATTRIBUTES},
                       at("2026-09-06T09:00:00+02:00", ALICE))
