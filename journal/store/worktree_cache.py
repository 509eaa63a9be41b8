"""The working tree's journal files, read only when they changed since this machine last read them.

Like git's index, `<gitdir>/journal/worktree.bin` (see store/plain_cache.py) remembers, per path, the file's size,
modification and change times (ns), inode and device as they were when it was read, and
the blob id of what was read. A file whose `lstat` still gives all of these is not read
again: its parse comes from the entry cache by that blob id. Only files whose times lie
more than `STABLE_NS` in the past are remembered, so a file written twice within one
clock tick (git's "racily clean" case) is read again rather than trusted; a run that reads
such a file leaves the file for a later run to write (see DEFER). Anything else —
a new or changed file, a link, an entry the cache lost — is read as before, through
store.paths, which refuses symlinks. A signature never leads to reading anything: at worst
it names content this machine read through the guarded path earlier.

The same file keeps the listings of the journal's folders, as git's untracked cache does
(see store/worktree.list_journal): a folder whose own signature is unchanged is not listed
again. The files' signatures are kept as one column, in the bytes `marshal` writes for them
(version 2: no back-references, so the same values always give the same bytes), so that a
run in which nothing changed compares this run's signatures with the remembered ones in one
comparison, and decodes them only when something did change. The other columns (paths,
entry-cache keys, blob ids, kinds) are each one text, the values joined by NUL (which no
path, key, blob id or kind holds): marshal reads a few long texts back at once where it made
an object per value, their values are texts by construction (no pass to check each one's
type), and the paths are compared with this run's as one text.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import time
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import chain, compress, count, repeat
from operator import attrgetter, eq, is_not, ne, not_
from pathlib import Path
from typing import Any, NamedTuple

import pygit2

from journal.core.entries import Entry
from journal.core.layout import entry_kind
from journal.core.problems import Problem
from journal.store import plain_cache
from journal.store.entry_cache import changed_meanwhile
from journal.store.git import EntryCache, parse_cached
from journal.store.local_state import MAX_STATE_BYTES
from journal.store.worktree import Listing, list_journal, read_worktree

CACHE_FILE = "worktree.bin"
# 2: marshal instead of JSON; 3: with the kind each file was read as; 4: columns, folder listings; 5: columns as
# texts; 6: each folder's strays in its listing
CACHE_VERSION = 6
_TAG = f"journal-worktree {CACHE_VERSION}"
_OLD_FILE = "worktree.json"  # what version 1 wrote: removed when the new file is written
STABLE_NS = 2_000_000_000
#: How many files worktree.bin may fail to remember while a later run is bound to write it anyway (see load_worktree).
DEFER = 64
#: A file's signature: what lstat says of it, in this order.
_SIGNATURE_OF = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_dev")
_MARSHAL_VERSION = 2  # the newest without back-references: equal values, equal bytes


@dataclass(frozen=True)
class Loaded:
    """The working tree's entries, what could not be read or parsed, and every readable path."""

    entries: dict[str, Entry]
    read_problems: list[Problem]
    parse_problems: list[Problem]
    readable: list[str]  # journal files whose bytes were read, or are known unchanged
    #: A hash of every readable path with its blob id (`content_token`); None without caches.
    token: str | None = None
    _blob_map: Callable[[], dict[str, str]] | None = field(default=None, repr=False)
    #: Markdown files in the entry folders that are no entry (core/layout.is_stray), sorted.
    strays: tuple[str, ...] = ()

    @cached_property
    def blobs(self) -> dict[str, str] | None:
        """path -> blob id of every readable file; None without caches. Made on first use:
        only `check` asks, and a run that changed nothing need not split 15,000 ids apart."""
        return self._blob_map() if self._blob_map is not None else None


_SEP = "\0"  # between the values of a column kept as one text


class _Known(NamedTuple):
    """What worktree.bin holds: folder listings, how many files are remembered, then one column
    per field of those files (sorted by path), each as one text of its values joined by
    `_SEP`, their signatures as marshal's bytes of a list of tuples."""

    folders: dict[str, Listing]
    count: int
    paths: str
    signatures: bytes
    keys: str  # each file's key in the entry cache (EntryCache.key of its blob and kind)
    blobs: str
    kinds: str

    def columns(self) -> tuple[list[str], list[str], list[str]]:
        """The keys, blob ids and kinds, one per file (their counts checked when loaded)."""
        return _split(self.keys, self.count), self.blob_ids(), _split(self.kinds, self.count)

    def blob_ids(self) -> list[str]:
        """The blob ids alone, one per file: a load that changed nothing splits them only if asked."""
        return _split(self.blobs, self.count)

    def signature_list(self) -> list[tuple[int, ...]] | None:
        """The remembered signatures, one per path, each a tuple; None if they are misshapen.

        A tuple is only ever compared for equality with a signature this run took (five ints;
        None where lstat failed, which no tuple equals): it is equal only when it holds the same
        numbers, whatever else it could hold. So only the tuples themselves are checked."""
        signatures = plain_cache.loads(self.signatures)
        if type(signatures) is not list or len(signatures) != self.count or not set(map(type, signatures)) <= {tuple}:
            return None
        return signatures


