"""The replies the history brought and the journal holds, as columns: what every thread's key
reads of them (store/thread_cache.py), made a column at a time.

After a pull every thread's key is made again (store/thread_plan.py), from one part per reply:
13,000 in a large journal. Each column here (who answered whom for which period, the reply's
text hash, the commit that brought it, when) is made by one `map` over the one before, in C;
the only loop in Python groups the rows by check-in, one append per reply. The replies of one
check-in, entries and times included, are put together only for a thread judged again.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import compress, repeat
from operator import attrgetter, is_not, itemgetter
from typing import Any

from journal.store.history_events import instant

#: (author, partner answered, period) -> (period, partner answered, author): core/journal_index.Journal.replies' key.
_WRITTEN = itemgetter(2, 1, 0)
_CHECKIN = itemgetter(1, 2)  # (author, to, period) -> the check-in answered: (to, period)
_FIRST, _SECOND, _THIRD = itemgetter(0), itemgetter(1), itemgetter(2)
_DIGEST = attrgetter("head.digest")

Posted = tuple[str, int, int]  # (commit, POSIX time, offset in minutes): history_events.stamps


class ReplyColumns:
    """Of `posted` ((author, to, period) -> (commit, POSIX time, offset): every reply the history
    brought, history_events.stamps) the ones `written` ((period, to, author) -> entry:
    core/journal_index.Journal.replies) holds, in `posted`'s order, a column per field."""

    def __init__(self, posted: Mapping[tuple[str, str, str], Posted], written: Mapping[tuple[str, str, str], Any]) -> None:
        keys, stamped = list(posted), list(posted.values())
        #: Every reply's instant (history_events.instant), held or not: what `now` is compared with.
        self.instants: list[int] = list(map(instant, map(_SECOND, stamped), map(_THIRD, stamped)))
        entries = list(map(written.get, map(_WRITTEN, keys)))
        held = list(map(is_not, entries, repeat(None)))
        instants = self.instants
        if not all(held):  # brought by the history, no longer in the journal: nothing to show
            keys, stamped = list(compress(keys, held)), list(compress(stamped, held))
            entries, instants = list(compress(entries, held)), list(compress(instants, held))
        self._keys, self._stamped, self._entries, self._instants = keys, stamped, entries, instants
        # A reply's part of its thread's key: ThreadCache.posted_text, a row at a time.
        self._texts = list(map("\0".join, zip(map(_FIRST, keys), map(_DIGEST, entries), map(_FIRST, stamped))))
        self._rows: dict[tuple[str, str], list[int]] = {}
        for row, checkin in enumerate(map(_CHECKIN, keys)):
            self._rows.setdefault(checkin, []).append(row)

    def first(self, limit: float) -> tuple[int, int] | None:
        """(POSIX time, offset) of the earliest reply held that the history brought at or before
        `limit` (POSIX seconds), the first in order among equals; None when there is none."""
        shown = [t for t in self._instants if t <= limit]
        if not shown:
            return None
        _, time, offset = self._stamped[self._instants.index(min(shown))]
        return time, offset

    def parts(self, member: str, period: str) -> list[str]:
        """The key parts of the replies to `member`'s check-in for `period`, sorted."""
        return sorted(map(self._texts.__getitem__, self._rows.get((member, period), ())))

    def replies(self, member: str, period: str) -> list[tuple[str, Any, tuple[int, int], str]]:
        """The replies to `member`'s check-in for `period`: (author, entry, (POSIX time, offset), commit)."""
        return [(self._keys[row][0], self._entries[row], self._stamped[row][1:], self._stamped[row][0])
                for row in self._rows.get((member, period), ())]
