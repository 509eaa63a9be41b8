"""Pure streak arithmetic: contracts, filings and pauses -> statuses, streaks, scores, flags."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from journal.core.periods import (
    Due,
    Period,
    cadence_of,
    date_key,
    key_start,
    keys_between,
    local_time,
    make_period,
    period_days,
    period_key,
)
from journal.core.recalibration import (
    COMPLETION_WINDOW,
    completion,
    needs_recalibration,
    review_dates,
)

# Decisions beyond the design page, in one place:
# * A period is judged by the first filing of its check-in: `early` (before the period
#   began), `on_time` (by due), `late` (by due + grace), else `missed`. Such a verdict is
#   final the moment the filing exists, so it counts even while the period is still open:
#   in the streak, and in the score and on-time rate (which otherwise wait for a period to
#   close, so that a week in progress weighs nothing until it is missed or filed).
# * Filings and outcomes whose author time lies after `now` are not seen yet: a report
#   "as of" a past `--now` shows what was known then.
# * Streaks are read from statuses alone: on_time/late extend, missed/early break,
#   paused/pending are skipped. An early filing for the still-open current period
#   therefore breaks the streak at once; it can never count, so waiting would only hide it.
# * Contracts whose cadence differs from the member's earliest contract are ignored for
#   that member; periods between contracts (or in none) are paused and take their due
#   time from the member's earliest contract.
# * A closed period is judged by the contracts as committed when it closed (TermsInForce),
#   an open one by today's. When a member's cadence changes, the period open at the change
#   and the new cadence's periods that closed before it are not judged: neither set of
#   terms asked for them.
# * Rates (on_time_rate, completion) are fractions 0..1, unrounded; score is 0..100 to one
#   decimal; owed is rounded to cents. Unknown outcome statuses are ignored.
# * "recalibrate" looks at the most recent check-ins only: the last 3 with outcomes all
#   under 50 %, or one commitment missed 3 times in the last 6.

ON_TIME = "on_time"
LATE = "late"
MISSED = "missed"
PAUSED = "paused"
PENDING = "pending"
EARLY = "early"
STATUSES = (ON_TIME, LATE, MISSED, PAUSED, PENDING, EARLY)
COUNTED = frozenset({ON_TIME, LATE})
BREAKING = frozenset({MISSED, EARLY})
FINAL = frozenset({ON_TIME, LATE, EARLY})  # verdicts a filing settles before the period closes

HALF_LIFE = 6  # periods after which an old result weighs half as much in the score
ALPHA = 1 - 0.5 ** (1 / HALF_LIFE)
LATE_RUN = 3

Outcomes = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Pause:
    member: str
    start: date  # inclusive local dates
    end: date
    announced: datetime | None  # author time of the commit that first added it; None: never
    reason: str = ""


@dataclass(frozen=True)
class ContractTerms:
    slug: str
    parties: tuple[str, ...]
    effective: date
    until: date | None
    cadence: str
    due: Due
    grace: timedelta
    notice: timedelta = timedelta(days=7)
    per_miss: float = 0.0
    review_every: timedelta | None = None
    pauses: tuple[Pause, ...] = ()


@dataclass(frozen=True)
class TermsInForce:
    """The contracts as committed from `since` (author time) on; None: since before any history."""

    since: datetime | None
    contracts: tuple[ContractTerms, ...]


@dataclass(frozen=True)
class Filing:
    """The commit that first brought a member's check-in for `period` into history."""

    period: str
    at: datetime  # author time, with the author's own offset
    commit: str
    by_member: bool = True


@dataclass(frozen=True)
class PeriodStatus:
    period: str
    status: str
    commit: str | None
    at: datetime | None
    flags: tuple[str, ...]
    start: datetime
    due: datetime
    closes: datetime
    # The contracts the period was judged under: (slug, its parties then).
    contracts: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class MemberReport:
    member: str
    periods: tuple[PeriodStatus, ...]
    current: int
    longest: int
    score: float
    on_time_rate: float | None
    completion: float | None
    owed: float
    counts: dict[str, int] = field(default_factory=dict)
    flags: tuple[str, ...] = ()