_NOTHING = _Known({}, 0, "", b"", "", "", "")


def _split(text: str, count: int) -> list[str]:
    return text.split(_SEP) if count else []


def load_worktree(root: Path, folder: Path | None) -> Loaded:
    """Parse the journal files of the working tree at `root`, with the caches under `folder`
    (None: no caches, every file read and parsed)."""
    strays: list[str] = []
    if folder is None:
        wanted, _ = list_journal(root, None, 0, strays)
        files, read_problems = read_worktree(root, wanted)
        entries, parse_problems = parse_cached(_read_items(files), None)
        return Loaded(entries, read_problems, parse_problems, list(files), strays=tuple(sorted(strays)))
    known = _load(folder / CACHE_FILE, root)
    started = time.time_ns()
    stable_before = started - STABLE_NS
    wanted, listings = list_journal(root, known.folders, stable_before, strays)
    stats = _lstat_all(root, wanted)
    cache = EntryCache(folder, reread=partial(_reread, root))
    # Every column below runs along `wanted`, and is worked on a whole column at a time: this
    # runs for every file on every command.
    now = list(map(_SIGNATURE_OF, stats)) if all(stats) else [st and _SIGNATURE_OF(st) for st in stats]
    if (len(wanted) == known.count and _SEP.join(wanted) == known.paths
            and marshal.dumps(now, _MARSHAL_VERSION) == known.signatures):
        # Nothing changed (the common case): every file is the one remembered, all compared at once.
        # The blob ids are split apart only if something asks for them (see Loaded.blobs).
        same: list[bool] | None = None
        keys, blobs, kinds = _split(known.keys, known.count), None, _split(known.kinds, known.count)
    else:
        same, keys, blobs, kinds = _compare(known, wanted, now)
    # A file is unchanged when its size, times, inode and device are the ones remembered (a link
    # or a folder never is remembered). Its times lay STABLE_NS in the past when it was
    # remembered, and still do.
    if same is None:
        paths, keys_now, kinds_now = wanted, keys, kinds
    else:
        paths, keys_now, kinds_now = (list(compress(column, same)) for column in (wanted, keys, kinds))
    # Unchanged files straight from the cache (each reply's parse fetched only when read);
    # one whose cached parse is unusable after all is read like a changed one.
    got = cache.get_many(paths, keys_now, kinds_now)
    if not all(got):  # (an entry is always true: no comparison per entry)
        blobs = blobs if blobs is not None else known.blob_ids()
        same = [*same] if same is not None else [True] * len(wanted)
        for at, entry in zip(list(compress(range(len(wanted)), same)), got):
            same[at] = entry is not None
        paths, keys_now = list(compress(wanted, same)), list(compress(keys, same))
        got = [entry for entry in got if entry is not None]
    entries: dict[str, Entry] = dict(zip(paths, got))
    files: dict[str, bytes] = {}
    read_problems: list[Problem] = []
    parse_problems: list[Problem] = []
    remember, seen = same, set(keys_now)
    too_recent = False  # whether a file was read that is too recent to remember
    to_read = list(compress(wanted, map(not_, same))) if same is not None and len(paths) != len(wanted) else []
    if to_read:
        files, read_problems = read_worktree(root, to_read)
    read = {path: str(pygit2.hash(data)) for path, data in files.items()}
    # Each file's blob id along `wanted`: the one remembered for an unchanged file, the one just
    # read for a file read, None for one that could not be read. None while every file is the one
    # remembered (the blob ids stay one text). A column, not a dict: this runs for every file.
    ids: list[str | None] | None = None
    if same is not None:
        assert blobs is not None  # split wherever `same` was made
        ids = [*blobs]
        for at in compress(range(len(wanted)), map(not_, same)):
            ids[at] = read.get(wanted[at])
    if same is not None and files:
        parsed, parse_problems = parse_cached(_read_items(files, read), folder, complete=False, cache=cache)
        # The order a full read gives (the paths' order), less the files that did not parse.
        merged: dict[str, Any] = dict.fromkeys(wanted)
        merged.update(entries)
        merged.update(parsed)
        for path in to_read:
            if path not in parsed:
                del merged[path]
        entries = merged
        # What worktree.bin will hold besides the unchanged files: the stable files just read,
        # each with what it was read as. Only files whose times lie far enough in the past are
        # remembered.
        assert blobs is not None  # split wherever `same` was made
        remember, keys, blobs, kinds = [*same], [*keys], [*blobs], [*kinds]
        for path, blob in read.items():
            at, kind = bisect_left(wanted, path), entry_kind(path) or ""
            key, st = EntryCache.key(blob, kind), stats[at]
            seen.add(key)
            if (st is not None and st.st_mtime_ns < stable_before and st.st_ctime_ns < stable_before
                    and stat.S_ISREG(st.st_mode)):
                remember[at], keys[at], blobs[at], kinds[at] = True, key, blob, kind
            elif st is not None and max(st.st_mtime_ns, st.st_ctime_ns) <= started:
                too_recent = True  # stable a moment from now (not so a file dated ahead of the clock)
    # A complete read: parses of files no longer here are forgotten.
    cache.save(seen, complete=True)
    # A file read now but too recent to remember is read again, and remembered, by a run a
    # moment later (the next command after a pull or a commit: every hook run is one), which
    # writes worktree.bin then. Writing it now too would write it twice in a row (3.6 MB with
    # 13,000 replies): it waits for that run, unless what it would now remember, or no longer
    # hold, is more than DEFER files for the runs until then to read again.
    deferred = (too_recent and remember is not None and same is not None  # (too_recent implies both)
                and sum(remember) - sum(same) + known.count - len(paths) <= DEFER)
    if not deferred and (remember != same or len(paths) != known.count
                         or not _same_listings(listings, known.folders)):
        # (A folder's listing alone may have changed: the blob ids, not split apart, are the ones kept.)
        columns = (wanted, now, keys, blobs if blobs is not None else known.blob_ids(), kinds)
        if remember is not None:
            columns = tuple(list(compress(column, remember)) for column in columns)
        _save(folder / CACHE_FILE, root, listings, *columns)
    if ids is None:  # every file the one remembered: the token straight from the columns
        token = _token(known.paths, known.blobs)
        return Loaded(entries, read_problems, parse_problems, list(wanted), token,
                      lambda: dict(zip(wanted, known.blob_ids())), strays=tuple(sorted(strays)))
    readable: list[str] = wanted
    if None in ids:
        kept = list(map(is_not, ids, repeat(None)))
        readable, ids = list(compress(wanted, kept)), list(compress(ids, kept))
    found: list[str] = ids  # type: ignore[assignment]  # (no None left)
    # `wanted` is sorted, as content_token sorts: the token straight from the two columns.
    return Loaded(entries, read_problems, parse_problems, list(readable), _token(_SEP.join(readable), _SEP.join(found)),
                  lambda: dict(zip(readable, found)), strays=tuple(sorted(strays)))


