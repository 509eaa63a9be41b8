"""Standings and overview pieces kept under the git folder (store/standings_cache,
digest/overview_cache): what a commit's hook builds from them is byte for byte what a
clone without any cache builds, through check-ins, goal, contract and zone edits and
deadlines passing; a member's new check-in re-judges that member only; a cache cut
short, garbled or of the wrong shape is ignored and rebuilt."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from journal.core import streaks
from journal.digest.committed import regenerate
from journal.standing import compute_standing, streaks_json
from journal.store import plain_cache
from tests.support.hooked_repos import ALICE, BOB, at, commit, two_goal_journal
from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin, git

STATE = Path(".git/journal")


def digest_files(repo: Path, rev: str) -> dict[str, str]:
    names = git(repo, "ls-tree", "-r", "--name-only", rev, "--", "digest").stdout.split()
    return {name: git(repo, "show", f"{rev}:{name}").stdout for name in names}


def fresh_clone(repo: Path, tmp_path: Path, n: int) -> Path:
    fresh = tmp_path / f"fresh-{n}"
    git(tmp_path, "clone", "-q", str(repo), str(fresh))
    assert not (fresh / STATE).exists()
    return fresh


def from_scratch(repo: Path, tmp_path: Path, run, when: str, n: int) -> tuple[dict[str, str], str]:
    """The committed digest and `streaks --json` a clone without caches makes for HEAD as of `when`."""
    fresh = fresh_clone(repo, tmp_path, n)
    judged = run("-C", fresh, "streaks", "--json", "--now", when).out
    shutil.rmtree(fresh / STATE / "standings", ignore_errors=True)  # the digest judges without a cache too
    assert run("-C", fresh, "digest", "--markdown-only", "--now", when).code == 0
    files = {str(p.relative_to(fresh).as_posix()): p.read_text(encoding="utf-8")
             for p in sorted((fresh / "digest").rglob("*")) if p.is_file()}
    return files, judged


@pytest.fixture
def journal(tmp_path: Path, run) -> Path:
    return two_goal_journal(tmp_path / "journal", run)


def bob_checkin(week: str, n: int) -> str:
    return checkin("bob", week, commitments="\n  - {commitment: Two runs, goal: bob-10k}").replace(
        "berlin-half: 27.5", f"bob-10k: {10 + n}")


SERIES = [
    # (what the commit changes, when, who): check-ins by both members, a goal edit, a
    # contract edit, a zone change, and weeks left unfiled past due + grace between commits.
    ({"checkins/2026/2026-W37-alice.md": checkin("alice", "2026-W37")}, "2026-09-13T10:00:00+02:00", ALICE),
    ({"checkins/2026/2026-W37-bob.md": bob_checkin("2026-W37", 1)}, "2026-09-13T11:00:00-04:00", BOB),
    ({"goals/berlin-half.md": GOAL.replace("2027-01-31", "2027-02-07").replace("target: 30", "target: 32")},
     "2026-09-15T08:00:00+02:00", ALICE),
    ({"checkins/2026/2026-W38-alice.md": checkin("alice", "2026-W38").replace("27.5", "31")},
     "2026-09-20T20:00:00+02:00", ALICE),
    # W38 of Bob's closes (Monday 09:00 New York) between these two commits: missed.
    ({"contracts/pact.md": CONTRACT.replace("grace: 12h", "grace: 20h")}, "2026-09-22T09:00:00-04:00", BOB),
    ({"journal.yaml": CONFIG.replace("America/New_York", "Europe/London")}, "2026-09-24T12:00:00+01:00", BOB),
    ({"checkins/2026/2026-W39-bob.md": bob_checkin("2026-W39", 3)}, "2026-09-28T10:00:00+01:00", BOB),  # late
    ({"checkins/2026/2026-W40-alice.md": checkin("alice", "2026-W40")}, "2026-10-04T10:00:00+02:00", ALICE),
    ({"checkins/2026/2026-W41-bob.md": bob_checkin("2026-W41", 4)}, "2026-10-11T18:00:00+01:00", BOB),
]


def test_every_commit_of_a_series_gives_what_a_cacheless_clone_gives(journal: Path, tmp_path: Path, run) -> None:
    for n, (files, when, who) in enumerate(SERIES):
        commit(journal, files, at(when, who))
        assert list((journal / STATE / "standings").glob("*.bin")) and list((journal / STATE / "overview").glob("*"))
        expected_files, expected_streaks = from_scratch(journal, tmp_path, run, when, n)
        assert digest_files(journal, "HEAD") == expected_files, (n, files.keys())
        # Hours later, with the caches as the hook left them: the same as a fresh clone then.
        later = (dt.datetime.fromisoformat(when) + dt.timedelta(hours=n * 7 + 5)).isoformat()
        assert run("-C", journal, "streaks", "--json", "--now", later).out == \
            from_scratch(journal, tmp_path, run, later, 100 + n)[1], (n, later)
        assert run("-C", journal, "streaks", "--json", "--now", when).out == expected_streaks, n
    assert git(journal, "status", "--porcelain").stdout == ""


def count_judged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    judged: list[str] = []
    compute = streaks.compute_member
    monkeypatch.setattr(streaks, "compute_member", lambda member, *a, **kw: judged.append(member) or compute(member, *a, **kw))
    return judged


def test_a_members_new_checkin_re_judges_that_member_only(journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for files, when, who in SERIES[:2]:
        commit(journal, files, at(when, who))
    judged = count_judged(monkeypatch)
    now = dt.datetime.fromisoformat("2026-09-16T12:00:00+00:00")
    first = streaks_json(compute_standing(journal, now))
    assert sorted(judged) == ["alice", "bob"]  # the hooks judged for another instant
    judged.clear()
    assert streaks_json(compute_standing(journal, now + dt.timedelta(hours=3))) == \
        {**first, "now": (now + dt.timedelta(hours=3)).isoformat()}
    assert judged == []  # nothing due, closed or filed in between: both read back
    commit(journal, {"checkins/2026/2026-W38-bob.md": bob_checkin("2026-W38", 2)}, at("2026-09-16T14:00:00+00:00", BOB))
    judged.clear()
    compute_standing(journal, now + dt.timedelta(hours=4))
    assert judged == ["bob"]
    # The digest's pieces likewise: only Bob's check-ins and his goal are made again.
    regenerate(journal, now + dt.timedelta(hours=4))  # the hook made them for its own instant
    # Committed without the hook, which would have made Alice's pieces already.
    (journal / "checkins/2026/2026-W38-alice.md").write_text(checkin("alice", "2026-W38"), encoding="utf-8")
    git(journal, "add", "-A")
    git(journal, "commit", "-q", "--no-verify", "-m", "alice", env=at("2026-09-16T15:00:00+00:00", ALICE))
    judged.clear()
    from journal.digest import overview_cache

    made: list[str] = []
    piece = overview_cache.OverviewCache.piece
    monkeypatch.setattr(overview_cache.OverviewCache, "piece",
                        lambda self, name, key, make: piece(self, name, key, lambda: made.append(name) or make()))
    regenerate(journal, now + dt.timedelta(hours=4))
    assert judged == ["alice"]
    assert sorted(made) == ["checkins alice", "goal berlin-half"]


def _sealed(path: Path) -> tuple[str, Any]:
    """The tag and the value of a sealed cache file."""
    tag = path.read_bytes().partition(b"\n")[0].decode()
    value = plain_cache.load(path, tag, 1 << 30)
    assert value is not None, path
    return tag, value


@pytest.mark.parametrize("damage", ["cut", "garbage", "flip", "version", "shape", "key"])
def test_a_damaged_cache_is_ignored_and_rebuilt(journal: Path, tmp_path: Path, run, damage: str) -> None:
    for files, when, who in SERIES[:4]:
        commit(journal, files, at(when, who))
    when = "2026-09-21T12:00:00+00:00"
    expected_files, expected_streaks = from_scratch(journal, tmp_path, run, when, 0)
    assert run("-C", journal, "digest", "--markdown-only", "--now", when).code == 0  # fills both caches for `when`
    kept = sorted((journal / STATE / "standings").glob("*.bin")) + sorted((journal / STATE / "overview").glob("*"))
    assert len(kept) >= 2 + 2 + 2
    originals = {path: _sealed(path) for path in kept}
    for path in kept:
        data = path.read_bytes()
        tag, value = originals[path]
        if damage == "cut":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            path.write_bytes(b"\x00\xff not a cache at all")
        elif damage == "flip":  # one byte of the payload changed: the seal no longer matches
            path.write_bytes(data[:-3] + bytes([data[-3] ^ 0x55]) + data[-2:])
        elif damage == "version":  # sealed, but by another version of this code
            name, _, version = tag.rpartition(" ")
            path.write_bytes(plain_cache.dump(f"{name} {int(version) - 1}", value))
        elif damage == "key":  # sealed, but for other inputs
            path.write_bytes(plain_cache.dump(tag, ("0" + value[0], *value[1:])))
        elif path.parent.name == "standings":  # sealed, the right key, values of the wrong kinds
            key, start, end, report = value
            period = ("2026-W37", 5, None, "noon", 0, (), None, 0, None, 0, None, 0, [])
            path.write_bytes(plain_cache.dump(tag, (key, start, end, (report[0], report[1], (period,),
                                                                      *report[3:]))))
        else:  # a piece of another shape than a (key, value) pair
            path.write_bytes(plain_cache.dump(tag, [value[0], value[1], "mallory"]))
    assert run("-C", journal, "streaks", "--json", "--now", when).out == expected_streaks
    assert _digest_written_again(run, journal, when) == expected_files
    # Rebuilt: each file is again what this code wrote for these inputs.
    for path in kept:
        assert _sealed(path) == originals[path], path


def test_page_keys_name_each_checkin_by_its_inputs(journal: Path, tmp_path: Path, run) -> None:
    """A check-in's edit re-renders the pages that show it, and only those, and the site
    equals a full build: the key names the check-in by the hash of its entry and verdict."""
    for files, when, who in SERIES[:4]:
        commit(journal, files, at(when, who))
    now = "2026-09-22T12:00:00+00:00"
    site = journal / "site"

    def build() -> dict[str, int]:
        assert run("-C", journal, "digest", "--now", now).code == 0
        return {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*.html")}

    first = build()
    commit(journal, {"checkins/2026/2026-W37-alice.md": checkin("alice", "2026-W37").replace("Ran.", "Ran far.")},
           at("2026-09-21T10:00:00+02:00", ALICE))
    second = build()
    assert "Ran far." in (site / "periods/2026-W37.html").read_text(encoding="utf-8")
    changed = sorted(p for p in first if second.get(p) != first[p])
    assert "periods/2026-W37.html" in changed and "members/alice.html" in changed
    assert "periods/2026-W38.html" not in changed and "members/bob.html" not in changed
    fresh = tmp_path / "full"
    assert run("-C", journal, "digest", "--now", now, "--out", fresh).code == 0
    for path in site.rglob("*"):
        if path.is_file() and path.name != ".digest-manifest.json":
            assert path.read_bytes() == (fresh / path.relative_to(site)).read_bytes(), path


def test_without_replies_the_digest_judges_no_threads_and_shows_the_same(journal: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from journal import standing as standing_module
    from journal.digest import committed
    from journal.digest.build import write_site

    for files, when, who in SERIES[:4]:
        commit(journal, files, at(when, who))
    now = dt.datetime.fromisoformat("2026-09-21T12:00:00+00:00")
    full = compute_standing(journal, now)
    assert full.responses.threads  # streaks and status list every check-in's thread
    judged: list[int] = []
    responses = standing_module._responses
    monkeypatch.setattr(standing_module, "_responses", lambda *a, **kw: judged.append(1) or responses(*a, **kw))
    lean = compute_standing(journal, now, threads=False)
    assert judged == [] and lean.responses.threads == ()
    assert committed.render(lean, "digest") == committed.render(full, "digest")
    write_site(tmp_path / "lean", lean)
    write_site(tmp_path / "full", full)
    for path in (tmp_path / "full").rglob("*"):
        if path.is_file() and path.name != ".digest-manifest.json":
            assert path.read_bytes() == (tmp_path / "lean" / path.relative_to(tmp_path / "full")).read_bytes(), path
    # With a reply in the history, the threads are judged whatever the caller asks.
    commit(journal, {"replies/2026/2026-W38-bob-to-alice.md": "---\nauthor: bob\nto: alice\nperiod: 2026-W38\n"
                                                               "answer: Nice week.\n---\n"},
           at("2026-09-21T09:00:00-04:00", BOB))
    assert compute_standing(journal, now, threads=False).responses.threads


def _zone_file(key: str) -> bytes:
    """Zone `key`'s compiled file, where zoneinfo finds it (TZPATH, then the tzdata package)."""
    import zoneinfo
    from importlib import resources

    for root in zoneinfo.TZPATH:
        if (Path(root) / key).is_file():
            return (Path(root) / key).read_bytes()
    return resources.files("tzdata.zoneinfo").joinpath(*key.split("/")).read_bytes()


