from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from journal.core.periods import (
    key_start,
    keys_between,
    make_period,
    next_key,
    parse_day,
    parse_due,
    parse_duration,
    parse_week,
    period_key,
    periods_between,
    prev_key,
    week_start,
    weeks_in_year,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SUNDAY_21 = (6, time(21, 0))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12h", timedelta(hours=12)),
        ("30m", timedelta(minutes=30)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("90 minutes", timedelta(minutes=90)),
        ("7 days", timedelta(days=7)),
        ("4 weeks", timedelta(weeks=4)),
        ("1 week", timedelta(weeks=1)),
        ("12 hours", timedelta(hours=12)),
        (" 12H ", timedelta(hours=12)),
        ("0", timedelta(0)),
    ],
)
def test_parse_duration_accepts_short_and_long_units(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "12", "h", "12 parsecs", "-3h", "1.5h", "12h30m", "soon"])
def test_parse_duration_rejects_other_forms_with_a_clear_message(text):
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sunday 21:00", (6, time(21, 0))),
        ("Sun 21:00", (6, time(21, 0))),
        ("MONDAY 9:05", (0, time(9, 5))),
        ("wed 00:00", (2, time(0, 0))),
    ],
)
def test_parse_due_weekly_takes_a_weekday_and_a_time(text, expected):
    assert parse_due(text, "weekly") == expected


def test_parse_due_daily_takes_a_time_only():
    assert parse_due("21:00", "daily") == (None, time(21, 0))


@pytest.mark.parametrize(
    ("text", "cadence"),
    [
        ("21:00", "weekly"),
        ("sunday 21:00", "daily"),
        ("sonntag 21:00", "weekly"),
        ("su 21:00", "weekly"),
        ("sunday 24:00", "weekly"),
        ("sunday 21:60", "weekly"),
        ("sunday 9pm", "weekly"),
        ("21:00", "monthly"),
    ],
)
def test_parse_due_rejects_malformed_due_times(text, cadence):
    with pytest.raises(ValueError, match="invalid"):
        parse_due(text, cadence)


def test_iso_week_53_exists_only_in_long_years():
    assert weeks_in_year(2026) == 53
    assert parse_week("2026-W53") == (2026, 53)
    with pytest.raises(ValueError, match="W01 to W52"):
        parse_week("2027-W53")


@pytest.mark.parametrize(
    "key", ["2026-W54", "2026-W00", "2026-w47", "2026W47", "26-W47", "2026-W4"]
)
def test_parse_week_rejects_weeks_the_calendar_lacks(key):
    with pytest.raises(ValueError, match="invalid ISO week"):
        parse_week(key)


def test_week_one_can_begin_in_late_december():
    assert week_start("2025-W01") == date(2024, 12, 30)
    assert period_key(datetime(2024, 12, 30, 12, tzinfo=BERLIN), "weekly", BERLIN) == "2025-W01"
    assert prev_key("2025-W01", "weekly") == "2024-W52"


def test_week_53_runs_into_january():
    assert period_key(datetime(2027, 1, 3, 23, 59, tzinfo=BERLIN), "weekly", BERLIN) == "2026-W53"
    assert next_key("2026-W53", "weekly") == "2027-W01"
    assert prev_key("2027-W01", "weekly") == "2026-W53"
    assert keys_between("2026-W52", "2027-W02", "weekly") == [
        "2026-W52",
        "2026-W53",
        "2027-W01",
        "2027-W02",
    ]


def test_parse_day_rejects_impossible_dates():
    assert parse_day("2028-02-29") == date(2028, 2, 29)
    for key in ("2026-02-29", "20261120", "2026-11-20T00:00"):
        with pytest.raises(ValueError, match="invalid date"):
            parse_day(key)


def test_sunday_evening_in_new_york_belongs_to_the_new_york_week():
    moment = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # Sunday 20:30 in New York
    assert period_key(moment, "weekly", NEW_YORK) == "2026-W47"
    assert period_key(moment, "weekly", UTC) == "2026-W48"
    assert period_key(moment, "daily", NEW_YORK) == "2026-11-22"


def test_period_key_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="no time zone"):
        period_key(datetime(2026, 11, 22, 20, 30), "weekly", NEW_YORK)


def test_weekly_period_has_due_on_its_weekday_and_closes_after_grace():
    period = make_period("2026-W47", "weekly", NEW_YORK, SUNDAY_21, timedelta(hours=12))
    assert period.start == datetime(2026, 11, 16, tzinfo=NEW_YORK)
    assert period.end == datetime(2026, 11, 23, tzinfo=NEW_YORK)
    assert period.due == datetime(2026, 11, 22, 21, tzinfo=NEW_YORK)
    assert period.closes == datetime(2026, 11, 23, 9, tzinfo=NEW_YORK)


