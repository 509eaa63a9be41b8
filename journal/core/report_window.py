"""How long a member's report stays what it is: the instants around `now` between which
`streaks.compute_member`, given the same inputs, returns the same report.

A report depends on `now` only through comparisons with instants that are inputs or parts of
the report itself (a filing's time, when a set of terms was committed, a period's start, due
time and close) and through the member's local date (which periods exist yet, which contract
dates apply). Between two neighbouring such instants, and within one run of one local date
(bounded by midnights and by the zone's offset changes: clocks going back across midnight
bring the day before back), every one of those comparisons comes out the same, so the
report is the same: a cache may reuse it for any `now` in that window. Where the dependence
is subtler (a member whose zone changed, or terms edited but not committed yet, which take
effect at `now` itself) there is no window and the report is always computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from journal.core.periods import INSTANT
from journal.core.streaks import ContractTerms, Filing, MemberReport, TermsInForce, _regimes, _utc


def report_window(
    member: str,
    tz: ZoneInfo,
    contracts: Sequence[ContractTerms],
    filings: Mapping[str, Filing],
    now: datetime,
    report: MemberReport,
    *,
    zones: Sequence[tuple[datetime, ZoneInfo]] = (),
    terms: Sequence[TermsInForce] = (),
) -> tuple[datetime, datetime] | None:
    """The window [start, end) of UTC instants containing `now` for which `compute_member`
    with these inputs returns `report` (computed for `now`); None when no window is known."""
    now_utc = _utc(now)
    if any(z != tz for _, z in zones):
        return None  # _zone_in_force compares closes in other zones with now
    regimes = _regimes(member, contracts, terms, now_utc)
    if len(regimes) > 1 and regimes[-1][0] == now_utc:
        return None  # today's terms differ from every committed version: they begin at now
    # Every comparison of compute_member with now flips as now reaches one of these.
    edges = [_utc(f.at) for f in filings.values()]
    edges += [_utc(v.since) for v in terms if v.since is not None]
    for p in report.periods:
        # A period is missed only once `now` is past `closes` (a check-in at it counts): that
        # comparison flips at the instant after it, the next a datetime holds.
        edges += (_utc(p.start), _utc(p.due), _utc(p.closes), _utc(p.closes) + INSTANT)
    # The local date: which periods exist, contracts' last days, the current period's reviews.
    edges += _day_edges(tz, now_utc)
    start = max((e for e in edges if e <= now_utc), default=datetime.min.replace(tzinfo=UTC))
    end = min((e for e in edges if e > now_utc), default=datetime.max.replace(tzinfo=UTC))
    return start, end


# Offset changes lie months apart (never closer than this), so sampling at this step finds each.
_STEP = timedelta(minutes=15)


def _day_edges(tz: ZoneInfo, now: datetime) -> list[datetime]:
    """Instants around `now` (UTC) that bound the local date's run containing it.

    Local midnights alone are not enough: where clocks go back across midnight (St. John's
    until 2011 went from 00:01 back to 23:01 of the day before) the date at `now` began when
    the clocks went back, and `local_time` of the next midnight names its first occurrence,
    already past. At a steady offset the date changes exactly at a midnight of that offset,
    so the midnights at `now`'s offset together with every change of the offset between
    them bound the run of `now`'s date."""
    local = now.astimezone(tz)
    first = datetime.combine(local.date(), time(0), UTC) - (local.utcoffset() or timedelta(0))
    last = first + timedelta(days=1)
    edges = [first, last]
    # Offsets are whole seconds, so `first` is one and so is every instant probed from it.
    probe = first
    while probe < last:
        after = min(probe + _STEP, last)
        if probe.astimezone(tz).utcoffset() != after.astimezone(tz).utcoffset():
            edges.append(_change(tz, probe, after))
        probe = after
    return edges


def _change(tz: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The instant in (before, after] from which `tz` takes the offset it has at `after`,
    both whole seconds apart (zones change their offsets on whole seconds)."""
    new = after.astimezone(tz).utcoffset()
    while after - before > timedelta(seconds=1):
        middle = before + timedelta(seconds=(after - before).total_seconds() // 2)
        if middle.astimezone(tz).utcoffset() == new:
            after = middle
        else:
            before = middle
    return after
