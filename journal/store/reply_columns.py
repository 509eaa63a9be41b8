"""The replies the history brought and the journal holds, as columns: what every thread's key
reads of them (store/thread_cache.py), made a column at a time.

After a pull every thread's key is made again (store/thread_plan.py), from one part per reply:
13,000 in a large journal. Each column here (who answered whom for which period, the reply's
text hash, the commit that brought it, when) is made by one `map` over the history's own
columns (history_events.stamp_columns), in C; the only loop in Python groups the rows by
check-in, one append per reply. The replies of one check-in, entries and times included, are
put together only for a thread judged again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import compress, repeat
from operator import attrgetter, is_not
from typing import Any

from journal.store.history_events import instants

_DIGEST = attrgetter("head.digest")


class ReplyColumns:
    """Of the replies the history brought (`stamped`: history_events.stamp_columns, the columns
    author, partner answered, period, commit, POSIX time, offset in minutes; () for none) the
    ones `written` ((period, to, author) -> entry: core/journal_index.Journal.replies) holds,
    in the history's order, a column per field."""

    def __init__(self, stamped: Sequence[Sequence[Any]], written: Mapping[tuple[str, str, str], Any]) -> None:
        authors, tos, dates, commits, times, offsets = stamped or ((), (), (), (), (), ())
        #: Every reply's instant (history_events.instant), held or not: what `now` is compared with.
        self.instants: list[int] = instants(times, offsets)
        entries = list(map(written.get, zip(dates, tos, authors)))
        held = list(map(is_not, entries, repeat(None)))
        moments = self.instants
        if not all(held):  # brought by the history, no longer in the journal: nothing to show
            authors, tos, dates, commits, times, offsets, entries, moments = (
                list(compress(column, held)) for column in (authors, tos, dates, commits, times, offsets, entries,
                                                            moments))
        self._authors, self._commits, self._times, self._offsets = authors, commits, times, offsets
        self._entries, self._instants = entries, moments
        # A reply's part of its thread's key: ThreadCache.posted_text, a row at a time.
        self._texts = list(map("\0".join, zip(authors, map(_DIGEST, entries), commits)))
        self._rows: dict[tuple[str, str], list[int]] = {}
        for row, checkin in enumerate(zip(tos, dates)):
            self._rows.setdefault(checkin, []).append(row)

    def first(self, limit: float) -> tuple[int, int] | None:
        """(POSIX time, offset) of the earliest reply held that the history brought at or before
        `limit` (POSIX seconds), the first in order among equals; None when there is none."""
        shown = [t for t in self._instants if t <= limit]
        if not shown:
            return None
        at = self._instants.index(min(shown))
        return self._times[at], self._offsets[at]

    def parts(self, member: str, period: str) -> list[str]:
        """The key parts of the replies to `member`'s check-in for `period`, sorted."""
        return sorted(map(self._texts.__getitem__, self._rows.get((member, period), ())))

    def replies(self, member: str, period: str) -> list[tuple[str, Any, tuple[int, int], str]]:
        """The replies to `member`'s check-in for `period`: (author, entry, (POSIX time, offset), commit)."""
        return [(self._authors[row], self._entries[row], (self._times[row], self._offsets[row]), self._commits[row])
                for row in self._rows.get((member, period), ())]
