"""The working tree's journal files, read only when they changed since this machine last read them.

Like git's index, `<gitdir>/journal/worktree.bin` (see store/plain_cache.py) remembers, per path, the file's size,
modification and change times (ns), inode and device as they were when it was read, and
the blob id of what was read. A file whose `lstat` still gives all of these is not read
again: its parse comes from the entry cache by that blob id. Only files whose times lie
more than `STABLE_NS` in the past are remembered, so a file written twice within one
clock tick (git's "racily clean" case) is read again rather than trusted. Anything else —
a new or changed file, a link, an entry the cache lost — is read as before, through
store.paths, which refuses symlinks. A signature never leads to reading anything: at worst
it names content this machine read through the guarded path earlier.

The same file keeps the listings of the journal's folders, as git's untracked cache does
(see store/worktree.list_journal): a folder whose own signature is unchanged is not listed
again. The files' signatures are kept as one column, in the bytes `marshal` writes for them
(version 2: no back-references, so the same values always give the same bytes), so that a
run in which nothing changed compares this run's signatures with the remembered ones in one
comparison, and decodes them only when something did change.
"""

from __future__ import annotations

import marshal
import os
import stat
import time
from dataclasses import dataclass
from functools import partial
from itertools import chain, compress
from operator import attrgetter
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
from journal.store.worktree import Listing, journal_paths, list_journal, read_worktree

CACHE_FILE = "worktree.bin"
CACHE_VERSION = 4  # 2: marshal instead of JSON; 3: with the kind each file was read as; 4: columns, folder listings
_TAG = f"journal-worktree {CACHE_VERSION}"
_OLD_FILE = "worktree.json"  # what version 1 wrote: removed when the new file is written
STABLE_NS = 2_000_000_000
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
    blobs: dict[str, str] | None = None  # path -> blob id of every readable file; None without caches


class _Known(NamedTuple):
    """What worktree.bin holds: folder listings, then one column per field of the files remembered
    (sorted by path), their signatures as marshal's bytes of a list of tuples."""

    folders: dict[str, Listing]
    paths: list[str]
    signatures: bytes
    keys: list[str]  # each file's key in the entry cache (EntryCache.key of its blob and kind)
    blobs: list[str]
    kinds: list[str]

    def rows(self) -> dict[str, tuple[tuple[int, ...], str, str, str]]:
        """path -> (signature, key, blob, kind); nothing if the signatures are misshapen."""
        signatures = plain_cache.loads(self.signatures)
        if (type(signatures) is not list or len(signatures) != len(self.paths)
                or not set(map(type, signatures)) <= {tuple} or not set(map(len, signatures)) <= {5}
                or not set(map(type, chain.from_iterable(signatures))) <= {int}):
            return {}
        return dict(zip(self.paths, zip(signatures, self.keys, self.blobs, self.kinds)))


_NOTHING = _Known({}, [], b"", [], [], [])


