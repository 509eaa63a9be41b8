from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.core.periods import date_key, make_period
from journal.core.streaks import (
    ALPHA,
    STATUSES,
    ContractTerms,
    Filing,
    MemberReport,
    Pause,
    compute_member,
    consistency_score,
    pact_streak,
    streak_lengths,
)

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
PACT = ContractTerms(
    slug="pact",
    parties=("alice", "bob"),
    effective=date(2026, 11, 2),  # Monday of 2026-W45
    until=None,
    cadence="weekly",
    due=(6, time(21, 0)),
    grace=timedelta(hours=12),
)
WEDNESDAY_W48 = datetime(2026, 11, 25, 12, tzinfo=NY)


def ny(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NY)


def filed(key: str, when: datetime, by_member: bool = True) -> Filing:
    return Filing(period=key, at=when, commit=f"c-{key}", by_member=by_member)


def report(
    *filings: Filing,
    contracts: tuple[ContractTerms, ...] = (PACT,),
    now: datetime = WEDNESDAY_W48,
    member: str = "bob",
    tz: ZoneInfo = NY,
    outcomes: dict | None = None,
) -> MemberReport:
    return compute_member(
        member, tz, contracts, {f.period: f for f in filings}, outcomes or {}, now
    )


def statuses(rep: MemberReport) -> dict[str, str]:
    return {s.period: s.status for s in rep.periods}


def on_sunday(key: str, clock: str = "20:30") -> datetime:
    """Sunday of ISO week `key` at `clock` in New York."""
    sunday = make_period(key, "weekly", NY, PACT.due, PACT.grace).due.date()
    return ny(f"{sunday.isoformat()}T{clock}")


def test_sunday_evening_filing_in_new_york_is_on_time_for_the_new_york_week():
    rep = report(filed("2026-W47", datetime(2026, 11, 23, 1, 30, tzinfo=UTC)))
    assert statuses(rep)["2026-W47"] == "on_time"


def test_timeline_runs_from_effective_week_to_the_current_week():
    rep = report(*(filed(k, on_sunday(k)) for k in ("2026-W45", "2026-W46", "2026-W47")))
    assert statuses(rep) == {
        "2026-W45": "on_time",
        "2026-W46": "on_time",
        "2026-W47": "on_time",
        "2026-W48": "pending",
    }
    assert (rep.current, rep.longest, rep.score, rep.on_time_rate) == (3, 3, 100.0, 1.0)
    assert rep.periods[0].due == datetime(2026, 11, 8, 21, tzinfo=NY)
    assert rep.periods[0].closes == datetime(2026, 11, 9, 9, tzinfo=NY)


def test_filing_exactly_at_due_is_on_time_and_a_minute_later_is_late():
    def status(clock: str) -> str:
        return statuses(report(filed("2026-W45", on_sunday("2026-W45", clock))))["2026-W45"]

    assert status("21:00") == "on_time"
    assert status("21:01") == "late"


def test_late_within_grace_counts_and_is_flagged():
    late = filed("2026-W47", ny("2026-11-23T08:59"))
    rep = report(filed("2026-W46", on_sunday("2026-W46")), late)
    period = rep.periods[2]
    assert (period.status, period.flags) == ("late", ("late",))
    assert rep.current == 2
    assert rep.on_time_rate == pytest.approx(1 / 3)
    assert "late" not in rep.flags


def test_filing_after_grace_is_missed_but_still_shown():
    rep = report(
        filed("2026-W46", on_sunday("2026-W46")), filed("2026-W47", ny("2026-11-23T09:01"))
    )
    period = rep.periods[2]
    assert (period.status, period.commit, period.at) == (
        "missed",
        "c-2026-W47",
        ny("2026-11-23T09:01"),
    )
    assert (rep.current, rep.longest) == (0, 1)


def test_filing_before_the_period_began_is_early_and_does_not_count():
    rep = report(filed("2026-W46", on_sunday("2026-W45")), filed("2026-W47", on_sunday("2026-W47")))
    assert statuses(rep)["2026-W46"] == "early"
    assert (rep.current, rep.longest) == (1, 1)
    assert rep.counts["early"] == 1


