"""The journal's entries with the indexes the rules across entries read: its members,
goals, contracts, check-ins by member and period, and (built on first use) its replies.
core/rules holds the rules themselves; this is what they, the model and the layers above
look entries up in."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from itertools import compress, repeat
from operator import attrgetter, eq, itemgetter
from typing import Any

from journal.core import layout, periods
from journal.core.entries import Entry
from journal.core.schema import checkin_period


_KIND, _HEAD = attrgetter("kind"), attrgetter("head")
_FIRST, _SECOND, _THIRD = itemgetter(0), itemgetter(1), itemgetter(2)  # a Head's author, to, period


class _Tested(dict[Any, bool]):
    """`test(value)` for each value looked up, worked out on its first lookup."""

    def __init__(self, test: Callable[[Any], bool]) -> None:
        super().__init__()
        self.test = test

    def __missing__(self, value: Any) -> bool:
        found = self[value] = self.test(value)
        return found


def checkin_key(entry: Entry | None) -> tuple[str, str] | None:
    """(member, period) of a check-in as its front matter names them (`week`, else `date`);
    None for anything else. The period may still be unreadable."""
    if entry is None or entry.kind != "checkin":
        return None
    member, period = entry.data.get("member"), checkin_period(entry.data)
    return (member, period) if isinstance(member, str) and isinstance(period, str) else None


class Journal:
    """The parsed entries with the indexes the cross-entry rules need."""

    def __init__(self, entries: Mapping[str, Entry], goal_ids: Iterable[str] = (),
                 unreadable: Iterable[str] = ()) -> None:
        """`goal_ids` names goals known to exist without their entries being read;
        `unreadable` the journal files that exist but could not be read."""
        self.entries = entries
        config = entries.get(layout.CONFIG)
        members = config.data.get("members") if config else None
        self.members: set[str] = {m for m in members if isinstance(m, str)} if isinstance(members, dict) else set()
        # Without a usable roster every member reference would fail; the roster's own
        # problem is the one worth reporting.
        self.roster_ok = isinstance(members, dict)
        self.config = config
        self.goals: dict[str, Entry] = {}
        self.contracts: dict[str, Entry] = {}
        self.checkins: dict[str, list[tuple[str, Entry]]] = {}
        self._replies: dict[tuple[str, str, str], Entry] | None = None
        unindexed: set[str] = set()
        for path, entry in entries.items():
            kind = entry.kind
            if kind == "reply":
                continue  # indexed on first use (see `replies`); most entries are replies
            if kind in ("goal", "contract"):
                # A goal or contract is named by its file: only a name that is an id names one
                # (check reports the others). Ids are what pages, links and keys are made of,
                # and a file name need not even be text (bytes that are not UTF-8).
                stem = path.rpartition("/")[2].removesuffix(".md")
                if layout.is_slug(stem):
                    (self.goals if kind == "goal" else self.contracts)[stem] = entry
            elif kind == "checkin":
                # Only readable periods are indexed: every reader of `checkins` (streaks,
                # outcomes, the digest) can then do period arithmetic on the keys.
                key = checkin_key(entry)
                if key is not None and periods.cadence_of(key[1]) is not None:
                    self.checkins.setdefault(key[0], []).append((key[1], entry))
                else:
                    unindexed.add(path)
        self.goal_ids = set(self.goals) | set(goal_ids)
        # Their own problem is reported; a reference to one is not called a reference to
        # nothing on top of it. So is a check-in's whose member or period cannot be read:
        # a reply to it is not told that the file it answers does not exist.
        self.unreadable = set(unreadable) | unindexed
        for items in self.checkins.values():
            items.sort(key=lambda pe: pe[0])
        self._by_cadence: dict[tuple[str, int], tuple[list[str], list[Entry]]] = {}
        self._by_period: dict[tuple[str, str], Entry] | None = None
        self._parties: dict[str, set[str]] = {}
        self._shared: dict[tuple[str, str], bool] = {}

    @property
    def replies(self) -> dict[tuple[str, str, str], Entry]:
        """(period, partner answered, author) -> reply, for replies whose front matter names all
        three. Indexed on first use: `check` never asks, and a journal may hold 13,000 replies."""
        if self._replies is None:
            # From the heads: an index of 13,000 replies reads none of them (core/lazy_entry.LazyEntry).
            # Made a column at a time, in C; a journal's replies name a few members and periods
            # many times over, so each name is tested once.
            entries = list(self.entries.values())
            replies = list(compress(entries, map(eq, map(_KIND, entries), repeat("reply"))))
            heads = list(map(_HEAD, replies))
            authors, tos, dates = list(map(_FIRST, heads)), list(map(_SECOND, heads)), list(map(_THIRD, heads))
            slug, dated = _Tested(layout.is_slug), _Tested(lambda p: periods.cadence_of(p) is not None)
            names = set(authors) | set(tos)
            if not (all(map(slug.__getitem__, names)) and all(map(dated.__getitem__, set(dates)))):
                named = [slug[a] and slug[t] and dated[d] for a, t, d in zip(authors, tos, dates)]
                replies, authors, tos, dates = (list(compress(c, named)) for c in (replies, authors, tos, dates))
            # A later file naming the same three replaces an earlier one, as a row at a time would.
            self._replies = dict(zip(zip(dates, tos, authors), replies))
        return self._replies

    def parties(self, contract: str) -> set[str]:
        """The contract's parties as written (a copy: callers may change it)."""
        found = self._parties.get(contract)
        if found is None:
            entry = self.contracts.get(contract)
            parties = entry.data.get("parties") if entry else None
            found = self._parties[contract] = {p for p in parties if isinstance(p, str)} \
                if isinstance(parties, list) else set()
        return set(found)

    def shares_contract(self, author: str, to: str) -> bool:
        """Whether `to` is a party to a contract that `author` is a party to or referees."""
        found = self._shared.get((author, to))
        if found is None:
            found = self._shared[(author, to)] = any(
                to in self.parties(c) and (author in self.parties(c) or entry.data.get("referee") == author)
                for c, entry in self.contracts.items())
        return found

    def checkin(self, member: str, period: str) -> Entry | None:
        """The member's check-in for `period`, if there is one (the first file that claims it).

        An index built on first use: replies and threads look up one check-in each, and a
        scan per lookup made checking 13,000 replies quadratic."""
        if self._by_period is None:
            self._by_period = {}
            for who, items in self.checkins.items():
                for p, e in items:
                    self._by_period.setdefault((who, p), e)
        return self._by_period.get((member, period))

    def previous_checkin(self, member: str, period: str) -> Entry | None:
        """The member's latest check-in of the same cadence before `period`, or None.

        A binary search over the member's sorted keys of that cadence (weeks and dates differ
        in length), so checking every check-in stays O(n log n) rather than O(n²)."""
        keys, entries = self._of_length(member, len(period))
        at = bisect.bisect_left(keys, period)
        return entries[at - 1] if at else None

    def latest_period(self, member: str, cadence: str) -> str | None:
        """The key of the member's latest check-in of `cadence`, or None when there is none."""
        keys, _ = self._of_length(member, _KEY_LENGTH[cadence])
        return keys[-1] if keys else None

    def _of_length(self, member: str, length: int) -> tuple[list[str], list[Entry]]:
        """The member's check-in keys of one length (one cadence), sorted, with their entries."""
        index = self._by_cadence.get((member, length))
        if index is None:
            items = [(p, e) for p, e in self.checkins.get(member, []) if len(p) == length]
            index = self._by_cadence[(member, length)] = ([p for p, _ in items], [e for _, e in items])
        return index


#: The length of every period key of a cadence (YYYY-Www, YYYY-MM-DD): keys of one length
#: sort in time order.
_KEY_LENGTH = {periods.WEEKLY: len("2026-W48"), periods.DAILY: len("2026-11-30")}
