"""The typed model: frozen records of a journal's entries, with enums for kinds and statuses.

Records are built from entries by core/build_model.py, the one place that decides what an
unusable field falls back to; every layer above core reads attributes of these records and
never the front matter itself. Defaults live in core/schema.py (DEFAULTS)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from journal.core.enums import Cadence, GoalStatus, OutcomeStatus, Verdict
from journal.core.periods import Due, parse_duration
from journal.core.schema import DEFAULTS, email_key


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    emails: tuple[str, ...]
    tz: zoneinfo.ZoneInfo

    def owns_email(self, email: str) -> bool:
        """Whether `email` is one of the member's (compared by `email_key`)."""
        return email_key(email) in set(map(email_key, self.emails))


@dataclass(frozen=True)
class DigestSettings:
    out: str | None = None  # as written; None: the default folder
    branch: str | None = None
    private: tuple[str, ...] = ()  # check-in fields and body sections never published
    commit: str | None = DEFAULTS["config"]["digest.commit"]  # the committed digest's folder; None: `false`


@dataclass(frozen=True)
class Config:
    title: str  # "" when unusable
    members: Mapping[str, Member]
    digest: DigestSettings = DigestSettings()


@dataclass(frozen=True)
class Stakes:
    per_miss: float | None
    currency: str | None = None
    to: str | None = None


@dataclass(frozen=True)
class Pause:
    """A pause as written in a contract (core/streaks.Pause adds when it was announced)."""

    member: str
    start: dt.date
    end: dt.date
    reason: str = ""


@dataclass(frozen=True)
class Contract:
    slug: str
    path: str
    title: str  # the slug when unusable
    parties: tuple[str, ...]
    parties_listed: bool  # `parties` was a list (else the contract cannot be used for streaks)
    effective: dt.date | None
    until: dt.date | None
    cadence: Cadence | None  # None: an unknown cadence (the contract cannot be used)
    due: Due | None  # defaulted by cadence; None when unusable
    due_text: str | None  # as written, for display; None when not given
    grace: dt.timedelta
    notice: dt.timedelta
    review_every: dt.timedelta | None
    style: Mapping[str, str] = field(default_factory=dict)
    stakes: Stakes | None = None
    pauses: tuple[Pause, ...] = ()
    private: bool = False
    cadence_text: str = ""  # as written (the digest shows it); "" when absent
    review_every_text: str = ""  # as written (the calendar quotes it)
    respond_within: dt.timedelta = field(  # defaulted by cadence (schema DEFAULTS)
        default_factory=lambda: parse_duration(DEFAULTS["contract"]["respond_within.weekly"]))
    referee: str | None = None  # the member whose verdicts count (a party or not)

    @property
    def usable(self) -> bool:
        """Whether streaks can be judged under this contract."""
        return self.parties_listed and self.effective is not None and self.cadence is not None and self.due is not None


@dataclass(frozen=True)
class Milestone:
    title: str
    due: dt.date | None
    done: dt.date | None  # None also when `done:` holds no readable date
    done_given: bool = False  # whether `done:` holds anything (an unreadable date still closes it)


@dataclass(frozen=True)
class Measure:
    metric: str
    per: str | None
    target: float | None


@dataclass(frozen=True)
class Goal:
    id: str
    path: str
    title: str  # the id when unusable
    owners: tuple[str, ...]
    status: GoalStatus | None  # None: unknown status
    status_text: str  # as written ("" when absent)
    started: dt.date | None
    deadline: dt.date | None
    measure: Measure | None
    milestones: tuple[Milestone, ...]
    tags: tuple[str, ...]
    contract: str | None
    private: bool
    body: str = ""

    @property
    def active(self) -> bool:
        """Active goals show on agendas; a goal without a status counts as active."""
        return self.status_text == "" or self.status is GoalStatus.ACTIVE


@dataclass(frozen=True)
class Outcome:
    commitment: str
    goal: str | None
    status: OutcomeStatus | None  # None: unknown status (not counted)
    status_text: str  # as written
    note: str


@dataclass(frozen=True)
class Commitment:
    commitment: str
    goal: str | None
    note: str


@dataclass(frozen=True)
class Checkin:
    path: str
    member: str | None
    period: str | None  # a key core/periods can read, else None
    contract: str | None
    outcomes: tuple[Outcome, ...]
    metrics: Mapping[str, int | float]  # goal id -> number as written; unusable values dropped
    commitments: tuple[Commitment, ...]
    energy: int | None
    ask: str | None  # None when absent or empty
    private: bool
    body: str = ""


@dataclass(frozen=True)
class VerdictItem:
    """One verdict on the partner's outcome at the same position in their check-in."""

    verdict: Verdict | None  # None: unknown (not counted)
    note: str


@dataclass(frozen=True)
class Reply:
    """A partner's answer to one check-in: `author` answers `to`'s check-in for `period`."""

    path: str
    author: str | None
    to: str | None
    period: str | None  # a key core/periods can read, else None
    answer: str | None
    kudos: str | int | None  # a win's text, or an outcome's number counted from 1
    verdicts: tuple[VerdictItem, ...]
    private: bool
    body: str = ""


def stem(path: str) -> str:
    """A file's name without folder and suffix: a goal's id, a contract's slug."""
    return PurePosixPath(path).stem