def test_berlin_week_with_spring_forward_is_an_hour_short():
    period = make_period("2026-W13", "weekly", BERLIN, SUNDAY_21, timedelta(hours=12))
    assert period.start.astimezone(UTC) == utc("2026-03-22T23:00:00+00:00")
    assert period.end.astimezone(UTC) == utc("2026-03-29T22:00:00+00:00")
    assert period.end.astimezone(UTC) - period.start.astimezone(UTC) == timedelta(hours=167)
    assert period.due.astimezone(UTC) == utc("2026-03-29T19:00:00+00:00")  # 21:00 CEST
    assert period.closes.astimezone(UTC) == utc("2026-03-30T07:00:00+00:00")


def test_new_york_week_with_fall_back_is_an_hour_long():
    period = make_period("2026-W44", "weekly", NEW_YORK, SUNDAY_21, timedelta(0))
    assert period.end.astimezone(UTC) - period.start.astimezone(UTC) == timedelta(hours=169)
    assert period.due.astimezone(UTC) == utc("2026-11-02T02:00:00+00:00")  # 21:00 EST
    assert period.closes == period.due


def test_grace_is_elapsed_time_across_a_dst_change():
    # Due Saturday 21:00 CET; 24 h later the clocks have sprung forward, so it reads 22:00.
    period = make_period("2026-W13", "weekly", BERLIN, (5, time(21)), timedelta(hours=24))
    assert period.closes.astimezone(UTC) - period.due.astimezone(UTC) == timedelta(hours=24)
    assert period.closes.replace(tzinfo=None) == datetime(2026, 3, 29, 22, 0)


def test_due_time_skipped_by_spring_forward_becomes_the_instant_after_the_jump():
    period = make_period("2026-03-29", "daily", BERLIN, (None, time(2, 30)), timedelta(0))
    assert period.due.astimezone(UTC) == utc("2026-03-29T01:30:00+00:00")
    assert period.due.replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)


def test_daily_period_spans_one_local_day():
    period = make_period("2026-11-20", "daily", BERLIN, (None, time(21)), timedelta(hours=2))
    assert period.start == datetime(2026, 11, 20, tzinfo=BERLIN)
    assert period.end == datetime(2026, 11, 21, tzinfo=BERLIN)
    assert period.closes == datetime(2026, 11, 20, 23, tzinfo=BERLIN)
    assert key_start("2026-11-20", "daily") == date(2026, 11, 20)


def test_make_period_rejects_a_due_that_does_not_fit_the_cadence():
    with pytest.raises(ValueError, match="weekday"):
        make_period("2026-W47", "weekly", BERLIN, (None, time(21)), timedelta(0))
    with pytest.raises(ValueError, match="daily due"):
        make_period("2026-11-20", "daily", BERLIN, (6, time(21)), timedelta(0))
    with pytest.raises(ValueError, match="negative"):
        make_period("2026-W47", "weekly", BERLIN, SUNDAY_21, timedelta(hours=-1))


def test_periods_between_runs_from_first_date_to_the_period_containing_last():
    periods = periods_between(
        date(2026, 11, 4),
        datetime(2026, 11, 23, 1, 30, tzinfo=UTC),  # still Sunday in New York
        "weekly",
        NEW_YORK,
        SUNDAY_21,
        timedelta(hours=12),
    )
    assert [p.key for p in periods] == ["2026-W45", "2026-W46", "2026-W47"]
    assert all(a.end == b.start for a, b in itertools.pairwise(periods))


def test_periods_between_is_empty_when_last_comes_before_first():
    last = datetime(2026, 11, 1, tzinfo=BERLIN)
    assert (
        periods_between(date(2026, 11, 20), last, "daily", BERLIN, (None, time(21)), timedelta(0))
        == []
    )


def test_daily_periods_between_count_each_local_day():
    periods = periods_between(
        date(2026, 3, 28),
        datetime(2026, 3, 30, 12, tzinfo=BERLIN),
        "daily",
        BERLIN,
        (None, time(21)),
        timedelta(hours=1),
    )
    assert [p.key for p in periods] == ["2026-03-28", "2026-03-29", "2026-03-30"]
    assert periods[1].end.astimezone(UTC) - periods[1].start.astimezone(UTC) == timedelta(hours=23)


def test_dates_are_bounded_but_keys_at_the_edges_still_work() -> None:
    from journal.core.schema import parse_date, valid_week

    assert parse_date("0002-01-01") is None and parse_date(date(1, 1, 1)) is None and parse_date("3000-01-01") is None
    assert parse_date("1970-01-01") == date(1970, 1, 1) and parse_date(date(2999, 12, 31)) == date(2999, 12, 31)
    assert not valid_week("0001-W01") and not valid_week("3000-W01") and valid_week("2999-W52")
    with pytest.raises(ValueError, match="1970 to 2999"):
        parse_week("0002-W01")
    # 2999-12-31 lies in ISO week 3000-W01; a zone ahead of UTC is already in 3000.
    last = period_key(datetime(2999, 12, 31, 23, 59, tzinfo=UTC), "weekly", UTC)
    assert last == "3000-W01" and key_start(next_key(last, "weekly"), "weekly") == date(3000, 1, 6)
    assert period_key(datetime(2999, 12, 31, 23, 59, tzinfo=UTC), "daily", ZoneInfo("Pacific/Kiritimati")) == "3000-01-01"
    assert prev_key("1970-W01", "weekly") == "1969-W52"
