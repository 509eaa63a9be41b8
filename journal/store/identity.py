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
            # git reads this file instead of ~/.gitconfig (git 2.32); libgit2 does not know it.
            found = _email_in([*_local_config_files(repo), Path(override)])
            if found is not None:
                return found
            if os.environ.get("GIT_CONFIG_NOSYSTEM", "").lower() in ("1", "true", "yes", "on"):
                raise KeyError("user.email")
            return str(pygit2.Config.get_system_config()["user.email"])
        config = repo.config if repo is not None else pygit2.Config.get_global_config()
        return str(config["user.email"])
    except (KeyError, OSError, pygit2.GitError):
        return os.environ.get("GIT_AUTHOR_EMAIL") or os.environ.get("EMAIL")


def _local_config_files(repo: pygit2.Repository | None) -> list[Path]:
    """The repository's own config files, the most specific first: a linked worktree's
    `config.worktree`, then the common `config` (where `commondir` points, for a worktree)."""
    if repo is None:
        return []
    gitdir = Path(repo.path)
    common = gitdir / "commondir"
    shared = gitdir / common.read_text(encoding="utf-8").strip() if common.is_file() else gitdir
    return [gitdir / "config.worktree", shared / "config"]


def _email_in(files: list[Path]) -> str | None:
    """user.email from the first of `files` (in order) that sets it."""
    import pygit2

    for file in files:
        if not file.is_file():
            continue
        try:
            return str(pygit2.Config(str(file))["user.email"])
        except (KeyError, OSError, pygit2.GitError):
            continue
    return None


def member_for_email(members: Mapping[str, Member], email: str | None) -> str | None:
    """The member id whose `emails` contain `email` (case-insensitive)."""
    if not email:
        return None
    return next((m.id for m in members.values() if m.owns_email(email)), None)