def streak_lengths(statuses: Iterable[str]) -> tuple[int, int]:
    """(current, longest) run of counted statuses; paused and pending are skipped."""
    run = longest = 0
    for status in statuses:
        if status in COUNTED:
            run += 1
            longest = max(longest, run)
        elif status in BREAKING:
            run = 0
    return run, longest


def consistency_score(hits: Iterable[bool]) -> float:
    """Exponential moving average of hits (half-life 6 periods) as 0..100, one decimal."""
    average: float | None = None
    for hit in hits:
        value = 1.0 if hit else 0.0
        average = value if average is None else ALPHA * value + (1 - ALPHA) * average
    return 0.0 if average is None else round(average * 100, 1)


def compute_member(
    member: str,
    tz: ZoneInfo,
    contracts: Sequence[ContractTerms],
    filings: Mapping[str, Filing],
    outcomes: Mapping[str, Outcomes],
    now: datetime,
    *,
    zones: Sequence[tuple[datetime, ZoneInfo]] = (),
    cut: datetime | None = None,
    grafts: frozenset[str] = frozenset(),
    terms: Sequence[TermsInForce] = (),
) -> MemberReport:
    """Every period of `member` since their first contract, judged as of `now`.

    `zones` are the member's committed zones, oldest first (when each came in force): a
    period closed by `now` is judged in the zone in force when it closed, an open one in
    `tz`. `terms` are the committed sets of contracts, oldest first (see TermsInForce): a
    closed period is judged by the set in force when it closed, an open one by `contracts`
    (today's); without `terms`, `contracts` judge every period. With `cut` (a shallow
    history's start), periods whose filing may lie before the cut, or was seen only in a
    commit the history was cut at (`grafts`), are unknown and left out: neither missed,
    nor counted, nor owed."""
    now_utc = _utc(now)
    regimes = _regimes(member, contracts, terms, now_utc)
    judged: dict[str, tuple[PeriodStatus, float]] = {}
    for i, (since, mine) in enumerate(regimes):
        after = regimes[i + 1] if i + 1 < len(regimes) else None
        for status, stake in _judge_regime(member, tz, mine, since, after, filings, now_utc, zones, cut, grafts):
            judged[status.period] = (status, stake)
    ordered = sorted(judged.values(), key=lambda j: (key_start(j[0].period, _cadence(j[0].period)), j[0].period))
    statuses = [status for status, _ in ordered]
    # Closed once its grace has run out: a check-in at `closes` itself still counts (as late).
    closed = [now_utc > _utc(s.closes) for s in statuses]

    # Filed periods are settled at once: the rates must not change hours after a check-in
    # when its grace runs out (a Sunday check-in would count only from Monday morning).
    settled = [s for s, c in zip(statuses, closed, strict=True)
               if s.status != PAUSED and (c or s.status in FINAL)]
    current, longest = streak_lengths(s.status for s in statuses)
    counts = Counter(s.status for s in statuses)
    # Each miss owes the stakes of the terms it was judged under.
    owed = sum(stake for status, stake in ordered if status.status == MISSED)
    checkins = _checkins_with_outcomes(outcomes, filings, now_utc)
    flags = {flag for s in statuses for flag in s.flags if flag != LATE}
    if needs_recalibration(checkins):
        flags.add("recalibrate")
    today = regimes[-1][1] if regimes else ()
    spans = _spans(today, tz, now)
    if spans and _review_due(spans, _acting_period(statuses, now_utc) or period_key(now, today[0].cadence, tz),
                             today[0].cadence):
        flags.add("review-due")
    if len(settled) >= LATE_RUN and all(s.status == LATE for s in settled[-LATE_RUN:]):
        flags.add("late-streak")
    return MemberReport(
        member=member,
        periods=tuple(statuses),
        current=current,
        longest=longest,
        score=consistency_score(s.status in COUNTED for s in settled),
        on_time_rate=(
            sum(s.status == ON_TIME for s in settled) / len(settled) if settled else None
        ),
        completion=completion(s for checkin in checkins[-COMPLETION_WINDOW:] for _, s in checkin),
        owed=round(float(owed), 2),
        counts={status: counts.get(status, 0) for status in STATUSES},
        flags=tuple(sorted(flags)),
    )


