"""Randomized differential test of core/report_window: at every instant of the window it
claims, compute_member must return the very report it returned at `now`.

Inputs are drawn with a seeded random generator (reproducible; bounded run time): contracts
of both cadences with due times, grace, pauses (with and without notice), effective and until
dates and stakes; committed versions of the terms; filings before, on, after due, in grace and
after the close; outcomes; zones with DST changes, odd offsets and changes at midnight. The
instants checked are the window's ends, random ones inside, every edge of the inputs and
every change of the zone's offset that falls inside the window. Each seed draws the same
sequence of cases; how many of them run depends on the time budget."""

from __future__ import annotations

import random
import time as clock
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from journal.core.periods import date_key, key_start, local_time, make_period
from journal.core.report_window import report_window
from journal.core.streaks import ContractTerms, Filing, Pause, TermsInForce, compute_member

ZONES = [ZoneInfo(name) for name in (
    "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kathmandu", "Pacific/Chatham",
    # Offsets that change at or next to midnight (24:00 back to 23:00, 00:00 on to 01:00).
    "Asia/Beirut", "America/Santiago", "Africa/Cairo", "America/Havana",
    "UTC", "Asia/Tokyo",
    # Clocks going back across midnight, from 00:01 to 23:01 of the day before (until 2011).
    "America/St_Johns", "America/Goose_Bay", "America/Moncton",
)]
HISTORIC = {"America/St_Johns": 2000, "America/Goose_Bay": 2000, "America/Moncton": 2000}
US = timedelta(microseconds=1)
SECONDS = 6.0  # the whole randomized run stays around this long
MEMBER = "bob"


def transitions(tz: ZoneInfo, a: datetime, b: datetime) -> list[datetime]:
    """The instants in [a, b) at which `tz`'s UTC offset changes (to the second)."""
    found = []
    step = timedelta(minutes=30)
    t = a
    while t < b:
        u = min(t + step, b)
        if t.astimezone(tz).utcoffset() != u.astimezone(tz).utcoffset():
            lo, hi = t, u
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid <= lo:
                    break
                if mid.astimezone(tz).utcoffset() == lo.astimezone(tz).utcoffset():
                    lo = mid
                else:
                    hi = mid
            found.append(hi)
        t = u
    return found


def _draw_contract(rng: random.Random, slug: str, tz: ZoneInfo, base: date, cadence: str) -> ContractTerms:
    effective = base + timedelta(days=rng.randint(-40, 10))
    until = None if rng.random() < 0.5 else effective + timedelta(days=rng.randint(0, 60))
    due_time = time(rng.choice([0, 1, 2, 3, 12, 21, 23]), rng.choice([0, 30, 45, 59]))
    due = (rng.randint(0, 6) if cadence == "weekly" else None, due_time)
    grace = timedelta(minutes=rng.choice([0, 1, 30, 90, 12 * 60, 36 * 60, 3 * 24 * 60, 8 * 24 * 60]))
    pauses = []
    for _ in range(rng.randint(0, 2)):
        start = effective + timedelta(days=rng.randint(-5, 50))
        announced = None
        if rng.random() < 0.8:
            announced = local_time(start, time(0), tz) - timedelta(hours=rng.randint(-48, 24 * 12))
        pauses.append(Pause(MEMBER, start, start + timedelta(days=rng.randint(0, 15)), announced))
    return ContractTerms(
        slug=slug, parties=(MEMBER, "ann") if rng.random() < 0.5 else (MEMBER,), effective=effective, until=until,
        cadence=cadence, due=due, grace=grace, notice=timedelta(days=rng.choice([0, 1, 7])),
        per_miss=rng.choice([0.0, 1.5, 5.0]),
        review_every=rng.choice([None, timedelta(days=1), timedelta(weeks=1), timedelta(weeks=4)]),
        pauses=tuple(pauses),
    )


