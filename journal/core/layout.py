"""Where entries live in a journal repository and what their paths say."""

from __future__ import annotations

import re
from dataclasses import dataclass

CONFIG = "journal.yaml"
CONTRACTS = "contracts"
GOALS = "goals"
CHECKINS = "checkins"
REPLIES = "replies"
#: The folders that hold entries, in the order they are listed.
FOLDERS = (CONTRACTS, GOALS, CHECKINS, REPLIES)
#: Each kind of entry but journal.yaml, by the folder that holds it.
FOLDER_OF = {"contract": CONTRACTS, "goal": GOALS, "checkin": CHECKINS, "reply": REPLIES}

#: The longest id: a reply's file holds two (`2026-W47-<author>-to-<to>.md`), and a file
#: name may be 255 bytes long; `journal new` makes ids of titles cut to 60 characters.
MAX_ID = 64
SLUG = re.compile(rf"[a-z0-9][a-z0-9-]{{0,{MAX_ID - 1}}}\Z")
# ASCII digits only: `\d` would also take Arabic-Indic and other digits that the
# period arithmetic (journal.core.periods, the one key reader) refuses.
_CHECKIN_NAME = re.compile(r"(?P<period>[0-9]{4}-W[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2})-(?P<member>[a-z0-9][a-z0-9-]*)\.md\Z")


_REPLY_NAME = re.compile(r"(?P<period>[0-9]{4}-W[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2})"
                         r"-(?P<author>[a-z0-9][a-z0-9-]*)-to-(?P<to>[a-z0-9][a-z0-9-]*)\.md\Z")


@dataclass(frozen=True)
class CheckinName:
    period: str
    member: str


@dataclass(frozen=True)
class ReplyName:
    period: str
    author: str
    to: str


#: Top-level names a folder of generated files (digest.out, digest.commit) must not take.
RESERVED_TOPS = (".git", *FOLDERS, "templates")


def folder_problem(text: str) -> str | None:
    """Why `text` is no folder of its own inside the journal for generated files, or None.

    One judgement for `digest.out` and `digest.commit`, in `journal check` and in the
    builders: empty, `.`, `..` (anywhere), absolute (POSIX or Windows) and names of the
    journal's own folders are refused."""
    stripped = text.strip().rstrip("/")
    if "\\" in stripped or ":" in stripped[:3] or stripped.startswith("/") or ".." in stripped.split("/"):
        return "which leaves the repository"
    parts = [p for p in stripped.split("/") if p not in ("", ".")]
    if not parts:
        return "which is the journal itself, not a folder of its own"
    if parts[0].lower() in RESERVED_TOPS:
        return "which belongs to the journal, not a folder of its own"
    return None


def is_slug(value: object) -> bool:
    return isinstance(value, str) and SLUG.match(value) is not None


def parse_checkin_name(name: str) -> CheckinName | None:
    """`2026-W47-alice.md` -> (2026-W47, alice); the key that survives moves and renames."""
    m = _CHECKIN_NAME.match(name.rpartition("/")[2])
    if m is None:
        return None
    return CheckinName(m["period"], m["member"])


def parse_reply_name(name: str) -> ReplyName | None:
    """`2026-W47-bob-to-alice.md` -> (2026-W47, bob, alice): one file per author, partner and period.

    Member ids may hold dashes, so the split is on the last `-to-`; an id ending in `-to`
    therefore cannot write replies (the checker says so)."""
    base = name.rpartition("/")[2]
    m = _REPLY_NAME.match(base)
    if m is None:
        return None
    head, _, to = base.removesuffix(".md").rpartition("-to-")
    period = m["period"]
    author = head[len(period) + 1:]
    if not SLUG.match(author) or not SLUG.match(to):
        return None
    return ReplyName(period, author, to)


def entry_kind(path: str) -> str | None:
    """The kind of journal file at a repository-relative POSIX path, or None if not ours."""
    # Plain string work: this runs for every file of every tree and index the tool reads.
    if path == CONFIG:
        return "config"
    if not path.endswith(".md") or "/." in path:
        # A part that starts with a dot (checkins/.x/…, goals/.draft.md) is none: the working
        # tree's listing never walks one, and the history and the hooks must count what
        # `journal check` checks.
        return None
    top, sep, rest = path.partition("/")
    if not sep or not rest:
        return None
    if top == CHECKINS:
        return "checkin"
    if top == REPLIES:
        return "reply"
    if "/" in rest:
        return None
    if top == CONTRACTS:
        return "contract"
    if top == GOALS:
        return "goal"
    return None


#: The endings editors and tools give Markdown files (the lowercase `.md` is the entries').
_MARKDOWN_ENDINGS = (".md", ".markdown", ".mdown", ".mkdn", ".mkd", ".mdwn", ".mdtxt", ".mdtext")


def is_stray(path: str) -> bool:
    """Whether a regular file in an entry folder (`path`, repository-relative POSIX) looks
    written as an entry but is none, so nothing reads it: a Markdown file (any of
    `_MARKDOWN_ENDINGS`, in any case) nested in `goals/` or `contracts/`, or ending otherwise
    than in `.md`. A name with a part that starts with a dot is none (the working tree's
    listing never walks one: what editors leave beside a file, a tool's own folder), nor is
    a symlink: the caller leaves those out."""
    name = path.rpartition("/")[2].lower()
    return (name.endswith(_MARKDOWN_ENDINGS) and path.partition("/")[0] in FOLDERS
            and entry_kind(path) is None and "/." not in path)


def checkin_path(period: str, member: str) -> str:
    return f"{CHECKINS}/{period[:4]}/{period}-{member}.md"


def reply_path(period: str, author: str, to: str) -> str:
    return f"{REPLIES}/{period[:4]}/{period}-{author}-to-{to}.md"
