"""Files unchanged since the last read are not read again (store/worktree_cache.py), and
nothing else changes: edits, racy edits, links and a lost entry cache are read as before."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from journal.store import paths, plain_cache, worktree_cache
from journal.store.git import cache_dir
from journal.store.workspace import open_repository
from journal.store.worktree_cache import load_worktree
from tests.support.journals import checkin, git, write_journal

W47 = "checkins/2026/2026-W47-alice.md"


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A journal in a repository whose files count as stable at once (a test cannot set a
    file's change time into the past, so the 2 s window is shortened to nothing)."""
    root = write_journal(tmp_path / "j")
    git(root, "init", "-q", "-b", "main")
    monkeypatch.setattr(worktree_cache, "STABLE_NS", -1)
    return root


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = paths.read_many

    def counting(root: Path, rels):  # type: ignore[no-untyped-def]
        rels = list(rels)
        seen.extend(rels)
        return real(root, rels)

    monkeypatch.setattr(paths, "read_many", counting)
    return seen


def _load(root: Path):  # type: ignore[no-untyped-def]
    repo = open_repository(root)
    assert repo is not None
    return load_worktree(root, cache_dir(repo))


def test_a_second_read_reads_no_unchanged_file_and_gives_the_same_entries(journal: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = _load(journal)
    reads = _reads(monkeypatch)
    second = _load(journal)
    assert reads == []
    assert {p: (e.data, e.body) for p, e in second.entries.items()} == {p: (e.data, e.body) for p, e in first.entries.items()}
    assert list(second.entries) == list(first.entries) and second.readable == first.readable


def test_a_load_with_nothing_changed_names_the_contents_as_a_load_that_read_them(journal: Path) -> None:
    # The unchanged load takes its token and blob ids straight from worktree.bin's columns; a
    # load that reads every file (no worktree.bin) works them out from what it read: the same.
    first = _load(journal)
    second = _load(journal)
    (journal / ".git" / "journal" / worktree_cache.CACHE_FILE).unlink()
    fresh = _load(journal)
    assert second.blobs == first.blobs == fresh.blobs and W47 in fresh.blobs
    assert second.token == first.token == fresh.token == worktree_cache.content_token(fresh.blobs)
    # Another content, another token; the same content again, the same token.
    before = (journal / W47).read_text()
    (journal / W47).write_text(checkin().replace("Three runs", "Three swims"))
    changed = _load(journal)
    assert changed.token != fresh.token and changed.blobs[W47] != fresh.blobs[W47]
    (journal / W47).write_text(before)
    _load(journal)
    assert _load(journal).token == fresh.token


def test_a_folder_changed_with_every_entry_the_same_is_remembered_anew(journal: Path, run) -> None:  # type: ignore[no-untyped-def]
    # A new empty folder, or a file that is no entry (an editor's swap file, a partner's
    # README.txt), changes a folder's listing and nothing else: worktree.bin is written again
    # with the files as they were.
    first = _load(journal)
    _load(journal)
    (journal / "checkins" / "2027").mkdir()
    (journal / "goals" / "README.txt").write_text("not an entry\n")
    changed = _load(journal)
    assert changed.token == first.token and changed.blobs == first.blobs and list(changed.entries) == list(first.entries)
    again = _load(journal)
    assert again.token == first.token and again.readable == first.readable
    assert run("-C", journal, "check").code == 0


def test_an_edit_is_read_even_within_the_same_clock_tick(journal: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _load(journal)
    path = journal / W47
    before = path.stat()
    # Same size, same modification time: the change time still tells.
    path.write_text(checkin().replace("Three runs", "Three swims"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads = _reads(monkeypatch)
    loaded = _load(journal)
    assert reads == [W47]
    assert loaded.entries[W47].data["commitments"][0]["commitment"] == "Three swims"


def test_a_file_written_just_now_is_not_remembered(journal: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Every file was written a moment ago: any may change again within the clock's tick, so
    # none is remembered, and the next read reads them all.
    monkeypatch.setattr(worktree_cache, "STABLE_NS", 2_000_000_000)
    first = _load(journal)
    reads = _reads(monkeypatch)
    _load(journal)
    assert sorted(reads) == sorted(first.readable) and W47 in reads


def test_a_file_replaced_by_a_symlink_is_refused_not_served_from_the_cache(journal: Path, tmp_path: Path) -> None:
    _load(journal)
    outside = tmp_path / "outside.md"
    outside.write_text(checkin())
    (journal / W47).unlink()
    (journal / W47).symlink_to(outside)
    loaded = _load(journal)
    assert W47 not in loaded.entries and W47 not in loaded.readable
    assert [p.code for p in loaded.read_problems if p.path == W47] == ["symlink"]


def test_a_load_that_reads_some_files_names_what_it_holds_as_a_load_that_read_all(journal: Path, tmp_path: Path) -> None:
    # A load that reads a few files takes the others' blob ids from worktree.bin's columns: its
    # token, blob ids and readable paths are those of a load that read every file (none kept),
    # with a file edited, one new, and one refused (a link) in the same load.
    _load(journal)
    _load(journal)
    (journal / W47).write_text(checkin().replace("Three runs", "Three swims"))
    (journal / "checkins" / "2026" / "2026-W48-alice.md").write_text(checkin(week="2026-W48"))
    gone = "checkins/2026/2026-W46-alice.md"
    outside = tmp_path / "outside.md"
    outside.write_text(checkin(week="2026-W46"))
    (journal / gone).symlink_to(outside)
    partial = _load(journal)
    (journal / ".git" / "journal" / worktree_cache.CACHE_FILE).unlink()
    whole = _load(journal)
    assert partial.readable == whole.readable and gone not in partial.readable
    assert partial.blobs == whole.blobs and partial.token == whole.token == worktree_cache.content_token(whole.blobs)
    assert list(partial.entries) == list(whole.entries)


def test_a_lost_entry_cache_reads_everything_again(journal: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _load(journal)
    (journal / ".git" / "journal" / "entries.bin").unlink()
    reads = _reads(monkeypatch)
    loaded = _load(journal)
    assert W47 in reads and W47 in loaded.entries


def test_check_reports_the_same_after_a_warm_start(run, journal: Path) -> None:
    (journal / W47).write_text(checkin(commitments="\n  - {commitment: Run more}"))
    first, second = run("-C", journal, "check"), run("-C", journal, "check")
    assert first.code == second.code == 0 and first.out == second.out and "no number, time or day" in first.out


@pytest.mark.parametrize("damage", ["cut", "byte", "garbage", "other root", "old json"])
def test_a_damaged_signature_file_reads_everything_again_and_is_rebuilt(journal: Path, monkeypatch, damage: str) -> None:  # type: ignore[no-untyped-def]
    first = _load(journal)
    target = journal / ".git" / "journal" / worktree_cache.CACHE_FILE
    whole = target.read_bytes()
    if damage == "cut":
        target.write_bytes(whole[: len(whole) // 2])
    elif damage == "byte":
        target.write_bytes(whole[:-1] + bytes([whole[-1] ^ 1]))
    elif damage == "garbage":
        target.write_bytes(b"[" * 10_000)
    elif damage == "other root":
        tag = f"journal-worktree {worktree_cache.CACHE_VERSION}"
        root, *rest = plain_cache.load(target, tag, 1 << 30)
        target.write_bytes(plain_cache.dump(tag, [str(journal.parent), *rest]))  # a moved clone's
    else:
        target.unlink()
        (target.parent / "worktree.json").write_text('{"version": 1, "files": {}}')
    reads = _reads(monkeypatch)
    again = _load(journal)
    assert sorted(reads) == sorted(first.readable)
    assert {p: (e.data, e.body) for p, e in again.entries.items()} == {p: (e.data, e.body) for p, e in first.entries.items()}
    assert again.readable == first.readable
    reads.clear()
    _load(journal)  # the file was written again, whole and usable
    assert reads == [] and not (target.parent / "worktree.json").exists()


# The folder listings kept beside the signatures (store/worktree.list_journal).

W48 = "checkins/2026/2026-W48-alice.md"


def _same_second(folder: Path, before: os.stat_result) -> None:
    """Put the folder's modification time back to what it was: a change within one clock tick.
    (Its change time, which nothing but the kernel sets, still moves: that is what tells.)"""
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_file_added_to_a_remembered_folder_within_the_same_tick_is_found(journal: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _load(journal)
    folder = journal / "checkins" / "2026"
    before = folder.stat()
    (journal / W48).write_text(checkin(week="2026-W48"))
    _same_second(folder, before)
    reads = _reads(monkeypatch)
    loaded = _load(journal)
    assert reads == [W48] and W48 in loaded.entries and W48 in loaded.readable


def test_a_file_removed_from_a_remembered_folder_is_gone(journal: Path) -> None:
    _load(journal)
    folder = journal / "checkins" / "2026"
    before = folder.stat()
    (journal / W47).unlink()
    _same_second(folder, before)
    loaded = _load(journal)
    assert W47 not in loaded.entries and W47 not in loaded.readable and loaded.read_problems == []


def test_a_file_replaced_by_a_symlink_within_the_same_tick_is_refused(journal: Path, tmp_path: Path) -> None:
    _load(journal)
    folder = journal / "checkins" / "2026"
    before = folder.stat()
    outside = tmp_path / "outside.md"
    outside.write_text(checkin().replace("Three runs", "Not mine"))
    (journal / W47).unlink()
    (journal / W47).symlink_to(outside)
    _same_second(folder, before)
    loaded = _load(journal)
    assert W47 not in loaded.entries and [p.code for p in loaded.read_problems if p.path == W47] == ["symlink"]


def test_a_remembered_folder_replaced_by_a_symlink_is_one_problem_and_never_walked(journal: Path, tmp_path: Path) -> None:
    _load(journal)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2026-W49-alice.md").write_text(checkin(week="2026-W49"))
    parent = journal / "checkins"
    before = parent.stat()
    (journal / W47).unlink()
    (journal / "checkins" / "2026").rmdir()
    (journal / "checkins" / "2026").symlink_to(elsewhere, target_is_directory=True)
    _same_second(parent, before)
    loaded = _load(journal)
    assert not any(p.startswith("checkins/") for p in loaded.entries)
    assert [(p.path, p.code) for p in loaded.read_problems] == [("checkins/2026", "symlink")]


def test_a_link_in_a_remembered_folder_is_asked_anew_whether_it_leads_to_a_folder(journal: Path, tmp_path: Path) -> None:
    # The link itself stays; where it leads changes without its folder noticing.
    target = tmp_path / "target"
    target.mkdir()
    (journal / "checkins" / "2026" / "elsewhere").symlink_to(target)
    assert [p.path for p in _load(journal).read_problems] == ["checkins/2026/elsewhere"]
    target.rmdir()
    target.write_text("a file now")
    assert _load(journal).read_problems == []  # a link to a file without .md is no journal file


def test_listing_with_remembered_folders_gives_what_a_fresh_listing_gives(journal: Path) -> None:
    from journal.store.worktree import journal_paths, list_journal

    (journal / "replies" / "2026").mkdir(parents=True)
    (journal / "replies" / "2026" / ".swp").write_text("")
    (journal / "checkins" / "2026" / "notes.txt").write_text("")
    first, remembered = list_journal(journal, {}, stable_before=1 << 62)
    assert set(remembered) == {"contracts", "goals", "checkins", "checkins/2026", "replies", "replies/2026"}
    again, kept = list_journal(journal, remembered, stable_before=1 << 62)
    assert first == again == journal_paths(journal) and all(kept[rel] is remembered[rel] for rel in kept)
    # A folder changed too recently is listed, not remembered.
    _, none = list_journal(journal, {}, stable_before=0)
    assert none == {}


@pytest.mark.parametrize("damage", ["listing of another shape", "a name that is no text", "signatures misshapen",
                                    "columns of different lengths", "a column that is no text", "a count that is wrong"])
def test_a_misshapen_cache_is_ignored_and_rebuilt(journal: Path, monkeypatch, damage: str) -> None:  # type: ignore[no-untyped-def]
    first = _load(journal)
    target = journal / ".git" / "journal" / worktree_cache.CACHE_FILE
    tag = f"journal-worktree {worktree_cache.CACHE_VERSION}"
    root, folders, count, paths, signatures, keys, blobs, kinds = plain_cache.load(target, tag, 1 << 30)
    if damage == "listing of another shape":
        folders["checkins/2026"] = folders["checkins/2026"][:5]
    elif damage == "a name that is no text":
        folders["checkins/2026"][5].append(7)
    elif damage == "signatures misshapen":
        signatures = b"garbage"  # not the bytes of this run's signatures: decoded, and refused
    elif damage == "columns of different lengths":
        keys = keys.partition("\0")[2]  # one key short
    elif damage == "a column that is no text":
        blobs = blobs.split("\0")
    else:
        count += 1
    target.write_bytes(plain_cache.dump(tag, [root, folders, count, paths, signatures, keys, blobs, kinds]))
    reads = _reads(monkeypatch)
    again = _load(journal)
    assert sorted(reads) == sorted(first.readable)
    assert {p: (e.data, e.body) for p, e in again.entries.items()} == {p: (e.data, e.body) for p, e in first.entries.items()}
    reads.clear()
    _load(journal)  # written again, whole and usable
    assert reads == []


def test_a_new_file_in_a_folder_changed_a_moment_ago_is_read_and_the_rest_still_trusted(journal: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _load(journal)
    target = journal / ".git" / "journal" / worktree_cache.CACHE_FILE
    written = target.read_bytes()
    # The new file and its folder are too recent to remember; every other file is trusted still.
    (journal / W48).write_text(checkin(week="2026-W48"))
    monkeypatch.setattr(worktree_cache, "STABLE_NS", 2_000_000_000)
    reads = _reads(monkeypatch)
    for _ in range(2):
        loaded = _load(journal)
        assert reads == [W48] and W48 in loaded.entries and list(loaded.entries) == sorted(loaded.entries)
        reads.clear()
    # Nothing new to remember: the cache is left as it was (the folder's old listing never
    # matches its new signature, so it is listed again until then).
    assert target.read_bytes() == written
    monkeypatch.setattr(worktree_cache, "STABLE_NS", -1)
    _load(journal)
    assert reads == [W48] and target.read_bytes() != written
    reads.clear()
    _load(journal)
    assert reads == []


def _stable_between(monkeypatch: pytest.MonkeyPatch, older: Path, newer: Path) -> None:
    """Make files changed up to `older`'s change count as stable, and `newer`'s as too recent:
    STABLE_NS reaches back to the middle of the two (a test cannot set a change time)."""
    middle = (older.stat().st_ctime_ns + newer.stat().st_ctime_ns) // 2
    monkeypatch.setattr(worktree_cache, "STABLE_NS", time.time_ns() - middle)


def test_newly_stable_files_wait_for_a_run_that_reads_no_file_too_recent(journal: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # After a commit, the hook's run reads the new file too recent to remember: a file that
    # became stable since (the previous commit's) is remembered by the run after, in one write.
    _load(journal)
    target = journal / ".git" / "journal" / worktree_cache.CACHE_FILE
    written = target.read_bytes()
    (journal / W48).write_text(checkin(week="2026-W48"))
    time.sleep(0.3)
    w49 = "checkins/2026/2026-W49-alice.md"
    (journal / w49).write_text(checkin(week="2026-W49"))
    _stable_between(monkeypatch, journal / W48, journal / w49)
    reads = _reads(monkeypatch)
    loaded = _load(journal)
    assert sorted(reads) == [W48, w49] and {W48, w49} <= set(loaded.entries)
    assert target.read_bytes() == written  # W48 is stable, yet nothing is written while W49 is too recent
    reads.clear()
    monkeypatch.setattr(worktree_cache, "STABLE_NS", -1)  # a moment later: both stable
    _load(journal)
    assert sorted(reads) == [W48, w49] and target.read_bytes() != written
    reads.clear()
    assert _load(journal).entries.keys() == loaded.entries.keys() and reads == []


def test_many_newly_stable_files_are_remembered_at_once(journal: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _load(journal)
    target = journal / ".git" / "journal" / worktree_cache.CACHE_FILE
    monkeypatch.setattr(worktree_cache, "DEFER", 2)
    weeks = [f"checkins/2025/2025-W{w:02d}-alice.md" for w in range(10, 14)]
    (journal / "checkins" / "2025").mkdir()
    for rel in weeks:
        (journal / rel).write_text(checkin(week=rel[14:22]))
    time.sleep(0.3)
    (journal / W48).write_text(checkin(week="2026-W48"))
    _stable_between(monkeypatch, journal / weeks[-1], journal / W48)
    written = target.read_bytes()
    _load(journal)
    assert target.read_bytes() != written  # four to remember: more than DEFER to read again
    reads = _reads(monkeypatch)
    _load(journal)
    assert reads == [W48]


def test_a_file_dated_ahead_of_the_clock_does_not_hold_back_what_is_stable(journal: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A file touched into the future is read on every run and never remembered; it must not
    # keep worktree.bin from remembering the files that are stable (they would be read
    # again on every run too).
    _load(journal)
    target = journal / ".git" / "journal" / worktree_cache.CACHE_FILE
    written = target.read_bytes()
    (journal / W48).write_text(checkin(week="2026-W48"))
    ahead = "checkins/2026/2026-W49-alice.md"
    (journal / ahead).write_text(checkin(week="2026-W49"))
    future = time.time_ns() + 10 ** 12
    os.utime(journal / ahead, ns=(future, future))
    reads = _reads(monkeypatch)
    _load(journal)
    assert sorted(reads) == [W48, ahead] and target.read_bytes() != written
    reads.clear()
    _load(journal)
    assert reads == [ahead]