def _vary(rng: random.Random, c: ContractTerms) -> ContractTerms:
    change = rng.choice(["grace", "due", "until", "stake", "cadence", "parties"])
    if change == "grace":
        return replace(c, grace=c.grace + timedelta(hours=rng.choice([-6, 6, 30])) if c.grace > timedelta(hours=6)
                       else c.grace + timedelta(hours=rng.choice([1, 20])))
    if change == "due":
        return replace(c, due=(c.due[0], time(rng.randint(0, 23), 0)))
    if change == "until":
        return replace(c, until=c.effective + timedelta(days=rng.randint(0, 60)))
    if change == "stake":
        return replace(c, per_miss=c.per_miss + 2.0)
    if change == "cadence":
        cadence = "daily" if c.cadence == "weekly" else "weekly"
        return replace(c, cadence=cadence, due=(rng.randint(0, 6) if cadence == "weekly" else None, c.due[1]))
    return replace(c, parties=("ann",))


def draw_case(rng: random.Random) -> dict:
    tz = rng.choice(ZONES)
    # Around one of the zone's offset changes, or anywhere in 2024-2027.
    anchor = datetime(HISTORIC.get(tz.key, 2024), 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 4 * 365 * 86400))
    if rng.random() < 0.7:
        moves = transitions(tz, anchor, anchor + timedelta(days=200))
        if moves:
            anchor = rng.choice(moves)
    base = anchor.astimezone(tz).date() - timedelta(days=rng.randint(0, 20))
    cadence = "daily" if rng.random() < 0.4 else "weekly"
    contracts = [_draw_contract(rng, "pact", tz, base, cadence)]
    if rng.random() < 0.4:
        second = _draw_contract(rng, "more", tz, base, cadence if rng.random() < 0.8 else
                                ("weekly" if cadence == "daily" else "daily"))
        contracts.append(second)
    terms: list[TermsInForce] = []
    if rng.random() < 0.5:
        older = tuple(_vary(rng, c) if rng.random() < 0.7 else c for c in contracts)
        terms.append(TermsInForce(None, older))
        for _ in range(rng.randint(0, 2)):
            since = anchor + timedelta(hours=rng.uniform(-24 * 20, 24 * 5))
            older = tuple(_vary(rng, c) if rng.random() < 0.5 else c for c in older)
            terms.append(TermsInForce(since, older))
        if rng.random() < 0.8:  # today's as last committed
            since = anchor + timedelta(hours=rng.uniform(-24 * 20, 24 * 5))
            terms.append(TermsInForce(since, tuple(contracts)))
        terms.sort(key=lambda v: (v.since is not None, v.since or anchor))
    # Filings around each period's start, due and close.
    filings = {}
    outcomes = {}
    first = min(c.effective for c in contracts) - timedelta(days=7)
    day = first
    while day <= anchor.date() + timedelta(days=10):
        for cad in {c.cadence for c in contracts}:
            key = date_key(day, cad)
            if key in filings or key_start(key, cad) != day or rng.random() < 0.35:
                continue
            c = next(c for c in contracts if c.cadence == cad)
            p = make_period(key, cad, tz, c.due, c.grace)
            at = rng.choice([p.start, p.due, p.closes, p.end]) + rng.choice(
                [timedelta(0), US, -US, timedelta(minutes=rng.randint(-600, 600)),
                 timedelta(hours=rng.uniform(-80, 80))])
            at = at.replace(microsecond=0) if rng.random() < 0.7 else at
            offset = rng.choice([None, timedelta(hours=-5), timedelta(hours=5, minutes=45), timedelta(0)])
            at = at.astimezone(tz if offset is None else timezone(offset))
            filings[key] = Filing(key, at, f"c{len(filings)}", rng.random() < 0.9)
            if rng.random() < 0.8:
                outcomes[key] = tuple((f"goal {i}", rng.choice(["done", "missed", "partial", "wat"]))
                                      for i in range(rng.randint(1, 3)))
        day += timedelta(days=1)
    if rng.random() < 0.3:  # an outcome without a filing
        outcomes[date_key(anchor.date(), cadence)] = (("goal 0", "missed"),)
    now = anchor + timedelta(hours=rng.uniform(-24 * 10, 24 * 10))
    edges = edges_of(tz, contracts, filings, terms, now)
    moves = transitions(tz, now - timedelta(days=3), now + timedelta(days=3))
    if rng.random() < 0.3 and moves:  # within hours of an offset change
        now = rng.choice(moves) + timedelta(minutes=rng.randint(-180, 180))
    elif rng.random() < 0.5 and edges:
        now = rng.choice(edges) + rng.choice([timedelta(0), -US, US])
    # A shallow history: cut somewhere, a filing or two seen only in the commit it was cut at.
    cut = anchor + timedelta(hours=rng.uniform(-24 * 30, 24 * 3)) if rng.random() < 0.2 else None
    grafts = frozenset(f.commit for f in filings.values() if cut is not None and rng.random() < 0.2)
    zones = [(anchor - timedelta(days=400), tz)] if rng.random() < 0.2 else []  # committed, never changed
    return {"tz": tz, "contracts": tuple(contracts), "filings": filings, "outcomes": outcomes,
            "terms": tuple(terms), "now": now, "cut": cut, "grafts": grafts, "zones": zones}


