"""The site's pages and feed are reused only while their replies stand: over a series of real
reply commits, a rebuild of the same site gives the bytes a build into a fresh folder gives."""

from __future__ import annotations

import datetime as dt
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
        if step is not None:
            commit(*step)
    # Made on the first build and after journal.yaml changed; read back after each reply.
    assert len(made) == 2
    # Each zone worked out once, by the first build; the four after it read them back.
    assert zones == first_zones
    # Each answer takes its "reply due" event out: bob's to alice, then alice's to bob.
    assert [c.count(b"reply due") for c in calendars] == [2, 1, 1, 1, 0]


@pytest.mark.parametrize("damage", ["garbage", "other shape"])
def test_kept_calendar_events_that_are_damaged_are_made_again(commit: Callable[..., str], tmp_path: Path,
                                                              run: Callable[..., Result], damage: str) -> None:
    repo = replies_history(commit, tmp_path)
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    good = (repo / "site" / "calendar.ics").read_bytes()
    file = repo / ".git" / "journal" / writers.CALENDAR_TEXTS
    tag = f"journal-calendar-texts {writers.RENDER_VERSION}"
    kept = plain_cache.load(file, tag, 1 << 30)
    assert isinstance(kept, dict) and len(kept) == 3  # the contract and goal events, and two zones
    if damage == "garbage":
        file.write_bytes(b"\x00not marshal" * 20)
    else:  # sealed as this machine seals, but not what the calendar keeps
        plain_cache.save(file, tag, {key: '{"text": 1}' for key in kept})
    (repo / "site" / "calendar.ics").unlink()  # rendered again, from the damaged file
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    assert (repo / "site" / "calendar.ics").read_bytes() == good
    assert plain_cache.load(file, tag, 1 << 30) == kept  # made again and kept
