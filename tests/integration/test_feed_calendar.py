"""feed.xml and calendar.ics over a scripted history: valid, escaped, private-safe, stable."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from journal.core.recalibration import review_dates
from journal.digest.calendar import render_calendar
from journal.digest.feed import render_feed
from journal.digest.privacy import PrivacyRules
from journal.standing import compute_standing
from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin

A = "{http://www.w3.org/2005/Atom}"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
PRIVATE_CONFIG = CONFIG.replace("private: [energy]", "private: [energy, ask]")

HOSTILE_CHECKIN = checkin(
    "bob", "2026-W47",
    commitments='\n  - {commitment: "<script>alert(1)</script> ]]> javascript:alert(2)"}'
                '\n  - {commitment: "red \\e[31mALERT\\e[0m bell\\a nul\\0 line\\nbreak"}',
    extra="ask: SECRET-ASK\nenergy: 2\n")
HOSTILE_GOAL = """\
---
title: "<img src=x onerror=alert(3)> & \\e]0;pwned\\a goal"
owner: bob
status: active
deadline: 2027-02-01
milestones:
  - {title: "<b>bold</b>\\nsecond line ]]>", due: 2026-11-01, done: 2026-11-02}
  - {title: "javascript:alert(4)\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT", due: 2027-01-10}
---
"""
PRIVATE_GOAL = """\
---
title: SECRET-GOAL
owner: alice
status: active
deadline: 2027-03-01
milestones:
  - {title: SECRET-MILESTONE-DONE, due: 2026-10-01, done: 2026-10-01}
  - {title: SECRET-MILESTONE-OPEN, due: 2027-01-01}
