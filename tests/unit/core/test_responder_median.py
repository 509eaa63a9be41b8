"""A responder's median response time is summed up from whole microseconds (Thread.answers),
not timedeltas: it must be the median of the timedeltas themselves, to the microsecond,
including the mean of two middle values that falls on half a microsecond."""

from __future__ import annotations

import datetime as dt
import statistics

from hypothesis import given
from hypothesis import strategies as st

from journal.core.replies import IN_TIME, LATE, MICROSECOND, Tally

SPANS = st.lists(st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=400)), min_size=1, max_size=12)


@given(SPANS)
def test_the_median_of_microseconds_is_the_median_of_the_timedeltas(spans: list[dt.timedelta]) -> None:
    answers = [("bob", IN_TIME if i % 2 else LATE, span // MICROSECOND) for i, span in enumerate(spans)]
    tally = Tally({})
    tally.add("alice", "2026-W48", answers)
    assert tally.figures()[0]["bob"].median_response == statistics.median(spans)


def test_two_middle_values_half_a_microsecond_apart_round_to_even() -> None:
    spans = [dt.timedelta(microseconds=1), dt.timedelta(microseconds=2)]  # mean 1.5 µs: rounds to 2
    answers = [("bob", IN_TIME, span // MICROSECOND) for span in spans]
    tally = Tally({})
    tally.add("alice", "2026-W48", answers)
    assert tally.figures()[0]["bob"].median_response == statistics.median(spans) == spans[1]
