"""How the digest words moments: a zero offset reads "UTC"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from journal.core.humanize import duration, human_clock, human_moment, human_time, human_zoned, zone_label


@pytest.mark.parametrize(("iso", "words"), [
    ("2026-11-25T12:00:00+00:00", "Wed 25 Nov 2026 12:00 UTC"),
    ("2026-11-25T12:00:00-00:00", "Wed 25 Nov 2026 12:00 UTC"),
    ("2026-11-25T13:00:00+01:00", "Wed 25 Nov 2026 13:00 UTC+01:00"),
    ("2026-11-25T17:30:00+05:30", "Wed 25 Nov 2026 17:30 UTC+05:30"),
    ("2026-11-25T07:00:00-05:00", "Wed 25 Nov 2026 07:00 UTC-05:00"),
    ("2026-11-25T12:00:00", "Wed 25 Nov 2026 12:00"),
])
def test_human_moment_names_the_offset_and_utc_plainly(iso: str, words: str) -> None:
    assert human_moment(iso) == words


@pytest.mark.parametrize("moment", [
    dt.datetime(2026, 11, 22, 10, 0, 59, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    dt.datetime(2026, 3, 29, 2, 30, tzinfo=ZoneInfo("Europe/Berlin")),  # a time the spring gap skips
    dt.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Berlin")),  # the autumn fold
    dt.datetime(2027, 1, 3, 23, 59, 59, 999999, tzinfo=ZoneInfo("Asia/Tokyo")),
    dt.datetime(999, 1, 1, 0, 5, tzinfo=dt.UTC),
])
def test_a_wall_clock_is_worded_as_its_iso_text_is(moment: dt.datetime) -> None:
    """The digest words its period labels from the datetime it holds: exactly what
    human_time says of that datetime's ISO text to the minute."""
    assert human_clock(moment) == human_time(moment.isoformat(timespec="minutes"))
    assert human_clock(moment).endswith(f" {moment:%H:%M}")  # the clock as strftime wrote it


def test_a_time_with_its_zone_names_the_offset_and_utc_plainly() -> None:
    berlin = dt.datetime(2026, 11, 29, 21, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert human_zoned(berlin) == "Sun 29 Nov 2026 21:00 UTC+01:00"
    assert zone_label(dt.datetime(2026, 7, 5, 21, 0, tzinfo=ZoneInfo("America/St_Johns"))) == "UTC-02:30"
    assert zone_label(dt.datetime(2026, 11, 29, tzinfo=dt.UTC)) == "UTC"
    assert zone_label(dt.datetime(2026, 11, 29)) == ""


def test_a_duration_in_words() -> None:
    assert [duration(s) for s in (2 * 86400, 86400 + 12 * 3600, 5400, 60, 0, None)] == [
        "2 days", "1 day 12 hours", "1 hour 30 minutes", "1 minute", "0 minutes", ""]
