"""The history walk's cache under the git folder: a sealed marshal file, validated on load,
and a file of deltas appended beside it.

history.bin holds the whole walk for one head (store/plain_cache.py: read back in a
fraction of JSON's time, and refused whole when cut short or damaged): filings and replies
as columns, their rows sorted by key, which is also how read_history keeps them until it
makes their objects (history_events.py), so a warm command builds no dict of tuples in
between. After a walk of a few new commits only what they changed is appended to
history.deltas, as one JSON line naming the base file it belongs to, the head it starts
from and the head it reaches; a load applies the lines that continue the chain and skips
the rest (one a concurrent command appended from another head, one cut short by a crash,
one left from an older base file). Past _MAX_DELTAS lines the base is written whole again
and the deltas are dropped, so loading stays one read.

Anything this machine cannot use (another format or version, another shallow cut, a
value of the wrong shape) reads as no cache at all, and the walk is redone."""

from __future__ import annotations

import json
import operator
import os
import re
from bisect import bisect_left
from pathlib import Path
from typing import Any, NamedTuple

from journal.core.layout import CheckinName, ReplyName, parse_checkin_name, parse_reply_name
from journal.store import plain_cache
from journal.store.local_state import MAX_STATE_BYTES

CACHE_FILE = "history.bin"
DELTAS_FILE = "history.deltas"
_OLD_FILE = "history.json"  # JSON lines, before the sealed marshal file
# Bump when what counts as a filing, or how this file holds it, changes: every old cache is rebuilt.
# 2: zones in force; 3: replies; 4: contract terms in force; 5: settled times; 6: rows sorted by
# key (checked on load), equal texts stored once; 7: no path with a part that starts with a dot.
CACHE_VERSION = 7
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
# What a walk finds, or adds to a cached walk: by key, as the walk builds it.
Found = tuple[dict[Key, Event], dict[PauseKey, Seen], dict[str, Zones], dict[ReplyKey, Event], dict[str, Terms],
              Raised]
# One tuple per field of key and event, rows sorted by key: filings and replies as cached.
Columns = tuple[tuple[Any, ...], ...]
# A whole walk as read_history keeps it: filings and replies as columns, the rest by key.
Stored = tuple[Columns, dict[PauseKey, Seen], dict[str, Zones], Columns, dict[str, Terms], Raised]
_MAX_DELTAS = 64  # appended lines before the base is written whole again
_INSERT_AT_MOST = 256  # new items merged into columns one by one; more are sorted in whole
_PARTS = ("filings", "pauses", "zones", "replies", "terms", "raised")


class Cached(NamedTuple):
    """A cached walk: its head, what it found, and what an append to it must name."""

    head: str
    found: Stored
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
    changes: Found = ({}, {}, {}, {}, {}, {})
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
                for part, items in zip(changes, more):
                    part.update(items)  # type: ignore[attr-defined]
    return Cached(head, merged(found, changes), token, count)


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


def _found(parts: list[Any]) -> Stored | None:
    """The walk from the six parts as stored, or None when anything is misshapen.

    This runs over tens of thousands of items on every command, so it works column by
    column: exact types by `set(map(type, ...))` (a bool is no int) or, for texts, by
    joining them, commit ids by one pass over each column, periods once per distinct one,
    names once per distinct member or (author, partner) pair, the order of the rows by
    comparing neighbours; only the few zones and terms versions are checked one by one."""
    filings, pauses, zones, replies, terms, raised = parts
    if not (_columns(filings, _FILINGS) and _columns(pauses, _PAUSES) and _columns(replies, _REPLIES)
            and _columns(raised, _RAISED) and _zones(zones) and _terms(terms)):
        return None
    if not (_ids(filings[4], pauses[6], replies[5], raised[0]) and _periods(set(filings[1]))
            and _periods(set(replies[2]))
            and all(map(_is_checkin_member, set(filings[0])))
            and all(_is_reply_pair(*pair) for pair in set(zip(replies[0], replies[1])))
            and _in_order(filings, 2) and _in_order(replies, 3)):
        return None
    return filings, _by_key(pauses, 4), zones, replies, terms, dict(zip(*raised))


def _in_order(columns: Columns, width: int) -> bool:
    """Whether the rows' keys (their first `width` fields) rise strictly: sorted, none twice."""
    keys = list(zip(*columns[:width]))
    return all(map(operator.lt, keys, keys[1:]))


def _by_key(columns: Columns, width: int) -> dict[Any, Any]:
    return dict(zip(zip(*columns[:width]), zip(*columns[width:])))


