"""How the digest words moments: a zero offset reads "UTC"."""

from __future__ import annotations

import pytest

from journal.core.humanize import human_moment


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
