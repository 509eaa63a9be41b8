"""`journal watch` on a journal where a partner committed folders nested past Python's
recursion limit: watchdog walks a recursive watch with os.walk, which recurses on 3.11."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from journal.live.watch import JournalObserver
from tests.support.journals import checkin, write_journal
from tests.support.live import wait_until

DEEP = "/".join(["a"] * 1100)


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Path]:
    journal = write_journal(tmp_path / "j")
    folder = journal / "checkins"
    for part in DEEP.split("/"):  # Path.mkdir(parents=True) recurses too
        folder = folder / part
        folder.mkdir()
    yield journal
    # pytest's clean-up of old temporary folders (shutil.rmtree) recurses on 3.11.
    stack, folders = [journal / "checkins" / "a"], []
    while stack:
        folders.append(stack.pop())
        stack += [Path(e.path) for e in os.scandir(folders[-1]) if e.is_dir(follow_symlinks=False)]
    for folder in reversed(folders):
        os.rmdir(folder)


def test_a_folder_too_deep_to_watch_recursively_still_has_its_entries_watched(root: Path) -> None:
    seen: list[Path] = []
    observer = JournalObserver(root, None, seen.append)
    observer.start()
    try:
        entry = root / "checkins/2026/2026-W48-alice.md"
        entry.write_text(checkin().replace("2026-W47", "2026-W48"), encoding="utf-8")
        wait_until(lambda: entry in seen, what="the saved check-in seen by the watcher")
    finally:
        observer.stop()
