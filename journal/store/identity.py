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
    `root`: the repository's own config, then the global one (the file GIT_CONFIG_GLOBAL
    names, when set, as git 2.32 and later read it), then the system's."""
    import pygit2

    from journal.store.workspace import open_repository

    try:
        repo = repo if repo is not None else open_repository(root)
        override = os.environ.get("GIT_CONFIG_GLOBAL")
        if override:
            # git reads this file instead of ~/.gitconfig (git 2.32); libgit2 does not know it:
            # the repository's own levels from libgit2 (its includes and worktree config as it
            # reads them), then that file, then the system's.
            own = [entry for entry in (repo.config if repo is not None else ())
                   if entry.name == "user.email" and entry.level > pygit2.enums.ConfigLevel.GLOBAL]
            if own:
                return str(sorted(own, key=lambda entry: entry.level)[-1].value)  # the last set wins, as in git
            try:
                return str(pygit2.Config(override)["user.email"])
            except (KeyError, OSError, pygit2.GitError):
                pass
            if os.environ.get("GIT_CONFIG_NOSYSTEM", "").lower() in ("1", "true", "yes", "on"):
                raise KeyError("user.email")
            return str(pygit2.Config.get_system_config()["user.email"])
        config = repo.config if repo is not None else pygit2.Config.get_global_config()
        return str(config["user.email"])
    except (KeyError, OSError, pygit2.GitError):
        return os.environ.get("GIT_AUTHOR_EMAIL") or os.environ.get("EMAIL")


def member_for_email(members: Mapping[str, Member], email: str | None) -> str | None:
    """The member id whose `emails` contain `email` (case-insensitive)."""
    if not email:
        return None
    return next((m.id for m in members.values() if m.owns_email(email)), None)