def test_current_period_is_pending_and_neither_breaks_nor_extends_the_streak():
    w47 = filed("2026-W47", on_sunday("2026-W47"))
    rep = report(w47)
    assert statuses(rep)["2026-W48"] == "pending"
    assert rep.current == 1
    assert report(w47, filed("2026-W48", ny("2026-11-24T07:00"))).current == 2


def test_period_in_its_grace_window_stays_pending_until_it_closes():
    assert statuses(report(now=ny("2026-11-23T08:59")))["2026-W47"] == "pending"
    # At `closes` itself a check-in still counts (as late), so nothing is missed yet: the
    # period is missed from the instant after it.
    assert statuses(report(now=ny("2026-11-23T09:00")))["2026-W47"] == "pending"
    assert statuses(report(filed("2026-W47", ny("2026-11-23T09:00")), now=ny("2026-11-23T09:00")))["2026-W47"] == "late"
    assert statuses(report(now=ny("2026-11-23T09:00:00.000001")))["2026-W47"] == "missed"


def test_filings_after_now_are_not_seen_yet():
    rep = report(filed("2026-W48", ny("2026-11-26T10:00")))
    assert rep.periods[-1].status == "pending"
    assert rep.periods[-1].commit is None


def test_spring_forward_week_in_berlin_is_judged_by_the_real_instant():
    contract = replace(PACT, effective=date(2026, 3, 23))
    now = datetime(2026, 4, 1, tzinfo=BERLIN)

    def status(at: str) -> str:
        rep = report(
            filed("2026-W13", datetime.fromisoformat(at)),
            contracts=(contract,),
            now=now,
            member="alice",
            tz=BERLIN,
        )
        return statuses(rep)["2026-W13"]

    assert status("2026-03-29T20:30:00+02:00") == "on_time"
    assert status("2026-03-29T20:30:00+01:00") == "late"  # a stale offset: 21:30 CEST
    assert status("2026-03-22T23:30:00+00:00") == "on_time"  # Monday 00:30 CET
    assert status("2026-03-22T22:30:00+00:00") == "early"  # Sunday 23:30 CET


def test_fall_back_week_in_new_york_has_due_at_21_eastern_standard_time():
    contract = replace(PACT, effective=date(2026, 10, 26), grace=timedelta(0))

    def status(at: str) -> str:
        rep = report(filed("2026-W44", datetime.fromisoformat(at)), contracts=(contract,))
        return statuses(rep)["2026-W44"]

    assert status("2026-11-02T01:59:00+00:00") == "on_time"
    assert status("2026-11-02T02:01:00+00:00") == "missed"


PAUSE_W46 = {"member": "bob", "start": date(2026, 11, 9), "end": date(2026, 11, 15)}


def test_pause_announced_with_notice_is_paused_and_keeps_the_streak():
    pause = Pause(**PAUSE_W46, announced=ny("2026-11-02T00:00"), reason="travel")
    rep = report(
        filed("2026-W45", on_sunday("2026-W45")),
        filed("2026-W47", on_sunday("2026-W47")),
        contracts=(replace(PACT, pauses=(pause,)),),
    )
    assert statuses(rep)["2026-W46"] == "paused"
    assert (rep.current, rep.longest, rep.score) == (2, 2, 100.0)
    assert rep.on_time_rate == 1.0
    assert "pause-without-notice" not in rep.flags


@pytest.mark.parametrize("announced", [ny("2026-11-02T00:01"), None])
def test_pause_without_notice_does_not_pause_and_is_flagged(announced):
    pause = Pause(**PAUSE_W46, announced=announced)
    rep = report(
        filed("2026-W45", on_sunday("2026-W45")),
        contracts=(replace(PACT, pauses=(pause,)),),
    )
    assert rep.periods[1].status == "missed"
    assert rep.periods[1].flags == ("pause-without-notice",)
    assert "pause-without-notice" in rep.flags
    assert rep.current == 0


def test_pause_of_another_member_does_not_pause_mine():
    pause = Pause(**{**PAUSE_W46, "member": "alice"}, announced=ny("2026-10-01T00:00"))
    rep = report(contracts=(replace(PACT, pauses=(pause,)),))
    assert statuses(rep)["2026-W46"] == "missed"


