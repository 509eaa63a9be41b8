"""A period's state and its labels have one home (core/states); every report reads it."""

from __future__ import annotations

import ast
import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from journal.core.model import Member
from journal.core.journal_index import Journal
from journal.core.states import (
    CHECKED_IN_LABEL,
    STATE_LABEL,
    STATUS_LABEL,
    State,
    current_period,
    is_overdue,
    member_state,
    period_state,
)
from journal.core.streaks import COUNTED, EARLY, STATUSES, MemberReport, PeriodStatus
from tests.support.journals import PROJECT

UTC = dt.UTC
START = dt.datetime(2026, 11, 23, tzinfo=UTC)
DUE = START + dt.timedelta(days=6, hours=21)
CLOSES = DUE + dt.timedelta(hours=12)


def period(status: str, key: str = "2026-W48", shift: dt.timedelta = dt.timedelta(0)) -> PeriodStatus:
    at = START + dt.timedelta(days=1) if status in (*COUNTED, EARLY) else None
    return PeriodStatus(key, status, "c0ffee" if at else None, at, (), START + shift, DUE + shift, CLOSES + shift)


def report(*periods: PeriodStatus) -> MemberReport:
    return MemberReport("alice", periods, 0, 0, 0.0, None, None, 0.0)


@pytest.mark.parametrize("status,now,state", [
    ("on_time", DUE, State.CHECKED_IN),
    ("late", DUE, State.CHECKED_IN),
    ("early", DUE, State.CHECKED_IN),
    ("paused", DUE, State.PAUSED),
    ("missed", CLOSES, State.MISSED),
    ("pending", DUE - dt.timedelta(hours=1), State.DUE),
    ("pending", DUE + dt.timedelta(hours=1), State.OVERDUE),
    ("pending", CLOSES, State.OVERDUE),  # a check-in at `closes` still counts: not missed yet
])
def test_period_state_of_each_status(status: str, now: dt.datetime, state: State) -> None:
    assert period_state(period(status), now) is state
    assert period_state(None, now) is State.NONE


def test_the_missed_last_period_of_an_ended_contract_is_missed_not_overdue() -> None:
    # Bug 2: no period holds `now` any more; the last one (missed) is the one shown.
    last = period("missed")
    later = CLOSES + dt.timedelta(days=20)
    assert current_period(report(period("on_time", "2026-W47", -dt.timedelta(days=7)), last), later) == last
    assert member_state(report(last), later) == (last, State.MISSED)
    assert not is_overdue(report(last), later)
    assert is_overdue(report(period("pending")), DUE + dt.timedelta(hours=1))


def test_a_period_is_current_through_the_instant_it_closes() -> None:
    # A week checked in on time stays the current one while a check-in for it would still count.
    filed, following = period("on_time"), period("pending", "2026-W49", dt.timedelta(days=7))
    assert current_period(report(filed, following), CLOSES) == filed
    assert current_period(report(filed, following), CLOSES + dt.timedelta(microseconds=1)) == following


def test_every_status_and_state_has_one_label() -> None:
    from journal.cli.output import HEAT
    from journal.digest.charts import _MARK

    assert list(STATUS_LABEL) == list(HEAT) == list(_MARK) == list(STATUSES)
    assert set(STATE_LABEL) == set(State)
    assert set(CHECKED_IN_LABEL) == {*COUNTED, EARLY}


def _standing(r: MemberReport, now: dt.datetime):  # noqa: ANN202 - a Standing, imported late
    from journal.standing import Standing

    member = Member("alice", "Alice", ("alice@example.org",), zoneinfo.ZoneInfo("Europe/Berlin"))
    return Standing(now, Path("."), Journal({}), {"alice": member}, (r,), (), (), "alice")


@pytest.mark.parametrize("status,now", [
    ("on_time", DUE), ("late", DUE), ("early", DUE), ("paused", DUE), ("missed", CLOSES + dt.timedelta(days=30)),
    ("pending", DUE - dt.timedelta(hours=1)), ("pending", DUE + dt.timedelta(hours=1)), ("pending", CLOSES),
])
def test_status_and_digest_name_the_same_state(status: str, now: dt.datetime) -> None:
    from journal.digest.overview import _state
    from journal.standing import status_json

    r = report(period(status))
    state = period_state(current_period(r, now), now)
    shown = status_json(_standing(r, now))["members"][0]
    assert shown["state"] == STATE_LABEL[state]
    assert _state(r, now, zoneinfo.ZoneInfo("Europe/Berlin"))["state"] == state.value
    assert ("grace_until" in shown) is (state is State.OVERDUE)


def _status_tables(path: Path) -> list[int]:
    """Lines of dict literals mapping three or more period statuses to words: a second label
    table (tables of SVG marks or heatmap characters are drawings, not words)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            words = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            if len(keys & set(STATUSES)) >= 3 and any(" " in w and "<" not in w for w in words):
                found.append(node.lineno)
    return found


def test_no_second_table_of_status_labels() -> None:
    home = PROJECT / "journal" / "core" / "states.py"
    others = {str(p.relative_to(PROJECT)): lines for p in sorted((PROJECT / "journal").rglob("*.py"))
              if p != home and (lines := _status_tables(p))}
    assert others == {}, "period statuses are worded in core/states.py only"
