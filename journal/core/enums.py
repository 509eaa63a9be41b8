"""The closed vocabularies of entries: cadences, outcome and goal statuses, verdicts.

One home for each: the schema takes its allowed values from here, and the typed model
(core/model.py) gives them to every layer above core."""

from __future__ import annotations

from enum import StrEnum

from journal.core import periods


class Cadence(StrEnum):
    WEEKLY = periods.WEEKLY
    DAILY = periods.DAILY


class OutcomeStatus(StrEnum):
    DONE = "done"
    PARTIAL = "partial"
    MISSED = "missed"


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    PAUSED = "paused"
    DROPPED = "dropped"
