"""The committed digest regenerated incrementally (reusing this machine's caches) is byte for
byte the one a clone without any cache makes for the same commit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from journal.digest import charts
from journal.digest.committed import regenerate
from journal.store import plain_cache
from tests.support.hooked_repos import ALICE, BOB, BOB_GOAL, at, commit, two_goal_journal
from tests.support.journals import checkin, git

CACHE = Path(".git/journal/committed-outputs.bin")
TAG = "journal-committed-outputs 2"


def digest_files(repo: Path, rev: str) -> dict[str, str]:
    names = git(repo, "ls-tree", "-r", "--name-only", rev, "--", "digest").stdout.split()
    return {name: git(repo, "show", f"{rev}:{name}").stdout for name in names}


def from_scratch(repo: Path, tmp_path: Path, run, when: str, n: int) -> dict[str, str]:
    """The digest a fresh clone (no caches at all) makes for HEAD as of `when`."""
    fresh = tmp_path / f"fresh-{n}"
    git(tmp_path, "clone", "-q", str(repo), str(fresh))
    assert not (fresh / ".git" / "journal").exists()
    assert run("-C", fresh, "digest", "--markdown-only", "--now", when).code == 0
    return {str(p.relative_to(fresh).as_posix()): p.read_text(encoding="utf-8")
            for p in sorted((fresh / "digest").rglob("*")) if p.is_file()}


@pytest.fixture
def journal(tmp_path: Path, run) -> Path:
    return two_goal_journal(tmp_path / "journal", run)


def test_a_series_of_hook_commits_gives_what_a_cacheless_clone_gives(journal: Path, tmp_path: Path, run) -> None:
    weeks = [("alice", "2026-W37", "2026-09-13T10:00:00+02:00", ALICE),
             ("bob", "2026-W37", "2026-09-13T11:00:00-04:00", BOB),
             ("alice", "2026-W38", "2026-09-20T10:00:00+02:00", ALICE),
             ("alice", "2026-W40", "2026-10-04T10:00:00+02:00", ALICE),  # W39 missed
             ("bob", "2026-W40", "2026-10-05T08:30:00-04:00", BOB)]  # late
    for n, (member, week, when, who) in enumerate(weeks):
        if n == 3:  # cut short
            (journal / CACHE).write_bytes((journal / CACHE).read_bytes()[:40])
        if n == 4:
            # Sealed and well formed, but naming blobs this repository does not hold: rendered again.
            record = plain_cache.load(journal / CACHE, TAG, 1 << 30)
            record = {path: (key, "0" * 40) for path, (key, _) in record.items()}
            (journal / CACHE).write_bytes(plain_cache.dump(TAG, record))
        text = checkin(member, week).replace("27.5", str(20 + n))
        commit(journal, {f"checkins/2026/{week}-{member}.md": text}, at(when, who))
        assert (journal / CACHE).is_file()
        assert digest_files(journal, "HEAD") == from_scratch(journal, tmp_path, run, when, n), (member, week)
    assert git(journal, "status", "--porcelain").stdout == ""


def test_a_regeneration_renders_only_the_charts_whose_inputs_changed(journal: Path, monkeypatch) -> None:
    commit(journal, {"checkins/2026/2026-W37-alice.md": checkin("alice", "2026-W37")},
           at("2026-09-13T10:00:00+02:00", ALICE))
    drawn: list[str] = []
    heatmap, goal_chart = charts.heatmap, charts.goal_chart
    monkeypatch.setattr(charts, "heatmap", lambda periods, label, **kw: drawn.append(label) or heatmap(periods, label, **kw))
    monkeypatch.setattr(charts, "goal_chart", lambda g, **kw: drawn.append(g["title"]) or goal_chart(g, **kw))
    first = regenerate(journal, dt.datetime.fromisoformat("2026-09-13T10:00:00+02:00"))
    assert not drawn  # the hook rendered them for the same inputs already
    (journal / "checkins/2026/2026-W37-bob.md").write_text(checkin("bob", "2026-W37"), encoding="utf-8")
    git(journal, "add", "-A")
    git(journal, "commit", "-q", "--no-verify", "-m", "bob", env=at("2026-09-13T11:00:00-04:00", BOB))
    later = dt.datetime.fromisoformat("2026-09-13T11:00:00-04:00")
    second = regenerate(journal, later)
    # Bob's check-in changes his heatmap and his goal's chart, nothing of Alice's.
    assert sorted(drawn) == ["Bob Okafor: check-ins", "Bob's 10k marathon under 2:00"]
    assert first.files.keys() == second.files.keys()
    (journal / CACHE).write_bytes(b"\x00not json")
    drawn.clear()
    third = regenerate(journal, later)
    assert third.files == second.files and len(drawn) == 4  # a corrupt record: everything drawn again


def test_compiled_templates_cut_short_or_garbled_are_compiled_again(journal: Path) -> None:
    when = dt.datetime.fromisoformat("2026-09-13T10:00:00+02:00")
    commit(journal, {"checkins/2026/2026-W37-alice.md": checkin("alice", "2026-W37")}, at(when.isoformat(), ALICE))
    compiled = sorted((journal / ".git" / "journal" / "jinja").rglob("*.cache"))
    assert compiled  # the hook kept the digest's compiled templates
    expected = regenerate(journal, when).files
    for n, path in enumerate(compiled):
        data = path.read_bytes()
        # Cut short after Jinja's header and the source's checksum, or garbled whole.
        path.write_bytes(data[: len(data) // 2] if n % 2 == 0 else b"\x00garbage" * 8)
    (journal / CACHE).unlink()  # render every file, through the templates
    assert regenerate(journal, when).files == expected


def test_the_site_rebuild_reuses_the_feed_and_calendar_only_while_their_inputs_stand(journal: Path, tmp_path: Path,
                                                                                       run) -> None:
    commit(journal, {"checkins/2026/2026-W37-alice.md": checkin("alice", "2026-W37")},
           at("2026-09-13T10:00:00+02:00", ALICE))
    now = "2026-09-16T12:00:00+00:00"

    def build() -> dict[str, int]:
        assert run("-C", journal, "digest", "--now", now).code == 0
        return {name: (journal / "site" / name).stat().st_ino for name in ("feed.xml", "calendar.ics")}

    def same_as_a_full_build(n: int) -> None:
        fresh = tmp_path / f"full-{n}"
        assert run("-C", journal, "digest", "--now", now, "--out", fresh).code == 0
        for name in ("feed.xml", "calendar.ics", "digest.json", "DIGEST.md"):
            assert (journal / "site" / name).read_bytes() == (fresh / name).read_bytes(), name

    first = build()
    # Bob's check-in: the feed has a new item, the calendar (contracts, goals) is kept.
    commit(journal, {"checkins/2026/2026-W37-bob.md": checkin("bob", "2026-W37")},
           at("2026-09-13T11:00:00-04:00", BOB))
    second = build()
    assert second["calendar.ics"] == first["calendar.ics"] and second["feed.xml"] != first["feed.xml"]
    same_as_a_full_build(1)
    # A milestone moved: the calendar is made again, the feed (no milestone reached) kept.
    commit(journal, {"goals/bob-10k.md": BOB_GOAL.replace("2027-01-31", "2027-02-07")},
           at("2026-09-14T09:00:00-04:00", BOB))
    third = build()
    assert third["calendar.ics"] != second["calendar.ics"]
    same_as_a_full_build(2)


def test_an_object_database_that_refuses_writes_only_costs_the_reuse(journal: Path, monkeypatch) -> None:
    import pygit2

    when = dt.datetime.fromisoformat("2026-09-13T10:00:00+02:00")
    commit(journal, {"checkins/2026/2026-W37-alice.md": checkin("alice", "2026-W37")}, at(when.isoformat(), ALICE))
    expected = regenerate(journal, when).files
    (journal / CACHE).unlink()

    def refuse(self: object, data: bytes) -> None:
        raise pygit2.GitError("failed to create temporary file: Read-only file system")

    monkeypatch.setattr(pygit2.Repository, "create_blob", refuse)
    assert regenerate(journal, when).files == expected
