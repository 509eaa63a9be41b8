"""Rendered files of the committed digest, remembered by the key of their inputs.

The digest's writers give each file it can reuse a key: a hash of everything that goes
into its bytes (see digest.writers). This machine records, under `<git dir>/journal/`, the
key each committed-digest file was last rendered from and the id of the blob its bytes were
stored as in the repository's object database; a later regeneration whose key is the same
reads the blob instead of rendering again. The record is small (path, key, blob id per
file), sealed plain data (store/plain_cache.py, as every cache of computed results),
validated on load and ignored when it is not exactly what this module writes; a blob that
is gone (after `git gc`) is simply rendered again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygit2

from journal.store import plain_cache
from journal.store.local_state import MAX_STATE_BYTES

CACHE_FILE = "committed-outputs.bin"
_OLD_FILE = "committed-outputs.json"  # what version 1 wrote: removed when the new file is written
_FORMAT = "journal-committed-outputs"
_VERSION = 2  # 2: sealed marshal instead of JSON
_TAG = f"{_FORMAT} {_VERSION}"
_BLOB = pygit2.enums.ObjectType.BLOB


class OutputCache:
    """Path -> (input key, blob id) of the committed digest's files, with their bytes in Git."""

    def __init__(self, repo: pygit2.Repository) -> None:
        self.repo = repo
        self.file = Path(repo.path) / "journal" / CACHE_FILE
        self.items = self._load()
        self.dirty = False

    def _load(self) -> dict[str, tuple[str, str]]:
        # None for anything this machine cannot use: everything is rendered again.
        outputs = plain_cache.load(self.file, _TAG, MAX_STATE_BYTES)
        if type(outputs) is not dict or not all(_valid(k, v) for k, v in outputs.items()):
            return {}
        return outputs

    def get(self, path: str, key: str) -> bytes | None:
        """The bytes last rendered for `path` from inputs with this `key`, or None."""
        found = self.items.get(path)
        if found is None or found[0] != key:
            return None
        try:
            # Straight from the object database: no Blob object, one copy of the bytes.
            kind, data = self.repo.odb.read(found[1])
        except (KeyError, ValueError, pygit2.GitError):
            return None
        return data if kind == _BLOB else None

    def put(self, path: str, key: str, data: bytes) -> None:
        """Remember that `data` was rendered for `path` from inputs with this `key`."""
        try:
            oid = str(self.repo.create_blob(data))
        except (pygit2.GitError, OSError):
            return  # a read-only object database: the file is simply rendered next time
        if self.items.get(path) != (key, oid):
            self.items[path] = (key, oid)
            self.dirty = True

    def save(self, paths: set[str]) -> None:
        """Keep the record of `paths` (the files the digest has now) and write it if it changed."""
        stale = set(self.items) - paths
        if not (self.dirty or stale):
            return
        for path in stale:
            del self.items[path]
        plain_cache.save(self.file, _TAG, dict(sorted(self.items.items())), replaces=self.file.parent / _OLD_FILE)
        self.dirty = False


def _valid(path: Any, item: Any) -> bool:
    return (type(path) is str and type(item) is tuple and len(item) == 2
            and type(item[0]) is str and type(item[1]) is str and len(item[1]) in (40, 64)
            and all(c in "0123456789abcdef" for c in item[1]))
