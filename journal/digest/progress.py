"""A goal's life period by period, and the one-line reading of how it is going.

The goal page's chart and the overview's progress chart both draw `timeline`: every period
from the goal's start (or its owners' first period) to now, each with what was logged and
how the owners' check-in for it counted, so a missed or paused week keeps its place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from journal.core import periods
from journal.core.streaks import EARLY, LATE, MISSED, ON_TIME, PAUSED, PENDING

# When owners' periods disagree, the period shows the status that asks for attention first.
_PRECEDENCE = (MISSED, LATE, ON_TIME, EARLY, PENDING, PAUSED)
_RANK = {status: n for n, status in enumerate(_PRECEDENCE)}


def timeline(series: Sequence[Mapping[str, Any]], owner_periods: Sequence[Sequence[Mapping[str, Any]]],
             started: dt.date | None, deadline: dt.date | None) -> list[dict[str, Any]]:
    """Every period of a goal's life: `period`, `value` (None when nothing was logged) and
    `status` (the owners' period status, or None for a period no contract judged).

    `series` are the goal's logged values (`period`, `value`); `owner_periods` each owner's
    judged periods (`period`, `status`), oldest first."""
    # Per period, the owners' status that asks for attention first (see _PRECEDENCE).
    statuses: dict[str, str | None] = {}
    for own in owner_periods:
        for p in own:
            key, status = str(p["period"]), str(p["status"])
            best = statuses.get(key)
            if status in _RANK and (best is None or _RANK[status] < _RANK[best]):
                statuses[key] = status
            elif key not in statuses:
                statuses[key] = None
    values = {str(p["period"]): float(p["value"]) for p in series}
    keys = [k for k in {*statuses, *values} if _within(k, started, deadline) or k in values]
    if not keys:
        return []
    cadence = periods.cadence_of(min(keys, key=_start))
    if cadence is None:
        return []
    same = sorted((k for k in keys if periods.cadence_of(k) == cadence), key=_start)
    # Fill holes (a period no owner was judged for, such as one before the contract) so
    # that every period keeps its place on the axis.
    every = _keys_between(same[0], same[-1], cadence) if same else ()
    return [{"period": key, "value": values.get(key), "status": statuses.get(key)} for key in every]


@lru_cache(maxsize=1024)
def _keys_between(first: str, last: str, cadence: str) -> tuple[str, ...]:
    # Goals of one owner span the same periods: walked once per process, not per goal.
    return tuple(periods.keys_between(first, last, cadence))


@lru_cache(maxsize=65536)
def _span(key: str) -> tuple[dt.date, dt.date] | None:
    """The first and last local date of the period `key`, None for no period key; every
    goal asks for every one of its owners' periods, so each key is read once."""
    cadence = periods.cadence_of(key)
    if cadence is None:
        return None
    first = periods.key_start(key, cadence)
    return first, first + periods.period_days(cadence) - dt.timedelta(days=1)


def _start(key: str) -> dt.date:
    span = _span(key)
    return span[0] if span is not None else dt.date.min


def _within(key: str, started: dt.date | None, deadline: dt.date | None) -> bool:
    span = _span(key)
    if span is None:
        return False
    first, last = span
    return (started is None or last >= started) and (deadline is None or first <= deadline)


def reading(line: Sequence[Mapping[str, Any]], target: float | None, unit: str, per: str | None,
            milestones: Sequence[Mapping[str, Any]]) -> str:
    """One line on how the goal is going: a run against the target ("below target 3 weeks
    running"), else what was logged, else where the milestones stand."""
    word = per or "period"
    judged = [p for p in line if p["status"] != PAUSED and (p["value"] is not None or p["status"] == MISSED)]
    if target is not None and judged:
        above = _reached(judged[-1], target)
        run = 0
        for p in reversed(judged):
            if _reached(p, target) != above:
                break
            run += 1
        where = "At or above target" if above else "Below target"
        last = judged[-1]
        # The unit once, after the target: it is written as the goal names it ("rehearsals"),
        # which after a latest of 1 read "1 rehearsals".
        latest = _num(last["value"]) if last["value"] is not None else "nothing logged"
        return f"{where} {_count(run, word)} running (latest: {latest}, target {_num(target)} {unit})"
    logged = [p for p in line if p["value"] is not None]
    if logged:
        total = sum(float(p["value"]) for p in logged)
        return f"{_num(total)} {unit} logged over {_count(len(logged), word)}"
    done = sum(1 for m in milestones if m["state"] == "done")
    if milestones:
        return f"{done} of {len(milestones)} milestones done"
    return "Nothing logged yet"


def _reached(p: Mapping[str, Any], target: float) -> bool:
    return p["value"] is not None and float(p["value"]) >= target


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
