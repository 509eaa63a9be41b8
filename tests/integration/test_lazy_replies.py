"""Replies are indexed from their cached heads and read only when used (store/entry_cache.py,
core/lazy_entry.LazyEntry); a lost or damaged reply cache changes no answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.core.lazy_entry import LazyEntry
from journal.core.journal_index import Journal
from journal.errors import JournalError
from journal.store import plain_cache, worktree_cache
from journal.store.entry_cache import CACHE_VERSION, HEADS_FILE, REPLY_FILES, shard
from journal.store.git import cache_dir
from journal.store.workspace import open_repository
from journal.store.worktree_cache import load_worktree
from tests.support.journals import git, write_journal
from tests.support.replies import CONFIG3, PACT, ci, reply

FILES = dict([ci("alice", "2026-W45"), ci("bob", "2026-W45"), reply("bob", "alice", "2026-W45"),
              reply("carol", "alice", "2026-W45", verdicts=("confirmed", "disputed"), extra="private: true\n"),
              reply("alice", "bob", "2026-W45", verdicts=())])
BOB = "replies/2026/2026-W45-bob-to-alice.md"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_journal(tmp_path / "j", {"journal.yaml": CONFIG3, "contracts/pact.md": PACT, **FILES})
    git(root, "init", "-q", "-b", "main")
    monkeypatch.setattr(worktree_cache, "STABLE_NS", -1)  # files count as stable at once
    return root


def _load(root: Path):  # type: ignore[no-untyped-def]
    repo = open_repository(root)
    assert repo is not None
    return load_worktree(root, cache_dir(repo))


def _fields(entries) -> dict:  # type: ignore[no-untyped-def]
    return {p: (e.path, e.kind, e.data, e.body, e.yaml_text, e.yaml_line, e.body_line, e.head)
            for p, e in entries.items()}


def _warm(root: Path):  # type: ignore[no-untyped-def]
    """Loads until the parses are folded into the files a warm run reads replies from."""
    for _ in range(2):
        loaded = _load(root)
    assert (cache_dir(open_repository(root)) / HEADS_FILE).is_file()
    return loaded


def test_a_warm_load_indexes_replies_without_reading_them(root: Path) -> None:
    cold = _load(root).entries
    warm = _warm(root).entries
    replies = [e for e in warm.values() if e.kind == "reply"]
    assert len(replies) == 3 and all(type(e) is LazyEntry for e in replies)
    journal = Journal(warm)
    assert set(journal.replies) == {("2026-W45", "alice", "bob"), ("2026-W45", "alice", "carol"),
                                    ("2026-W45", "bob", "alice")}
    assert all("_fetch" in e.__dict__ for e in replies)  # indexed from the heads: none read yet
    assert _fields(warm) == _fields(cold)  # and each reads back exactly what a cold load parsed
    assert warm == cold


def test_a_reply_edited_after_the_cache_was_made_is_read_again(root: Path) -> None:
    _warm(root)
    (root / BOB).write_text((root / BOB).read_text().replace("Yes, Tuesday.", "Yes, Wednesday."))
    entries = _load(root).entries
    assert entries[BOB].data["answer"] == "Yes, Wednesday."


@pytest.mark.parametrize("damage", ["heads", "replies", "one file of replies", "both", "foreign heads",
                                    "uneven heads", "within a file of replies"])
def test_a_lost_or_damaged_reply_cache_gives_the_same_entries(root: Path, damage: str) -> None:
    cold = _fields(_load(root).entries)
    _warm(root)
    folder = cache_dir(open_repository(root))
    if damage in ("heads", "both"):
        (folder / HEADS_FILE).unlink()
    if damage in ("replies", "both"):
        for name in REPLY_FILES.values():  # every file of parses cut short (one is enough to drop the heads)
            (folder / name).write_bytes((folder / name).read_bytes()[:-7])
    if damage == "one file of replies":
        (folder / REPLY_FILES["7"]).write_bytes(b"garbage")
    if damage == "within a file of replies":  # whole, but a byte of a parse changed: found when read
        for name in REPLY_FILES.values():
            data = (folder / name).read_bytes()
            if len(data) > 64:
                (folder / name).write_bytes(data[:-5] + bytes([data[-5] ^ 1]) + data[-4:])
    if damage == "foreign heads":
        # Sealed and of the right tag, but not heads: ignored, the replies parsed again.
        keys = plain_cache.load(folder / HEADS_FILE, f"journal-reply-heads {CACHE_VERSION}", 1 << 30)[0]
        plain_cache.save(folder / HEADS_FILE, f"journal-reply-heads {CACHE_VERSION}",
                         [keys, *([n] * len(keys) for n in range(1, 7))])
    if damage == "uneven heads":  # one column a head short: ignored as a whole
        columns = plain_cache.load(folder / HEADS_FILE, f"journal-reply-heads {CACHE_VERSION}", 1 << 30)
        columns[3] = columns[3][1:]
        plain_cache.save(folder / HEADS_FILE, f"journal-reply-heads {CACHE_VERSION}", columns)
    assert _fields(_load(root).entries) == cold
    assert _fields(_load(root).entries) == cold  # and the files written again serve the next run


def test_a_warm_load_reads_a_file_of_replies_only_when_a_parse_in_it_is_used(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _warm(root)
    loaded: list[str] = []
    real = plain_cache.load

    def load(path: Path, tag: str, limit: int):  # type: ignore[no-untyped-def]
        loaded.append(path.name)
        return real(path, tag, limit)

    monkeypatch.setattr(plain_cache, "load", load)
    entries = _load(root).entries
    assert HEADS_FILE in loaded and not set(REPLY_FILES.values()) & set(loaded)
    assert entries[BOB].data["answer"] == "Yes, Tuesday."
    assert set(REPLY_FILES.values()) & set(loaded) == {REPLY_FILES[shard("alice")]}


def test_a_parse_missing_behind_its_head_is_read_again_from_the_file(root: Path) -> None:
    cold = _fields(_load(root).entries)
    _warm(root)
    folder = cache_dir(open_repository(root))
    # A run cut short between writing the heads and the parses leaves a head without its parse.
    for name in REPLY_FILES.values():
        plain_cache.save(folder / name, f"journal-replies {CACHE_VERSION}", {})
    assert _fields(_load(root).entries) == cold


def test_a_reply_changed_while_it_is_being_read_is_an_error_not_a_wrong_answer(root: Path) -> None:
    _warm(root)
    folder = cache_dir(open_repository(root))
    for name in REPLY_FILES.values():
        plain_cache.save(folder / name, f"journal-replies {CACHE_VERSION}", {})
    entries = _load(root).entries  # the heads say what each file held; the parses are gone
    (root / BOB).write_text((root / BOB).read_text().replace("Yes, Tuesday.", "Changed meanwhile."))
    with pytest.raises(JournalError, match="changed while journal was reading it"):
        entries[BOB].data  # noqa: B018


def test_check_and_streaks_agree_warm_and_cold(root: Path, run) -> None:  # type: ignore[no-untyped-def]
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "all", env={"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "alice@example.org",
                                                "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "alice@example.org",
                                                "GIT_AUTHOR_DATE": "2026-11-09T10:00:00+00:00",
                                                "GIT_COMMITTER_DATE": "2026-11-09T10:00:00+00:00"})
    now = ["--now", "2026-11-12T12:00:00+00:00"]
    cold_check = run("-C", root, "check", "--json")
    cold_streaks = run("-C", root, "streaks", "--json", *now)
    for _ in range(2):
        warm_check = run("-C", root, "check", "--json")
        warm_streaks = run("-C", root, "streaks", "--json", *now)
    assert (cache_dir(open_repository(root)) / HEADS_FILE).is_file()
    assert warm_check.out == cold_check.out and warm_check.code == cold_check.code
    assert warm_streaks.out == cold_streaks.out
    threads = json.loads(warm_streaks.out)["responses"]["threads"]
    assert any(r["body"].startswith("I noticed") for t in threads for r in t["replies"])
