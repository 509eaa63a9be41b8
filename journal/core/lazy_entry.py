"""Entries whose parse is fetched only when something reads it: 13,000 replies indexed by
their heads, read one by one as a command needs them (store/entry_cache.py fetches them)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any

from journal.core.entries import Entry, Head


#: What a lazy entry fetches on first use: data, body, yaml_text, yaml_line, body_line.
Parse = tuple[dict[str, Any], str, str, int, int]
_DEFERRED = frozenset(("data", "body", "yaml_text", "yaml_line", "body_line"))


class LazyEntry(Entry):
    """An entry whose parse is fetched only when something reads it.

    A journal may hold 13,000 replies while a command reads a handful: their paths, kinds and
    `head`s are known up front (from a cache keyed by content), their front matter and body
    come from `fetch(entry)` on first use. It is equal to, and hashes as, the Entry it stands for."""

    def __init__(self, path: str, kind: str, head: Head | None = None,
                 fetch: Callable[[LazyEntry], Parse] | None = None, **fields: Any) -> None:
        # The dataclass is frozen: fields go straight into the instance dict, as its own __init__
        # does. `fields` is dataclasses.replace's way in: every field given, nothing deferred.
        if fields:
            self.__dict__.update(path=path, kind=kind, **fields)
        else:
            self.__dict__.update(path=path, kind=kind, head=head, _fetch=fetch)

    @staticmethod
    def many(paths: Sequence[str], kinds: Sequence[str], heads: Sequence[Head],
             fetch: Callable[[LazyEntry], Parse], tokens: Sequence[Any]) -> list[LazyEntry]:
        """One lazy entry per (path, kind, head), all fetching their parse with `fetch`; each
        keeps its token (what `fetch` needs to know of it besides its path) as `_token`.

        What `LazyEntry(path, kind, head, fetch)` makes, built in bulk: a warm load makes one
        per reply, and this is twice as cheap as the constructor (no call per entry into
        Python code, no bound method per entry)."""
        made = list(map(object.__new__, repeat(LazyEntry, len(paths))))
        fields = [{"path": path, "kind": kind, "head": head, "_fetch": fetch, "_token": token}
                  for path, kind, head, token in zip(paths, kinds, heads, tokens)]
        # object.__setattr__: the frozen dataclass's own refuses every attribute.
        deque(map(object.__setattr__, made, repeat("__dict__"), fields), maxlen=0)
        return made

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not yet set: the deferred fields, before the fetch.
        fetch = self.__dict__.pop("_fetch", None) if name in _DEFERRED else None
        if fetch is None:
            raise AttributeError(name)
        data, body, yaml_text, yaml_line, body_line = fetch(self)
        self.__dict__.update(data=data, body=body, yaml_text=yaml_text, yaml_line=yaml_line, body_line=body_line)
        return self.__dict__[name]

    def _fields(self) -> tuple[Any, ...]:
        return (self.path, self.kind, self.data, self.body, self.yaml_text, self.yaml_line, self.body_line)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Entry):
            return self._fields() == LazyEntry._fields(other)  # type: ignore[arg-type]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())
