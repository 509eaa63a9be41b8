"""The history walk's cache under the git folder: a sealed marshal file, validated on load,
and a file of deltas appended beside it.

history.bin holds the whole walk for one head (store/plain_cache.py: read back in a
fraction of JSON's time, and refused whole when cut short or damaged), as the very dicts
the walk builds. After a walk of a few new commits only what they changed is appended to
history.deltas, as one JSON line naming the base file it belongs to, the head it starts
from and the head it reaches; a load applies the lines that continue the chain and skips
the rest (one a concurrent command appended from another head, one cut short by a crash,
one left from an older base file). Past _MAX_DELTAS lines the base is written whole again
and the deltas are dropped, so loading stays one read.

Anything this machine cannot use (another format or version, another shallow cut, a
value of the wrong shape) reads as no cache at all, and the walk is redone."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from journal.core.layout import CheckinName, ReplyName, parse_checkin_name, parse_reply_name
from journal.store import plain_cache
from journal.store.local_state import MAX_STATE_BYTES

CACHE_FILE = "history.bin"
DELTAS_FILE = "history.deltas"
_OLD_FILE = "history.json"  # JSON lines, before the sealed marshal file
# Bump when what counts as a filing changes, so every old cache is rebuilt.
CACHE_VERSION = 5  # 2: zones in force; 3: replies; 4: contract terms in force; 5: settled times
_TAG = f"journal-history {CACHE_VERSION}"

Key = tuple[str, str]  # (member, period)
ReplyKey = tuple[str, str, str]  # (author, partner answered, period)
PauseKey = tuple[str, str, str, str]  # (contract slug, member, from, to)
# Author time, offset (minutes), commit, path, name, email.
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
_MAX_DELTAS = 64  # appended lines before the base is written whole again
_PARTS = ("filings", "pauses", "zones", "replies", "terms", "raised")


class Cached(NamedTuple):
    """A cached walk: its head, what it found, and what an append to it must name."""

    head: str
    found: Found
    base: str  # the token of the base file, which every delta appended to it names
    deltas: int  # lines in the deltas file when it was read


def load_cache(path: Path, grafts: list[str]) -> Cached | None:
    """The cached walk, or None for anything but a well-formed cache of this very format."""
    raw = plain_cache.load(path, _TAG, MAX_STATE_BYTES)
    # (grafts, head, token, *parts), as save_cache wrote it.
    if type(raw) is not tuple or len(raw) != 3 + len(_PARTS) or type(raw[0]) is not list or raw[0] != grafts:
        return None
    _, head, token, *parts = raw
    found = _found(parts) if type(token) is str and is_commit_id(head) else None
    if found is None:
        return None
    lines, count = _delta_lines(path.with_name(DELTAS_FILE))
    for line in lines:
        try:
            delta = json.loads(line) if line.strip() else None
        except (ValueError, RecursionError):
            continue  # a line cut short by a crash; the next one starts on a line of its own
        if type(delta) is dict and delta.get("file") == token and delta.get("base") == head:
            # Checked whole before it is applied: a misshapen line changes nothing.
            more = _from_line(delta)
            if more is not None and is_commit_id(delta.get("head")):
                head = delta["head"]
                for part, items in zip(found, more):
                    part.update(items)  # type: ignore[attr-defined]
    return Cached(head, found, token, count)


def _delta_lines(path: Path) -> tuple[list[bytes], int]:
    """The appended lines, and how many the next save should count."""
    try:
        if path.stat().st_size > MAX_STATE_BYTES:
            return [], _MAX_DELTAS  # ignored, and dropped at the next save
        lines = path.read_bytes().split(b"\n")[1:]  # each line is written after a line break
    except OSError:
        return [], 0
    return lines, len(lines)


# The parts stored as columns (tuples of equal length, one per field of key and value):
# marshal reads tens of thousands of small tuples back far slower than a few long ones,
# and a column's types are checked in one pass. Zones and terms (a few versions) are dicts.
_EVENT = (int, int, str, str, str, str)
_FILINGS = (str, str, *_EVENT)  # member, period
_PAUSES = (str, str, str, str, int, int, str)  # slug, member, from, to, time, offset, commit
_REPLIES = (str, str, str, *_EVENT)  # author, partner, period
_RAISED = (str, int)
_ZONES = (int, int, str, dict)
_TERMS = (int, int, str, str, str, str)


def _found(parts: list[Any]) -> Found | None:
    """The walk's dicts from the six parts as stored, or None when anything is misshapen.

    This runs over tens of thousands of items on every command, so it works column by
    column: exact types by `set(map(type, ...))` (a bool is no int), commit ids and
    periods by one pass over all of them, names once per distinct member or (author,
    partner) pair; only the few zones and terms versions are checked one by one."""
    filings, pauses, zones, replies, terms, raised = parts
    if not (_columns(filings, _FILINGS) and _columns(pauses, _PAUSES) and _columns(replies, _REPLIES)
            and _columns(raised, _RAISED) and _zones(zones) and _terms(terms)):
        return None
    if not (_ids(filings[4], pauses[6], replies[5], raised[0]) and _periods(filings[1]) and _periods(replies[2])
            and all(map(_is_checkin_member, set(filings[0])))
            and all(_is_reply_pair(*pair) for pair in set(zip(replies[0], replies[1])))):
        return None
    return (dict(zip(zip(*filings[:2]), zip(*filings[2:]))), dict(zip(zip(*pauses[:4]), zip(*pauses[4:]))),
            zones, dict(zip(zip(*replies[:3]), zip(*replies[3:]))), terms, dict(zip(*raised)))


def _columns(columns: Any, types: tuple[type, ...]) -> bool:
    """Whether `columns` is one tuple of exactly `types` items per field, all of one length."""
    return (type(columns) is tuple and len(columns) == len(types) and _types(columns) == {tuple}
            and len(set(map(len, columns))) == 1 and all(_types(column) <= {kind} for column, kind in zip(columns, types)))


def _zones(zones: Any) -> bool:
    return type(zones) is dict and all(
        type(version) is tuple and tuple(map(type, version)) == _ZONES and key == version[2]
        and is_commit_id(key) and _types(version[3]) <= {str} and _types(version[3].values()) <= {str}
        for key, version in zones.items())


def _terms(terms: Any) -> bool:
    return type(terms) is dict and all(
        type(version) is tuple and tuple(map(type, version)) == _TERMS and key == f"{version[2]}:{version[3]}"
        and is_commit_id(version[2]) and _is_json(version[4])
        for key, version in terms.items())


def _from_line(line: dict[str, Any]) -> Found | None:
    """What one appended line carries, as the base file's dicts, or None when misshapen."""
    parts = [line.get(part) for part in _PARTS]
    if not all(type(part) is list and _types(part) <= {list} for part in parts):
        return None
    filings, pauses, zones, replies, terms, raised = parts
    if any(len(item) != 4 for item in zones) or any(len(item) != 6 for item in terms):
        return None
    try:  # a key holding a list or a dict is unhashable: misshapen
        zones = {item[2]: tuple(item) for item in zones}
        terms = {f"{item[2]}:{item[3]}": tuple(item) for item in terms}
    except TypeError:
        return None
    columns = [_transposed(rows, len(kinds)) for rows, kinds in
               ((filings, _FILINGS), (pauses, _PAUSES), (replies, _REPLIES), (raised, _RAISED))]
    return _found([columns[0], columns[1], zones, columns[2], terms, columns[3]])