def test_a_tz_database_update_is_not_hidden_by_the_caches(journal: Path, tmp_path: Path) -> None:
    """The caches keep local times; a zone's new rules (here Berlin taking Tokyo's) must reach
    every output, as a clone without caches computes them under the same rules."""
    import os
    import subprocess
    import sys

    for n, week in enumerate(("2026-W37", "2026-W38")):
        commit(journal, {f"checkins/2026/{week}-alice.md": checkin("alice", week)},
               at(f"2026-09-{13 + 7 * n}T10:00:00+02:00", ALICE))
    zones = tmp_path / "zones"
    for key in ("Europe/Berlin", "America/New_York", "UTC"):
        (zones / key).parent.mkdir(parents=True, exist_ok=True)
        (zones / key).write_bytes(_zone_file(key))

    def journal_cli(repo: Path, *args: str) -> str:
        env = {**os.environ, "PYTHONTZPATH": str(zones)}
        done = subprocess.run([sys.executable, "-m", "journal", "-C", str(repo), *args], env=env,
                              capture_output=True, text=True, check=False)
        assert done.returncode in (0, 4), done.stderr
        return done.stdout

    when = "2026-09-23T12:00:00+00:00"
    journal_cli(journal, "streaks", "--json", "--now", when)  # the caches, under today's rules
    assert (journal / STATE / "standings").is_dir()
    (zones / "Europe/Berlin").write_bytes(_zone_file("Asia/Tokyo"))
    warm = journal_cli(journal, "streaks", "--json", "--now", when)
    cold = journal_cli(fresh_clone(journal, tmp_path, 99), "streaks", "--json", "--now", when)
    assert warm == cold
    assert "+09:00" in cold  # the new rules are what both show


