"""The history walk's cache under the git folder: JSON lines, validated on load, appended to.

The first line is the whole walk for one head. After a walk of a few new commits only
what they changed is appended, as one line naming the head it starts from and the head it
reaches; a load applies the lines that continue the chain and skips the rest (one a
concurrent command appended from another head, one cut short by a crash). Past
_MAX_DELTAS lines the file is written whole again, so loading stays one parse.

Anything this machine cannot use (another format or version, another shallow cut, a
value of the wrong shape) reads as no cache at all, and the walk is redone."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from journal.core.layout import ReplyName, parse_checkin_name, parse_reply_name
from journal.store.atomic import write_replace
from journal.store.local_state import MAX_STATE_BYTES

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
# its author time (see store/settled.py).
Raised = dict[str, int]
Found = tuple[dict[Key, Event], dict[PauseKey, Seen], dict[str, Zones], dict[ReplyKey, Event], dict[str, Terms],
              Raised]
_MAX_DELTAS = 64  # appended lines before the file is written whole again
_PARTS = ("filings", "pauses", "zones", "replies", "terms", "raised")


def load_cache(path: Path, grafts: list[str]
                ) -> tuple[str, dict[Key, Event], dict[PauseKey, Seen], dict[str, Zones], dict[ReplyKey, Event],
                           dict[str, Terms], Raised] | None:
    """The cached walk, or None for anything but a well-formed cache of this very format."""
    try:
        if path.stat().st_size > MAX_STATE_BYTES:
            return None
        lines = path.read_bytes().split(b"\n")
        raw = json.loads(lines[0])
    except (OSError, ValueError, RecursionError):
        return None  # the walk is redone
    if (not isinstance(raw, dict) or raw.get("format") != _CACHE_FORMAT
            or raw.get("version") != CACHE_VERSION or raw.get("shallow") != grafts):
        return None
    found = _found(raw, ({}, {}, {}, {}, {}, {}))
    if found is None:
        return None
    head = raw["head"]
    for line in lines[1:]:
        try:
            delta = json.loads(line) if line.strip() else None
        except (ValueError, RecursionError):
            continue  # a line cut short by a crash; the next one starts on a line of its own
        if isinstance(delta, dict) and delta.get("base") == head:
            # Checked whole before it is applied: a misshapen line changes nothing.
            more = _found(delta, ({}, {}, {}, {}, {}, {}))
            if more is not None:
                head = delta["head"]
                for part, items in zip(found, more):
                    part.update(items)  # type: ignore[attr-defined]
    return head, *found


def _found(raw: Any, into: Found) -> Found | None:
    """`into` updated with the items of one cache line, or None when anything is misshapen."""
    if (not isinstance(raw, dict) or not is_commit_id(raw.get("head"))
            or not all(isinstance(raw.get(part), list) for part in _PARTS)):
        return None
    filings, pauses, zones, replies, terms, raised = into
    for item in raw["filings"]:
        if not (_shaped(item, "ssiissss") and is_commit_id(item[4])):
            return None
        found = parse_checkin_name(f"{item[1]}-{item[0]}.md")
        if found is None or (found.member, found.period) != (item[0], item[1]):
            return None
        filings[(item[0], item[1])] = tuple(item[2:])  # type: ignore[assignment]
    for item in raw["pauses"]:
        if not (_shaped(item, "ssssiis") and is_commit_id(item[6])):
            return None
        pauses[tuple(item[:4])] = tuple(item[4:])  # type: ignore[index]
    for item in raw["zones"]:
        if not (isinstance(item, list) and len(item) == 4 and _shaped(item[:3], "iis") and is_commit_id(item[2])
                and isinstance(item[3], dict) and all(isinstance(v, str) for v in item[3].values())):
            return None
        zones[item[2]] = (item[0], item[1], item[2], item[3])
    pairs: dict[tuple[str, str], bool] = {}
    for item in raw["replies"]:
        if not (_shaped(item, "sssiissss") and is_commit_id(item[5])):
            return None
        # The key must be what a reply's file name reads as. The period part of a name is
        # one of two fixed patterns without "t" or "o", so whether a name reads back depends
        # on its period alone and on the (author, partner) pair alone: the pair (a few dozen
        # among 13,000 replies) is tried once, with a fixed period.
        pair = (item[0], item[1])
        ok = pairs.get(pair)
        if ok is None:
            ok = pairs[pair] = parse_reply_name(f"{_A_WEEK}-{pair[0]}-to-{pair[1]}.md") == ReplyName(_A_WEEK, *pair)
        if not ok or _PERIOD.fullmatch(item[2]) is None:
            return None
        replies[(item[0], item[1], item[2])] = tuple(item[3:])  # type: ignore[assignment]
    for item in raw["terms"]:
        if not (_shaped(item, "iissss") and is_commit_id(item[2]) and _is_json(item[4])):
            return None
        terms[f"{item[2]}:{item[3]}"] = tuple(item)  # type: ignore[assignment]
    for item in raw["raised"]:
        if not (_shaped(item, "si") and is_commit_id(item[0])):
            return None
        raised[item[0]] = item[1]
    return filings, pauses, zones, replies, terms, raised


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


_A_WEEK = "2000-W01"
# The period part of a reply's file name, as core.layout's name pattern reads it.
_PERIOD = re.compile(r"[0-9]{4}-W[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}")
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


def save_cache(path: Path, head: str, grafts: list[str], found: Found, base: str | None = None,
               before: Found | None = None) -> None:
    """Remember the walk up to `head`: appended as what changed since `base` (the head the
    cache held, whose walk was `before`), or written whole."""
    if base is not None and before is not None and _append(path, base, head, found, before):
        return
    try:
        write_replace(path, _line({"format": _CACHE_FORMAT, "version": CACHE_VERSION, "head": head,
                                   "shallow": grafts}, found))
    except OSError:
        pass  # a read-only repository still answers, just more slowly next time


def _append(path: Path, base: str, head: str, found: Found, before: Found) -> bool:
    """Append the items that differ from `before`; False when the file should be written whole."""
    # A walk only adds or replaces items (an earlier filing, a new version), never drops
    # one, so the changed items are all a line needs to carry.
    changed = tuple({k: v for k, v in now.items() if old.get(k) != v} for now, old in zip(found, before))
    line = _line({"base": base, "head": head}, changed)  # type: ignore[arg-type]
    try:
        with path.open("rb") as old_file:
            if sum(chunk.count(b"\n") for chunk in iter(lambda: old_file.read(1 << 20), b"")) >= _MAX_DELTAS:
                return False
        # One write to a file opened for appending: a concurrent command's line lands
        # before or after this one, never inside it. Each line starts its own line, so
        # one cut short by a crash spoils only itself.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
        try:
            os.write(fd, b"\n" + line.encode("ascii"))
        finally:
            os.close(fd)
    except OSError:
        return False
    return True


def _line(head: dict[str, Any], found: Found) -> str:
    filings, pauses, zones, replies, terms, raised = found
    data = {
        **head,
        "filings": [[*key, *event] for key, event in sorted(filings.items())],
        "pauses": [[*key, *seen] for key, seen in sorted(pauses.items())],
        "zones": [[*version[:3], version[3]] for _, version in sorted(zones.items())],
        "replies": [[*key, *event] for key, event in sorted(replies.items())],
        "terms": [list(version) for _, version in sorted(terms.items())],
        "raised": [[commit, time] for commit, time in sorted(raised.items())],
    }
    # ASCII: a path libgit2 read with surrogate escapes (bytes that are not UTF-8) is written
    # as \\udcxx and read back the same, where UTF-8 output would refuse it.
    return json.dumps(data, separators=(",", ":"))
