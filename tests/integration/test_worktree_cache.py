"""Files unchanged since the last read are not read again (store/worktree_cache.py), and
nothing else changes: edits, racy edits, links and a lost entry cache are read as before."""

from __future__ import annotations

import os
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
        root, files = plain_cache.load(target, tag, 1 << 30)
        target.write_bytes(plain_cache.dump(tag, [str(journal.parent), files]))  # a moved clone's
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
