"""The digest's wording a newcomer reads: every clock time with the offset it is shown in,
and an unverified outcome with the reason (no verdict from the referee in the window)."""

from __future__ import annotations

import re
from pathlib import Path

from journal.exitcodes import EXIT_OK
from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin
from tests.support.replies import replies_history

# Thursday: bob's W46 check-in (Sunday in New York) is past its two-day window too.
NOW = "2026-11-26T12:00:00+00:00"
REASON = "(unverified: not confirmed by the referee Carol within 2 days)"


def _build(run, repo: Path, site: Path, now: str = NOW) -> tuple[str, str]:
    assert run("-C", repo, "digest", "--out", site, "--now", now).code == EXIT_OK
    assert run("-C", repo, "digest", "--markdown-only", "--now", now).code == EXIT_OK
    return (site / "DIGEST.md").read_text(), (repo / "digest" / "README.md").read_text()


def test_an_unverified_outcome_says_why(run, commit, tmp_path: Path) -> None:
    repo = replies_history(commit, tmp_path)
    site = tmp_path / "site"
    for text in _build(run, repo, site):
        # Bob's latest check-in (W46): the referee gave no verdict in the two days.
        assert f"Referee Carol: outcome 1 unverified · outcome 2 unverified {REASON}\n" in text
    page = (site / "members" / "bob.html").read_text()
    assert f"Referee Carol: outcome 1 unverified · outcome 2 unverified {REASON}</p>" in page
    # Verdicts given in time need no reason.
    alice = (site / "members" / "alice.html").read_text()
    assert "Referee Carol: outcome 1 disputed · outcome 2 confirmed</p>" in alice


def test_a_window_still_open_awaits_a_verdict_without_a_reason(run, commit, tmp_path: Path) -> None:
    repo = replies_history(commit, tmp_path)
    for text in _build(run, repo, tmp_path / "site", "2026-11-23T12:00:00+00:00"):
        assert "Referee Carol: outcome 1 awaiting a verdict · outcome 2 awaiting a verdict\n" in text
        assert "unverified:" not in text.split("**Bob Okafor**")[-1].split("##")[0]


def test_every_clock_time_carries_the_offset_of_the_zone_it_is_shown_in(run, commit, tmp_path: Path) -> None:
    repo = replies_history(commit, tmp_path)
    site = tmp_path / "site"
    markdown, _ = _build(run, repo, site)
    assert "due in 3d 14h (Sun 29 Nov 2026 21:00 UTC-05:00)" in markdown  # bob's deadline, his time
    bob = (site / "members" / "bob.html").read_text()
    assert "Committed Sun 22 Nov 2026 10:00 UTC-05:00" in bob
    alice = (site / "members" / "alice.html").read_text()
    assert "Committed Sun 15 Nov 2026 18:00 UTC+01:00" in alice
    # A reply's time in its author's zone: bob answered from New York, carol from London.
    assert "· Sun 8 Nov 2026 20:00 UTC-05:00</p>" in alice
    assert "(referee) · Mon 9 Nov 2026 09:00 UTC</p>" in alice
    # No clock time anywhere in the pages or DIGEST.md without its zone.
    clock = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} \w{3} \d{4} \d\d:\d\d(?! UTC)")
    for page in [*site.rglob("*.html"), *site.rglob("*.svg"), site / "DIGEST.md", repo / "digest" / "README.md"]:
        assert not clock.search(page.read_text()), page


def test_a_member_without_a_zone_shows_utc(run, commit, tmp_path: Path) -> None:
    plain = CONFIG.replace(", timezone: America/New_York", "")
    commit({"journal.yaml": plain, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL}, "2026-11-01T10:00:00+01:00")
    commit({"checkins/2026/2026-W47-bob.md": checkin(member="bob", week="2026-W47")}, "2026-11-22T10:00:00-05:00", "bob")
    site = tmp_path / "site"
    _build(run, tmp_path / "repo", site, "2026-11-23T12:00:00+00:00")
    assert "Committed Sun 22 Nov 2026 15:00 UTC</p>" in (site / "members" / "bob.html").read_text()
    assert "(Sun 29 Nov 2026 21:00 UTC)" in (site / "DIGEST.md").read_text()
