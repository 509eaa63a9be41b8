"""Parsed entries keyed by blob id (a content hash), under `<gitdir>/journal/`.

* `entries.bin`: the parses of every entry but replies, sealed marshal (store/plain_cache.py).
* `entries.log`: the parses made since, one JSON line each, appended: a commit that adds one
  check-in or reply appends one line instead of rewriting anything. The log is folded into
  the files above when a complete read finds entries to forget, or when it grows long.
* `reply-heads.bin` and `replies-<0-f>.bin`: replies apart, because a journal holds five
  times as many of them as of everything else and most commands read few. The heads (names,
  privacy, field names, a text hash: core/entries.Head) load with every run; a reply's parse
  is fetched only when something reads it (core/lazy_entry.LazyEntry), from the one of sixteen
  files that holds the replies to the same member, so judging a new reply's pair or thread
  reads one file: a run checks only that each of the sixteen is whole (its tag and length),
  and reads and unseals one when a parse in it is first wanted. The heads are kept in columns (keys, authors, ...), each checked in one
  pass when loaded rather than head by head when used.

Only what JSON carries back unchanged is cached, in every file: a cached parse is then exactly
the parse it stands for, whichever file it came from. Every file is checked on load (its
seal, then each value's exact shape before use); a file that fails is ignored and written
again, never trusted. Keys are content hashes, so a value found under a key is that
content's parse whichever run wrote it: a reply whose parse is missing from its file
(a run cut short between two writes) is read again from where it came from.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from functools import partial
from itertools import compress, repeat
from operator import is_, not_
from pathlib import Path
from typing import Any

from journal.core.entries import Entry, Head, read_entry
from journal.core.lazy_entry import LazyEntry, Parse
from journal.core.problems import Problem
from journal.errors import JournalError
from journal.store import plain_cache
from journal.store.local_state import MAX_STATE_BYTES

CACHE_VERSION = 5  # 2: keyed by kind and blob id; 3: marshal instead of JSON; 4: replies apart; 5: heads in columns
ENTRIES_FILE = "entries.bin"
LOG_FILE = "entries.log"
HEADS_FILE = "reply-heads.bin"
#: The files of replies' parses, by a hex digit of the member answered (see `shard`).
REPLY_FILES = {digit: f"replies-{digit}.bin" for digit in "0123456789abcdef"}
_TAG = f"journal-entries {CACHE_VERSION}"
_HEADS_TAG = f"journal-reply-heads {CACHE_VERSION}"
_REPLIES_TAG = f"journal-replies {CACHE_VERSION}"
_OLD_FILE = "entries.json"  # what versions 1 and 2 wrote: removed when the new file is written
# The log is folded once it holds more lines than this or a quarter of the entries.
_MIN_LOG_LINES = 256
_REPLY = "reply:"  # the prefix of a reply's key (see EntryCache.key)


class EntryCache:
    """The parses under one folder (None: no cache, nothing kept)."""

    def __init__(self, folder: Path | None, reread: Callable[[str, str], bytes] | None = None) -> None:
        """`reread(path, blob)` reads a file again when a lazy reply's parse is missing and no
        reader was given for it (see `get`)."""
        self.folder = folder
        self.reread = reread
        self.file = folder / ENTRIES_FILE if folder else None
        self.log = folder / LOG_FILE if folder else None
        self.logged = 0  # lines in the log when it was read
        self.base_ok = False  # entries.bin was this module's: only then may the log extend it
        self.heads: dict[str, Head] = {}  # reply key -> its Head
        self._replies: dict[str, dict[str, Any]] = {}  # digit -> the parses in its file, once read
        self.items: dict[str, list[Any]] = self._load()
        self.added: dict[str, list[Any]] = {}

    def _load(self) -> dict[str, list[Any]]:
        if self.folder is None or self.file is None:
            return {}
        items = _read_base(self.file)  # None for anything this machine cannot use: rebuilt
        if items is None:
            return {}
        self.base_ok = True
        heads = plain_cache.load(self.folder / HEADS_FILE, _HEADS_TAG, MAX_STATE_BYTES)
        # The heads are only as good as the parses behind them: the heads and every file of
        # parses whole, or the heads not used. A file whole but damaged within is found out
        # when read (its seal), and the parses it held are read again from their files.
        replies = (plain_cache.whole(self.folder / name, _REPLIES_TAG, MAX_STATE_BYTES) for name in REPLY_FILES.values())
        found = _read_heads(heads)
        if found is not None and all(replies):
            self.heads = found
        else:
            self.base_ok = False  # folded on save, which writes both again
        items.update(self._read_log())
        return items

    def _read_log(self) -> dict[str, list[Any]]:
        """The appended parses; a line cut short (a run killed while writing) or of the wrong
        shape is skipped, never trusted."""
        found: dict[str, list[Any]] = {}
        assert self.log is not None
        try:
            if self.log.stat().st_size > MAX_STATE_BYTES:
                return {}
            lines = self.log.read_bytes().split(b"\n")
        except OSError:
            return {}
        for line in lines:
            if not line:
                continue
            self.logged += 1
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if (isinstance(item, list) and len(item) == 3 and item[0] == CACHE_VERSION
                    and isinstance(item[1], str) and _valid_item(item[2])):
                found[item[1]] = item[2]
        return found

    @staticmethod
    def key(blob: str, kind: str) -> str:
        """The cache key of a blob read as an entry of `kind`: the same bytes read as
        journal.yaml and as an entry parse differently, so a parse is kept per kind."""
        return f"{kind}:{blob}"

    def get(self, key: str, path: str, kind: str, read: Callable[[], bytes] | None) -> Entry | None:
        """The cached parse of `key` as the entry at `path`; a reply known only by its head
        comes back lazy, its parse fetched (or, missing, read again with `read`, else with
        `reread`) on first use."""
        item = self.items.get(key)
        if item is not None:
            data, body, yaml_text, yaml_line, body_line = item
            return Entry(path, kind, data, body, yaml_text, yaml_line, body_line)
        head = self.heads.get(key)
        if head is None:
            return None
        return LazyEntry(path, kind, head, partial(self._fetch, key, read))

    def get_many(self, paths: list[str], keys: list[str], kinds: list[str]) -> list[Entry | None]:
        """`get(key, path, kind, None)` for each (path, key, kind), in bulk: a warm load asks
        for every file of the journal at once, and this does the per-file work in C where it can."""
        found: list[Any] = list(map(self.items.get, keys))
        # Which were not among the parses: replies known by their heads, or not cached at all.
        deferred = list(map(is_, found, repeat(None)))
        lazy_keys = list(compress(keys, deferred))
        heads = list(map(self.heads.get, lazy_keys))
        lazy_paths, lazy_kinds = list(compress(paths, deferred)), list(compress(kinds, deferred))
        where = list(compress(range(len(keys)), deferred))
        if None in heads:  # some not cached at all (rare): left None, for the caller to read
            known = [head is not None for head in heads]
            where, lazy_paths, lazy_kinds, lazy_keys, heads = (list(compress(column, known)) for column in
                                                                (where, lazy_paths, lazy_kinds, lazy_keys, heads))
        for at, entry in zip(where, LazyEntry.many(lazy_paths, lazy_kinds, heads, self._fetch_listed, lazy_keys)):
            found[at] = entry
        new, settle = object.__new__, object.__setattr__
        for at in compress(range(len(keys)), map(not_, deferred)):
            data, body, yaml_text, yaml_line, body_line = found[at]
            # What Entry(...) makes, without its frozen __init__'s seven calls of object.__setattr__.
            settle(entry := new(Entry), "__dict__", {"path": paths[at], "kind": kinds[at], "data": data, "body": body,
                                                    "yaml_text": yaml_text, "yaml_line": yaml_line,
                                                    "body_line": body_line})
            found[at] = entry
        return found

    def _fetch_listed(self, entry: LazyEntry) -> Parse:
        """The parse of a lazy entry `get_many` made (one bound method for all of them)."""
        return self._fetch(entry.__dict__["_token"], None, entry)

    def _fetch(self, key: str, read: Callable[[], bytes] | None, entry: LazyEntry) -> Parse:
        path, kind, head = entry.path, entry.kind, entry.head
        item = self._shard(shard(head.to)).get(key)
        if _valid_item(item):
            data, body, yaml_text, yaml_line, body_line = item
            return data, body, yaml_text, yaml_line, body_line
        if read is None:
            if self.reread is None:
                raise JournalError(f"{path}: its parse is missing from the cache", hint="run the command again")
            data = self.reread(path, key.partition(":")[2])
        else:
            data = read()
        fresh = read_entry(path, kind, data)
        if isinstance(fresh, Problem) or fresh.head != head:
            raise changed_meanwhile(path)
        return fresh.data, fresh.body, fresh.yaml_text, fresh.yaml_line, fresh.body_line

    def _shard(self, digit: str) -> dict[str, Any]:
        """The parses in one file of replies, read on first use ({} if it is unusable)."""
        found = self._replies.get(digit)
        if found is None:
            value = plain_cache.load(self.folder / REPLY_FILES[digit], _REPLIES_TAG, MAX_STATE_BYTES) \
                if self.folder is not None else None
            found = self._replies[digit] = value if type(value) is dict else {}
        return found

    def put(self, key: str, entry: Entry) -> None:
        if self.file is None:
            return
        # Only what JSON carries back unchanged may be cached (keys that are not text would not).
        if json.loads(json.dumps(entry.data)) != entry.data:
            return
        item = [entry.data, entry.body, entry.yaml_text, entry.yaml_line, entry.body_line]
        self.items[key] = item
        self.added[key] = item

    def save(self, seen: set[str], complete: bool) -> None:
        """Persist new parses; forget blobs no longer present only after a complete read,
        so a partial read (the pre-commit hook's) never evicts the rest."""
        stale: set[str] = set()
        if complete and not (seen.issuperset(self.items) and seen.issuperset(self.heads)):
            stale = (set(self.items) | set(self.heads)) - seen
        if self.file is None or self.log is None or self.folder is None or not (self.added or stale):
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            if (stale or not self.base_ok
                    or self.logged + len(self.added) > max(_MIN_LOG_LINES, (len(self.items) + len(self.heads)) // 4)):
                self._fold(stale)
            else:
                # One write in append mode: lines of two runs never interleave within a line.
                text = "".join(json.dumps([CACHE_VERSION, key, item]) + "\n" for key, item in self.added.items())
                with open(self.log, "a", encoding="utf-8") as fh:
                    fh.write(text)
        except OSError:
            pass  # a read-only repository still answers, just without a cache
        self.added = {}

    def _fold(self, stale: set[str]) -> None:
        """Write every file whole: replies apart, the rest in entries.bin, the log emptied."""
        from journal.store.atomic import write_replace

        assert self.file is not None and self.log is not None and self.folder is not None
        kept: dict[str, Any] = {}
        for digit in REPLY_FILES:
            kept.update(self._shard(digit))
        replies: dict[str, list[Any]] = {}
        heads: dict[str, Head] = {}
        for key, head in self.heads.items():
            item = kept.get(key)
            if key not in stale and _valid_item(item):
                replies[key], heads[key] = item, head
        items: dict[str, list[Any]] = {}
        for key, item in self.items.items():
            if key in stale:
                continue
            if key.startswith(_REPLY):
                data, body, yaml_text, _, _ = item
                head = Head.of(data, yaml_text, body)
                replies[key], heads[key] = item, head
            else:
                items[key] = item
        # The parses before the heads that name them: a run reading between the two writes
        # finds every head's parse (or, at worst, reads that reply again).
        shards: dict[str, dict[str, list[Any]]] = {digit: {} for digit in REPLY_FILES}
        for key, item in replies.items():
            shards[shard(heads[key].to)][key] = item
        for digit, name in REPLY_FILES.items():
            write_replace(self.folder / name, plain_cache.dump(_REPLIES_TAG, shards[digit]))
        write_replace(self.folder / HEADS_FILE, plain_cache.dump(_HEADS_TAG, _head_columns(heads)))
        write_replace(self.file, plain_cache.dump(_TAG, items))
        self.log.unlink(missing_ok=True)
        (self.file.parent / _OLD_FILE).unlink(missing_ok=True)
        self.items, self.heads, self._replies = {**items, **replies}, {}, {}


def _read_base(path: Path) -> dict[str, list[Any]] | None:
    """The parses in entries.bin, or None when it is missing, foreign, damaged or misshapen."""
    items = plain_cache.load(path, _TAG, MAX_STATE_BYTES)
    if type(items) is not dict or not set(map(type, items)) <= {str}:
        return None
    # `_valid_item` for every value, a field at a time across all of them.
    values = list(items.values())
    if not (set(map(type, values)) <= {list} and set(map(len, values)) <= {len(_ITEM_TYPES)}
            and all(set(map(type, column)) <= {kind} for column, kind in zip(zip(*values), _ITEM_TYPES))):
        return None
    return items


_ITEM_TYPES = (dict, str, str, int, int)
_NAME = frozenset((str, type(None)))
# The heads' columns: keys, then Head's fields: author, to, period (text or None), private,
# field names (a tuple: what they are is not checked here, as nothing but names is ever
# compared with them), digest.
_HEAD_COLUMNS = (frozenset((str,)), _NAME, _NAME, _NAME, frozenset((bool,)), frozenset((tuple,)), frozenset((str,)))


def _head_columns(heads: dict[str, Head]) -> list[list[Any]]:
    """The heads as columns: the key, then each of Head's fields. Equal names and field tuples
    are written once (marshal refers back to an object it wrote already), so they load as one
    object each."""
    same: dict[Any, Any] = {}
    columns: list[list[Any]] = [list(heads), *([] for _ in Head._fields)]
    for head in heads.values():
        for column, value in zip(columns[1:], head):
            column.append(same.setdefault(value, value) if type(value) is not bool else value)
    return columns


def _read_heads(raw: Any) -> dict[str, Head] | None:
    """The heads in the columns `_head_columns` wrote, each column's types checked in one
    pass; None for anything else."""
    if (type(raw) is not list or len(raw) != len(_HEAD_COLUMNS) or any(type(column) is not list for column in raw)
            or len({len(column) for column in raw}) != 1):
        return None
    if not all(set(map(type, column)) <= types for column, types in zip(raw, _HEAD_COLUMNS)):
        return None
    return dict(zip(raw[0], map(tuple.__new__, repeat(Head), zip(*raw[1:]))))


def _valid_item(v: Any) -> bool:
    # Exact types (a bool is not a line number), compared as one tuple: this runs for every
    # cached entry on every command.
    return type(v) is list and len(v) == 5 and tuple(map(type, v)) == _ITEM_TYPES


def shard(to: str | None) -> str:
    """Which file holds the parses of replies to member `to` (their front matter's `to:`): the
    replies one pair's check or one check-in's thread reads are in one file."""
    return "0123456789abcdef"[zlib.crc32((to or "").encode("utf-8", "surrogatepass")) % 16]


def changed_meanwhile(path: str) -> JournalError:
    """The error for a file whose content is no longer what the cache says was read from it."""
    return JournalError(f"{path} changed while journal was reading it; nothing was written",
                        hint="run the command again")