def _transposed(rows: list[list[Any]], width: int) -> tuple[tuple[Any, ...], ...] | None:
    """The columns of `rows`, or None unless each has `width` values."""
    if not rows:
        return ((),) * width
    return tuple(zip(*rows)) if set(map(len, rows)) == {width} else None


def _types(values: Any) -> set[type]:
    return set(map(type, values))


def _ids(*columns: tuple[str, ...]) -> bool:
    """Whether every text of `columns` is a full object id in lowercase hex (see is_commit_id)."""
    texts = set().union(*columns)  # the same commit is named by many items
    if not set(map(len, texts)) <= {40, 64}:
        return False
    try:
        joined = "".join(texts).encode("ascii")
    except UnicodeEncodeError:
        return False
    return not joined.translate(None, b"0123456789abcdef")


def _periods(texts: tuple[str, ...]) -> bool:
    """Whether each of `texts` is a period as an entry's file name writes it, in one match."""
    joined = "\n".join(texts) + "\n"
    # A text holding a line break of its own would be read as two: the count tells.
    return not texts or (joined.count("\n") == len(texts) and _PERIODS.fullmatch(joined) is not None)


def _is_checkin_member(member: str) -> bool:
    # A key must be what a check-in's file name reads as. The period part of a name is one
    # of two fixed patterns, so whether a name reads back depends on its period alone and
    # on its member alone: each member (a handful among thousands of filings) is tried
    # once, with a fixed period, and the periods are matched on their own.
    return parse_checkin_name(f"{_A_WEEK}-{member}.md") == CheckinName(_A_WEEK, member)


