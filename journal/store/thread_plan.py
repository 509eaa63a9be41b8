"""Which threads a journal has, and each one's key, kept by the journal's content and history.

Finding the keys of the threads (store/thread_cache.py) reads every reply's head and every
time the history brought one: 13,000 of each in a large journal, on every command. Yet the
list of (member, period, key) rows is a function of the entries (named by the snapshot's
content token: every path with its blob id), of the history (named by its HEAD commit and a
shallow clone's grafts), of the roster, zones and contracts (the `shared` text of the thread
keys), of the code that makes it, and of `now` only through comparisons with the times the
history filed check-ins and brought replies. So the rows are kept in
`<gitdir>/journal/thread-plan.bin` (sealed marshal, store/plain_cache.py) under a hash of
those inputs, with the window of `now` between the nearest such times: a run with the same
inputs and a `now` in that window reads the rows instead of making them. Anything else (a
new commit, an edited file, a file of another shape) makes them again.

The responder figures and pact reply streaks made of those threads are kept beside the rows,
with the window in which every one of the threads stays as it was judged (ThreadCache.window):
within it, they are what the threads would give again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from journal.core.replies import RESPONSE_STATES, ResponderFigures
from journal.store import plain_cache
from journal.store.local_state import MAX_STATE_BYTES, code_stamp
from journal.store.thread_cache import window_holds, kept_stamp

PLAN_FILE = "thread-plan.bin"
TALLY_FILE = "thread-tally.bin"
_TAG = "journal-thread-plan 2"  # 2: windows in whole microseconds (thread_cache.kept_stamp)

Row = tuple[str, str, str]  # member, period, thread key
Figures = tuple[dict[str, ResponderFigures], dict[str, int]]  # responders by member, pact streaks by slug


class ThreadPlan:
    """The kept rows of one journal state under `folder` (None: nothing kept)."""

    def __init__(self, folder: Path | None, shared: str, token: str, head: str, grafts: Iterable[str],
                 code: tuple[str, ...]) -> None:
        """`shared` is the thread keys' shared text without the first reply's time, `token` the
        snapshot's content token, `head` and `grafts` the history's; `code` names the modules
        (by `__name__`) whose code makes the rows."""
        stamp = code_stamp((*(Path(str(sys.modules[name].__file__)) for name in code), Path(__file__))).hex()
        text = "\0".join((_TAG, stamp, shared, token, head, *sorted(grafts)))
        self.key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        # What a tally of figures is summed up under besides the threads' answers: this code,
        # and the contracts and roster (in `shared`), which decide whose answers count where.
        self.basis = hashlib.blake2b("\0".join((_TAG, stamp, shared)).encode("utf-8", "surrogatepass"),
                                     digest_size=16).hexdigest()
        self.file = folder / PLAN_FILE if folder is not None else None
        self.kept: tuple[int | None, int | None, str, list[Row]] | None = None  # what save() writes
        self.before: tuple[str, list[Row]] | None = None  # a plan kept for other inputs: its key and rows

    def get(self, now: dt.datetime) -> tuple[str, list[Row], Figures | None] | None:
        """(the first reply's time as written into the thread keys, the rows, the figures when
        kept for a window holding `now`) kept for these inputs and a window holding `now`; None
        when there are none."""
        raw = plain_cache.load(self.file, _TAG, MAX_STATE_BYTES) if self.file is not None else None
        if type(raw) is not list or len(raw) != 6:
            return None
        key, start, end, first, rows, figures = raw
        if type(first) is not str or type(rows) is not list \
                or not all(type(row) is tuple and len(row) == 3 and all(type(v) is str for v in row) for row in rows):
            return None
        stamp = kept_stamp(now)
        if key != self.key or not window_holds(start, end, stamp):
            self.before = (key, rows) if type(key) is str else None
            return None
        self.kept = (start, end, first, rows)
        return first, rows, _figures(figures, stamp)

    def base(self, now: dt.datetime) -> tuple[list[Row], Any] | None:
        """(the rows, the plain tally of their figures: core/replies.Tally.plain) of the plan kept
        for other inputs (`get` found it), when its figures hold at `now` and this code made them
        under the same contracts and roster:
        the figures of these inputs are those, less the threads no longer among the rows, plus
        the new ones. None when there is no such plan."""
        if self.before is None or self.file is None:
            return None
        raw = plain_cache.load(self.file.with_name(TALLY_FILE), _TAG, MAX_STATE_BYTES)
        if type(raw) is not list or len(raw) != 5 or raw[0] != self.basis or raw[1] != self.before[0] \
                or not window_holds(raw[2], raw[3], kept_stamp(now)):
            return None
        return self.before[1], raw[4]

    def put(self, now: dt.datetime, times: list[int], first: str, rows: list[Row]) -> None:
        """Make `rows` (with `first`) the ones to keep, for the window of `now` that `times`
        (every filing and reply time the rows compare with `now`, as kept stamps:
        thread_cache.kept_stamp) bound; `save` writes them."""
        stamp = kept_stamp(now)
        before = [t for t in times if t <= stamp]
        after = [t for t in times if t > stamp] if len(before) != len(times) else []
        self.kept = (max(before) if before else None, min(after) if after else None,
                     first, [tuple(row) for row in rows])

    def save(self, window: list[int | None], figures: Figures, tally: Any = None) -> None:
        """Write the rows kept or made, with `figures` for the window (kept stamps, None:
        unbounded) in which every thread they are made of holds, and the plain `tally` they
        were summed up from (see `base`) beside them."""
        if self.file is None or self.kept is None:
            return
        low, high = window
        start, end = self.kept[:2]  # the figures hold only while the rows do too
        window = [start if low is None or start is not None and start > low else low,
                  end if high is None or end is not None and end < high else high]
        responders, pacts = figures
        plain = [[f.member, dict(f.counts), f.in_time_rate,
                  None if f.median_response is None else [f.median_response.days, f.median_response.seconds,
                                                          f.median_response.microseconds]]
                 for f in responders.values()]
        plain_cache.save(self.file, _TAG, [self.key, *self.kept, [*window, plain, dict(pacts)]])
        if tally is not None:  # apart: only a run whose plan is not kept reads it
            plain_cache.save(self.file.with_name(TALLY_FILE), _TAG, [self.basis, self.key, *window, tally])


def _figures(raw: Any, stamp: int) -> Figures | None:
    """The kept figures, if they hold at `stamp` and have the shapes they were written in."""
    if type(raw) is not list or len(raw) != 4 or not window_holds(raw[0], raw[1], stamp):
        return None
    plain, pacts = raw[2], raw[3]
    if type(plain) is not list or type(pacts) is not dict \
            or not all(type(k) is str and type(v) is int for k, v in pacts.items()):
        return None
    responders = {}
    for item in plain:
        if type(item) is not list or len(item) != 4:
            return None
        member, counts, rate, median = item
        if type(member) is not str or type(counts) is not dict or set(counts) != set(RESPONSE_STATES) \
                or not all(type(v) is int for v in counts.values()) or not (rate is None or type(rate) is float) \
                or not (median is None or type(median) is list and len(median) == 3
                        and all(type(v) is int for v in median)):
            return None
        responders[member] = ResponderFigures(member, {state: counts[state] for state in RESPONSE_STATES}, rate,
                                              None if median is None else dt.timedelta(*median))
    return responders, pacts
