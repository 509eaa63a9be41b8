"""A cache of key -> value in sixteen files by the key's first hex digit, as git splits its
object folders: a folder of `0.bin` ... `f.bin`, each read on first use and written only
when what a run used of it differs from what it holds.

A cache in one file is written whole when one value in it changes: with 13,000 replies,
3 MB of thread summaries or 3.6 MB of the digest's thread forms after every new reply. In
sixteen, a new reply rewrites a sixteenth. A cache whose runs read a handful of values
(the digest's thread forms: only those of the outputs made again) splits by two digits
instead, into 256 files (`00.bin` ... `ff.bin`), so that reading a few reads a few small
files. Keys are hex digests (a key that starts with anything else is filed under the first
file); values are plain data, each file sealed marshal (store/plain_cache.py). A key found
in the file of other digits was not written by this code: it is not trusted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from journal.store import plain_cache
from journal.store.local_state import MAX_STATE_BYTES

DIGITS = tuple("0123456789abcdef")
#: The names of the files of a cache split by one hex digit, and by two.
_NAMES = {1: DIGITS, 2: tuple(a + b for a in DIGITS for b in DIGITS)}


def digit_of(key: str, width: int = 1) -> str:
    """The file a key is kept in: its first `width` characters when they are hex digits,
    else the first file's ("0", "00")."""
    digits = key[:width]
    return digits if digits in _SETS[width] else _NAMES[width][0]


_SETS = {width: frozenset(names) for width, names in _NAMES.items()}


class Shards:
    """key -> value under `folder` (None: nothing kept) in files sealed under `tag`, one per
    first hex digit of the key (`width` 1: sixteen files) or first two (`width` 2: 256). A run
    `get`s what it needs and `keep`s what it uses; `save` writes the files whose used values
    differ from what they hold, so the files hold what the last run used, and no more."""

    def __init__(self, folder: Path | None, tag: str, width: int = 1) -> None:
        if width not in _NAMES:
            raise ValueError(f"shards split by 1 or 2 hex digits, not {width}")
        self.folder, self.tag, self.width = folder, tag, width
        self.loaded: dict[str, dict[str, Any]] = {}  # digit -> what its file holds
        self.used: dict[str, Any] = {}
        self.changed: set[str] = set()  # digits of the files holding a value made this run

    def shard(self, digit: str) -> dict[str, Any]:
        """What the file of `digit` holds (nothing for a missing or damaged file), read once."""
        found = self.loaded.get(digit)
        if found is None:
            raw = plain_cache.load(self.folder / f"{digit}.bin", self.tag, MAX_STATE_BYTES) \
                if self.folder is not None else None
            found = self.loaded[digit] = {k: v for k, v in raw.items()
                                          if type(k) is str and digit_of(k, self.width) == digit} \
                if type(raw) is dict else {}
        return found

    def get(self, key: str) -> Any:
        """The value kept under `key`, or None."""
        return self.shard(digit_of(key, self.width)).get(key)

    def keep(self, key: str, value: Any, changed: bool) -> None:
        """Use `value` for `key` in this run; `changed`: it is not the one the file holds."""
        self.used[key] = value
        if changed:
            self.changed.add(digit_of(key, self.width))

    def drop(self, key: str) -> None:
        """Remove the file holding `key`: its values are made again by the next run."""
        if self.folder is not None:
            try:
                (self.folder / f"{digit_of(key, self.width)}.bin").unlink(missing_ok=True)
            except OSError:
                pass  # not ours to remove (a folder in its place, a read-only git folder): read as no cache

    def save(self, fill: bool = False) -> None:
        """Write each file whose used values differ from what it holds (a value of None, with
        `fill`, stands for the one the file holds; one it does not hold is left out). A file
        never read is written only when a value in it changed. A value that is not plain data
        leaves its file as it was: made again next time."""
        if self.folder is None:
            return
        by_digit: dict[str, dict[str, Any]] = {}
        for key, value in self.used.items():
            by_digit.setdefault(digit_of(key, self.width), {})[key] = value
        for digit in _NAMES[self.width]:
            used = by_digit.get(digit, {})
            found = self.loaded.get(digit)
            if digit not in self.changed and (found is None or used.keys() == found.keys()):
                continue
            if fill and any(v is None for v in used.values()):
                held = self.shard(digit)
                used = {k: v if v is not None else held.get(k) for k, v in used.items()}
                used = {k: v for k, v in used.items() if v is not None}
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                return  # a read-only git folder, or a file in the folder's place: no cache, as plain_cache
            try:
                plain_cache.save(self.folder / f"{digit}.bin", self.tag, used)
            except ValueError:
                pass  # a value that is not plain data: the file stays as it was, made again next time
