"""What is coming up: milestones, goal deadlines and contract reviews in the next weeks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from journal.core import build_model, recalibration
from journal.core.model import Contract
from journal.core.journal_index import Journal


@dataclass(frozen=True, order=True)
class Upcoming:
    day: dt.date
    kind: str  # milestone | deadline | review
    title: str
    source: str  # goal id or contract slug


def upcoming(journal: Journal, today: dt.date, days: int = 28) -> list[Upcoming]:
    """Deadlines and open milestones of active, non-private goals and contract reviews within
    `days` of `today`, by date."""
    horizon = today + dt.timedelta(days=days)
    found: list[Upcoming] = []
    for goal in build_model.goals(journal).values():
        if not goal.active or goal.private:
            continue
        if goal.deadline and today <= goal.deadline <= horizon:
            found.append(Upcoming(goal.deadline, "deadline", goal.title, goal.id))
        for m in goal.milestones:
            if m.due and not m.done_given and today <= m.due <= horizon:
                found.append(Upcoming(m.due, "milestone", m.title, goal.id))
    for contract in build_model.contracts(journal).values():
        for day in review_dates(contract, today, horizon):
            found.append(Upcoming(day, "review", contract.title, contract.slug))
    return sorted(found)


def review_dates(contract: Contract, start: dt.date, end: dt.date) -> list[dt.date]:
    """A contract's review dates within [start, end] (see recalibration.review_dates)."""
    if contract.effective is None:
        return []
    return recalibration.review_dates(contract.effective, contract.review_every, contract.until, start, end)


def member_names(journal: Journal) -> dict[str, str]:
    """Member id -> display name."""
    return {m.id: m.name for m in build_model.members(journal).values()}
