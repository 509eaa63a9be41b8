"""Outcome values, recalibration rules, review dates and the Jinja environment have one home each;
these tests fail when a second home appears or when the readers drift apart."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from journal.core import recalibration as R
from journal.core.schema import STATUSES as OUTCOME_STATUSES
from tests.support.journals import PROJECT

PACKAGE = PROJECT / "journal"
D = dt.date


def test_outcome_values_cover_exactly_the_statuses_the_schema_accepts() -> None:
    assert set(R.OUTCOME_VALUE) == set(OUTCOME_STATUSES)
    assert R.completion(["done", "partial", "missed", "unknown"]) == pytest.approx(0.5)
    assert R.completion(["unknown"]) is None


def test_low_completion_run_and_repeated_misses() -> None:
    assert R.low_completion_run([0.9, 0.4, 0.0, 0.49])
    assert not R.low_completion_run([0.4, 0.5, 0.0])
    assert not R.low_completion_run([0.0, 0.0])
    checkins = [[("Run 3x", "missed")], [("run  3X", "missed"), ("Read", "done")], [], [("Run 3x ", "missed")]]
    assert R.repeated_misses(checkins) == {"run 3x": 3}
    assert R.needs_recalibration(checkins)
    assert R.repeated_misses([[("Run 3x", "missed")]] * 3 + [[("Run 3x", "done")]] * 4) == {}


@pytest.mark.parametrize("every,until,start,end,expected", [
    (dt.timedelta(weeks=4), None, D(2026, 9, 7), D(2026, 11, 30), [D(2026, 10, 5), D(2026, 11, 2), D(2026, 11, 30)]),
    (dt.timedelta(weeks=4), D(2026, 11, 1), D(2026, 9, 1), D(2026, 12, 31), [D(2026, 10, 5)]),
    (dt.timedelta(weeks=2), None, D(2026, 11, 17), D(2026, 11, 23), []),
    (dt.timedelta(hours=12), None, D(2026, 9, 7), D(2026, 9, 30), []),  # at most one review a day
    (None, None, D(2026, 9, 7), D(2026, 9, 30), []),
])
def test_review_dates(every, until, start, end, expected) -> None:
    assert R.review_dates(D(2026, 9, 7), every, until, start, end) == expected


def test_the_review_flag_the_agenda_and_the_calendar_agree() -> None:
    """streaks' `review-due`, `journal status`'s agenda and the calendar's first review all read
    recalibration.review_dates."""
    from journal.core import agenda, build_model, entries, streaks

    effective, every = D(2026, 9, 7), dt.timedelta(weeks=4)
    terms = streaks.ContractTerms("pact", ("alice",), effective, None, "weekly", (6, dt.time(21)),
                                  dt.timedelta(0), review_every=every)
    text = "---\ntitle: Pact\nparties: [alice]\neffective: 2026-09-07\nreview_every: 4 weeks\n---\n"
    contract = build_model.contract("pact", entries.parse("contracts/pact.md", "contract", text.encode()))
    for offset in range(0, 120, 3):
        today = effective + dt.timedelta(days=offset)
        monday = today - dt.timedelta(days=today.weekday())
        week = agenda.review_dates(contract, monday, monday + dt.timedelta(days=6))
        now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
        assert _flag(terms, now) is bool(week), today


def _flag(terms, now: dt.datetime) -> bool:
    import zoneinfo

    from journal.core.streaks import compute_member

    report = compute_member("alice", zoneinfo.ZoneInfo("UTC"), [terms], {}, {}, now)
    return "review-due" in report.flags


def _calls_and_tables(path: Path) -> tuple[list[str], bool]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [node.func.id if isinstance(node.func, ast.Name) else node.func.attr
             for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, (ast.Name, ast.Attribute))]
    tables = any(isinstance(node, ast.Dict) and {"done", "partial", "missed"}
                 <= {k.value for k in node.keys if isinstance(k, ast.Constant)} for node in ast.walk(tree))
    return calls, tables


def test_one_home_for_outcome_values_and_the_jinja_environment() -> None:
    value_tables, environments = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(PACKAGE))
        calls, table = _calls_and_tables(path)
        if table:
            value_tables.append(rel)
        if {"SandboxedEnvironment", "Environment", "LimitedSandbox"} & set(calls):
            environments.append(rel)
    assert value_tables == ["core/recalibration.py"]
    assert environments == ["store/templating.py"]
