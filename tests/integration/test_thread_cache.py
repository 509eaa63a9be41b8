"""Threads kept by their inputs (store/thread_cache.py) give exactly what judging them again
gives, at every `now`, after new replies, and from a damaged cache; a new reply re-judges
its own thread only."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

import journal.standing
from journal.core.replies import Thread
from journal.store.thread_cache import _TAG, CACHE_FILE, POSTS_FILE
from journal.store.thread_plan import _TAG as PLAN_TAG
from journal.store.thread_plan import PLAN_FILE
from tests.support.replies import ci, replies_history, reply

# Around every edge of the scripted history: check-ins, replies, due times (2 days), and later.
NOWS = ["2026-11-08T17:59:59+00:00", "2026-11-09T01:00:00+00:00", "2026-11-10T16:59:59+00:00",
        "2026-11-10T17:00:00+00:00", "2026-11-10T17:00:01+00:00", "2026-11-11T12:00:00+00:00",
        "2026-11-12T07:59:59+00:00", "2026-11-12T08:00:00+00:00",
        "2026-11-12T09:00:00+01:00", "2026-11-17T17:00:00+00:00", "2026-11-24T15:00:01+00:00",
        "2026-12-30T12:00:00+00:00"]


@pytest.fixture
def repo(commit, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    return replies_history(commit, tmp_path)


def _kept(repo: Path) -> Path:
    """The folder of the threads' summaries (without them, every thread is judged again)."""
    return repo / ".git" / "journal" / CACHE_FILE


def _forget(repo: Path) -> None:
    shutil.rmtree(_kept(repo), ignore_errors=True)


def _cold(run, repo: Path, *args: str) -> str:  # type: ignore[no-untyped-def]
    """The output with no thread kept; the kept threads are put back afterwards."""
    aside = repo.parent / "threads-aside"
    if _kept(repo).exists():
        _kept(repo).rename(aside)
    found = run("-C", repo, *args)
    _forget(repo)
    if aside.exists():
        aside.rename(_kept(repo))
    return found.out


