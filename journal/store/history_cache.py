"""The history walk's cache under the git folder: its JSON shape, validated on load, written whole.

Anything this machine cannot use (another format or version, another shallow cut, a
value of the wrong shape) reads as no cache at all, and the walk is redone."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from journal.core.layout import ReplyName, parse_checkin_name, parse_reply_name
from journal.store.atomic import write_replace
from journal.store.local_state import read_json

CACHE_FILE = "history.json"
# Bump when what counts as a filing changes, so every old cache is rebuilt.
CACHE_VERSION = 5  # 2: zones in force; 3: replies; 4: contract terms in force; 5: settled times
_CACHE_FORMAT = "journal-history"

Key = tuple[str, str]  # (member, period)
ReplyKey = tuple[str, str, str]  # (author, partner answered, period)
PauseKey = tuple[str, str, str, str]  # (contract slug, member, from, to)
# Everything JSON can carry: author time, offset (minutes), commit, path, name, email.
Event = tuple[int, int, str, str, str, str]
Seen = tuple[int, int, str]  # author time, offset, commit
# A version of journal.yaml's zones: author time, offset, commit, member -> zone as written.
Zones = tuple[int, int, str, dict[str, str]]
# A version of a contract's verdict terms: author time, offset, commit, slug, the terms as
# canonical JSON text, and the slug it was renamed from ("" if none).
Terms = tuple[int, int, str, str, str, str]
# Commit -> the time its settings take effect, for the commits where that is later than
# its author time (see store/history.py, _settled).
Raised = dict[str, int]
Found = tuple[dict[Key, Event], dict[PauseKey, Seen], dict[str, Zones], dict[ReplyKey, Event], dict[str, Terms],
              Raised]


def load_cache(path: Path, grafts: list[str]
                ) -> tuple[str, dict[Key, Event], dict[PauseKey, Seen], dict[str, Zones], dict[ReplyKey, Event],
                           dict[str, Terms], Raised] | None:
    """The cached walk, or None for anything but a well-formed cache of this very format."""
    raw = read_json(path)  # None for anything this machine cannot use: the walk is redone
    if (not isinstance(raw, dict) or raw.get("format") != _CACHE_FORMAT
            or raw.get("version") != CACHE_VERSION or raw.get("shallow") != grafts
            or not is_commit_id(raw.get("head"))
            or not isinstance(raw.get("filings"), list) or not isinstance(raw.get("pauses"), list)
            or not isinstance(raw.get("zones"), list) or not isinstance(raw.get("replies"), list)
            or not isinstance(raw.get("terms"), list) or not isinstance(raw.get("raised"), list)):
        return None
    filings: dict[Key, Event] = {}
    for item in raw["filings"]:
        if not (_shaped(item, "ssiissss") and is_commit_id(item[4])):
            return None
        found = parse_checkin_name(f"{item[1]}-{item[0]}.md")
        if found is None or (found.member, found.period) != (item[0], item[1]):
            return None
        filings[(item[0], item[1])] = tuple(item[2:])  # type: ignore[assignment]
    pauses: dict[PauseKey, Seen] = {}
    for item in raw["pauses"]:
        if not (_shaped(item, "ssssiis") and is_commit_id(item[6])):
            return None
        pauses[tuple(item[:4])] = tuple(item[4:])  # type: ignore[index]
    zones: dict[str, Zones] = {}
    for item in raw["zones"]:
        if not (isinstance(item, list) and len(item) == 4 and _shaped(item[:3], "iis") and is_commit_id(item[2])
                and isinstance(item[3], dict) and all(isinstance(v, str) for v in item[3].values())):
            return None
        zones[item[2]] = (item[0], item[1], item[2], item[3])
    replies: dict[ReplyKey, Event] = {}
    for item in raw["replies"]:
        if not (_shaped(item, "sssiissss") and is_commit_id(item[5])):
            return None
        if parse_reply_name(f"{item[2]}-{item[0]}-to-{item[1]}.md") != ReplyName(item[2], item[0], item[1]):
            return None
        replies[(item[0], item[1], item[2])] = tuple(item[3:])  # type: ignore[assignment]
    terms: dict[str, Terms] = {}
    for item in raw["terms"]:
        if not (_shaped(item, "iissss") and is_commit_id(item[2]) and _is_json(item[4])):
            return None
        terms[f"{item[2]}:{item[3]}"] = tuple(item)  # type: ignore[assignment]
    raised: Raised = {}
    for item in raw["raised"]:
        if not (_shaped(item, "si") and is_commit_id(item[0])):
            return None
        raised[item[0]] = item[1]
    return raw["head"], filings, pauses, zones, replies, terms, raised


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


_TYPES = {"s": str, "i": int}
_SHAPES: dict[str, tuple[type, ...]] = {}
_COMMIT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def _shaped(item: Any, kinds: str) -> bool:
    # Called for each of the tens of thousands of items of a cache: the types are worked
    # out once per shape, and compared as one tuple.
    types = _SHAPES.get(kinds)
    if types is None:
        types = _SHAPES[kinds] = tuple(_TYPES[k] for k in kinds)
    return type(item) is list and tuple(map(type, item)) == types


def is_commit_id(value: Any) -> bool:
    """A full SHA-1 or SHA-256 object id in lowercase hex."""
    return type(value) is str and _COMMIT_ID.fullmatch(value) is not None


def save_cache(path: Path, head: str, grafts: list[str], found: Found) -> None:
    filings, pauses, zones, replies, terms, raised = found
    data = {
        "format": _CACHE_FORMAT, "version": CACHE_VERSION, "head": head, "shallow": grafts,
        "filings": [[*key, *event] for key, event in sorted(filings.items())],
        "pauses": [[*key, *seen] for key, seen in sorted(pauses.items())],
        "zones": [[*version[:3], version[3]] for _, version in sorted(zones.items())],
        "replies": [[*key, *event] for key, event in sorted(replies.items())],
        "terms": [list(version) for _, version in sorted(terms.items())],
        "raised": [[commit, time] for commit, time in sorted(raised.items())],
    }
    try:
        write_replace(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    except OSError:
        pass  # a read-only repository still answers, just more slowly next time
