"""How long a member's report stays what it is: the instants around `now` between which
`streaks.compute_member`, given the same inputs, returns the same report.

A report depends on `now` only through comparisons with instants that are inputs or parts of
the report itself (a filing's time, when a set of terms was committed, a period's start, due
time and close) and through the member's local date (which periods exist yet, which contract
dates apply). Between two neighbouring such instants, and within one local day, every one of
those comparisons comes out the same, so the report is the same: a cache may reuse it for
any `now` in that window. Where the dependence is subtler (a member whose zone changed, or
terms edited but not committed yet, which take effect at `now` itself) there is no window and
the report is always computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from journal.core.periods import local_time
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
        edges += (_utc(p.start), _utc(p.due), _utc(p.closes))
    # The local date: which periods exist, contracts' last days, the current period's reviews.
    today = now_utc.astimezone(tz).date()
    edges += (_utc(local_time(today, time(0), tz)), _utc(local_time(today + timedelta(days=1), time(0), tz)))
    start = max((e for e in edges if e <= now_utc), default=datetime.min.replace(tzinfo=UTC))
    end = min((e for e in edges if e > now_utc), default=datetime.max.replace(tzinfo=UTC))
    return start, end
