"""A goal's life period by period, its one-line reading and its chart."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from journal.digest.charts import goal_chart, heatmap
from journal.digest.progress import reading, timeline
from journal.digest.writers import columns


def periods(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"period": k, "status": s} for k, s in pairs]


def test_every_period_keeps_its_place_missed_and_paused_included() -> None:
    bob = periods(("2026-W43", "on_time"), ("2026-W44", "missed"), ("2026-W45", "paused"), ("2026-W46", "pending"))
    series = [{"period": "2026-W43", "value": 1.0}, {"period": "2026-W46", "value": 2.0}]
    line = timeline(series, [bob], dt.date(2026, 10, 19), None)
    assert [(p["period"], p["value"], p["status"]) for p in line] == [
        ("2026-W43", 1.0, "on_time"), ("2026-W44", None, "missed"), ("2026-W45", None, "paused"),
        ("2026-W46", 2.0, "pending")]


def test_a_hole_no_contract_judged_is_filled_and_periods_before_the_start_left_out() -> None:
    alice = periods(("2026-W40", "on_time"), ("2026-W43", "on_time"))
    series = [{"period": "2026-W45", "value": 3.0}]
    line = timeline(series, [alice], dt.date(2026, 10, 19), None)
    assert [(p["period"], p["status"]) for p in line] == [
        ("2026-W43", "on_time"), ("2026-W44", None), ("2026-W45", None)]


def test_two_owners_show_the_status_that_needs_attention() -> None:
    a = periods(("2026-W43", "on_time"), ("2026-W44", "paused"))
    b = periods(("2026-W43", "missed"), ("2026-W44", "paused"))
    assert [p["status"] for p in timeline([], [a, b], None, None)] == ["missed", "paused"]


@pytest.mark.parametrize(("values", "words"), [
    ([(10, "on_time"), (31, "on_time"), (32, "late")], "At or above target 2 weeks running (latest: 32, target 30 km)"),
    ([(31, "on_time"), (None, "missed"), (None, "paused"), (12, "on_time"), (None, "pending")],
     "Below target 2 weeks running (latest: 12, target 30 km)"),
    ([(None, "pending")], "Nothing logged yet"),
])
def test_the_reading_counts_the_run_and_skips_paused_and_pending(values: list, words: str) -> None:
    line = [{"period": f"2026-W{40 + i}", "value": v, "status": s} for i, (v, s) in enumerate(values)]
    assert reading(line, 30, "km", "week", []) == words


def test_the_reading_names_the_unit_once_as_the_goal_writes_it() -> None:
    # A unit is written as the goal names it, plural: after a count of one it read "1 rehearsals".
    line = [{"period": "2026-W40", "value": 1, "status": "on_time"}]
    assert reading(line, 2, "rehearsals", "week", []) == "Below target 1 week running (latest: 1, target 2 rehearsals)"


def test_without_a_target_or_a_measure_the_reading_says_what_there_is() -> None:
    line = [{"period": "2026-W40", "value": 3.0, "status": "on_time"}, {"period": "2026-W41", "value": 4.5,
                                                                         "status": "on_time"}]
    assert reading(line, None, "km", "week", []) == "7.5 km logged over 2 weeks"
    done = [{"state": "done"}, {"state": "due"}]
    assert reading([], None, "", None, done) == "1 of 2 milestones done"


def test_the_chart_draws_every_period_with_its_status_an_even_axis_units_and_a_legend() -> None:
    line = [{"period": f"2026-W{w:02d}", "value": (w % 3) or None, "status": ("missed", "on_time", "paused")[w % 3]}
            for w in range(30, 60 - 7)]
    goal = {"title": "Strength", "measure": {"metric": "sessions", "per": "week", "target": 2}, "timeline": line,
            "milestones": [{"title": "Deadlift", "due": "2026-08-05", "done": None}]}
    svg = str(goal_chart(goal))
    assert re.findall(r'<g class="pd s-(\w+)"><title>(2026-W\d\d)', svg) == [
        (p["status"], p["period"]) for p in line]
    ticks = [float(x) for x in re.findall(r'<text class="lbl" x="([\d.]+)" y="[\d.]+" text-anchor="middle">W\d\d<', svg)]
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) >= 4 and max(gaps) - min(gaps) < 0.05  # evenly spaced (to the coordinates' rounding)
    for words in (">sessions<", ">week (2026)<", ">logged<", ">target met<", ">missed<", ">paused<", ">milestone<",
                  "target 2 sessions"):
        assert words in svg, words
    assert '<g class="ms ms-open"><title>Milestone: Deadlift, due 2026-08-05' in svg


def test_a_zero_logged_is_drawn_unlike_nothing_logged() -> None:
    goal = {"title": "t", "measure": {"metric": "km", "per": "week", "target": None}, "milestones": [],
            "timeline": [{"period": "2026-W01", "value": 0.0, "status": "on_time"},
                         {"period": "2026-W02", "value": None, "status": "on_time"}]}
    bars = re.findall(r'<g class="pd s-on_time"><title>[^<]*</title>(.*?)</g>', str(goal_chart(goal)))
    assert "<rect" in bars[0] and bars[1] == ""


def test_the_heatmap_lays_weeks_out_a_quarter_a_row() -> None:
    cells = [{"period": f"2026-W{w:02d}", "status": "on_time", "label": str(w)} for w in range(1, 54)]
    svg = str(heatmap(cells, "alice"))
    assert [f"2026 Q{q}" in svg for q in (1, 2, 3, 4)] == [True] * 4
    assert 'viewBox="0 0 299 65"' in svg  # 14 cells wide: fits a phone at full size


def test_one_period_is_counted_in_the_singular() -> None:
    # A member who joined this week: "1 periods (1 pending)" was what a screen reader heard.
    svg = str(heatmap([{"period": "2026-W48", "status": "pending", "label": "x"}], "Alice"))
    assert "Alice: 1 period (1 pending)" in svg
    goal = {"title": "Swim", "measure": {"metric": "km", "per": "week", "target": 2}, "milestones": [],
            "timeline": [{"period": "2026-W48", "value": None, "status": "pending"}]}
    assert "Swim: 1 period, 0 with a value" in str(goal_chart(goal))


@pytest.mark.parametrize(("count", "css"), [(1, "cols-1"), (2, "cols-2"), (3, "cols-3"), (4, "cols-2"),
                                            (5, "cols-3"), (6, "cols-3"), (7, "cols-4")])
def test_no_card_is_alone_on_the_last_row(count: int, css: str) -> None:
    assert columns(count) == css
    cols = int(css[-1])
    assert count <= cols or count % cols != 1


def test_the_overview_chart_keeps_its_size_for_a_long_goal() -> None:
    line = [{"period": f"2026-W{w:02d}", "value": 1.0, "status": "on_time"} for w in range(1, 53)]
    goal = {"title": "t", "measure": {"metric": "km", "per": "week", "target": 2}, "milestones": [], "timeline": line}
    svg = str(goal_chart(goal, compact=True))
    assert 'width="294"' in svg and svg.count('<g class="pd ') == 25 and "2026-W52: 1 km" in svg