def content_token(blobs: Mapping[str, str]) -> str:
    """A hash (32 hex digits) of every path with its blob id: the same for the same files with
    the same contents, whatever the order `blobs` lists them in."""
    paths = sorted(blobs)
    return _token(_SEP.join(paths), _SEP.join(map(blobs.__getitem__, paths)))


def _token(paths: str, blobs: str) -> str:
    """content_token of the sorted paths and their blob ids, each column joined by _SEP (as
    worktree.bin keeps them): a path holds no _SEP, so the two texts name the pairs."""
    text = f"{paths}\1{blobs}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def _compare(known: _Known, wanted: list[str], now: list[Any]) -> tuple[list[bool], list[str], list[str], list[str]]:
    """Which of `wanted` have the signature remembered for them, and the key, blob id and kind
    remembered for each (padding where none is)."""
    before = known.signature_list()
    if before is None:
        known = _NOTHING
        before = []
    remembered = _split(known.paths, known.count)
    align = _one_apart(remembered, wanted)
    if align is not None:  # the same paths, or one path added or gone (a commit, a pull of one entry)
        same = list(map(eq, now, align(before, ())))
        keys, blobs, kinds = (align(column, "") for column in known.columns())
        return same, keys, blobs, kinds
    at = dict(zip(remembered, range(known.count)))
    # Each path's row in the remembered columns; the row past their end, of padding, if none.
    where = list(map(at.get, wanted, repeat(known.count)))
    # () equals no signature, nor a missing one (None).
    same = list(map(eq, now, map([*before, ()].__getitem__, where)))
    keys, blobs, kinds = (list(map([*column, ""].__getitem__, where)) for column in known.columns())
    return same, keys, blobs, kinds


