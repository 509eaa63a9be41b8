"""Finding the Git repository a folder belongs to: the one place that asks Git.

store.workspace opens it once per command; what needs only the git folder (this
machine's state under `<git dir>/journal`) asks here too, never pygit2 on its own."""

from __future__ import annotations

from pathlib import Path

import pygit2


def git_dir(start: Path) -> Path | None:
    """The git folder of the repository at or above `start` (a linked worktree's own), or None."""
    found = pygit2.discover_repository(str(start))
    return Path(found) if found else None


def open_repository(start: Path) -> pygit2.Repository | None:
    """The Git repository at or above `start`, or None."""
    found = git_dir(start)
    return pygit2.Repository(str(found)) if found is not None else None
