"""The history's filings and replies as objects, made column by column from the walk's columns.

A history of a few years holds tens of thousands of them and every command reads them all,
so they are named tuples built in C (`tuple.__new__` mapped over the zipped columns): a
frozen dataclass's __init__ alone cost more than the whole rest of a warm read. Each author
(a handful of people) goes through .mailmap once, and each offset's zone is made once.

The replies' are made only when something reads them (`Later`): a warm `journal streaks`
reads its threads back from their cache and never looks at the 13,000 replies' times."""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, Sequence, ValuesView
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any, NamedTuple, TypeVar

import pygit2

from journal.store.commits import when


class Filing(NamedTuple):
    """The commit that first brought a member's check-in for a period into the history."""

    member: str
    period: str
    path: str
    commit: str
    at: datetime  # author time, in the author's own offset
    author_name: str
    author_email: str


class Answer(NamedTuple):
    """The commit that first brought `author`'s reply to `to`'s check-in for a period into the history."""

    author: str
    to: str
    period: str
    path: str
    commit: str
    at: datetime  # author time, in the author's own offset
    author_name: str
    author_email: str


Stamped = TypeVar("Stamped", Filing, Answer)
K = TypeVar("K")
V = TypeVar("V")


class Later(Mapping[K, V]):
    """A mapping made by `make()` when it is first read, and read from then on as a dict;
    `rows` (how many items `make` is given, at least one per key) answers whether it is
    empty without making it."""

    __slots__ = ("_rows", "_make", "_made")

    def __init__(self, rows: int, make: Callable[[], dict[K, V]]) -> None:
        self._rows = rows
        self._make = make
        self._made: dict[K, V] | None = None

    def made(self) -> dict[K, V]:
        """The mapping, made now if it was not yet (two threads at once may both make it: the same)."""
        made = self._made
        if made is None:
            made = self._made = self._make()
        return made

    def __bool__(self) -> bool:
        return self._rows > 0

    def __getitem__(self, key: K) -> V:
        return self.made()[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self.made())

    def __len__(self) -> int:
        return len(self.made())

    def __contains__(self, key: object) -> bool:
        return key in self.made()

    def get(self, key: K, default: Any = None) -> Any:
        return self.made().get(key, default)

    def keys(self) -> KeysView[K]:
        return self.made().keys()

    def values(self) -> ValuesView[V]:
        return self.made().values()

    def items(self) -> ItemsView[K, V]:
        return self.made().items()

    def __eq__(self, other: object) -> bool:
        return self.made() == (other.made() if isinstance(other, Later) else other)

    def __repr__(self) -> str:
        return repr(self.made())


def events(kind: type[Stamped], columns: tuple[tuple[Any, ...], ...], width: int,
           mailmap: pygit2.Mailmap) -> dict[Any, Stamped]:
    """`kind` for each row of `columns` (the key's `width` fields, then time, offset, commit,
    path, author name and email; rows in the order of their keys), by key, in that order."""
    keys = list(zip(*columns[:width]))
    if not keys:
        return {}
    times, offsets, commits, paths, names, emails = columns[width:]
    people = {pair: _resolved(mailmap, *pair) for pair in set(zip(names, emails))}
    if any(pair != person for pair, person in people.items()):
        names, emails = zip(*map(people.__getitem__, zip(names, emails)))
    try:
        zones = {offset: timezone(timedelta(minutes=offset)) for offset in set(offsets)}
        ats = list(map(datetime.fromtimestamp, times, map(zones.__getitem__, offsets)))
    except (ValueError, OverflowError, OSError):
        ats = list(map(when, times, offsets))  # one out of range: each shown as when() shows it
    # What kind._make does, without a Python frame per row.
    make = partial(tuple.__new__, kind)
    return dict(zip(keys, map(make, zip(*columns[:width], paths, commits, ats, names, emails))))


class LaterEvents(Later[K, V]):
    """`events(...)`, made when first read, whose rows can also be read as columns
    (`stamp_columns`) without making any of them."""

    __slots__ = ("_columns", "_width")

    def __init__(self, rows: int, make: Callable[[], dict[K, V]], columns: tuple[tuple[Any, ...], ...],
                 width: int) -> None:
        super().__init__(rows, make)
        self._columns, self._width = columns, width


def stamp_columns(found: Mapping[Any, Stamped]) -> tuple[Sequence[Any], ...]:
    """The events of `found` (any mapping of Filing or Answer) as columns, a row per key in
    its order: each field of the key, then the commit, POSIX time and offset in minutes; ()
    for none. A key pass over 13,000 replies needs no time as an object: from a LaterEvents,
    these are its own columns (their keys rise strictly, store/history_cache.py keeps them so:
    one row per key, in the order events() reads them)."""
    if isinstance(found, LaterEvents):
        columns, width = found._columns, found._width
        if not columns or not columns[0]:
            return ()
        return (*columns[:width], columns[width + 2], columns[width], columns[width + 1])
    rows = [(*key, e.commit, int(e.at.timestamp()), int(e.at.utcoffset().total_seconds()) // 60)  # type: ignore[union-attr]
            for key, e in found.items()]
    return tuple(map(list, zip(*rows))) if rows else ()


def instants(times: Sequence[int], offsets: Sequence[int]) -> list[int]:
    """`instant` of each (time, offset): a column at a time, as the times themselves when all
    lie where a datetime can hold them (always, but for a forged author date)."""
    if not times or (_FIRST < min(times) and max(times) < _LAST):
        return list(times)
    return list(map(instant, times, offsets))


def instant(time: int, offset: int) -> int:
    """The POSIX time `when(time, offset)` stands for: `time`, or 0 (the epoch) for one no
    datetime can hold (store/commits.when)."""
    return time if _FIRST < time < _LAST else int(when(time, offset).timestamp())


_FIRST, _LAST = -62135596800 + 86400, 253402300799 - 86400  # 0001-01-02 and 9999-12-30, UTC


def events_later(kind: type[Stamped], columns: tuple[tuple[Any, ...], ...], width: int,
                 mailmap: pygit2.Mailmap) -> LaterEvents[Any, Stamped]:
    """`events(...)`, made when first read."""
    return LaterEvents(len(columns[0]) if columns else 0, partial(events, kind, columns, width, mailmap),
                       columns, width)


def _resolved(mailmap: pygit2.Mailmap, name: str, email: str) -> tuple[str, str]:
    try:
        return mailmap.resolve(name, email)
    except (ValueError, pygit2.GitError):
        return name, email  # a name libgit2 refuses (say, with a NUL in it) is shown as written