class Rows:
    """A part's columns looked up by key (a walk's few added keys), its keys listed when first asked."""

    def __init__(self, columns: Columns, width: int) -> None:
        self.columns, self.width = columns, width
        self.keys: list[tuple[Any, ...]] | None = None

    def get(self, key: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The row's fields after the key, or None when no row has `key`."""
        if self.keys is None:
            self.keys = list(zip(*self.columns[: self.width]))
        at = bisect_left(self.keys, key)
        if at == len(self.keys) or self.keys[at] != key:
            return None
        return tuple(column[at] for column in self.columns[self.width:])

    def __contains__(self, key: tuple[Any, ...]) -> bool:
        return self.get(key) is not None


def merged(stored: Stored, changes: Found) -> Stored:
    """`stored` with the items of `changes` added, or in place of those of the same key."""
    filings, pauses, zones, replies, terms, raised = stored
    return (_merged(filings, 2, changes[0]), {**pauses, **changes[1]}, {**zones, **changes[2]},
            _merged(replies, 3, changes[3]), {**terms, **changes[4]}, {**raised, **changes[5]})


def _merged(columns: Columns, width: int, changes: dict[Any, tuple[Any, ...]]) -> Columns:
    if not changes:
        return columns
    if len(changes) > _INSERT_AT_MOST:  # a first walk, or one of many new commits
        return _stored({**_by_key(columns, width), **changes}, len(columns))
    keys, rows = list(zip(*columns[:width])), [list(column) for column in columns]
    for key, event in sorted(changes.items()):
        at = bisect_left(keys, key)
        if at < len(keys) and keys[at] == key:
            for column, value in zip(rows, (*key, *event)):
                column[at] = value
        else:
            keys.insert(at, key)
            for column, value in zip(rows, (*key, *event)):
                column.insert(at, value)
    return tuple(map(tuple, rows))


def _columns(columns: Any, types: tuple[type, ...]) -> bool:
    """Whether `columns` is one tuple of exactly `types` items per field, all of one length."""
    return (type(columns) is tuple and len(columns) == len(types) and _types(columns) == {tuple}
            and len(set(map(len, columns))) == 1 and all(map(_typed, columns, types)))


def _typed(column: tuple[Any, ...], kind: type) -> bool:
    if kind is not str:
        return _types(column) <= {kind}
    try:
        "".join(column)  # in C, and only texts join: marshal and JSON make no subclass of str
    except TypeError:
        return False
    return True


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
    found = _found([columns[0], columns[1], zones, columns[2], terms, columns[3]])
    if found is None:
        return None
    return _by_key(found[0], 2), found[1], found[2], _by_key(found[3], 3), found[4], found[5]


def _transposed(rows: list[list[Any]], width: int) -> tuple[tuple[Any, ...], ...] | None:
    """The columns of `rows`, or None unless each has `width` values."""
    if not rows:
        return ((),) * width
    return tuple(zip(*rows)) if set(map(len, rows)) == {width} else None


def _types(values: Any) -> set[type]:
    return set(map(type, values))


def _ids(*columns: tuple[str, ...]) -> bool:
    """Whether every text of `columns` is a full object id in lowercase hex (see is_commit_id)."""
    for texts in columns:
        if not set(map(len, texts)) <= {40, 64}:
            return False
        try:
            joined = "".join(texts).encode("ascii")
        except UnicodeEncodeError:
            return False
        if joined.translate(None, b"0123456789abcdef"):
            return False
    return True


def _periods(texts: set[str]) -> bool:
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


def save_cache(path: Path, head: str, grafts: list[str], found: Stored, base: Cached | None = None,
               changes: Found | None = None) -> None:
    """Remember the walk `found` up to `head`: appended as the `changes` a walk from `base`
    (the cache it continued) made, or written whole."""
    if base is not None and changes is not None and base.deltas < _MAX_DELTAS and _append(path, base, head, changes):
        return
    token = os.urandom(8).hex()
    filings, pauses, zones, replies, terms, raised = found
    parts = (_shared(filings), _stored(pauses, len(_PAUSES)), zones,
             _shared(replies), terms, _transposed(sorted(raised.items()), len(_RAISED)))
    plain_cache.save(path, _TAG, (grafts, head, token, *parts), replaces=path.with_name(_OLD_FILE))
    try:
        path.with_name(DELTAS_FILE).unlink(missing_ok=True)  # they name the base file they continue
    except OSError:
        pass


def _stored(items: dict[Any, tuple[Any, ...]], width: int) -> Columns:
    return _transposed([(*key, *value) for key, value in sorted(items.items())], width)  # type: ignore[arg-type,return-value]


def _shared(columns: Columns) -> Columns:
    """`columns` with each value kept once per column: marshal then writes the repeats (a
    handful of members, authors and periods) as references, and reads them back ~3x faster."""
    return tuple(tuple(map({}.setdefault, column, column)) for column in columns)


def _append(path: Path, base: Cached, head: str, changes: Found) -> bool:
    """Append `changes`, the items a walk from `base` added or replaced; False when the file
    should be written whole."""
    # A walk only adds or replaces items (an earlier filing, a new version), never drops
    # one, so the changed items are all a line needs to carry.
    line = _line({"file": base.base, "base": base.head, "head": head}, changes)
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
