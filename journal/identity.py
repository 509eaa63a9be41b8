"""Who is running the command: the git user's email and the member it belongs to."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def user_email(root: Path) -> str | None:
    """`git config user.email` as git would answer it in `root` (repository, then global)."""
    import pygit2

    try:
        path = pygit2.discover_repository(str(root))
        config = pygit2.Repository(path).config if path else pygit2.Config.get_global_config()
        return str(config["user.email"])
    except (KeyError, OSError, pygit2.GitError):
        return os.environ.get("GIT_AUTHOR_EMAIL") or os.environ.get("EMAIL")


def member_for_email(members: Mapping[str, Any], email: str | None) -> str | None:
    """The member id whose `emails` contain `email` (case-insensitive)."""
    if not email:
        return None
    wanted = email.strip().casefold()
    for member, info in members.items():
        emails = info.get("emails") if isinstance(info, dict) else None
        if isinstance(emails, list) and any(isinstance(e, str) and e.strip().casefold() == wanted for e in emails):
            return str(member)
    return None