def _is_reply_pair(writer: str, to: str) -> bool:
    # As for check-ins: the period part has no "t" or "o", so a reply's name reads back
    # depending on its period alone and on its (author, partner) pair alone.
    return parse_reply_name(f"{_A_WEEK}-{writer}-to-{to}.md") == ReplyName(_A_WEEK, writer, to)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


_A_WEEK = "2000-W01"
# The period part of an entry's file name, as core.layout's name patterns read it.
_PERIODS = re.compile(r"(?:(?:[0-9]{4}-W[0-9]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2})\n)*")
_COMMIT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def is_commit_id(value: Any) -> bool:
    """A full SHA-1 or SHA-256 object id in lowercase hex."""
    return type(value) is str and _COMMIT_ID.fullmatch(value) is not None


def save_cache(path: Path, head: str, grafts: list[str], found: Found, base: Cached | None = None) -> None:
    """Remember the walk up to `head`: appended as what changed since `base` (the cache
    this walk continued), or written whole."""
    if base is not None and base.deltas < _MAX_DELTAS and _append(path, base, head, found):
        return
    token = os.urandom(8).hex()
    filings, pauses, zones, replies, terms, raised = found
    # Sorted, so that the sorts of read_history find their input in order.
    parts = (_stored(filings, len(_FILINGS)), _stored(pauses, len(_PAUSES)), zones,
             _stored(replies, len(_REPLIES)), terms, _transposed(sorted(raised.items()), len(_RAISED)))
    plain_cache.save(path, _TAG, (grafts, head, token, *parts), replaces=path.with_name(_OLD_FILE))
    try:
        path.with_name(DELTAS_FILE).unlink(missing_ok=True)  # they name the base file they continue
    except OSError:
        pass


def _stored(items: dict[Any, tuple[Any, ...]], width: int) -> tuple[tuple[Any, ...], ...] | None:
    return _transposed([(*key, *value) for key, value in sorted(items.items())], width)  # type: ignore[arg-type]


def _append(path: Path, base: Cached, head: str, found: Found) -> bool:
    """Append the items that differ from `base`; False when the file should be written whole."""
    # A walk only adds or replaces items (an earlier filing, a new version), never drops
    # one, so the changed items are all a line needs to carry.
    changed = tuple({k: v for k, v in now.items() if old.get(k) != v} for now, old in zip(found, base.found))
    line = _line({"file": base.base, "base": base.head, "head": head}, changed)  # type: ignore[arg-type]
    try:
        # One write to a file opened for appending: a concurrent command's line lands
        # before or after this one, never inside it. Each line starts its own line, so
        # one cut short by a crash spoils only itself.
        fd = os.open(path.with_name(DELTAS_FILE), os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0),
                     0o644)
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