def _regimes(member: str, today: Sequence[ContractTerms], terms: Sequence[TermsInForce], now: datetime
             ) -> list[tuple[datetime | None, tuple[ContractTerms, ...]]]:
    """The member's contracts through time, oldest first: (in force from, contracts
    sorted by effective date); the first also before its time, the last (today's) from
    `now` on. Terms committed after `now` are not known yet."""
    def mine(contracts: Iterable[ContractTerms]) -> tuple[ContractTerms, ...]:
        return tuple(sorted((c for c in contracts if member in c.parties), key=lambda c: (c.effective, c.slug)))

    regimes: list[tuple[datetime | None, tuple[ContractTerms, ...]]] = []
    for version in terms:
        since = _utc(version.since) if version.since is not None else None
        if since is not None and since > now:
            break
        if not regimes:
            since = None
        contracts = mine(version.contracts)
        if not regimes or regimes[-1][1] != contracts:
            regimes.append((since, contracts))
    if not regimes or regimes[-1][1] != mine(today):
        regimes.append((now if regimes else None, mine(today)))
    return regimes


def _judge_regime(
    member: str, tz: ZoneInfo, mine: tuple[ContractTerms, ...], since: datetime | None,
    after: tuple[datetime | None, tuple[ContractTerms, ...]] | None, filings: Mapping[str, Filing],
    now: datetime, zones: Sequence[tuple[datetime, ZoneInfo]], cut: datetime | None, grafts: frozenset[str],
) -> Iterator[tuple[PeriodStatus, float]]:
    """The periods one set of terms governs: those closing from `since` on and before the
    next set (`after`) claims them; each with the stakes a miss of it owes."""
    cadence = mine[0].cadence if mine else ""
    spans = _spans(mine, tz, now)
    if not spans:
        return
    first = min(span[0] for _, span in spans)
    last = max(span[1] for _, span in spans)
    if since is not None:  # only periods that can close from `since` on (two days' slack for zones)
        slack = period_days(cadence) + max(c.grace for c in mine) + timedelta(days=2)
        first = max(first, (since - slack).date())
    if after is not None and after[0] is not None:  # one starting after the next set came closes under it
        last = min(last, after[0].date() + timedelta(days=2))
    for key in keys_between(date_key(first, cadence), date_key(last, cadence), cadence):
        begins = key_start(key, cadence)
        in_force = [c for c, (a, b) in spans if a <= begins <= b]
        terms = in_force[0] if in_force else mine[0]
        zone = _zone_in_force(key, cadence, terms, tz, zones, now)
        period = make_period(key, cadence, zone, terms.due, terms.grace)
        if since is not None and _utc(period.closes) < since:
            continue  # closed under the terms before
        if after is not None and _claimed(key, cadence, period, after, tz, zones, now):
            continue
        filing = filings.get(key)
        if filing is not None and _utc(filing.at) > now:
            filing = None
        if cut is not None and _unknown(period, filing, cut, grafts):
            continue
        yield _judge(period, filing, in_force, member, zone, now), sum(c.per_miss for c in in_force)


