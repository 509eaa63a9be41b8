"""The threads' keys and figures kept by the journal's content and history
(store/thread_plan.py) give exactly what a run without any cache gives: at every `now`, in
either direction, after uncommitted edits and commits, and from a damaged plan."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import journal.standing
from journal.core.replies import Tally
from journal.store import history, history_events, plain_cache
from journal.store.thread_plan import _TAG, PLAN_FILE, TALLY_FILE
from tests.support.replies import PACT, replies_history, reply

# Around every edge of the scripted history (see tests/support/replies.py): check-ins, replies,
# due times (2 days), and later.
NOWS = ["2026-11-08T17:59:59+00:00", "2026-11-09T01:00:00+00:00", "2026-11-10T16:59:59+00:00",
        "2026-11-10T17:00:00+00:00", "2026-11-10T17:00:01+00:00", "2026-11-11T12:00:00+00:00",
        "2026-11-12T07:59:59+00:00", "2026-11-12T08:00:00+00:00", "2026-11-17T17:00:00+00:00",
        "2026-11-24T15:00:01+00:00", "2026-12-30T12:00:00+00:00"]
COMMANDS = [["streaks", "--json"], ["status", "--json"]]


@pytest.fixture
def repo(commit, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    return replies_history(commit, tmp_path)


def _plan(repo: Path) -> Path:
    return repo / ".git" / "journal" / PLAN_FILE


def _without_caches(run, repo: Path, *args: str) -> str:  # type: ignore[no-untyped-def]
    """The output of a run that finds no cache at all; the caches are put back afterwards."""
    folder = repo / ".git" / "journal"
    saved = repo.parent / "saved-caches"
    shutil.rmtree(saved, ignore_errors=True)
    if folder.exists():
        shutil.copytree(folder, saved)
        shutil.rmtree(folder)
    try:
        return run("-C", repo, *args).out
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if saved.exists():
            shutil.copytree(saved, folder)


def _counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(journal.standing, name)

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(journal.standing, name, counting)
    return calls


def _summed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, int]]:
    """The (member, period, sign) of every thread a Tally counts in (1) or out (-1) from now on."""
    calls: list[tuple[str, str, int]] = []
    real = Tally.add

    def counting(self, member, period, answers, sign=1):  # type: ignore[no-untyped-def]
        calls.append((member, period, sign))
        return real(self, member, period, answers, sign)

    monkeypatch.setattr(Tally, "add", counting)
    return calls


@pytest.mark.parametrize("command", COMMANDS)
def test_a_run_from_the_kept_plan_gives_what_no_cache_gives_at_every_now(run, repo: Path,  # type: ignore[no-untyped-def]
                                                                         command: list[str]) -> None:
    # Each run starts from what the run at the previous now kept: the plan and its figures
    # were made for another now, earlier or later.
    for now in [*NOWS, *reversed(NOWS[:-1])]:
        warm = run("-C", repo, *command, "--now", now).out
        assert _plan(repo).exists()
        assert warm == _without_caches(run, repo, *command, "--now", now), now


def test_a_warm_run_in_the_window_makes_neither_keys_nor_figures(run, repo: Path,  # type: ignore[no-untyped-def]
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    now = ["--now", "2026-11-30T12:00:00+00:00"]
    first = run("-C", repo, "streaks", "--json", *now).out
    figures = _summed(monkeypatch)
    keys = _counted(monkeypatch, "thread_window")  # only a thread judged again asks for its window
    assert run("-C", repo, "streaks", "--json", *now).out == first
    assert figures == [] and keys == []


def test_a_warm_run_in_the_window_makes_no_reply_of_the_history(run, repo: Path,  # type: ignore[no-untyped-def]
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Threads read back need no reply's time: the history's replies are not made at all.
    now = ["--now", "2026-11-30T12:00:00+00:00"]
    first = run("-C", repo, "streaks", "--json", *now).out
    made: list[str] = []
    real = history_events.events

    def counting(kind, *args):  # type: ignore[no-untyped-def]
        made.append(kind.__name__)
        return real(kind, *args)

    monkeypatch.setattr(history_events, "events", counting)
    monkeypatch.setattr(history, "events", counting)
    assert run("-C", repo, "streaks", "--json", *now).out == first
    assert "Answer" not in made
    # A run that judges threads again makes the times of their own replies only (from the
    # history's columns, history_events.stamp_columns), and answers as before.
    assert run("-C", repo, "streaks", "--json", "--now", "2026-11-10T17:00:01+00:00").out == \
        _without_caches(run, repo, "streaks", "--json", "--now", "2026-11-10T17:00:01+00:00")
    assert "Answer" not in made


def test_uncommitted_edits_and_new_commits_make_the_plan_again(run, repo: Path, commit) -> None:  # type: ignore[no-untyped-def]
    now = ["--now", "2026-11-30T12:00:00+00:00"]
    run("-C", repo, "streaks", "--json", *now)
    # An edit in the working tree only: the snapshot's content token changes.
    path = repo / "replies/2026/2026-W45-bob-to-alice.md"
    path.write_text(path.read_text() + "\nAn afterthought.\n")
    edited = run("-C", repo, "streaks", "--json", *now).out
    assert "An afterthought." in edited
    assert edited == _without_caches(run, repo, "streaks", "--json", *now)
    # A new commit: the history's HEAD changes.
    commit(dict([reply("alice", "bob", "2026-W46")]), "2026-11-23T08:00:00+01:00", "alice")
    for command in COMMANDS:
        assert run("-C", repo, *command, *now).out == _without_caches(run, repo, *command, *now)


@pytest.mark.parametrize("damage", ["bytes", "key", "rows", "figures", "window"])
def test_a_damaged_or_foreign_plan_is_made_again(run, repo: Path, damage: str) -> None:  # type: ignore[no-untyped-def]
    now = ["--now", "2026-11-30T12:00:00+00:00"]
    cold = _without_caches(run, repo, "streaks", "--json", *now)
    run("-C", repo, "streaks", "--json", *now)
    kept = plain_cache.load(_plan(repo), _TAG, 1 << 30)
    assert type(kept) is list and len(kept) == 6
    if damage == "bytes":
        _plan(repo).write_bytes(b"garbage")
    else:
        if damage == "key":
            kept[0] = "0" * 32
        elif damage == "rows":
            kept[4] = [("alice", "2026-W45")]  # misshapen
        elif damage == "figures":
            kept[5] = [None, None, [["alice", {"in_time": "x"}, None, None]], {}]
        else:  # a window that never holds
            kept[1] = kept[2] = 0.0
        plain_cache.save(_plan(repo), _TAG, kept)
    assert run("-C", repo, "streaks", "--json", *now).out == cold
    assert run("-C", repo, "streaks", "--json", *now).out == cold


def test_figures_kept_by_another_run_hold_only_in_their_window(run, repo: Path) -> None:  # type: ignore[no-untyped-def]
    # Two runs at once, at times on either side of a due time, can leave the threads of one
    # and the plan of the other: the figures must not be taken for the other's.
    before, after = "2026-11-10T23:59:59+00:00", "2026-11-11T00:00:01+00:00"
    run("-C", repo, "streaks", "--json", "--now", before)
    kept = _plan(repo).read_bytes()
    expected = run("-C", repo, "streaks", "--json", "--now", after).out
    _plan(repo).write_bytes(kept)  # the threads judged for `after`, the figures made for `before`
    assert run("-C", repo, "streaks", "--json", "--now", after).out == expected
    assert expected == _without_caches(run, repo, "streaks", "--json", "--now", after)


def test_a_new_reply_changes_the_figures_by_its_own_thread(run, repo: Path, commit,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # The plan is keyed by the whole journal, so a new commit misses it; the figures are the
    # kept tally's, less the reply's thread as it was, plus the thread as it is now.
    now = ["--now", "2026-11-30T12:00:00+00:00"]
    run("-C", repo, "streaks", "--json", *now)
    assert (repo / ".git" / "journal" / TALLY_FILE).exists()
    commit(dict([reply("alice", "bob", "2026-W46")]), "2026-11-23T08:00:00+01:00", "alice")
    summed = _summed(monkeypatch)
    warm = run("-C", repo, "streaks", "--json", *now).out
    assert summed == [("bob", "2026-W46", -1), ("bob", "2026-W46", 1)]
    assert warm == _without_caches(run, repo, "streaks", "--json", *now)
    # A tally that does not add up (here: a reply time counted out that was never in) is
    # summed up again from every thread, never trusted.
    kept = plain_cache.load(repo / ".git" / "journal" / TALLY_FILE, _TAG, 1 << 30)
    kept[4][1] = {member: [] for member in kept[4][1]}
    plain_cache.save(repo / ".git" / "journal" / TALLY_FILE, _TAG, kept)
    commit(dict([reply("carol", "bob", "2026-W46")]), "2026-11-23T09:00:00+01:00", "carol")
    summed.clear()
    assert run("-C", repo, "streaks", "--json", *now).out == _without_caches(run, repo, "streaks", "--json", *now)
    assert len(summed) > 2


def test_a_tally_is_not_carried_over_to_other_contracts(run, repo: Path, commit) -> None:  # type: ignore[no-untyped-def]
    # Whose answers count for a pact's reply streak, and in which periods, follows from the
    # contract: a tally summed up under the contract as it was is not rebased after an edit
    # that ends the pact before W46 (found by a hostile review).
    commit(dict([reply("bob", "alice", "2026-W46")]), "2026-11-16T08:00:00+01:00", "bob")  # in time
    commit(dict([reply("alice", "bob", "2026-W46")]), "2026-11-22T17:00:00+01:00", "alice")  # in time
    now = ["--now", "2026-11-30T12:00:00+00:00"]
    run("-C", repo, "streaks", "--json", *now)
    assert (repo / ".git" / "journal" / TALLY_FILE).exists()
    (repo / "contracts/pact.md").write_text(PACT.replace("until: 2027-04-12", "until: 2026-11-08"))
    warm = run("-C", repo, "streaks", "--json", *now).out
    assert warm == _without_caches(run, repo, "streaks", "--json", *now)
    assert '"pact": 0' in warm
