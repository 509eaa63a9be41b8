"""What is coming up: milestones, goal deadlines and contract reviews in the next weeks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from journal.core import model, periods, recalibration
from journal.core.rules import Journal
from journal.core.schema import parse_date


@dataclass(frozen=True, order=True)
class Upcoming:
    day: dt.date
    kind: str  # milestone | deadline | review
    title: str
    source: str  # goal id or contract slug


def upcoming(journal: Journal, today: dt.date, days: int = 28) -> list[Upcoming]:
    horizon = today + dt.timedelta(days=days)
    found: list[Upcoming] = []
    for goal_id, entry in journal.goals.items():
        data = entry.data
        if data.get("status", "active") != "active" or data.get("private") is True:
            continue
        deadline = parse_date(data.get("deadline"))
        if deadline and today <= deadline <= horizon:
            found.append(Upcoming(deadline, "deadline", str(data.get("title", goal_id)), goal_id))
        milestones = data.get("milestones")
        for m in milestones if isinstance(milestones, list) else []:
            due = parse_date(m.get("due")) if isinstance(m, dict) else None
            if due and m.get("done") is None and today <= due <= horizon:
                found.append(Upcoming(due, "milestone", str(m.get("title", "")), goal_id))
    for slug, entry in journal.contracts.items():
        for day in review_dates(entry.data, today, horizon):
            found.append(Upcoming(day, "review", str(entry.data.get("title", slug)), slug))
    return sorted(found)


def review_dates(data: dict, start: dt.date, end: dt.date) -> list[dt.date]:
    """A contract's review dates within [start, end] (see recalibration.review_dates)."""
    try:
        every = periods.parse_duration(str(data["review_every"])) if data.get("review_every") else None
    except ValueError:
        every = None
    effective = parse_date(data.get("effective"))
    if effective is None:
        return []
    return recalibration.review_dates(effective, every, parse_date(data.get("until")), start, end)


def member_names(journal: Journal) -> dict[str, str]:
    return {m.id: m.name for m in model.members(journal).values()}