def _one_apart(remembered: list[str], wanted: list[str]) -> Callable[[list[Any], Any], list[Any]] | None:
    """How to lay a remembered column along `wanted` when the two sorted path lists are equal,
    or differ by one path added or gone: a function of (column, padding) that gives the column
    with padding at the added path's row, or without the gone path's row. None for anything
    else. Slices and one comparison of lists, all in C: no lookup per path."""
    # The first row where the two differ (the end of the shorter, if none does).
    at = next(compress(count(), map(ne, remembered, wanted)), min(len(remembered), len(wanted)))
    if len(wanted) == len(remembered) and at == len(wanted):
        return lambda column, padding: column
    if len(wanted) == len(remembered) + 1 and wanted[at + 1:] == remembered[at:]:
        return lambda column, padding: [*column[:at], padding, *column[at:]]
    if len(wanted) == len(remembered) - 1 and wanted[at:] == remembered[at + 1:]:
        return lambda column, padding: [*column[:at], *column[at + 1:]]
    return None


def _lstat_all(root: Path, wanted: list[str]) -> list[os.stat_result | None]:
    """One lstat per path, None where it fails (the guarded read says what is wrong)."""
    try:
        where = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return [_lstat(f"{root}/{path}", None) for path in wanted]
    try:
        try:
            # All at once while all are there (this runs for every file on every command) ...
            return list(map(partial(os.lstat, dir_fd=where), wanted))
        except OSError:
            return [_lstat(path, where) for path in wanted]  # ... else one at a time
    finally:
        os.close(where)


def _lstat(path: str, where: int | None) -> os.stat_result | None:
    try:
        return os.lstat(path, dir_fd=where)
    except OSError:
        return None


def _same_listings(now: dict[str, Listing], before: dict[str, Listing]) -> bool:
    """Whether this run has no folder listing to remember that is not remembered already.

    A folder remembered that is gone, or changed too recently to be remembered again, is no
    reason to write the file: its remembered signature will not match again, so it is listed
    anew each time until the file is written for another reason."""
    return all(listing is before.get(rel) for rel, listing in now.items())


def _read_items(files: dict[str, bytes], blobs: dict[str, str] | None = None) -> list[tuple[str, str, Any]]:
    return [(path, blobs[path] if blobs else str(pygit2.hash(data)), (lambda d=data: d)) for path, data in files.items()]


def _reread(root: Path, path: str, blob: str) -> bytes:
    """A file known unchanged, read again: the entry cache holds its blob's parse, so this is
    called only for a reply whose parse went missing from the cache (store/entry_cache.py)."""
    files, _ = read_worktree(root, [path])
    data = files.get(path)
    if data is None or str(pygit2.hash(data)) != blob:
        raise changed_meanwhile(path)
    return data


def _load(path: Path, root: Path) -> _Known:
    """What worktree.bin remembers, or nothing (every folder listed and every file read) for a
    file that is missing, cut short, damaged, of another format or root, or misshapen anywhere.
    Each column is checked for its number of values; the signatures when they are decoded."""
    raw = plain_cache.load(path, _TAG, MAX_STATE_BYTES)
    if (type(raw) is not list or len(raw) != 8 or raw[0] != str(root) or type(raw[1]) is not dict
            or type(raw[2]) is not int or raw[2] < 0 or type(raw[4]) is not bytes
            or not all(type(column) is str for column in raw[3:4] + raw[5:])):
        return _NOTHING
    folders, count, paths, signatures, keys, blobs, kinds = raw[1:]
    # n values joined hold n - 1 separators (none for no value: the empty text).
    if not all(column.count(_SEP) == count - 1 if count else column == "" for column in (paths, keys, blobs, kinds)):
        return _NOTHING
    for rel, listing in folders.items():
        if (type(rel) is not str or type(listing) is not list or len(listing) != 8
                or not all(type(n) is int for n in listing[:4]) or not all(type(c) is list for c in listing[4:])
                or not set(map(type, chain.from_iterable(listing[4:]))) <= {str}):
            return _NOTHING
    return _Known(folders, count, paths, signatures, keys, blobs, kinds)


def _save(path: Path, root: Path, listings: dict[str, Listing], paths: list[str], signatures: list[Any],
          keys: list[str], blobs: list[str], kinds: list[str]) -> None:
    """Remember the folder listings and the stable files, each with its signature and what it was read as."""
    plain_cache.save(path, _TAG, [str(root), listings, len(paths), _SEP.join(paths),
                                  marshal.dumps(signatures, _MARSHAL_VERSION), _SEP.join(keys), _SEP.join(blobs),
                                  _SEP.join(kinds)], replaces=path.parent / _OLD_FILE)