@pytest.mark.parametrize("damage", ["cut", "flip", "version", "shape", "gone blob"])
def test_a_damaged_record_of_committed_outputs_is_ignored_and_rebuilt(journal: Path, tmp_path: Path, run,
                                                                      damage: str) -> None:
    from journal.store import output_cache

    for files, when, who in SERIES[:4]:
        commit(journal, files, at(when, who))
    when = "2026-09-21T12:00:00+00:00"
    expected_files, _ = from_scratch(journal, tmp_path, run, when, 0)
    assert run("-C", journal, "digest", "--markdown-only", "--now", when).code == 0
    record = journal / STATE / output_cache.CACHE_FILE
    tag, items = _sealed(record)
    assert "digest/charts/heatmap-alice.svg" in items
    data = record.read_bytes()
    record.write_bytes({
        "cut": data[: len(data) // 2],
        "flip": data[:-3] + bytes([data[-3] ^ 0x55]) + data[-2:],
        "version": plain_cache.dump(tag.replace(" 2", " 1"), items),
        "shape": plain_cache.dump(tag, {path: list(item) for path, item in items.items()}),
        "gone blob": plain_cache.dump(tag, {path: (key, "0" * len(blob)) for path, (key, blob) in items.items()}),
    }[damage])
    assert _digest_written_again(run, journal, when) == expected_files
    assert _sealed(record) == (tag, items)  # rendered again and recorded as before


def _digest_written_again(run, journal: Path, when: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The committed digest's files after removing them and running `journal digest --markdown-only`."""
    for path in (journal / "digest").rglob("*"):
        if path.is_file():
            path.unlink()
    assert run("-C", journal, "digest", "--markdown-only", "--now", when).code == 0
    return {str(p.relative_to(journal).as_posix()): p.read_text(encoding="utf-8")
            for p in sorted((journal / "digest").rglob("*")) if p.is_file()}
