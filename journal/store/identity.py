"""Who is running the command: the git user's email and the member it belongs to."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pygit2

    from journal.core.model import Member


def user_email(root: Path, repo: pygit2.Repository | None = None) -> str | None:
    """`git config user.email` as git would answer it in `repo`, else in the repository at
    `root` (repository, then global)."""
    import pygit2

    from journal.store.workspace import open_repository

    try:
        repo = repo if repo is not None else open_repository(root)
        config = repo.config if repo is not None else pygit2.Config.get_global_config()
        return str(config["user.email"])
    except (KeyError, OSError, pygit2.GitError):
        return os.environ.get("GIT_AUTHOR_EMAIL") or os.environ.get("EMAIL")


def member_for_email(members: Mapping[str, Member], email: str | None) -> str | None:
    """The member id whose `emails` contain `email` (case-insensitive)."""
    if not email:
        return None
    return next((m.id for m in members.values() if m.owns_email(email)), None)
