"""Where entries live in a journal repository and what their paths say."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

CONFIG = "journal.yaml"
CONTRACTS = "contracts"
GOALS = "goals"
CHECKINS = "checkins"

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
WEEK = re.compile(r"(\d{4})-W(\d{2})\Z")
DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
_CHECKIN_NAME = re.compile(r"(?P<period>\d{4}-W\d{2}|\d{4}-\d{2}-\d{2})-(?P<member>[a-z0-9][a-z0-9-]*)\.md\Z")


@dataclass(frozen=True)
class CheckinName:
    period: str
    member: str


def is_slug(value: object) -> bool:
    return isinstance(value, str) and SLUG.match(value) is not None


def parse_checkin_name(name: str) -> CheckinName | None:
    """`2026-W47-alice.md` -> (2026-W47, alice); the key that survives moves and renames."""
    m = _CHECKIN_NAME.match(PurePosixPath(name).name)
    if m is None:
        return None
    return CheckinName(m["period"], m["member"])


def entry_kind(path: str) -> str | None:
    """The kind of journal file at a repository-relative POSIX path, or None if not ours."""
    parts = PurePosixPath(path).parts
    if not parts:
        return None
    if path == CONFIG:
        return "config"
    if not parts[-1].endswith(".md"):
        return None
    if parts[0] == CONTRACTS and len(parts) == 2:
        return "contract"
    if parts[0] == GOALS and len(parts) == 2:
        return "goal"
    if parts[0] == CHECKINS and len(parts) >= 2:
        return "checkin"
    return None


def checkin_path(period: str, member: str) -> str:
    return f"{CHECKINS}/{period[:4]}/{period}-{member}.md"
