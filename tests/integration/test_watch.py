"""`journal watch`: the debounce loop with a fake rebuild, the in-memory re-check, and
the real command on a temporary journal, saved into the way editors save."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from journal.core import problems as P
from journal.live import watch
from journal.live.watch import (
    ENTRY,
    HISTORY,
    TEMPLATE,
    TREE,
    Debouncer,
    JournalObserver,
    LiveJournal,
    classify,
    classify_git,
)
from tests.support.journals import checkin, git, write_journal
from tests.support.live import DEADLINE, NOW, W47, Command, page, wait_until

# --- the debounce loop --------------------------------------------------------------------


class FakeRebuild:
    """Records each burst; can fail, block, or stop the loop after a number of calls."""

    def __init__(self, stop_after: int, fail_on: int | None = None) -> None:
        self.calls: list[set[Path]] = []
        self.errors: list[Exception] = []
        self.stop_after, self.fail_on = stop_after, fail_on
        self.release = threading.Event()
        self.release.set()
        self.debouncer: Debouncer | None = None

    def __call__(self, burst: set[Path]) -> None:
        self.calls.append(burst)
        self.release.wait(DEADLINE)
        if len(self.calls) >= self.stop_after:
            assert self.debouncer is not None
            self.debouncer.stop()
        if len(self.calls) == self.fail_on:
            raise RuntimeError("the build broke")


def running(fake: FakeRebuild, **kwargs: float) -> tuple[Debouncer, threading.Thread]:
    debouncer = Debouncer(fake, fake.errors.append, **kwargs)
    fake.debouncer = debouncer
    thread = threading.Thread(target=debouncer.run, daemon=True)
    thread.start()
    return debouncer, thread


def test_a_burst_of_events_makes_one_rebuild_with_every_path() -> None:
    fake = FakeRebuild(stop_after=1)
    debouncer, thread = running(fake, quiet=0.5)
    paths = [Path(f"checkins/2026/2026-W{n:02d}-alice.md") for n in range(1, 21)]
    for path in paths:
        debouncer.add(path)
    thread.join(DEADLINE)
    assert not thread.is_alive()
    assert fake.calls == [set(paths)]


def test_a_failing_rebuild_is_reported_and_the_loop_goes_on() -> None:
    fake = FakeRebuild(stop_after=2, fail_on=1)
    debouncer, thread = running(fake, quiet=0.05)
    debouncer.add(Path("a.md"))
    wait_until(lambda: fake.errors, what="the failure to be reported")
    debouncer.add(Path("b.md"))
    thread.join(DEADLINE)
    assert not thread.is_alive()
    assert fake.calls == [{Path("a.md")}, {Path("b.md")}]
    assert [str(e) for e in fake.errors] == ["the build broke"]


def test_changes_during_a_rebuild_make_exactly_one_more() -> None:
    fake = FakeRebuild(stop_after=2)
    fake.release.clear()  # the first rebuild blocks until the test has saved more
    debouncer, thread = running(fake, quiet=0.05)
    debouncer.add(Path("a.md"))
    wait_until(lambda: fake.calls, what="the first rebuild")
    for name in ("b.md", "c.md", "d.md"):
        debouncer.add(Path(name))
    fake.release.set()
    thread.join(DEADLINE)
    assert not thread.is_alive()
    assert fake.calls == [{Path("a.md")}, {Path("b.md"), Path("c.md"), Path("d.md")}]


def test_a_burst_that_never_goes_quiet_is_still_rebuilt() -> None:
    fake = FakeRebuild(stop_after=1)
    debouncer, thread = running(fake, quiet=0.5, max_wait=0.3)
    deadline = time.monotonic() + DEADLINE
    while not fake.calls and time.monotonic() < deadline:
        debouncer.add(Path("busy.md"))  # every 10 ms: never 0.5 s of quiet
        time.sleep(0.01)
    thread.join(DEADLINE)
    assert fake.calls == [{Path("busy.md")}]


# --- which events matter ------------------------------------------------------------------


@pytest.mark.parametrize(("rel", "kind"), [
    (W47, ENTRY),
    ("journal.yaml", ENTRY),
    ("goals/berlin-half.md", ENTRY),
    ("contracts/pact.md", ENTRY),
    ("checkins/2027", TREE),
    ("checkins", TREE),
    ("templates/digest/base.html.j2", TEMPLATE),
    ("templates/entries/checkin.md.j2", None),  # only `journal new` reads these
    ("checkins/2026/.2026-W47-alice.md.swp", None),  # vim's swap file
    ("checkins/2026/.2026-W47-alice.md.swx", None),
    ("checkins/2026/4913", None),  # vim's probe for a writable folder
    ("checkins/2026/2026-W47-alice.md~", None),  # backup
    ("checkins/2026/.#2026-W47-alice.md", None),  # Emacs' lock
    ("checkins/2026/#2026-W47-alice.md#", None),  # Emacs' auto-save
    ("checkins/2026/.2026-W47-alice.md.x1y2.tmp", None),  # save-by-rename's temporary file
    ("checkins/2026/2026-W47-alice.md___jb_tmp___", None),
    ("site/index.html", None),
    ("site", None),
    (".site.lock", None),
    (".git/index", None),
    ("digest/DIGEST.md", None),
    ("README.md", None),
])
def test_classify_keeps_entries_and_drops_editor_and_build_droppings(rel: str, kind: str | None) -> None:
    assert classify(rel) == kind


@pytest.mark.parametrize(("rel", "kind"), [
    ("refs/heads/main", HISTORY), ("HEAD", HISTORY), ("packed-refs", HISTORY),
    ("refs/heads/main.lock", None), ("index", None), ("journal/entries.json", None), ("objects/ab/cdef", None),
])
def test_git_changes_matter_only_when_a_branch_moves(rel: str, kind: str | None) -> None:
    assert classify_git(rel) == kind


# --- re-checking in memory ----------------------------------------------------------------


def test_first_round_checks_everything(tmp_path: Path) -> None:
    root = write_journal(tmp_path, {"checkins/2026/2026-W48-alice.md": checkin(week="2026-W48", extra="weeks: 1\n")})
    first = LiveJournal(root).refresh()
    assert first.first and first.entries == 5 and first.errors >= 1
    assert {p.code for p in first.problems} >= {P.SCHEMA}
    assert first.ok == ()


def test_an_editors_lock_beside_an_entry_is_not_an_entry(tmp_path: Path) -> None:
    root = write_journal(tmp_path)
    (root / "checkins/2026/.#2026-W47-alice.md").symlink_to("alice@laptop.4242:1700000000")  # Emacs
    first = LiveJournal(root).refresh()
    assert first.problems == () and first.entries == 4


def test_a_saved_entry_is_rechecked_alone(tmp_path: Path) -> None:
    root = write_journal(tmp_path)
    live = LiveJournal(root)
    live.refresh()
    (root / W47).write_text(checkin(extra="mood: great\n"))
    broken = live.refresh([W47])
    assert [(p.path, p.code) for p in broken.problems] == [(W47, P.SCHEMA)]
    assert broken.changed and broken.errors == 1 and broken.ok == ()
    (root / W47).write_text(checkin())
    fixed = live.refresh([W47])
    assert fixed.problems == () and fixed.ok == (W47,) and fixed.errors == 0
    again = live.refresh([W47])  # saved without a change: shown again, nothing to rebuild
    assert again.ok == (W47,) and not again.changed


def test_a_deleted_check_in_is_reported_on_the_replies_that_answer_it(tmp_path: Path) -> None:
    from tests.support.replies import reply

    path, text = reply("bob", "alice", "2026-W47", verdicts=())  # the check-in has no outcomes
    root = write_journal(tmp_path, {path: text})
    live = LiveJournal(root)
    assert [p for p in live.refresh().problems if p.path == path] == []
    (root / W47).unlink()
    after = live.refresh([W47])
    assert after.removed == (W47,)
    assert [(p.path, p.code) for p in after.problems] == [(path, P.REFERENCE)]
    (root / W47).write_text(checkin())
    back = live.refresh([W47])
    assert back.errors == 0 and back.problems == ()


def test_a_check_in_moved_to_another_period_is_reported_on_the_replies_to_its_old_one(tmp_path: Path) -> None:
    # Known by its front matter as well as its name: the content of W47 saved as W49's file.
    from tests.support.replies import reply

    path, text = reply("bob", "alice", "2026-W47", verdicts=())
    root = write_journal(tmp_path, {path: text})
    live = LiveJournal(root)
    live.refresh()
    w49 = "checkins/2026/2026-W49-alice.md"
    (root / w49).write_text((root / W47).read_text())
    (root / W47).unlink()
    live.refresh([W47, w49])
    (root / w49).write_text(checkin(week="2026-W49"))
    after = live.refresh([w49])
    assert (path, P.REFERENCE) in {(p.path, p.code) for p in after.current}
    assert after.errors == _cold_errors(root)


def test_a_commitment_added_to_a_check_in_is_asked_of_the_next_one(tmp_path: Path) -> None:
    w48 = "checkins/2026/2026-W48-alice.md"
    root = write_journal(tmp_path, {w48: checkin(week="2026-W48", outcomes="[{commitment: Three runs, status: done}]")})
    live = LiveJournal(root)
    assert live.refresh().warnings == 0
    (root / W47).write_text(checkin(commitments="\n  - {commitment: Three runs}\n  - {commitment: Swim 2 km on Friday}"))
    after = live.refresh([W47])
    assert (w48, P.OUTCOME) in {(p.path, p.code) for p in after.problems}


def _cold_errors(root: Path) -> int:
    fresh = LiveJournal(root)
    return fresh.refresh().errors


def test_deleting_a_goal_reports_the_references_it_breaks(tmp_path: Path) -> None:
    root = write_journal(tmp_path)
    live = LiveJournal(root)
    live.refresh()
    (root / "goals/berlin-half.md").unlink()
    after = live.refresh(["goals/berlin-half.md"])
    assert after.removed == ("goals/berlin-half.md",)
    assert {(p.path, p.code) for p in after.problems} == {(W47, P.REFERENCE)}


def test_a_rescan_finds_entries_in_a_renamed_folder(tmp_path: Path) -> None:
    root = write_journal(tmp_path, {"checkins/2025/2026-W48-bob.md": checkin("bob", "2026-W48")})
    live = LiveJournal(root)
    live.refresh()
    (root / "checkins/2025").rename(root / "checkins/2026b")
    after = live.refresh(None)
    assert after.removed == ("checkins/2025/2026-W48-bob.md",)
    assert after.changed and after.entries == 5


def test_stopping_ends_even_when_watchdogs_own_stop_never_returns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # watchdog joins its reader threads without a timeout; one that never wakes must not
    # keep a Ctrl-C'd watch running (seen once under load: the command outlived its signal).
    monkeypatch.setattr(watch, "STOP_WAIT", 0.2, raising=False)
    observer = JournalObserver(write_journal(tmp_path), None, lambda path: None)
    observer.start()
    stuck = threading.Event()
    real_stop = observer._observer.stop
    observer._observer.stop = lambda: stuck.wait()  # type: ignore[method-assign]
    returned = threading.Event()
    try:
        stopping = threading.Thread(target=lambda: (observer.stop(), returned.set()), daemon=True)
        stopping.start()
        assert returned.wait(DEADLINE)
    finally:
        stuck.set()
        real_stop()


# --- the real command -----------------------------------------------------------------------




@pytest.fixture
def watching(tmp_path: Path):
    root = write_journal(tmp_path / "j")
    command = Command("-C", root, "watch", "--now", NOW)
    yield root, command
    command.kill()




def test_watch_rebuilds_after_saves_the_way_editors_make_them(watching: tuple[Path, Command]) -> None:
    root, command = watching
    command.wait_for(r"^0 errors, 0 warnings in 4 entries$")
    command.wait_for(r"^built ")
    entry = root / W47

    entry.write_text(checkin().replace("Ran.", "Ran in place."), encoding="utf-8")  # in place
    wait_until(lambda: "Ran in place." in page(root), what="the in-place save in the site")
    command.wait_for(rf"^ok: {W47}$")

    temp = entry.with_name(".2026-W47-alice.md.kate-swp.tmp")  # save-by-rename
    temp.write_text(checkin().replace("Ran.", "Ran by rename."), encoding="utf-8")
    os.replace(temp, entry)
    wait_until(lambda: "Ran by rename." in page(root), what="the renamed-in save in the site")

    # vim: swap file, the 4913 probe, the original moved to a backup, a new file written.
    swap = entry.with_name(".2026-W47-alice.md.swp")
    swap.write_bytes(b"b0VIM 9.0")
    probe = entry.with_name("4913")
    probe.write_bytes(b"")
    probe.unlink()
    backup = entry.with_name("2026-W47-alice.md~")
    os.rename(entry, backup)
    entry.write_text(checkin().replace("Ran.", "Ran the vim way."), encoding="utf-8")
    backup.unlink()
    swap.unlink()
    wait_until(lambda: "Ran the vim way." in page(root), what="vim's save in the site")

    assert command.interrupt() == 0
    assert "Traceback" not in command.output
    assert not re.search(r"4913|\.swp|~", command.output)
    assert command.lines[-1] == "stopped"


def test_watch_reports_a_broken_entry_and_survives_a_failing_build(watching: tuple[Path, Command]) -> None:
    root, command = watching
    command.wait_for(r"^built ")
    bob = root / "checkins/2026/2026-W47-bob.md"
    bob.write_text(checkin("bob").replace("week:", "weeks:"), encoding="utf-8")
    command.wait_for(r"^checkins/2026/2026-W47-bob\.md:3:1: error: unknown key 'weeks' .*\[schema\]$")

    override = root / "templates/digest/index.html.j2"  # a template that cannot render
    override.parent.mkdir(parents=True)
    override.write_text("{{ no_such_thing.at_all }}", encoding="utf-8")
    command.wait_for(r"^Error: digest not rebuilt: ")
    assert "Alice" in page(root, "index.html")  # the last good site is still there

    override.unlink()
    bob.write_text(checkin("bob"), encoding="utf-8")
    command.wait_for(r"^ok: checkins/2026/2026-W47-bob\.md$")
    builds = command.count(r"^built ")
    bob.rename(bob.with_name("2026-W47-carol.md"))  # renamed: gone under its old name
    command.wait_for(r"^removed: checkins/2026/2026-W47-bob\.md$")
    command.wait_for(r"^checkins/2026/2026-W47-carol\.md:\d+:\d+: error: ")
    command.wait_for(r"^built ", at_least=builds + 1)

    assert command.interrupt() == 0
    assert "Traceback" not in command.output


def test_watch_rebuilds_when_a_commit_moves_the_branch(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j")
    git(root, "init", "-q", "-b", "main")
    command = Command("-C", root, "watch", "--now", NOW)
    try:
        command.wait_for(r"^built ")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "entries",
            env={"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
                 "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"})
        command.wait_for(r"^built ", at_least=2)
        assert command.interrupt(signal.SIGTERM) == 0  # as a service manager stops it
        assert command.lines[-1] == "stopped"
    finally:
        command.kill()
