"""Where entries live in a journal repository and what their paths say."""

from __future__ import annotations

import re
from dataclasses import dataclass

CONFIG = "journal.yaml"
CONTRACTS = "contracts"
GOALS = "goals"
CHECKINS = "checkins"

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
# ASCII digits only: `\d` would also take Arabic-Indic and other digits that the
# period arithmetic (journal.core.periods, the one key reader) refuses.
_CHECKIN_NAME = re.compile(r"(?P<period>[0-9]{4}-W[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2})-(?P<member>[a-z0-9][a-z0-9-]*)\.md\Z")


@dataclass(frozen=True)
class CheckinName:
    period: str
    member: str


def is_slug(value: object) -> bool:
    return isinstance(value, str) and SLUG.match(value) is not None


def parse_checkin_name(name: str) -> CheckinName | None:
    """`2026-W47-alice.md` -> (2026-W47, alice); the key that survives moves and renames."""
    m = _CHECKIN_NAME.match(name.rpartition("/")[2])
    if m is None:
        return None
    return CheckinName(m["period"], m["member"])


def entry_kind(path: str) -> str | None:
    """The kind of journal file at a repository-relative POSIX path, or None if not ours."""
    # Plain string work: this runs for every file of every tree and index the tool reads.
    if path == CONFIG:
        return "config"
    if not path.endswith(".md"):
        return None
    top, sep, rest = path.partition("/")
    if not sep or not rest:
        return None
    if top == CHECKINS:
        return "checkin"
    if "/" in rest:
        return None
    if top == CONTRACTS:
        return "contract"
    if top == GOALS:
        return "goal"
    return None


def checkin_path(period: str, member: str) -> str:
    return f"{CHECKINS}/{period[:4]}/{period}-{member}.md"