def test_period_outside_every_contract_is_paused():
    first = replace(PACT, slug="autumn", until=date(2026, 11, 8))
    second = replace(PACT, slug="winter", effective=date(2026, 11, 16))
    rep = report(
        filed("2026-W45", on_sunday("2026-W45")),
        filed("2026-W47", on_sunday("2026-W47")),
        contracts=(second, first),
    )
    assert statuses(rep)["2026-W46"] == "paused"
    assert rep.current == 2


def test_timeline_ends_with_the_period_containing_until():
    rep = report(contracts=(replace(PACT, until=date(2026, 11, 10)),))
    assert list(statuses(rep)) == ["2026-W45", "2026-W46"]


def test_member_without_contracts_gets_an_empty_report():
    rep = report(member="carol")
    assert (rep.periods, rep.current, rep.longest, rep.score) == ((), 0, 0, 0.0)
    assert (rep.on_time_rate, rep.completion, rep.owed) == (None, None, 0.0)
    assert rep.counts == dict.fromkeys(STATUSES, 0)
    assert report(now=ny("2026-10-01T00:00")).periods == ()


def test_due_and_grace_come_from_the_earliest_effective_contract_in_force():
    saturday_noon = replace(PACT, slug="a-noon", due=(5, time(12)), grace=timedelta(0))
    later = replace(saturday_noon, effective=date(2026, 11, 9))
    rep = report(filed("2026-W46", on_sunday("2026-W46")), contracts=(later, PACT))
    assert statuses(rep)["2026-W46"] == "on_time"
    # Same effective date: the slug breaks the tie, and "a-noon" sorts first.
    tie = report(filed("2026-W46", on_sunday("2026-W46")), contracts=(PACT, saturday_noon))
    assert statuses(tie)["2026-W46"] == "missed"


def test_daily_cadence_judges_each_local_day():
    daily = replace(
        PACT,
        cadence="daily",
        effective=date(2026, 11, 20),
        due=(None, time(21)),
        grace=timedelta(hours=2),
    )
    rep = report(
        filed("2026-11-20", datetime(2026, 11, 20, 20, tzinfo=BERLIN)),
        filed("2026-11-21", datetime(2026, 11, 21, 22, 30, tzinfo=BERLIN)),
        contracts=(daily,),
        now=datetime(2026, 11, 23, 12, tzinfo=BERLIN),
        member="alice",
        tz=BERLIN,
    )
    assert statuses(rep) == {
        "2026-11-20": "on_time",
        "2026-11-21": "late",
        "2026-11-22": "missed",
        "2026-11-23": "pending",
    }
    assert (rep.current, rep.longest) == (0, 2)


def test_checkin_committed_by_someone_else_counts_but_is_flagged():
    rep = report(filed("2026-W45", on_sunday("2026-W45"), by_member=False))
    assert rep.periods[0].status == "on_time"
    assert rep.periods[0].flags == ("committed-by-other",)
    assert rep.flags == ("committed-by-other",)


def test_counts_cover_all_six_statuses():
    rep = report(filed("2026-W45", on_sunday("2026-W45")))
    assert rep.counts == {
        "on_time": 1,
        "late": 0,
        "missed": 2,
        "paused": 0,
        "pending": 1,
        "early": 0,
    }


def test_score_is_dented_but_not_zeroed_by_a_single_miss():
    assert consistency_score([True] * 10 + [False]) == round((1 - ALPHA) * 100, 1) == 89.1
    assert consistency_score([True, False, True]) == round((ALPHA + (1 - ALPHA) ** 2) * 100, 1)
    assert consistency_score([]) == 0.0
    rep = report(filed("2026-W45", on_sunday("2026-W45")), filed("2026-W47", on_sunday("2026-W47")))
    assert 0 < rep.score < 100


def test_completion_averages_outcomes_of_the_last_four_checkins():
    outcomes = {
        "2026-W42": (("Old", "missed"),),
        "2026-W43": (("Run 3x", "done"), ("Stretch daily", "partial")),
        "2026-W44": (),
        "2026-W45": (("Run 3x", "done"),),
        "2026-W46": (("Run 3x", "missed"),),
        "2026-W47": (("Run 3x", "done"), ("Read 20 pages", "done")),
    }
    assert report(outcomes=outcomes).completion == pytest.approx(4.5 / 6)
    assert report().completion is None


