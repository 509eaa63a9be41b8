"""The window a member's report holds for: at every instant in it, compute_member gives the same report."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from journal.core.report_window import report_window
from journal.core.streaks import ContractTerms, Filing, Pause, TermsInForce, compute_member

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
PACT = ContractTerms(slug="pact", parties=("bob",), effective=date(2026, 9, 7), until=None, cadence="weekly",
                     due=(6, time(21, 0)), grace=timedelta(hours=12), per_miss=5.0,
                     review_every=timedelta(weeks=4))
START = datetime(2026, 9, 7, tzinfo=UTC)
HOURS = 24 * 7 * 14  # the instants drawn lie in the 14 weeks after the pact began


def instant(hours: float) -> datetime:
    return START + timedelta(hours=hours)


@st.composite
def inputs(draw: st.DrawFn) -> dict:
    tz = draw(st.sampled_from([NY, BERLIN, ZoneInfo("Asia/Tokyo")]))
    contract = replace(
        PACT,
        until=draw(st.one_of(st.none(), st.dates(date(2026, 10, 1), date(2026, 12, 31)))),
        grace=timedelta(hours=draw(st.sampled_from([0, 1, 12, 36]))),
        due=(draw(st.integers(0, 6)), time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30])))),
        pauses=tuple(Pause("bob", day, day + timedelta(days=draw(st.integers(0, 20))),
                           instant(draw(st.floats(0, HOURS))) if draw(st.booleans()) else None)
                     for day in draw(st.lists(st.dates(date(2026, 9, 7), date(2026, 12, 1)), max_size=2))))
    filings = {}
    for week in draw(st.lists(st.integers(37, 51), max_size=10, unique=True)):
        filings[f"2026-W{week}"] = Filing(f"2026-W{week}", instant(draw(st.floats(0, HOURS))).astimezone(tz),
                                          f"c{week}", draw(st.booleans()))
    outcomes = {key: (("Run", draw(st.sampled_from(["done", "missed", "partial"]))),) for key in filings}
    # Committed versions of the terms: the grace once changed, at some instant.
    terms: tuple[TermsInForce, ...] = ()
    if draw(st.booleans()):
        older = replace(contract, grace=contract.grace + timedelta(hours=6))
        terms = (TermsInForce(None, (older,)), TermsInForce(instant(draw(st.floats(0, HOURS))), (contract,)))
    return {"tz": tz, "contracts": (contract,), "filings": filings, "outcomes": outcomes, "terms": terms,
            "now": instant(draw(st.floats(0, HOURS)))}


def judged(i: dict, now: datetime):  # noqa: ANN201 - a MemberReport
    return compute_member("bob", i["tz"], i["contracts"], i["filings"], i["outcomes"], now, terms=i["terms"])


@settings(max_examples=150, deadline=None)
@given(inputs(), st.floats(0, 1))
def test_the_report_is_the_same_at_every_instant_of_its_window(i: dict, where: float) -> None:
    report = judged(i, i["now"])
    window = report_window("bob", i["tz"], i["contracts"], i["filings"], i["now"], report, terms=i["terms"])
    # None only when terms were committed at `now` itself (today's then begin at now too).
    assume(window is not None)
    assert window is not None
    start, end = window
    assert start <= i["now"] < end
    assert end - start <= timedelta(days=1, hours=1)  # never longer than a local day
    last = end - timedelta(microseconds=1)
    for moment in (start, last, start + (last - start) * where):
        assert judged(i, moment) == report, moment


def test_no_window_when_the_zone_changed_or_todays_terms_are_not_committed() -> None:
    filings = {"2026-W40": Filing("2026-W40", instant(700), "c", True)}
    now = instant(900)
    zones = [(instant(10), BERLIN), (instant(400), NY)]
    report = compute_member("bob", NY, (PACT,), filings, {}, now, zones=zones)
    assert report_window("bob", NY, (PACT,), filings, now, report, zones=zones) is None
    # The working tree's contract differs from every committed version: it takes effect at now.
    edited = replace(PACT, grace=timedelta(hours=2))
    terms = (TermsInForce(None, (PACT,)),)
    report = compute_member("bob", NY, (edited,), filings, {}, now, terms=terms)
    assert report_window("bob", NY, (edited,), filings, now, report, terms=terms) is None
    # Committed as it is: a window again.
    report = compute_member("bob", NY, (PACT,), filings, {}, now, terms=terms)
    assert report_window("bob", NY, (PACT,), filings, now, report, terms=terms) is not None


def test_the_window_ends_with_the_day_where_clocks_go_back_across_midnight() -> None:
    # St. John's until 2011: at 00:01 on 7 November 2010 clocks went back to 23:01 on the 6th.
    # An hour after, the 7th (begun at the first midnight, so its daily period due) is not
    # here yet: the window begins when the clocks went back and ends at the second midnight.
    tz = ZoneInfo("America/St_Johns")
    daily = replace(PACT, effective=date(2010, 11, 1), cadence="daily", due=(None, time(21, 0)), grace=timedelta(0),
                    review_every=None)
    back = datetime(2010, 11, 7, 2, 31, tzinfo=UTC)
    now = back + timedelta(minutes=30)
    report = compute_member("bob", tz, (daily,), {}, {}, now)
    assert report.periods[-1].period == "2010-11-06"
    window = report_window("bob", tz, (daily,), {}, now, report)
    assert window == (back, datetime(2010, 11, 7, 3, 30, tzinfo=UTC))  # 00:00 at -03:30
    for moment in (back, window[1] - timedelta(microseconds=1)):
        assert compute_member("bob", tz, (daily,), {}, {}, moment) == report
    # The first midnight, a minute before the clocks went back, already belongs to the 7th.
    assert compute_member("bob", tz, (daily,), {}, {}, back - timedelta(minutes=1)) != report


def test_the_window_at_a_periods_close_ends_the_instant_after_it() -> None:
    # At `closes` itself a check-in still counts (as late), so the period is pending there and
    # missed from the next instant a datetime holds: the window must end at that instant, not
    # hold on past the change (nor end at `closes`, which would leave its own instant out).
    closes = datetime(2026, 9, 14, 9, 0, tzinfo=NY)  # W37: due Sunday 21:00, grace 12 h
    report = compute_member("bob", NY, (PACT,), {}, {}, closes)
    assert report.periods[0].period == "2026-W37" and report.periods[0].status == "pending"
    window = report_window("bob", NY, (PACT,), {}, closes, report)
    assert window is not None and window[1] == closes + timedelta(microseconds=1)
    assert compute_member("bob", NY, (PACT,), {}, {}, window[0]) == report
    assert compute_member("bob", NY, (PACT,), {}, {}, window[1]).periods[0].status == "missed"