def _claimed(key: str, cadence: str, period: Period, after: tuple[datetime | None, tuple[ContractTerms, ...]],
             tz: ZoneInfo, zones: Sequence[tuple[datetime, ZoneInfo]], now: datetime) -> bool:
    """Whether the next set of terms judges period `key`: it came before the period closes
    (by its own due and grace when it keeps the cadence, else by the period's own)."""
    since, mine = after
    if since is None:
        return True
    if mine and mine[0].cadence == cadence:
        begins = key_start(key, cadence)
        in_force = [c for c, (a, b) in _spans(mine, tz, now) if a <= begins <= b]
        terms = in_force[0] if in_force else mine[0]
        zone = _zone_in_force(key, cadence, terms, tz, zones, now)
        period = make_period(key, cadence, zone, terms.due, terms.grace)
    return since <= _utc(period.closes)


def _spans(mine: Sequence[ContractTerms], tz: ZoneInfo, now: datetime
           ) -> list[tuple[ContractTerms, tuple[date, date]]]:
    """The member's contracts of their earliest contract's cadence, with the dates each governs."""
    cadence = mine[0].cadence if mine else ""
    return [(c, span) for c in mine if c.cadence == cadence and (span := _span(c, tz, now)) is not None]


def _cadence(key: str) -> str:
    return cadence_of(key) or "weekly"


def pact_streak(contract: ContractTerms, reports: Mapping[str, MemberReport]) -> int:
    """Current run of periods in which every party counted; any party paused skips one.

    A period's parties are those of the terms it was judged under (a member who joined
    later owes nothing for the periods before)."""
    parties: dict[str, tuple[str, ...]] = {}
    by_member: dict[str, dict[str, str]] = {}
    for member, report in reports.items():
        for status in report.periods:
            for slug, listed in status.contracts:
                if slug == contract.slug:
                    parties.setdefault(status.period, listed)
                    by_member.setdefault(member, {})[status.period] = status.status
    combined = []
    for key in sorted(parties, key=lambda k: (key_start(k, _cadence(k)), k)):
        # A party whose clock has not reached this period yet (another zone) has no
        # status for it: pending, like a period not yet due.
        combined.append(_combine([by_member.get(p, {}).get(key, PENDING) for p in parties[key]]))
    return streak_lengths(combined)[0]


def _combine(statuses: list[str]) -> str:
    if PAUSED in statuses:
        return PAUSED
    if all(s in COUNTED for s in statuses):
        return ON_TIME
    if any(s in BREAKING for s in statuses):
        return MISSED
    return PENDING


def _zone_in_force(key: str, cadence: str, terms: ContractTerms, tz: ZoneInfo,
                   zones: Sequence[tuple[datetime, ZoneInfo]], now: datetime) -> ZoneInfo:
    """The zone a period is judged in: the last committed one in force when it closed."""
    if not zones or all(z == tz for _, z in zones):
        return tz
    chosen = zones[0][1]  # a period closed before the first version: the earliest known zone
    for since, zone in zones:
        if _utc(since) > _utc(make_period(key, cadence, zone, terms.due, terms.grace).closes):
            break
        chosen = zone
    # Still open: today's settings (HEAD's, or the working tree's) apply.
    closes = make_period(key, cadence, chosen, terms.due, terms.grace).closes
    return chosen if _utc(closes) < now else tz


def _unknown(period: Period, filing: Filing | None, cut: datetime, grafts: frozenset[str]) -> bool:
    # A file first seen in a cut commit may have been filed at any time before it; a
    # period that closed before the cut without a filing may have one we cannot see.
    if filing is not None:
        return filing.commit in grafts
    return _utc(period.closes) <= _utc(cut)


def _span(contract: ContractTerms, tz: ZoneInfo, now: datetime) -> tuple[date, date] | None:
    """First and last local dates whose periods the contract governs as of `now`."""
    last = now.astimezone(tz).date()
    if contract.until is not None:
        last = min(last, contract.until)
    cadence = contract.cadence
    first = key_start(date_key(contract.effective, cadence), cadence)
    end = key_start(date_key(last, cadence), cadence)
    return (first, end) if first <= end else None


