"""feed.xml holds the newest FEED_ITEMS items of a journal that has more, newest first; the
site's pages still show every check-in, and a rebuild gives a full build's bytes."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from journal.digest import feed
from journal.digest.feed import FEED_ITEMS, feed_items
from journal.digest.privacy import PrivacyRules
from journal.digest.threads import DIGEST_THREAD, kept_latest
from journal.standing import compute_standing
from tests.support.journals import CONFIG, CONTRACT, Result, checkin
from tests.support.replies import replies_history

A = "{http://www.w3.org/2005/Atom}"
NOW = "2026-11-25T12:00:00+00:00"
# 55 weeks, from the contract's first to the last before NOW: 110 check-ins for two members.
WEEKS = [f"2025-W{n:02d}" for n in range(45, 53)] + [f"2026-W{n:02d}" for n in range(1, 48)]
LATE = {"2026-W46": ("2026-11-16T09:00:00+01:00", "2026-11-16T10:00:00-05:00"),
        "2026-W47": ("2026-11-22T09:00:00+01:00", "2026-11-22T10:00:00-05:00")}


def _checkins(member: str, weeks: list[str]) -> dict[str, str]:
    return {f"checkins/{w[:4]}/{w}-{member}.md": checkin(member, w) for w in weeks}


def _entries(site: Path) -> list[tuple[str, str, str]]:
    root = ET.fromstring((site / "feed.xml").read_bytes())
    return [(e.findtext(f"{A}id") or "", e.findtext(f"{A}updated") or "", e.findtext(f"{A}title") or "")
            for e in root.findall(f"{A}entry")]


def test_the_feed_holds_the_newest_items_and_an_older_one_drops_out(
        commit: Callable[..., str], run: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    contract = CONTRACT.replace("effective: 2026-09-07", "effective: 2025-11-03")
    commit({"journal.yaml": CONFIG, "contracts/pact.md": contract}, "2025-11-01T10:00:00+01:00")
    # Most of the history in two commits: many items share a time, so the cut falls among
    # items of the same second and their ids decide, as they decide the order.
    early = [w for w in WEEKS if w not in LATE]
    commit(_checkins("alice", early), "2026-11-10T09:00:00+01:00", "alice")
    commit(_checkins("bob", early), "2026-11-10T10:00:00-05:00", "bob")
    for week, (alice_at, bob_at) in LATE.items():
        commit(_checkins("alice", [week]), alice_at, "alice")
        if week != "2026-W47":
            commit(_checkins("bob", [week]), bob_at, "bob")
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    before = _entries(repo / "site")
    commit(_checkins("bob", ["2026-W47"]), LATE["2026-W47"][1], "bob")
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    after = _entries(repo / "site")

    assert len(before) == len(after) == FEED_ITEMS < 2 * len(WEEKS)
    # Newest first: the four late check-ins, then the rest of the second commit by id.
    assert [t for _, _, t in after[:4]] == ["bob checked in for 2026-W47", "alice checked in for 2026-W47",
                                            "bob checked in for 2026-W46", "alice checked in for 2026-W46"]
    moments = [(-dt.datetime.fromisoformat(u).timestamp(), i) for i, u, _ in after]
    assert moments == sorted(moments)
    # Exactly the newest of every item the journal has, as the whole list orders them.
    standing = compute_standing(repo, dt.datetime.fromisoformat(NOW), threads=False)
    every = feed_items(standing, PrivacyRules.from_journal(standing.journal), limit=10_000)
    assert len(every) == 2 * len(WEEKS)
    assert [i for i, _, _ in after] == [f"urn:uuid:{item.id}" for item in every[:FEED_ITEMS]]
    # Bob's new check-in comes first, and the oldest item of the feed before it drops out.
    assert after[0][2] == "bob checked in for 2026-W47" and after[1:] == before[:-1]
    assert before[-1] not in after
    parsed = feedparser.parse((repo / "site" / "feed.xml").read_bytes())
    assert not parsed.bozo and len(parsed.entries) == FEED_ITEMS
    # The pages still show everything: the oldest check-in of each member is on their page.
    for member in ("alice", "bob"):
        assert f'id="{member}-2025-W45"' in (repo / "site" / "members" / f"{member}.html").read_text()
    # The rebuilt feed is the one a build from nothing writes.
    assert run("-C", repo, "digest", "--now", NOW, "--out", tmp_path / "fresh").code == 0
    assert (repo / "site" / "feed.xml").read_bytes() == (tmp_path / "fresh" / "feed.xml").read_bytes()


def test_an_edit_to_a_check_in_older_than_the_feed_keeps_the_feed(
        commit: Callable[..., str], run: Callable[..., Result], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    contract = CONTRACT.replace("effective: 2026-09-07", "effective: 2025-11-03")
    commit({"journal.yaml": CONFIG, "contracts/pact.md": contract}, "2025-11-01T10:00:00+01:00")
    for n, week in enumerate(WEEKS):
        # One commit a week for alice; bob's whole history lands in one later commit.
        commit(_checkins("alice", [week]), f"2026-{1 + n // 5:02d}-{1 + 2 * (n % 5):02d}T09:00:00+01:00", "alice")
    commit(_checkins("bob", WEEKS), "2026-11-23T10:00:00-05:00", "bob")
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    feed = repo / "site" / "feed.xml"
    first, inode = feed.read_bytes(), feed.stat().st_ino
    assert b"alice checked in for 2025-W45" not in first  # older than every item kept
    old = "checkins/2025/2025-W45-alice.md"
    commit({old: checkin("alice", "2025-W45", extra="ask: Anyone?\n")}, "2026-11-24T09:00:00+01:00", "alice")
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    assert feed.read_bytes() == first and feed.stat().st_ino == inode  # kept, not written again
    assert run("-C", repo, "digest", "--now", NOW, "--out", tmp_path / "fresh").code == 0
    assert (tmp_path / "fresh" / "feed.xml").read_bytes() == first


def test_the_newest_items_are_those_of_the_whole_list_with_replies_among_them(
        commit: Callable[..., str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Replies are made candidates only when they are as new as the newest other items: at
    # every cut, before, among and after them, the items are the whole list's newest.
    repo = replies_history(commit, tmp_path)
    standing = compute_standing(repo, dt.datetime.fromisoformat("2026-11-24T12:00:00+00:00"), threads=False)
    private = PrivacyRules.from_journal(standing.journal)
    every = feed_items(standing, private, limit=10_000)
    assert sum(item.title.endswith("check-in") for item in every) == 3  # replies, some older than check-ins
    for limit in range(1, len(every) + 2):
        assert feed_items(standing, private, limit=limit) == every[:limit], limit
    # The two newest are check-ins (W46): no reply is even made a candidate for them.
    made: list[tuple[str, ...]] = []
    real = feed._Candidate
    monkeypatch.setattr(feed, "_Candidate",
                        lambda at, names, *rest: made.append(names) or real(at, names, *rest))
    assert [item.title for item in feed_items(standing, private, limit=2)] == [
        "bob checked in for 2026-W46", "alice checked in for 2026-W46"]
    assert made and not [names for names in made if names[0] == "reply"]


def test_the_newest_items_read_from_kept_threads_are_those_of_the_threads_themselves(
        commit: Callable[..., str], tmp_path: Path) -> None:
    # A thread read back with the digest's record of it is passed over by its newest reply's
    # time and its replies' times are read from the record: at every cut, the same items.
    repo = replies_history(commit, tmp_path)
    now = dt.datetime.fromisoformat("2026-11-24T12:00:00+00:00")
    plain = compute_standing(repo, now, threads=False)
    private = PrivacyRules.from_journal(plain.journal)
    every = feed_items(plain, private, limit=10_000)
    for _ in range(2):  # judged and kept, then read back
        kept = compute_standing(repo, now, threads=False, renders=DIGEST_THREAD)
        assert all(kept_latest(t)[0] for t in kept.responses.threads)
        for limit in range(1, len(every) + 2):
            assert feed_items(kept, private, limit=limit) == every[:limit], limit