def edges_of(tz: ZoneInfo, contracts, filings, terms, now: datetime) -> list[datetime]:
    """Instants where the report might change, near `now`: filings, commits of terms, every
    period's start, due and close, local midnights and the zone's offset changes."""
    out = [f.at.astimezone(UTC) for f in filings.values()]
    out += [v.since.astimezone(UTC) for v in terms if v.since is not None]
    lo, hi = now - timedelta(days=12), now + timedelta(days=12)
    versions = [tuple(contracts)] + [v.contracts for v in terms]
    for day in (lo.date() + timedelta(days=i) for i in range((hi - lo).days + 2)):
        out.append(local_time(day, time(0), tz).astimezone(UTC))
        for version in versions:
            for c in version:
                if key_start(date_key(day, c.cadence), c.cadence) != day:
                    continue
                p = make_period(date_key(day, c.cadence), c.cadence, tz, c.due, c.grace)
                out += [p.start.astimezone(UTC), p.due.astimezone(UTC), p.closes.astimezone(UTC)]
    out += transitions(tz, lo, hi)
    return sorted({e for e in out if lo <= e <= hi})


def judged(case: dict, now: datetime):  # noqa: ANN201 - a MemberReport
    return compute_member(MEMBER, case["tz"], case["contracts"], case["filings"], case["outcomes"], now,
                          terms=case["terms"], cut=case["cut"], grafts=case["grafts"], zones=case["zones"])


def check(case: dict, rng: random.Random) -> None:
    now = case["now"]
    report = judged(case, now)
    window = report_window(MEMBER, case["tz"], case["contracts"], case["filings"], now, report,
                           terms=case["terms"], zones=case["zones"])
    if window is None:
        return
    start, end = window
    assert start <= now < end, (start, now, end)
    assert end - start <= timedelta(days=1, hours=2), (start, end)
    last = end - US
    moments = [start, last, start + US, last - US, now - US, now + US]
    moments += [start + (last - start) * rng.random() for _ in range(3)]
    for e in edges_of(case["tz"], case["contracts"], case["filings"], case["terms"], now):
        if start - US <= e <= end:
            moments += [e - US, e, e + US]
    for moment in sorted({m for m in moments if start <= m < end}):
        assert judged(case, moment) == report, (moment, window)


@pytest.mark.parametrize("seed", range(4))
def test_the_report_holds_at_every_instant_of_its_window(seed: int) -> None:
    rng = random.Random(seed)
    stop = clock.monotonic() + SECONDS / 4
    checked = 0
    while clock.monotonic() < stop or checked < 5:
        case = draw_case(rng)
        try:
            check(case, rng)
        except AssertionError as error:
            raise AssertionError(f"seed {seed}, case {checked}: {case!r}") from error
        checked += 1