def _judge(
    period: Period,
    filing: Filing | None,
    in_force: list[ContractTerms],
    member: str,
    tz: ZoneInfo,
    now: datetime,
) -> PeriodStatus:
    flags = set()
    if filing is not None and not filing.by_member:
        flags.add("committed-by-other")
    pause = _pause_verdict(period, in_force, member, tz)
    if not in_force or pause == PAUSED:
        status = PAUSED
    else:
        if pause == "unnoticed":
            flags.add("pause-without-notice")
        status = _status_by_filing(period, filing, now)
        if status == LATE:
            flags.add(LATE)
    return PeriodStatus(
        period=period.key,
        status=status,
        commit=filing.commit if filing else None,
        at=filing.at if filing else None,
        flags=tuple(sorted(flags)),
        start=period.start,
        due=period.due,
        closes=period.closes,
        contracts=tuple((c.slug, c.parties) for c in in_force),
    )


def _status_by_filing(period: Period, filing: Filing | None, now: datetime) -> str:
    if filing is None:
        # Missed only after `closes`: at that instant a check-in would still count, as late.
        return MISSED if now > _utc(period.closes) else PENDING
    at = _utc(filing.at)
    if at < _utc(period.start):
        return EARLY
    if at <= _utc(period.due):
        return ON_TIME
    if at <= _utc(period.closes):
        return LATE
    return MISSED


def _pause_verdict(
    period: Period, in_force: list[ContractTerms], member: str, tz: ZoneInfo
) -> str | None:
    """PAUSED if every contract in force pauses the period with notice; "unnoticed" if a
    pause covers it without enough notice; else None."""
    day = period.due.date()
    noticed, unnoticed = [], False
    for contract in in_force:
        covering = [p for p in contract.pauses if p.member == member and p.start <= day <= p.end]
        ok = any(announced_in_time(p, contract.notice, tz) for p in covering)
        noticed.append(ok)
        unnoticed = unnoticed or (bool(covering) and not ok)
    if in_force and all(noticed):
        return PAUSED
    return "unnoticed" if unnoticed else None


def announced_in_time(pause: Pause, notice: timedelta, tz: ZoneInfo) -> bool:
    """Whether `pause` was first committed at least `notice` before its first day begins in `tz`."""
    if pause.announced is None:
        return False
    begins = local_time(pause.start, time(0), tz)
    return _utc(pause.announced) <= _utc(begins) - notice


def _checkins_with_outcomes(
    outcomes: Mapping[str, Outcomes], filings: Mapping[str, Filing], now: datetime
) -> list[Outcomes]:
    """Per check-in seen by `now` with a known outcome, oldest first: its outcomes."""
    checkins = []
    for key in sorted(outcomes):
        filing = filings.get(key)
        if filing is not None and _utc(filing.at) > now:
            continue
        if completion(status for _, status in outcomes[key]) is not None:
            checkins.append(outcomes[key])
    return checkins


def _acting_period(statuses: Sequence[PeriodStatus], now: datetime) -> str | None:
    """An open period past its due time that still waits for a check-in: the one the member
    acts on (as core/states.current_period picks it), though their calendar has moved on."""
    return next((s.period for s in statuses if s.status == PENDING and _utc(s.due) <= now), None)


def _review_due(
    spans: list[tuple[ContractTerms, tuple[date, date]]], current: str, cadence: str
) -> bool:
    """Whether some contract in force has a review date inside the current period."""
    first = key_start(current, cadence)
    last = first + period_days(cadence) - timedelta(days=1)
    return any(
        review_dates(contract.effective, contract.review_every, contract.until, first, last)
        for contract, (a, b) in spans
        if a <= first <= b
    )


def _utc(moment: datetime) -> datetime:
    # Aware datetimes sharing one tzinfo compare by wall clock, which is wrong across a
    # DST fold; comparing in UTC compares instants.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; an aware datetime is needed")
    return moment.astimezone(UTC)
