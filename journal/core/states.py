"""A period's state and its words, in one place for `status`, `streaks`, the digest and the hooks.

`current_period` picks the period a member should act on; `period_state` says where that
period stands; `STATUS_LABEL` words a judged period (the heatmap's legend, cell titles) and
`STATE_LABEL` words a state. Every report reads these, so they cannot tell different stories
(a period whose grace ran out is "missed" everywhere, never "overdue" in one place).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from journal.core.humanize import human_zoned
from journal.core.streaks import COUNTED, EARLY, LATE, MISSED, ON_TIME, PAUSED, PENDING, MemberReport, PeriodStatus

#: One label per period status (see core/streaks.STATUSES). A pending period is one not judged
#: yet: not due, or overdue while its grace period runs (the clock tells which: `period_state`,
#: `pending_words`), so its label names neither.
STATUS_LABEL = {
    ON_TIME: "on time", LATE: "late", MISSED: "missed", PAUSED: "paused",
    PENDING: "pending", EARLY: "too early",
}


class State(StrEnum):
    """Where a member stands for the period they should act on now."""

    NONE = "none"  # no contract has ever put a period before them
    CHECKED_IN = "checked-in"
    PAUSED = "paused"
    MISSED = "missed"
    DUE = "due"
    OVERDUE = "overdue"  # past due, still within grace: a check-in now counts as late


#: One label per state, as `journal status` prints it (and its JSON names it).
STATE_LABEL = {
    State.NONE: "no contract in force", State.CHECKED_IN: "checked in", State.PAUSED: "paused",
    State.MISSED: "missed", State.DUE: "due", State.OVERDUE: "overdue",
}

#: How a check-in counted, as the digest words a checked-in state.
CHECKED_IN_LABEL = {ON_TIME: "checked in", LATE: "checked in late", EARLY: "checked in too early"}


def current_period(report: MemberReport, now: dt.datetime) -> PeriodStatus | None:
    """The period a member should act on now: an overdue open one first, else the current one,
    else (no contract in force any more) the last one there was."""
    for p in report.periods:
        if p.status == PENDING and p.due <= now:
            return p
    for p in report.periods:
        if p.start <= now <= p.closes and p.status != PAUSED:
            return p
    return report.periods[-1] if report.periods else None


def period_state(period: PeriodStatus | None, now: dt.datetime) -> State:
    """The state of `period` (from `current_period`) as of `now`.

    The period's judged status decides; the clock only splits a pending period into due and
    overdue. A pending period can only be overdue while its grace runs: once `closes` has
    passed, core/streaks judges it missed."""
    if period is None:
        return State.NONE
    if period.status in COUNTED or period.status == EARLY:
        return State.CHECKED_IN
    if period.status == PAUSED:
        return State.PAUSED
    if period.status == MISSED:
        return State.MISSED
    # A check-in at the due time itself counts as on time (core/streaks): overdue only after it.
    return State.DUE if period.due >= now else State.OVERDUE


def pending_words(period: PeriodStatus, now: dt.datetime) -> str:
    """What a pending period's heatmap cell says after its label, as of `now` (aware): when it
    is due, or since when it is overdue and until when a check-in still counts, as late. Times
    in the zone its deadline is in (see `committed_local`)."""
    if period_state(period, now) is State.DUE:
        return f"due {human_zoned(period.due)}"
    return f"overdue since {human_zoned(period.due)}, counts as late until {human_zoned(period.closes)}"


def member_state(report: MemberReport, now: dt.datetime) -> tuple[PeriodStatus | None, State]:
    """`current_period` and its `period_state` in one call."""
    period = current_period(report, now)
    return period, period_state(period, now)


def is_overdue(report: MemberReport, now: dt.datetime) -> bool:
    """Whether the member is past due and can still check in late (`journal status` exits 4)."""
    return member_state(report, now)[1] is State.OVERDUE


def committed_local(at: dt.datetime | None, due: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None:
    """A period's commit time (its author time, in the offset the committer's machine recorded)
    in the zone its deadline is in: the member's zone in force for that period, so that a zone
    changed since does not move it, else `zone` (the member's zone now). None for None.

    Every report that shows when a period was checked in (`streaks --json`, the digest's
    heatmap and check-ins, digest.json) reads this, so none of them can give a closed period's
    time in another zone than the rest."""
    if at is None:
        return None
    return at.astimezone(due.tzinfo if due is not None and due.tzinfo is not None else zone)