def test_recalibrate_after_three_checkins_under_half_completion():
    low = (("Run 3x", "partial"), ("Stretch daily", "missed"))
    outcomes = {"2026-W45": low, "2026-W46": (("Run 3x", "missed"),), "2026-W47": low}
    assert "recalibrate" in report(outcomes=outcomes).flags
    recovered = {**outcomes, "2026-W46": (("Run 3x", "done"),)}
    assert "recalibrate" not in report(outcomes=recovered).flags


def test_recalibrate_when_one_commitment_is_missed_three_times_in_six_checkins():
    def checkin(status: str, text: str = "Run 3x, one of 12 km"):
        return ((text, status), ("Read 20 pages", "done"), ("Sleep by 23:00", "done"))

    outcomes = {
        "2026-W42": checkin("missed"),
        "2026-W43": checkin("done"),
        "2026-W44": checkin("missed", "run 3x,  ONE of 12 km "),
        "2026-W45": checkin("done"),
        "2026-W46": checkin("done"),
        "2026-W47": checkin("missed"),
    }
    assert "recalibrate" in report(outcomes=outcomes).flags
    later = {**outcomes, "2026-W48": checkin("done")}  # W42 drops out of the last six
    assert "recalibrate" not in report(outcomes=later, now=ny("2026-11-29T22:00")).flags


def test_stakes_owed_per_miss_of_each_contract_in_force():
    side = replace(PACT, slug="side", parties=("bob",), effective=date(2026, 11, 16), per_miss=2.5)
    rep = report(
        filed("2026-W46", on_sunday("2026-W46")), contracts=(replace(PACT, per_miss=5), side)
    )
    assert statuses(rep)["2026-W45"] == statuses(rep)["2026-W47"] == "missed"
    assert rep.owed == 12.5
    assert report().owed == 0.0


def test_review_is_due_in_the_period_containing_the_review_date():
    every_two_weeks = (replace(PACT, review_every=timedelta(weeks=2)),)  # reviews 11-16, 11-30
    assert "review-due" in report(contracts=every_two_weeks, now=ny("2026-11-20T12:00")).flags
    assert "review-due" not in report(contracts=every_two_weeks).flags
    assert "review-due" not in report(contracts=every_two_weeks, now=ny("2026-11-04T12:00")).flags


def test_three_late_periods_in_a_row_raise_late_streak():
    lates = [filed(k, on_sunday(k, "23:00")) for k in ("2026-W45", "2026-W46", "2026-W47")]
    rep = report(*lates)
    assert rep.current == 3
    assert "late-streak" in rep.flags
    assert "late-streak" not in report(*lates[1:]).flags


def test_pact_streak_needs_every_party_to_count():
    alice = report(
        *(filed(k, on_sunday(k)) for k in ("2026-W45", "2026-W46", "2026-W47")),
        member="alice",
        tz=BERLIN,
    )
    bob = report(*(filed(k, on_sunday(k)) for k in ("2026-W45", "2026-W47")))
    assert pact_streak(PACT, {"alice": alice, "bob": bob}) == 1
    bob_all = report(*(filed(k, on_sunday(k)) for k in ("2026-W45", "2026-W46", "2026-W47")))
    assert pact_streak(PACT, {"alice": alice, "bob": bob_all}) == 3


def test_pact_streak_skips_periods_where_a_party_is_paused():
    pause = Pause(**PAUSE_W46, announced=ny("2026-10-01T00:00"))
    contract = replace(PACT, pauses=(pause,))
    keys = ("2026-W45", "2026-W46", "2026-W47")
    alice = report(*(filed(k, on_sunday(k)) for k in keys), contracts=(contract,), member="alice")
    bob = report(*(filed(k, on_sunday(k)) for k in keys[::2]), contracts=(contract,))
    assert pact_streak(contract, {"alice": alice, "bob": bob}) == 2


def test_pact_streak_counts_the_current_period_once_every_party_filed():
    keys = ("2026-W45", "2026-W46", "2026-W47")
    w48 = filed("2026-W48", ny("2026-11-24T09:00"))
    alice = report(*(filed(k, on_sunday(k)) for k in keys), w48, member="alice")
    bob = report(*(filed(k, on_sunday(k)) for k in keys))
    assert pact_streak(PACT, {"alice": alice, "bob": bob}) == 3
    bob = report(*(filed(k, on_sunday(k)) for k in keys), w48)
    assert pact_streak(PACT, {"alice": alice, "bob": bob}) == 4