def load_worktree(root: Path, folder: Path | None) -> Loaded:
    """Parse the journal files of the working tree at `root`, with the caches under `folder`
    (None: no caches, every file read and parsed)."""
    if folder is None:
        wanted = journal_paths(root)
        files, read_problems = read_worktree(root, wanted)
        entries, parse_problems = parse_cached(_read_items(files), None)
        return Loaded(entries, read_problems, parse_problems, list(files))
    known = _load(folder / CACHE_FILE, root)
    stable_before = time.time_ns() - STABLE_NS
    wanted, listings = list_journal(root, known.folders, stable_before)
    stats = _lstat_all(root, wanted)
    cache = EntryCache(folder, reread=partial(_reread, root))
    to_remember: set[str] = set()  # the stable regular files to read
    if wanted == known.paths and all(stats) and (
            marshal.dumps(list(map(_SIGNATURE_OF, stats)), _MARSHAL_VERSION) == known.signatures):
        # Nothing changed (the common case): every file is the one remembered, all compared at once.
        paths, keys, blobs, kinds = wanted, known.keys, known.blobs, known.kinds
    else:
        paths, keys, blobs, kinds = [], [], [], []
        rows, is_file = known.rows(), stat.S_ISREG
        for path, st in zip(wanted, stats):
            # Only files whose times lie far enough in the past are trusted or remembered.
            if st is None or not (st.st_mtime_ns < stable_before and st.st_ctime_ns < stable_before):
                continue  # (one lstat could not see is left to the guarded read below to explain)
            signature = _SIGNATURE_OF(st)
            hit = rows.get(path)
            # The same size, times, inode and device: the file that was read (a link or folder
            # never is remembered).
            if hit is not None and hit[0] == signature:
                paths.append(path), keys.append(hit[1]), blobs.append(hit[2]), kinds.append(hit[3])
            elif is_file(st.st_mode):
                to_remember.add(path)
    # Unchanged files straight from the cache (each reply's parse fetched only when read);
    # one whose cached parse is unusable after all is read like a changed one.
    got = cache.get_many(paths, keys, kinds)
    if not all(got):  # (an entry is always true: no comparison per entry)
        kept = [entry is not None for entry in got]
        paths, keys, blobs, kinds, got = (list(compress(column, kept)) for column in (paths, keys, blobs, kinds, got))
    entries: dict[str, Entry] = dict(zip(paths, got))
    unchanged = dict(zip(paths, blobs))  # path -> blob id
    files, read_problems = read_worktree(root, [p for p in wanted if p not in unchanged]) if len(paths) != len(wanted) \
        else ({}, [])
    read = {path: str(pygit2.hash(data)) for path, data in files.items()}
    parse_problems: list[Problem] = []
    if files:
        parsed, parse_problems = parse_cached(_read_items(files, read), folder, complete=False, cache=cache)
        entries = {path: found for path in wanted  # the order a full read gives
                   if (found := entries.get(path) or parsed.get(path)) is not None}
    # A complete read: parses of files no longer here are forgotten.
    fresh = {path: (blob, entry_kind(path) or "") for path, blob in read.items()}
    cache.save({*keys, *(EntryCache.key(blob, kind) for blob, kind in fresh.values())}, complete=True)
    # What worktree.bin will hold: the stable files, each with what it was read as.
    read_now = {path: fresh[path] for path in read if path in to_remember}
    if read_now or len(paths) != len(known.paths) or not _same_listings(listings, known.folders):
        _save(folder / CACHE_FILE, root, listings, wanted, stats, unchanged, dict(zip(paths, kinds)), read_now)
    readable = wanted if not files and len(paths) == len(wanted) else \
        [p for p in wanted if p in unchanged or p in files]
    return Loaded(entries, read_problems, parse_problems, list(readable), {**unchanged, **read} if read else unchanged)


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
    """Whether every folder listing of this run is the one remembered (not listed again)."""
    return now.keys() == before.keys() and all(listing is before[rel] for rel, listing in now.items())


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
    Each column's types are checked in one pass; the signatures when they are decoded."""
    raw = plain_cache.load(path, _TAG, MAX_STATE_BYTES)
    if (type(raw) is not list or len(raw) != 7 or raw[0] != str(root) or type(raw[1]) is not dict
            or type(raw[3]) is not bytes or not all(type(column) is list for column in raw[2:3] + raw[4:])):
        return _NOTHING
    folders, paths, signatures, keys, blobs, kinds = raw[1:]
    if len({len(paths), len(keys), len(blobs), len(kinds)}) != 1 or not all(
            set(map(type, column)) <= {str} for column in (paths, keys, blobs, kinds)):
        return _NOTHING
    for rel, listing in folders.items():
        if (type(rel) is not str or type(listing) is not list or len(listing) != 7
                or not all(type(n) is int for n in listing[:4]) or not all(type(c) is list for c in listing[4:])
                or not set(map(type, chain.from_iterable(listing[4:]))) <= {str}):
            return _NOTHING
    return _Known(folders, paths, signatures, keys, blobs, kinds)


def _save(path: Path, root: Path, listings: dict[str, Listing], wanted: list[str], stats: list[Any],
          unchanged: dict[str, str], kinds: dict[str, str], read_now: dict[str, tuple[str, str]]) -> None:
    """Remember the folder listings and the stable files: those unchanged (their signature is
    this run's lstat, equal to the one remembered) and those just read, with what each was read as."""
    paths, found, keys, blobs, kinds_now = [], [], [], [], []
    for name, st in zip(wanted, stats):
        if name in read_now:
            blob, kind = read_now[name]
        elif name in unchanged:
            blob, kind = unchanged[name], kinds[name]
        else:
            continue
        paths.append(name), found.append(_SIGNATURE_OF(st)), blobs.append(blob), kinds_now.append(kind)
        keys.append(EntryCache.key(blob, kind))
    plain_cache.save(path, _TAG, [str(root), listings, paths, marshal.dumps(found, _MARSHAL_VERSION), keys, blobs,
                                  kinds_now], replaces=path.parent / _OLD_FILE)
