"""Texts made from known inputs, kept under the git folder by the hash of those inputs.

The digest writes digest.json again whenever the overview changes, though a new check-in
changes one check-in and a goal or two of it: the JSON text of each check-in and goal is
kept here by the hash of what it was made from (see digest.json_text), and read back while
that hash is the same; so are each page's check-in articles and the index's small charts.
A file is plain data in the sealed marshal format (store/plain_cache.py): a dict of key ->
text, checked in full on load and ignored when it is anything else. It holds the texts of
the last build only, so it does not grow with edits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from journal.store import plain_cache
from journal.store.local_state import MAX_STATE_BYTES

_KEY = re.compile(r"[0-9a-f]{64}")


class TextCache:
    """Key (a sha256 hex digest) -> text, loaded from `file` (None: nothing kept)."""

    def __init__(self, file: Path | None, tag: str) -> None:
        self.file, self.tag = file, tag
        self._known: dict[str, str] | None = None
        self.used: dict[str, str] = {}

    @property
    def known(self) -> dict[str, str]:
        """The texts kept, read on first use: a build that renders no page never reads them."""
        if self._known is None:
            self._known = _load(self.file, self.tag) if self.file is not None else {}
        return self._known

    def text(self, key: str, make: Callable[[], str], valid: Callable[[str], bool] | None = None) -> str:
        """The text kept for `key`, or `make()` (then kept); a kept text that `valid` (when
        given) refuses is made again, and replaced."""
        found = self.known.get(key)
        if found is None or (valid is not None and not valid(found)):
            found = make()
        self.used[key] = found
        return found

    def save(self, keep: Iterable[str] | None = None) -> None:
        """Keep the texts this run used (or, given `keep`, the ones of those keys it has),
        and only those; nothing is written when they are the ones already kept."""
        if self.file is None:
            return
        wanted = self.used if keep is None else {
            k: t for k in keep if (t := self.used.get(k, self.known.get(k))) is not None}
        if wanted == self.known:  # the same text objects: compared by identity
            return
        plain_cache.save(self.file, self.tag, wanted)


def _load(file: Path, tag: str) -> dict[str, str]:
    value = plain_cache.load(file, tag, MAX_STATE_BYTES)
    if not isinstance(value, dict) or not all(
            type(k) is str and _KEY.fullmatch(k) and type(v) is str for k, v in value.items()):
        return {}
    return value