private: true
---
"""


def c(member: str, week: str, **kw: str) -> dict[str, str]:
    return {f"checkins/2026/{week}-{member}.md": checkin(member, week, **kw)}


@pytest.fixture
def history(commit, tmp_path: Path) -> Path:
    commit({"journal.yaml": PRIVATE_CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
            "goals/hostile.md": HOSTILE_GOAL, "goals/secret.md": PRIVATE_GOAL}, "2026-10-20T10:00:00+02:00")
    commit(c("alice", "2026-W46"), "2026-11-15T18:00:00+01:00", "alice")
    commit(c("alice", "2026-W47", outcomes="[{commitment: Three runs, status: done}]",
             extra="ask: Is 14 km too far?\n"), "2026-11-22T10:00:00+01:00", "alice")
    commit({"checkins/2026/2026-W47-bob.md": HOSTILE_CHECKIN}, "2026-11-22T12:00:00-05:00", "bob")
    commit(c("alice", "2026-W48", extra="private: true\n", outcomes="[{commitment: SECRET-OUTCOME, status: done}]"),
           "2026-11-24T09:00:00+01:00", "alice")
    return tmp_path / "repo"


def render(root: Path, now: dt.datetime = NOW, rules: PrivacyRules | None = None) -> tuple[bytes, bytes]:
    standing = compute_standing(root, now)
    private = rules if rules is not None else PrivacyRules.from_journal(standing.journal)
    return render_feed(standing, private), render_calendar(standing, private)


# --- feed.xml ---------------------------------------------------------------------------


def test_feed_parses_and_has_the_required_atom_elements(history: Path) -> None:
    feed, _ = render(history)
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Alice & Bob"
    root = ET.fromstring(feed)
    assert root.tag == f"{A}feed"
    for tag in ("id", "updated", "title", "author"):
        assert root.find(f"{A}{tag}") is not None, tag
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in entries][:3] == [
        "bob checked in for 2026-W47", "alice checked in for 2026-W47", "alice checked in for 2026-W46"]
    for e in entries:
        for tag in ("id", "updated", "title", "author/" + A + "name", "link"):
            assert (e.find(f"{A}{tag}") is not None), tag
        assert e.findtext(f"{A}id").startswith("urn:uuid:")
    ids = [e.findtext(f"{A}id") for e in entries]
    assert len(set(ids)) == len(ids) == len(parsed.entries) == 5  # 3 check-ins, 2 milestones reached


def test_feed_entries_carry_commit_times_and_relative_links(history: Path) -> None:
    root = ET.fromstring(render(history)[0])
    by_title = {e.findtext(f"{A}title"): e for e in root.findall(f"{A}entry")}
    alice = by_title["alice checked in for 2026-W47"]
    assert alice.findtext(f"{A}updated") == "2026-11-22T10:00:00+01:00"
    assert alice.find(f"{A}link").get("href") == "members/alice.html#alice-2026-W47"
    assert alice.findtext(f"{A}author/{A}name") == "Alice Moreno"
    assert "Three runs: done" in alice.findtext(f"{A}summary")
    milestone = by_title["alice reached a milestone: First 15 km long run"]
    assert milestone.find(f"{A}link").get("href") == "goals/berlin-half.html"
    assert milestone.findtext(f"{A}updated") == "2026-11-14T00:00:00+01:00"
    # The feed's time is its newest entry's, never the build time.
    assert root.findtext(f"{A}updated") == by_title["bob checked in for 2026-W47"].findtext(f"{A}updated")
    hrefs = [link.get("href") for link in root.iter(f"{A}link")]
    assert all(re.fullmatch(r"(members/[a-z]+\.html#[a-z]+-2026-W4[67]|goals/[a-z0-9-]+\.html|index\.html|feed\.xml)", h) for h in hrefs), hrefs


def test_feed_is_deterministic_and_independent_of_the_build_time(history: Path) -> None:
    first, _ = render(history)
    assert render(history)[0] == first
    assert render(history, NOW + dt.timedelta(days=3))[0] == first


def test_feed_shows_only_what_had_happened_by_now(history: Path) -> None:
    root = ET.fromstring(render(history, dt.datetime(2026, 11, 20, tzinfo=dt.UTC))[0])
    titles = [e.findtext(f"{A}title") for e in root.findall(f"{A}entry")]
    assert "alice checked in for 2026-W46" in titles
    assert not any("2026-W47" in t for t in titles)


def test_feed_makes_hostile_text_inert(history: Path) -> None:
    feed, _ = render(history)
    assert b"<script" not in feed and b"<img" not in feed and b"<b>" not in feed
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; javascript:alert(2)" in feed
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", feed)
    parsed = feedparser.parse(feed)
    assert not parsed.bozo
    bob = next(e for e in parsed.entries if e.title == "bob checked in for 2026-W47")
    assert "<script>alert(1)</script> ]]> javascript:alert(2)" in bob.summary
    assert "red [31mALERT[0m bell nul line break" in bob.summary
    titles = [e.title for e in parsed.entries]
    assert "bob reached a milestone: <b>bold</b> second line ]]>" in titles
    assert all(link.href.startswith(("members/", "goals/")) for e in parsed.entries for link in e.links)


def test_feed_leaves_out_private_entries_and_fields(history: Path) -> None:
    feed, _ = render(history)
    assert b"SECRET" not in feed
    assert b"2026-W48" not in feed  # alice's private check-in
    assert b"Ask: Is 14 km too far?" not in feed
    open_feed, _ = render(history, rules=PrivacyRules(frozenset()))
    assert b"Ask: Is 14 km too far?" in open_feed  # the rule, not chance, keeps it out


# --- calendar.ics -------------------------------------------------------------------------


def events(ics: bytes) -> dict[str, Calendar]:
    return {str(e["SUMMARY"]): e for e in Calendar.from_ical(ics).walk("VEVENT")}


def test_calendar_parses_with_required_properties_crlf_and_folded_lines(history: Path) -> None:
    _, ics = render(history)
    cal = Calendar.from_ical(ics)
    assert cal["VERSION"] == "2.0" and "journal" in str(cal["PRODID"])
    found = cal.walk("VEVENT")
    assert len(found) == 8  # 2 due times, a pause, a review, 2 deadlines, 2 open milestones
    uids = [str(e["UID"]) for e in found]
    assert len(set(uids)) == len(uids)
    assert all(e.decoded("DTSTAMP") == NOW for e in found)
    assert ics.endswith(b"\r\n")
    assert b"\n" not in ics.replace(b"\r\n", b"") and b"\r" not in ics.replace(b"\r\n", b"")
    lines = ics.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for key in (b"BEGIN:VCALENDAR", b"VERSION:2.0", b"PRODID:", b"BEGIN:VTIMEZONE"):
        assert any(line.startswith(key) for line in lines), key


def test_calendar_due_times_recur_in_each_members_zone(history: Path) -> None:
    found = events(render(history)[1])
    alice = found["Alice Moreno: check-in due (Half marathon training pact)"]
    bob = found["Bob Okafor: check-in due (Half marathon training pact)"]
    start = alice.decoded("DTSTART")
    assert start == dt.datetime(2026, 9, 13, 21, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert start.tzinfo.key == "Europe/Berlin" and bob.decoded("DTSTART").tzinfo.key == "America/New_York"
    assert alice["RRULE"]["FREQ"] == ["WEEKLY"] and alice["RRULE"]["BYDAY"] == ["SU"]
    # Across the end of DST the due time stays 21:00 on the member's wall clock.
    rule = rrulestr(alice["RRULE"].to_ical().decode(), dtstart=start)
    nov = rule.after(dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    assert (nov.date(), nov.hour, nov.utcoffset()) == (dt.date(2026, 11, 1), 21, dt.timedelta(hours=1))
    assert list(rule)[-1].date() == dt.date(2027, 4, 18)  # the period holding `until` still counts
    assert "12 hours" in str(alice["DESCRIPTION"])


def test_calendar_lists_open_milestones_deadlines_reviews_and_pauses(history: Path) -> None:
    found = events(render(history)[1])
    assert found["Milestone: 10 km race under 55 min (Berlin half marathon under 2:00)"].decoded("DTSTART") == dt.date(2027, 1, 31)
    assert not any("First 15 km" in s for s in found)  # done milestones are not upcoming
    assert found["Deadline: Berlin half marathon under 2:00"].decoded("DTSTART") == dt.date(2027, 4, 5)
    review = found["Review: Half marathon training pact"]
    rule = rrulestr(review["RRULE"].to_ical().decode(), dtstart=dt.datetime(2026, 10, 5))
    expected = review_dates(dt.date(2026, 9, 7), dt.timedelta(weeks=4), dt.date(2027, 4, 12),
                            dt.date(2026, 9, 7), dt.date(2027, 12, 31))
    assert [d.date() for d in rule] == expected
    assert review.decoded("DTSTART") == expected[0]
    pause = found["Bob Okafor: paused (Half marathon training pact)"]
    assert (pause.decoded("DTSTART"), pause.decoded("DTEND")) == (dt.date(2026, 12, 21), dt.date(2027, 1, 4))


def test_calendar_daily_cadence_recurs_daily(commit, tmp_path: Path) -> None:
    daily = CONTRACT.replace("cadence: weekly", "cadence: daily").replace("due: sunday 21:00", "due: '07:30'")
    commit({"journal.yaml": CONFIG, "contracts/pact.md": daily}, "2026-10-20T10:00:00+02:00")
    found = events(render(tmp_path / "repo")[1])
    bob = found["Bob Okafor: check-in due (Half marathon training pact)"]
    assert bob["RRULE"]["FREQ"] == ["DAILY"] and "BYDAY" not in bob["RRULE"]
    assert bob.decoded("DTSTART") == dt.datetime(2026, 9, 7, 7, 30, tzinfo=ZoneInfo("America/New_York"))


def test_calendar_makes_hostile_text_inert(history: Path) -> None:
    _, ics = render(history)
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", ics)
    assert b"\x1b" not in ics and b"\a" not in ics
    titles = set(events(ics))
    assert "Deadline: <img src=x onerror=alert(3)> & ]0;pwned goal" in titles
    assert ("Milestone: javascript:alert(4) END:VEVENT BEGIN:VEVENT (<img src=x onerror=alert(3)> & ]0;pwned goal)"
            in titles)
    assert not any("\n" in t for t in titles)
    # Nothing a partner wrote started or ended a component.
    assert ics.split(b"\r\n").count(b"BEGIN:VEVENT") == ics.split(b"\r\n").count(b"END:VEVENT") == 8


def test_calendar_leaves_out_private_entries(history: Path) -> None:
    _, ics = render(history)
    assert b"SECRET" not in ics.replace(b"\r\n ", b"")


def test_calendar_is_deterministic_and_stamped_with_now(history: Path) -> None:
    _, first = render(history)
    assert render(history)[1] == first
    later = render(history, NOW + dt.timedelta(days=1))[1]
    assert later != first and b"DTSTAMP:20261126T120000Z" in later
    strip = re.compile(rb"DTSTAMP:[0-9TZ]+")
    assert strip.sub(b"", later) == strip.sub(b"", first)


def test_calendar_leaves_out_private_contracts_and_fields(commit, tmp_path: Path) -> None:
    config = CONFIG.replace("private: [energy]", "private: [energy, pauses]")
    secret = CONTRACT.replace("title: Half marathon training pact", "title: SECRET-PACT\nprivate: true")
    commit({"journal.yaml": config, "contracts/pact.md": CONTRACT, "contracts/secret.md": secret},
           "2026-10-20T10:00:00+02:00")
    ics = render(tmp_path / "repo")[1]
    assert b"SECRET" not in ics.replace(b"\r\n ", b"")
    titles = set(events(ics))
    assert "Bob Okafor: check-in due (Half marathon training pact)" in titles
    assert not any("paused" in t for t in titles)  # `pauses` is a private field here
