"""Rendered files of the committed digest, remembered by the key of their inputs.

The digest's writers give each file it can reuse a key: a hash of everything that goes
into its bytes (see digest.writers). This machine records, under `<git dir>/journal/`, the
key each committed-digest file was last rendered from and the id of the blob its bytes were
stored as in the repository's object database; a later regeneration whose key is the same
reads the blob instead of rendering again. The record is small (path, key, blob id per
file), validated on load and ignored when it is not exactly what this module writes; a
blob that is gone (after `git gc`) is simply rendered again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pygit2

from journal.store.atomic import write_replace
from journal.store.local_state import read_json

CACHE_FILE = "committed-outputs.json"
_FORMAT = "journal-committed-outputs"
_VERSION = 1


class OutputCache:
    """Path -> (input key, blob id) of the committed digest's files, with their bytes in Git."""

    def __init__(self, repo: pygit2.Repository) -> None:
        self.repo = repo
        self.file = Path(repo.path) / "journal" / CACHE_FILE
        self.items = self._load()
        self.dirty = False

    def _load(self) -> dict[str, tuple[str, str]]:
        raw = read_json(self.file)  # None for anything this machine cannot use: rendered again
        if not isinstance(raw, dict) or raw.get("format") != _FORMAT or raw.get("version") != _VERSION:
            return {}
        outputs = raw.get("outputs")
        if not isinstance(outputs, dict) or not all(_valid(k, v) for k, v in outputs.items()):
            return {}
        return {path: (item[0], item[1]) for path, item in outputs.items()}

    def get(self, path: str, key: str) -> bytes | None:
        """The bytes last rendered for `path` from inputs with this `key`, or None."""
        found = self.items.get(path)
        if found is None or found[0] != key:
            return None
        try:
            blob = self.repo[found[1]]
        except (KeyError, ValueError):
            return None
        if not isinstance(blob, pygit2.Blob):
            return None
        return bytes(blob.data)

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
        data = {"format": _FORMAT, "version": _VERSION,
                "outputs": {path: list(item) for path, item in sorted(self.items.items())}}
        try:
            write_replace(self.file, json.dumps(data, separators=(",", ":")))
        except OSError:
            pass  # a read-only repository still regenerates, just without reuse
        self.dirty = False


def _valid(path: Any, item: Any) -> bool:
    return (isinstance(path, str) and isinstance(item, list) and len(item) == 2
            and all(isinstance(v, str) for v in item) and len(item[1]) in (40, 64)
            and all(c in "0123456789abcdef" for c in item[1]))