def test_pact_streak_waits_for_a_party_whose_week_has_not_begun():
    now = datetime(2026, 11, 23, 3, tzinfo=BERLIN)  # Sunday 21:00 in New York
    keys = ("2026-W45", "2026-W46", "2026-W47")
    w48 = filed("2026-W48", datetime(2026, 11, 23, 1, tzinfo=BERLIN))
    alice = report(*(filed(k, on_sunday(k)) for k in keys), w48, member="alice", tz=BERLIN, now=now)
    bob = report(*(filed(k, on_sunday(k)) for k in keys), now=now)
    assert statuses(alice)["2026-W48"] == "on_time"
    assert "2026-W48" not in statuses(bob)
    assert pact_streak(PACT, {"alice": alice, "bob": bob}) == 3


# Property tests: a history is a list of what happened in consecutive weeks.
KINDS = ("on_time", "late", "missed", "early")
histories = st.lists(st.sampled_from(KINDS), min_size=1, max_size=12)


def _weekly_history(kinds: list[str], paused: frozenset[int] = frozenset()):
    """Contract, filings and a `now` after the last week closed; weeks in `paused` are
    paused with notice and the kinds fill the other weeks in order."""
    filings, pauses, remaining = {}, [], iter(kinds)
    for week in range(len(kinds) + len(paused)):
        key = date_key(PACT.effective + timedelta(weeks=week), "weekly")
        period = make_period(key, "weekly", NY, PACT.due, PACT.grace)
        if week in paused:
            monday = period.start.date()
            pauses.append(Pause("bob", monday, monday + timedelta(days=6), ny("2026-01-01T00:00")))
            continue
        at = {
            "on_time": period.due - timedelta(hours=1),
            "late": period.due + timedelta(hours=1),
            "early": period.start - timedelta(hours=1),
        }.get(next(remaining))
        if at is not None:
            filings[key] = filed(key, at)
    now = period.closes + timedelta(minutes=1)
    return replace(PACT, pauses=tuple(pauses)), filings, now


def _report_for(kinds: list[str], paused: frozenset[int] = frozenset()) -> MemberReport:
    contract, filings, now = _weekly_history(kinds, paused)
    return compute_member("bob", NY, (contract,), filings, {}, now)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(STATUSES), max_size=30))
def test_longest_streak_is_never_shorter_than_current(seq):
    current, longest = streak_lengths(seq)
    assert 0 <= current <= longest


@settings(max_examples=40, deadline=None)
@given(histories, st.data())
def test_inserting_paused_periods_changes_no_streak_or_score(kinds, data):
    extra = data.draw(st.integers(0, 4))
    # Never pause the last week: the history must end on one of the kinds.
    weeks = st.integers(0, max(0, len(kinds) + extra - 2))
    paused = frozenset(data.draw(st.lists(weeks, min_size=extra, max_size=extra, unique=True)))
    plain, with_pauses = _report_for(kinds), _report_for(kinds, paused)
    assert with_pauses.counts["paused"] == len(paused)
    assert (with_pauses.current, with_pauses.longest) == (plain.current, plain.longest)
    assert with_pauses.score == plain.score
    assert with_pauses.current <= with_pauses.longest


@settings(max_examples=40, deadline=None)
@given(histories)
def test_score_stays_between_0_and_100(kinds):
    rep = _report_for(kinds)
    assert 0.0 <= rep.score <= 100.0
    assert rep.current <= rep.longest


@settings(max_examples=40, deadline=None)
@given(histories, st.data())
def test_adding_a_counted_period_never_lowers_the_current_streak(kinds, data):
    before = _report_for(kinds)
    assert (
        _report_for([*kinds, data.draw(st.sampled_from(("on_time", "late")))]).current
        > before.current
    )
    index = data.draw(st.integers(0, len(kinds) - 1))
    fixed = [*kinds[:index], "on_time", *kinds[index + 1 :]]
    assert _report_for(fixed).current >= before.current
