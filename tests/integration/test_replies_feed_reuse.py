"""The site's pages and feed are reused only while their replies stand: over a series of real
reply commits, a rebuild of the same site gives the bytes a build into a fresh folder gives."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from journal.digest import calendar, writers
from journal.digest.calendar import render_calendar
from journal.digest.threads import DIGEST_THREAD
from journal.digest.view import build_view
from journal.standing import compute_standing
from journal.store import plain_cache
from tests.support.journals import Result
from tests.support.replies import CONFIG3, ci, replies_history, reply

NOW = "2026-11-24T12:00:00+00:00"


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != ".digest-manifest.json"}


def test_a_rebuilt_site_is_the_full_builds_after_every_reply_change(commit: Callable[..., str], tmp_path: Path,
                                                                       run: Callable[..., Result]) -> None:
    repo = replies_history(commit, tmp_path)
    steps: list[tuple[dict[str, str], str, str]] = [
        (dict([reply("bob", "alice", "2026-W45", body="Edited: what made Tuesday work?\n")]),
         "2026-11-23T09:00:00-05:00", "bob"),
        (dict([reply("carol", "alice", "2026-W45", verdicts=("disputed", "confirmed"), extra="private: true\n")]),
         "2026-11-23T10:00:00+00:00", "carol"),
        ({"journal.yaml": CONFIG3.replace("private: [energy]", "private: [energy, answer]")},
         "2026-11-23T11:00:00+01:00", "alice"),
        (dict([reply("alice", "bob", "2026-W46", verdicts=())]), "2026-11-23T12:00:00+01:00", "alice"),
        (dict([ci("alice", "2026-W46", "Check my Sunday plan", extra="private: true\n")]),
         "2026-11-23T13:00:00+01:00", "alice"),
    ]
    before = None
    for n, step in enumerate([*steps, None]):
        assert run("-C", repo, "digest", "--now", NOW).code == 0
        feed = (repo / "site" / "feed.xml").read_bytes()
        fresh = tmp_path / f"full-{n}"
        assert run("-C", repo, "digest", "--now", NOW, "--out", fresh).code == 0
        assert _files(repo / "site") == _files(fresh), n
        assert feed != before, n  # every step changes what the feed shows
        before = feed
        if step is not None:
            commit(*step)


def test_a_calendar_joined_from_kept_events_is_the_one_rendered_whole(commit: Callable[..., str], tmp_path: Path,
                                                                      run: Callable[..., Result],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # The contract and goal events are kept while journal.yaml, contracts and goals stand; a
    # reply owed or made changes only the reply events, joined to them as icalendar joins.
    repo = replies_history(commit, tmp_path)
    made: list[int] = []
    real = calendar.fixed_part
    monkeypatch.setattr(calendar, "fixed_part", lambda *a: made.append(1) or real(*a))
    zones: list[str] = []  # the VTIMEZONEs icalendar worked out from the zones' rules
    real_zone = calendar._zone_text
    monkeypatch.setattr(calendar, "_zone_text", lambda tzid, first: zones.append(tzid) or real_zone(tzid, first))
    events: list[str] = []  # the reply due events icalendar wrote
    real_event = calendar._event_part
    monkeypatch.setattr(calendar, "_event_part", lambda f, stamp: events.append(f["summary"]) or real_event(f, stamp))
    heads: list[int] = []  # the calendar's own lines icalendar wrote
    real_head = calendar._head
    monkeypatch.setattr(calendar, "_head", lambda title: heads.append(1) or real_head(title))
    steps: list[tuple[dict[str, str], str, str] | None] = [
        (dict([reply("bob", "alice", "2026-W46", verdicts=())]), "2026-11-23T09:00:00-05:00", "bob"),
        (dict([reply("carol", "alice", "2026-W46", verdicts=("confirmed", "missed"))]),
         "2026-11-23T10:00:00+00:00", "carol"),
        ({"journal.yaml": CONFIG3.replace("timezone: Europe/London", "timezone: Asia/Tokyo")},
         "2026-11-23T11:00:00+01:00", "alice"),
        (dict([reply("alice", "bob", "2026-W46", verdicts=())]), "2026-11-23T12:00:00+01:00", "alice"),
    ]
    calendars = []
    for n, step in enumerate([*steps, None]):
        assert run("-C", repo, "digest", "--now", NOW).code == 0
        view = build_view(compute_standing(repo, dt.datetime.fromisoformat(NOW), threads=False,
                                           renders=DIGEST_THREAD))
        ics = (repo / "site" / "calendar.ics").read_bytes()
        if n == 0:
            assert zones and zones == sorted(zones)
            first_zones = list(zones)
        assert ics == render_calendar(view.standing, view.private), n  # icalendar's whole rendering
        calendars.append(ics)
        if n == 0:
            assert len(events) == 2 and len(heads) == 2  # (once more for the whole rendering above)
        if step is not None:
            commit(*step)
    # Made on the first build and after journal.yaml changed; read back after each reply.
    assert len(made) == 2
    # Each zone worked out once, by the first build; the four after it read them back.
    assert zones == first_zones
    # Each answer takes its "reply due" event out: bob's to alice, then alice's to bob.
    assert [c.count(b"reply due") for c in calendars] == [2, 1, 1, 1, 0]
    # The reply events written by icalendar once, by the first build: the zone moved is no
    # owing partner's. The calendar's lines too (besides once for each whole rendering above).
    assert len(events) == 2 and len(heads) == 1 + 5


def test_a_reply_that_takes_an_event_out_rebuilds_the_calendar_without_icalendar(
        commit: Callable[..., str], tmp_path: Path) -> None:
    # A reply committed after a build takes its "reply due" event out: every other part of the
    # calendar is kept, so the rebuild joins kept texts and never imports icalendar.
    repo = replies_history(commit, tmp_path)
    command = [sys.executable, "-X", "importtime", "-m", "journal", "-C", str(repo), "digest", "--now", NOW]
    first = subprocess.run(command, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert " icalendar" in first.stderr  # the first build writes the calendar with icalendar
    before = (repo / "site" / "calendar.ics").read_bytes()
    commit(dict([reply("bob", "alice", "2026-W46", verdicts=())]), "2026-11-23T09:00:00-05:00", "bob")
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    after = (repo / "site" / "calendar.ics").read_bytes()
    assert after.count(b"reply due") == before.count(b"reply due") - 1
    assert " icalendar" not in again.stderr


@pytest.mark.parametrize("damage", ["garbage", "other shape"])
def test_kept_calendar_events_that_are_damaged_are_made_again(commit: Callable[..., str], tmp_path: Path,
                                                              run: Callable[..., Result], damage: str) -> None:
    repo = replies_history(commit, tmp_path)
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    good = (repo / "site" / "calendar.ics").read_bytes()
    file = repo / ".git" / "journal" / writers.CALENDAR_TEXTS
    tag = f"journal-calendar-texts {writers.RENDER_VERSION}"
    kept = plain_cache.load(file, tag, 1 << 30)
    # The contract and goal events, two zones, the calendar's own lines and two reply due events.
    assert isinstance(kept, dict) and len(kept) == 6
    if damage == "garbage":
        file.write_bytes(b"\x00not marshal" * 20)
    else:  # sealed as this machine seals, but not what the calendar keeps
        plain_cache.save(file, tag, {key: '{"text": 1}' for key in kept})
    (repo / "site" / "calendar.ics").unlink()  # rendered again, from the damaged file
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    assert (repo / "site" / "calendar.ics").read_bytes() == good
    assert plain_cache.load(file, tag, 1 << 30) == kept  # made again and kept