def _judged(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    real = journal.standing.judge_thread

    def counting(contracts, member, period, *rest):  # type: ignore[no-untyped-def]
        seen.append((member, period))
        return real(contracts, member, period, *rest)

    monkeypatch.setattr(journal.standing, "judge_thread", counting)
    return seen


@pytest.mark.parametrize("command", [["streaks", "--json"], ["status", "--json"]])
def test_kept_threads_give_what_judging_again_gives_at_every_now(run, repo: Path, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    for now in NOWS:  # each run starts from the threads the run at the previous now kept
        cold = _cold(run, repo, *command, "--now", now)
        for _ in range(2):
            assert run("-C", repo, *command, "--now", now).out == cold, now
    assert json.loads(run("-C", repo, "streaks", "--json", "--now", NOWS[-1]).out)["responses"]["threads"]


def test_a_warm_run_judges_nothing_and_a_new_reply_only_its_thread(run, repo: Path, commit,  # type: ignore[no-untyped-def]
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    now = ["--now", "2026-11-30T12:00:00+00:00"]
    run("-C", repo, "streaks", "--json", *now)
    judged = _judged(monkeypatch)
    run("-C", repo, "streaks", "--json", *now)
    assert judged == []
    commit(dict([reply("alice", "bob", "2026-W46")]), "2026-11-23T08:00:00+01:00", "alice")
    after = run("-C", repo, "streaks", "--json", *now).out
    assert judged == [("bob", "2026-W46")]
    monkeypatch.undo()
    assert after == _cold(run, repo, "streaks", "--json", *now)
    thread = next(t for t in json.loads(after)["responses"]["threads"] if t["member"] == "bob" and t["period"] == "2026-W46")
    assert [r["author"] for r in thread["replies"]] == ["alice"]


def test_an_edited_check_in_or_contract_judges_again(run, repo: Path, commit) -> None:  # type: ignore[no-untyped-def]
    now = ["--now", "2026-11-30T12:00:00+00:00"]
    run("-C", repo, "streaks", "--json", *now)
    commit(dict([ci("alice", "2026-W45", "A new ask")]), "2026-11-25T08:00:00+01:00", "alice")
    edited = run("-C", repo, "streaks", "--json", *now).out
    assert '"ask": "A new ask"' in edited and edited == _cold(run, repo, "streaks", "--json", *now)
    pact = (repo / "contracts/pact.md").read_text().replace("respond_within: 2 days", "respond_within: 5 days")
    commit({"contracts/pact.md": pact}, "2026-11-25T09:00:00+01:00", "alice")
    assert run("-C", repo, "streaks", "--json", *now).out == _cold(run, repo, "streaks", "--json", *now)


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_a_damaged_or_foreign_cache_is_judged_again(run, repo: Path, damage: bytes | None) -> None:  # type: ignore[no-untyped-def]
    from journal.store import plain_cache

    now = ["--now", "2026-11-30T12:00:00+00:00"]
    cold = _cold(run, repo, "streaks", "--json", *now)
    run("-C", repo, "streaks", "--json", *now)
    shards = sorted(_kept(repo).glob("*.bin"))
    assert shards
    for shard in shards:
        if damage is None:  # sealed and tagged, but every record misshapen
            kept = plain_cache.load(shard, _TAG, 1 << 30)
            plain_cache.save(shard, _TAG, {k: [[1, 2], None, None] for k in kept})
        else:
            shard.write_bytes(damage)
    assert run("-C", repo, "streaks", "--json", *now).out == cold
    assert run("-C", repo, "streaks", "--json", *now).out == cold


def test_a_kept_thread_equals_the_judged_one(run, repo: Path) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    workspace = journal.standing.Workspace.open(repo)
    _forget(repo)
    judged = journal.standing.compute_standing(workspace, now).responses.threads
    kept = journal.standing.compute_standing(workspace.reopen(), now).responses.threads
    assert any(type(t) is not Thread for t in kept)  # read back
    assert kept == judged and [hash(t) for t in kept] == [hash(t) for t in judged]
    assert [t.answers() for t in kept] == [t.answers() for t in judged]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("privacy", ["fields", "entry", "nothing"])
def test_the_digest_from_kept_threads_is_the_digest_judged_again(run, repo: Path, commit, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                 privacy: str) -> None:
    """With private fields or a private reply (threads read again for the public view) and
    with nothing private (kept threads used as they are); a referee answers without verdicts."""
    from tests.support.replies import CONFIG3

    if privacy != "fields":
        commit({"journal.yaml": CONFIG3.replace(", private: [energy]", "")}, "2026-11-16T08:00:00+01:00", "alice")
    commit(dict([reply("carol", "alice", "2026-W46", verdicts=())]), "2026-11-16T09:00:00+00:00", "carol")
    commit(dict([reply("bob", "alice", "2026-W46", extra="private: true\n" if privacy != "nothing" else "")]),
           "2026-11-16T10:00:00-05:00", "bob")
    now = ["--now", "2026-11-30T12:00:00+00:00"]
    cold_site = tmp_path / "cold"
    _forget(repo)
    assert run("-C", repo, "digest", *now, "--out", cold_site).code == 0
    _forget(repo)
    for n in range(2):  # the first keeps the threads with their digest form, the second reads them back
        assert run("-C", repo, "digest", *now, "--out", tmp_path / f"warm{n}").code == 0
        assert _tree(tmp_path / f"warm{n}") == _tree(cold_site)
    feed = (cold_site / "feed.xml").read_text()
    assert "Yes, Tuesday." in feed and "private" not in feed.lower().replace("privacy", "")


def test_the_public_view_of_a_journal_with_nothing_private_is_the_view_read_again(repo: Path, commit) -> None:  # type: ignore[no-untyped-def]
    """The shortcut for a journal with nothing private (threads kept as they are, no reply
    read) gives what reading every record again from the public entries gives."""
    from journal.digest.threads import public_responses
    from tests.support.replies import CONFIG3

    commit({"journal.yaml": CONFIG3.replace(", private: [energy]", "")}, "2026-11-16T08:00:00+01:00", "alice")
    commit(dict([reply("carol", "alice", "2026-W46", verdicts=())]), "2026-11-16T09:00:00+00:00", "carol")
    now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    journal.standing.compute_standing(journal.standing.Workspace.open(repo), now)  # keeps the threads
    standing = journal.standing.compute_standing(journal.standing.Workspace.open(repo), now)
    shortcut = public_responses(standing.responses, standing.journal, standing.journal)
    again = public_responses(standing.responses, standing.journal, None)
    assert shortcut == again
    silent = next(t for t in shortcut.threads if (t.member, t.period) == ("alice", "2026-W46"))
    assert silent.referee == "carol" and silent.verdicts == ()  # the referee gave none: none shown


@pytest.mark.parametrize(("lost", "how"), [(POSTS_FILE, "folder"), (POSTS_FILE, "shard"), (POSTS_FILE, "damaged"),
                                          ("thread-digest-2", "folder"), ("thread-digest-2", "shard")])
def test_a_lost_part_of_the_cache_is_made_again(run, repo: Path, tmp_path: Path, lost: str, how: str) -> None:  # type: ignore[no-untyped-def]
    """The replies (read by the feed) and the renderings are folders of their own: one lost,
    or one of its files lost or damaged (a run stopped between two writes), is judged or
    rendered again, with the same digest, and written whole again."""
    from journal.store import plain_cache

    now = ["--now", "2026-11-30T12:00:00+00:00"]
    _forget(repo)
    run("-C", repo, "digest", *now, "--out", tmp_path / "cold")
    part = repo / ".git" / "journal" / lost
    shards = sorted(part.glob("*.bin"))
    assert len(shards) > 1  # the threads spread over several files
    # A file of replies is read for the feed's newest reply only (alice's late answer to bob's
    # W45 ask): the one holding that thread is lost. Every thread is rendered.
    rows = plain_cache.load(repo / ".git" / "journal" / PLAN_FILE, PLAN_TAG, 1 << 30)[4]
    newest = next(key for member, period, key in rows if (member, period) == ("bob", "2026-W45"))
    shard = part / f"{newest[0]}.bin" if lost == POSTS_FILE else shards[0]
    if how == "folder":
        shutil.rmtree(part)
    elif how == "shard":
        shard.unlink()
    else:
        shard.write_bytes(shard.read_bytes()[:-9])
    for n in range(3):
        assert run("-C", repo, "digest", *now, "--out", tmp_path / f"warm{n}").code == 0
        assert _tree(tmp_path / f"warm{n}") == _tree(tmp_path / "cold")
    assert sorted(part.glob("*.bin")) == shards
    for shard in shards:  # a rendering's files are tagged with its code too (see test_thread_render_code.py)
        tag = _TAG if lost == POSTS_FILE else shard.read_bytes().split(b"\n", 1)[0].decode("ascii")
        assert tag.startswith(_TAG) and plain_cache.load(shard, tag, 1 << 30)


@pytest.mark.parametrize("between", [["status"], ["streaks"], ["digest", "--out", "site-between"]])
def test_what_a_thread_is_written_as_follows_its_judgment_whoever_judged_it_again(  # type: ignore[no-untyped-def]
        run, repo: Path, tmp_path: Path, between: list[str]) -> None:
    """Bob's W45 thread waits for alice on 10 November and is answered late on the 12th. A
    command run in between that judges it again without writing it out (or writing it out
    otherwise) must not leave the earlier writing to be read back as current."""
    early, late = ["--now", "2026-11-10T17:00:01+00:00"], ["--now", "2026-12-30T12:00:00+00:00"]
    run("-C", repo, "streaks", "--json", *early)
    run("-C", repo, "digest", *early, "--out", tmp_path / "early")
    run("-C", repo, *between, *late)
    warm = run("-C", repo, "streaks", "--json", *late).out
    run("-C", repo, "digest", *late, "--out", tmp_path / "warm")
    assert warm == _cold(run, repo, "streaks", "--json", *late)
    _forget(repo)
    run("-C", repo, "digest", *late, "--out", tmp_path / "cold")
    assert _tree(tmp_path / "warm") == _tree(tmp_path / "cold")
    thread = next(t for t in json.loads(warm)["responses"]["threads"] if (t["member"], t["period"]) == ("bob", "2026-W45"))
    assert [r["state"] for r in thread["responses"] if r["partner"] == "alice"] == ["late"]


@pytest.mark.parametrize("part", [CACHE_FILE, POSTS_FILE, "thread-json", "thread-digest-2"])
@pytest.mark.parametrize("blocker", ["file", "dangling symlink"])
def test_a_part_that_cannot_be_written_is_no_cache(run, repo: Path, tmp_path: Path, part: str, blocker: str) -> None:  # type: ignore[no-untyped-def]
    """A file or a dangling link where a part's folder goes (as a read-only git folder does,
    every write fails): the command answers as without a cache, every time."""
    now = ["--now", "2026-11-30T12:00:00+00:00"]
    cold = _cold(run, repo, "streaks", "--json", *now)
    run("-C", repo, "digest", *now, "--out", tmp_path / "cold")
    folder = repo / ".git" / "journal" / part
    shutil.rmtree(folder, ignore_errors=True)
    if blocker == "file":
        folder.write_text("not a folder")
    else:
        folder.symlink_to(tmp_path / "nowhere")
    for n in range(2):
        found = run("-C", repo, "streaks", "--json", *now)
        assert found.code == 0 and found.out == cold
        assert run("-C", repo, "digest", *now, "--out", tmp_path / f"site{n}").code == 0
        assert _tree(tmp_path / f"site{n}") == _tree(tmp_path / "cold")
    assert not (tmp_path / "nowhere").exists()  # nothing made through the link
