"""Times as `journal status` prints them (cli/output.wall_time): a wall-clock time the member's
zone reads twice, in the hour its clocks go back, carries its offset."""

from __future__ import annotations

from journal.cli.output import wall_time

NY = "America/New_York"


def test_a_time_the_clocks_read_twice_names_its_offset() -> None:
    # 1 November 2026: New York's clocks go from 02:00 EDT back to 01:00 EST.
    first, second = "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00"
    assert wall_time(first, NY, NY) == "2026-11-01 01:00 (UTC-0400)"
    assert wall_time(second, NY, NY) == "2026-11-01 01:00 (UTC-0500)"
    assert wall_time(first, NY, "UTC") == "2026-11-01 01:00 America/New_York (UTC-0400)"
    # Any other hour reads once: no offset.
    assert wall_time("2026-11-01T03:00:00-05:00", NY, NY) == "2026-11-01 03:00"
    assert wall_time("2026-11-01T03:00:00-05:00", NY, "UTC") == "2026-11-01 03:00 America/New_York"
