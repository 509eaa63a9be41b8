"""Judging by the terms in force: each closed period once, by the contract committed when it closed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from journal.core.periods import keys_between
from journal.core.streaks import ContractTerms, TermsInForce, compute_member

NY = ZoneInfo("America/New_York")
WEEKLY = ContractTerms(slug="pact", parties=("alice", "bob"), effective=date(2026, 11, 2), until=None,
                       cadence="weekly", due=(6, time(21, 0)), grace=timedelta(hours=12), per_miss=5)
SATURDAY = replace(WEEKLY, due=(5, time(12, 0)), grace=timedelta(0), per_miss=20)
DAILY = replace(WEEKLY, cadence="daily", due=(None, time(20, 0)), grace=timedelta(hours=2))
NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)


def _keys(terms: list[TermsInForce], today: ContractTerms) -> list[str]:
    return [p.period for p in compute_member("bob", NY, (today,), {}, {}, NOW, terms=terms).periods]


@settings(max_examples=60, deadline=None)
@given(hours=st.integers(min_value=0, max_value=24 * 21), earlier=st.booleans())
def test_a_due_change_at_any_moment_judges_every_week_exactly_once(hours: int, earlier: bool) -> None:
    before, after = (WEEKLY, SATURDAY) if earlier else (SATURDAY, WEEKLY)
    change = datetime(2026, 11, 14, tzinfo=UTC) + timedelta(hours=hours)
    keys = _keys([TermsInForce(None, (before,)), TermsInForce(change, (after,))], after)
    assert keys == keys_between("2026-W45", "2026-W50", "weekly")


def test_misses_owe_the_stakes_of_their_own_terms() -> None:
    change = datetime(2026, 11, 24, tzinfo=UTC)  # W45-W47 closed at 5, W48-W49 at 20, W50 open
    report = compute_member("bob", NY, (SATURDAY,), {}, {}, NOW,
                            terms=[TermsInForce(None, (WEEKLY,)), TermsInForce(change, (SATURDAY,))])
    assert report.counts["missed"] == 5 and report.owed == 3 * 5 + 2 * 20


def test_a_cadence_change_drops_the_week_it_came_in_and_the_days_closed_before_it() -> None:
    change = datetime(2026, 11, 25, 15, tzinfo=UTC)  # Wednesday 10:00 in New York
    keys = _keys([TermsInForce(None, (WEEKLY,)), TermsInForce(change, (DAILY,))], DAILY)
    assert keys[:3] == ["2026-W45", "2026-W46", "2026-W47"]
    assert keys[3] == "2026-11-25"  # Tuesday's day closed Wednesday 01:00, before the change
    assert keys[-1] == "2026-12-10"


def test_terms_committed_after_now_are_not_known_yet() -> None:
    future = datetime(2026, 12, 20, tzinfo=UTC)
    with_future = compute_member("bob", NY, (SATURDAY,), {}, {}, NOW,
                                 terms=[TermsInForce(None, (WEEKLY,)), TermsInForce(future, (SATURDAY,))])
    closed = [p for p in with_future.periods if p.closes <= NOW]
    assert all(p.due.weekday() == 6 for p in closed)  # judged by Sunday's due, as committed then
