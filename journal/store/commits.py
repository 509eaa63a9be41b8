"""What the history walk reads of a commit: its author and author time, and where a shallow clone was cut."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import cast

import pygit2


def stamp(commit: pygit2.Commit) -> tuple[int, int]:
    return commit.author.time, commit.author.offset


def author(commit: pygit2.Commit) -> tuple[str, str]:
    sig = commit.author
    try:
        return sig.name, sig.email
    except (UnicodeDecodeError, LookupError):  # bytes that are not text in the declared encoding
        return sig.raw_name.decode("utf-8", "replace"), sig.raw_email.decode("utf-8", "replace")


def when(time: int, offset: int) -> datetime:
    # Git accepts offsets and times Python cannot represent; show those as UTC / the epoch.
    try:
        return datetime.fromtimestamp(time, timezone(timedelta(minutes=offset)))
    except (ValueError, OverflowError, OSError):
        try:
            return datetime.fromtimestamp(time, UTC)
        except (ValueError, OverflowError, OSError):
            return datetime.fromtimestamp(0, UTC)


def git_date(env: Mapping[str, str], name: str) -> datetime:
    """The time git gives the commit being made from the environment variable `name`
    (GIT_AUTHOR_DATE, GIT_COMMITTER_DATE: `@1700000000 +0100`, `1700000000 +0100` or ISO
    8601, as git's hooks see them), else now (UTC). An ISO time without an offset is local."""
    raw = env.get(name, "").strip()
    if raw:
        m = re.fullmatch(r"@?(\d+)(?: ([+-])(\d\d)(\d\d))?", raw)
        try:
            if m:
                sign = -1 if m[2] == "-" else 1
                offset = timedelta(hours=int(m[3] or 0), minutes=int(m[4] or 0)) * sign
                return datetime.fromtimestamp(int(m[1]), timezone(offset))
            moment = datetime.fromisoformat(raw)
            return moment if moment.tzinfo else moment.astimezone()
        except (ValueError, OverflowError, OSError):
            pass
    return datetime.now(UTC)


def shallow_grafts(repo: pygit2.Repository) -> list[str]:
    """The commits a shallow clone cut the history at (Git lists them in `shallow`)."""
    if not repo.is_shallow:
        return []
    gitdir = Path(repo.path)
    common = gitdir / "commondir"  # a linked worktree keeps `shallow` in the main gitdir
    if common.is_file():
        gitdir = gitdir / common.read_text(encoding="utf-8").strip()
    try:
        return sorted(set((gitdir / "shallow").read_text(encoding="ascii").split()))
    except (OSError, ValueError):
        return []


def shallow_cut(repo: pygit2.Repository, grafts: list[str]) -> datetime | None:
    """When the kept history begins in a shallow clone (the newest commit it was cut at)."""
    if not repo.is_shallow:
        return None
    commits = [c for c in map(repo.get, grafts) if isinstance(c, pygit2.Commit)]  # present ones
    # Before the newest cut some line of history is missing, so nothing earlier is known.
    return max((when(*stamp(cast(pygit2.Commit, c))) for c in commits), default=datetime.max.replace(tzinfo=UTC))


def shallow_warnings(repo: pygit2.Repository, grafts: list[str]) -> tuple[str, ...]:
    cut = shallow_cut(repo, grafts)
    if cut is None:
        return ()
    if cut.year == datetime.max.year:
        return ("history is shallow (a shallow clone): periods before it are unknown, not missed; "
                "run `git fetch --unshallow` for the full record",)
    return (f"history is shallow (a shallow clone): periods before {cut.date().isoformat()} are unknown, "
            "not missed; run `git fetch --unshallow` for the full record",)
