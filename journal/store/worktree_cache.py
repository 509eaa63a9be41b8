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
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pygit2

from journal.core.entries import Entry
from journal.core.layout import entry_kind
from journal.core.problems import Problem
from journal.store import plain_cache
from journal.store.entry_cache import changed_meanwhile
from journal.store.git import EntryCache, parse_cached
from journal.store.local_state import MAX_STATE_BYTES
from journal.store.worktree import journal_paths, read_worktree

CACHE_FILE = "worktree.bin"
CACHE_VERSION = 3  # 2: marshal instead of JSON; 3: with the kind each file was read as
_TAG = f"journal-worktree {CACHE_VERSION}"
_OLD_FILE = "worktree.json"  # what version 1 wrote: removed when the new file is written
_SIGNATURE = (int, int, int, int, int, str, str)  # size, mtime_ns, ctime_ns, inode, device, blob id, kind
STABLE_NS = 2_000_000_000


@dataclass(frozen=True)
class Loaded:
    """The working tree's entries, what could not be read or parsed, and every readable path."""

    entries: dict[str, Entry]
    read_problems: list[Problem]
    parse_problems: list[Problem]
    readable: list[str]  # journal files whose bytes were read, or are known unchanged
    blobs: dict[str, str] | None = None  # path -> blob id of every readable file; None without caches


def load_worktree(root: Path, folder: Path | None) -> Loaded:
    """Parse the journal files of the working tree at `root`, with the caches under `folder`
    (None: no caches, every file read and parsed)."""
    wanted = journal_paths(root)
    if folder is None:
        files, read_problems = read_worktree(root, wanted)
        entries, parse_problems = parse_cached(_read_items(files), None)
        return Loaded(entries, read_problems, parse_problems, list(files))
    known = _load(folder / CACHE_FILE, root)
    signatures: dict[str, list[int]] = {}  # of the stable files to read
    cache = EntryCache(folder, reread=partial(_reread, root))
    stable_before = time.time_ns() - STABLE_NS
    unchanged: dict[str, list[Any]] = {}  # path -> its remembered signature, still true
    lstat, is_file = os.lstat, stat.S_ISREG  # this loop runs for every file on every command
    try:
        where: Any = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        where = None
    try:
        for path in wanted:
            try:
                st = lstat(path, dir_fd=where) if where is not None else lstat(f"{root}/{path}")
            except OSError:
                continue  # the guarded read below says what is wrong
            # Only files whose times lie far enough in the past are trusted or remembered.
            if not (st.st_mtime_ns < stable_before and st.st_ctime_ns < stable_before):
                continue
            hit = known.get(path)
            # The same size, times, inode and device: the file that was read (a link or folder
            # never is remembered).
            if (hit is not None and hit[1] == st.st_mtime_ns and hit[0] == st.st_size and hit[2] == st.st_ctime_ns
                    and hit[3] == st.st_ino and hit[4] == st.st_dev):
                unchanged[path] = hit
            elif is_file(st.st_mode):
                signatures[path] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
    finally:
        if where is not None:
            os.close(where)
    # Unchanged files straight from the cache (each reply's parse fetched only when read);
    # one whose cached parse is unusable after all is read like a changed one.
    get, key = cache.get, EntryCache.key
    keys = {path: key(hit[5], hit[6]) for path, hit in unchanged.items()}
    entries = {path: get(keys[path], path, hit[6], None) for path, hit in unchanged.items()}
    for path in [path for path, entry in entries.items() if entry is None]:
        del entries[path], unchanged[path], keys[path]
    files, read_problems = read_worktree(root, [p for p in wanted if p not in unchanged])
    blobs = {path: str(pygit2.hash(data)) for path, data in files.items()}
    parse_problems: list[Problem] = []
    if files:
        parsed, parse_problems = parse_cached(_read_items(files, blobs), folder, complete=False, cache=cache)
        entries = {path: found for path in wanted  # the order a full read gives
                   if (found := entries.get(path) or parsed.get(path)) is not None}
    # A complete read: parses of files no longer here are forgotten.
    cache.save({*keys.values(), *(key(blob, entry_kind(path) or "") for path, blob in blobs.items())}, complete=True)
    # What worktree.bin will hold: the stable files, each with what it was read as.
    read_now = {path: [*signatures[path], blob, entry_kind(path) or ""] for path, blob in blobs.items()
                if path in signatures}
    if read_now or len(unchanged) != len(known):
        _save(folder / CACHE_FILE, root, {**unchanged, **read_now})
    return Loaded(entries, read_problems, parse_problems, [p for p in wanted if p in unchanged or p in files],
                  {**{path: hit[5] for path, hit in unchanged.items()}, **blobs})


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


def _load(path: Path, root: Path) -> dict[str, list[Any]]:
    """The remembered signatures, or nothing (every file is read) for a file that is missing,
    cut short, damaged, of another format or root, or misshapen anywhere."""
    raw = plain_cache.load(path, _TAG, MAX_STATE_BYTES)
    if type(raw) is not list or len(raw) != 2 or raw[0] != str(root) or type(raw[1]) is not dict:
        return {}
    files = raw[1]
    valid = all(type(k) is str and type(v) is list and tuple(map(type, v)) == _SIGNATURE for k, v in files.items())
    return files if valid else {}


def _save(path: Path, root: Path, files: dict[str, list[Any]]) -> None:
    plain_cache.save(path, _TAG, [str(root), files], replaces=path.parent / _OLD_FILE)
