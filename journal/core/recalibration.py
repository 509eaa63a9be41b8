"""When a pact needs recalibrating: outcome values, completion, the prompts' rules, review dates.

One home for each rule, read by the streak flags (`recalibrate`, `review-due`), the digest's
prompts, `journal status`'s agenda and the calendar, so they cannot disagree on a date or a
threshold."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

#: What an outcome is worth in completion: done 1, partial ½, missed 0 (unknown: not counted).
OUTCOME_VALUE = {"done": 1.0, "partial": 0.5, "missed": 0.0}
COMPLETION_WINDOW = 4  # check-ins the headline completion looks back on
LOW_COMPLETION = 0.5
LOW_COMPLETION_RUN = 3  # this many check-ins in a row under LOW_COMPLETION ask for a recalibration
REPEAT_MISSES = 3  # one commitment missed this often ...
REPEAT_WINDOW = 6  # ... within this many check-ins does too

#: A check-in's outcomes as (commitment, status) pairs.
Outcomes = Sequence[tuple[str, str]]


def commitment_key(text: str) -> str:
    """The same commitment, however it is spaced or capitalised from week to week."""
    return " ".join(text.split()).casefold()


def completion(statuses: Iterable[str]) -> float | None:
    """The mean value of the known outcome statuses, 0..1; None when there is none."""
    values = [OUTCOME_VALUE[s] for s in statuses if s in OUTCOME_VALUE]
    return sum(values) / len(values) if values else None


def low_completion_run(completions: Sequence[float]) -> bool:
    """Whether the last LOW_COMPLETION_RUN check-ins (completions, oldest first) all fell under
    LOW_COMPLETION."""
    recent = completions[-LOW_COMPLETION_RUN:]
    return len(recent) == LOW_COMPLETION_RUN and all(c < LOW_COMPLETION for c in recent)


def repeated_misses(checkins: Sequence[Outcomes]) -> dict[str, int]:
    """commitment_key -> misses, for commitments missed REPEAT_MISSES times or more in the last
    REPEAT_WINDOW check-ins (oldest first, only those with a known outcome)."""
    misses = Counter(commitment_key(text) for outcomes in checkins[-REPEAT_WINDOW:]
                     for text, status in outcomes if status == "missed")
    return {key: n for key, n in sorted(misses.items()) if n >= REPEAT_MISSES}


def needs_recalibration(checkins: Sequence[Outcomes]) -> bool:
    """The `recalibrate` flag: a run of low completion, or one commitment missed again and again."""
    completions = [c for outcomes in checkins if (c := completion(s for _, s in outcomes)) is not None]
    return low_completion_run(completions) or bool(repeated_misses(checkins))


def review_dates(effective: dt.date, every: dt.timedelta | None, until: dt.date | None,
                 start: dt.date, end: dt.date) -> list[dt.date]:
    """Review dates effective + k × every (k ≥ 1, not after `until`) within [start, end].

    A review comes at most once a day: an `every` under one day gives none."""
    if every is None or every < dt.timedelta(days=1):
        return []
    origin = dt.datetime.combine(effective, dt.time(0))
    k = max(1, (dt.datetime.combine(start, dt.time(0)) - origin) // every)
    found = []
    while (day := (origin + k * every).date()) <= end and (until is None or day <= until):
        if day >= start:
            found.append(day)
        k += 1
    return found
