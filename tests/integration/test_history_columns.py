"""The history cache keeps filings and replies as columns, rows sorted by key, from the cache
file to their objects: warm reads over a series of real commits give what cold walks give,
in the same order, and a cache whose rows are out of order or twice is ignored and rebuilt."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pygit2
import pytest

from journal.store import history_cache, plain_cache
from journal.store.history import CACHE_FILE, History, read_history
from tests.support.journals import git

MERGER = {"GIT_AUTHOR_NAME": "Alice Moreno", "GIT_AUTHOR_EMAIL": "alice@example.org",
          "GIT_COMMITTER_NAME": "Alice Moreno", "GIT_COMMITTER_EMAIL": "alice@example.org",
          "GIT_AUTHOR_DATE": "2026-11-17T09:00:00+00:00", "GIT_COMMITTER_DATE": "2026-11-17T09:00:00+00:00"}


def _read(tmp_path: Path, cache: Path | None = None) -> History:
    return read_history(pygit2.Repository(str(tmp_path / "repo")), cache_dir=cache)


def _same(warm: History, cold: History) -> None:
    assert warm == cold
    # In the same order too: what reads them (threads, the digest) goes through them in order.
    assert list(warm.filings) == list(cold.filings) and list(warm.replies) == list(cold.replies)


@pytest.mark.parametrize("insert_at_most", [0, 256], ids=["sorted-in-whole", "inserted"])
def test_warm_reads_after_each_commit_equal_cold_reads(commit: Callable[..., str], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, insert_at_most: int) -> None:
    monkeypatch.setattr(history_cache, "_INSERT_AT_MOST", insert_at_most)
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    steps: list[Callable[[], object]] = [
        lambda: commit({"journal.yaml": "title: x\n"}, "2026-11-01T09:00:00+00:00"),
        lambda: commit({"checkins/2026/2026-W45-bob.md": "b", "checkins/2026/2026-W45-alice.md": "a"},
                       "2026-11-08T20:00:00+01:00"),
        lambda: commit({"replies/2026/2026-W45-bob-to-alice.md": "r"}, "2026-11-09T10:00:00-05:00", author="bob"),
        lambda: git(repo, "branch", "side", "HEAD~1"),
        lambda: commit({"replies/2026/2026-W46-alice-to-bob.md": "r", "checkins/2026/2026-W46-bob.md": "b"},
                       "2026-11-16T10:00:00+00:00"),
        lambda: git(repo, "checkout", "-q", "side"),
        # Written on a side branch before main had them: once merged, these are the earliest.
        lambda: commit({"replies/2026/2026-W46-alice-to-bob.md": "side", "checkins/2026/2026-W46-bob.md": "side",
                        "replies/2026/2026-W45-carol-to-alice.md": "c"}, "2026-11-15T08:00:00+00:00"),
        lambda: git(repo, "checkout", "-q", "main"),
        lambda: git(repo, "merge", "-q", "--no-edit", "-X", "ours", "side", env=MERGER),
        lambda: commit({"replies/2026/2026-W45-bob-to-alice.md": None}, "2026-11-18T09:00:00+00:00"),
        lambda: commit({"replies/old/2026-W45-bob-to-alice.md": "again", "checkins/2026/2026-W47-alice.md": "a"},
                       "2026-11-22T20:00:00+01:00"),
    ]
    for step in steps:
        step()
        _same(_read(tmp_path, cache), _read(tmp_path))
    warm = _read(tmp_path, cache)
    assert warm.replies[("alice", "bob", "2026-W46")].at == datetime(2026, 11, 15, 8, tzinfo=UTC)
    assert warm.filings[("bob", "2026-W46")].at == datetime(2026, 11, 15, 8, tzinfo=UTC)
    assert warm.replies[("bob", "alice", "2026-W45")].at.utcoffset() == timedelta(hours=-5)
    assert len(warm.replies) == 3 and len(warm.filings) == 4


def _cold_with_cache(commit: Callable[..., str], tmp_path: Path) -> tuple[History, Path]:
    commit({"checkins/2026/2026-W47-alice.md": "a", "checkins/2026/2026-W47-bob.md": "b",
            "replies/2026/2026-W47-bob-to-alice.md": "r", "replies/2026/2026-W47-carol-to-alice.md": "r"},
           "2026-11-22T20:00:00+01:00")
    cold = _read(tmp_path, tmp_path / "cache")
    return cold, tmp_path / "cache" / CACHE_FILE


def _rows(at: int, change: Callable[[tuple[Any, ...]], tuple[Any, ...]]) -> Callable[[Any], Any]:
    return lambda raw: (*raw[:at], tuple(map(change, raw[at])), *raw[at + 1:])


@pytest.mark.parametrize("damage", [
    _rows(3, lambda column: column[::-1]), _rows(3, lambda column: column[:1] * 2),
    _rows(6, lambda column: column[::-1]), _rows(6, lambda column: column[1:] * 2),
], ids=["filings-out-of-order", "filing-twice", "replies-out-of-order", "reply-twice"])
def test_rows_out_of_order_or_twice_are_a_damaged_cache(commit: Callable[..., str], tmp_path: Path,
                                                        damage: Callable[[Any], Any]) -> None:
    cold, file = _cold_with_cache(commit, tmp_path)
    stored = plain_cache.load(file, history_cache._TAG, 1 << 30)
    file.write_bytes(plain_cache.dump(history_cache._TAG, damage(stored)))
    assert history_cache.load_cache(file, []) is None
    _same(_read(tmp_path, tmp_path / "cache"), cold)
    again = plain_cache.load(file, history_cache._TAG, 1 << 30)  # written whole again, but for its token
    assert again[:2] + again[3:] == stored[:2] + stored[3:]


def test_equal_texts_are_stored_once(commit: Callable[..., str], tmp_path: Path) -> None:
    # Read back as one object each, which marshal writes and reads as references.
    _, file = _cold_with_cache(commit, tmp_path)
    stored = plain_cache.load(file, history_cache._TAG, 1 << 30)
    for column in (*stored[3], *stored[6]):
        assert len({id(value) for value in column}) == len(set(column)), column


def test_a_time_python_cannot_represent_is_shown_as_the_epoch_and_the_others_as_ever(commit: Callable[..., str],
                                                                                     tmp_path: Path) -> None:
    # Git takes any author time; one past the year 9999 makes the whole column go through
    # when(), one by one, which shows it as the epoch and every other time as before.
    repo = tmp_path / "repo"
    commit({"checkins/2026/2026-W47-bob.md": "b"}, "2026-11-22T20:00:00-05:00", author="bob")
    commit({"replies/2026-W47-carol-to-bob.md": "r"}, "2026-11-23T09:00:00+01:00", author="carol")
    (repo / "replies/2026-W47-alice-to-bob.md").write_text("r")
    git(repo, "add", "replies")
    tree, parent = git(repo, "write-tree").stdout.strip(), git(repo, "rev-parse", "HEAD").stdout.strip()
    raw = (f"tree {tree}\nparent {parent}\nauthor Alice <alice@example.org> 253402300800 +0100\n"
           f"committer Alice <alice@example.org> 1795375800 +0000\n\nodd\n").encode()
    oid = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"], cwd=repo,
                         input=raw, capture_output=True, check=True).stdout.decode().strip()
    git(repo, "update-ref", "HEAD", oid)
    for cache in (None, tmp_path / "cache", tmp_path / "cache"):
        found = _read(tmp_path, cache)
        assert found.replies[("alice", "bob", "2026-W47")].at == datetime(1970, 1, 1, tzinfo=UTC)
        carol = found.replies[("carol", "bob", "2026-W47")].at
        assert carol == datetime(2026, 11, 23, 8, tzinfo=UTC) and carol.utcoffset() == timedelta(hours=1)
        filing = found.filings[("bob", "2026-W47")]
        assert filing.at == datetime(2026, 11, 22, 20, tzinfo=timezone(timedelta(hours=-5)))
        assert filing.at.utcoffset() == timedelta(hours=-5)


def test_mailmap_applies_to_cached_replies(commit: Callable[..., str], tmp_path: Path) -> None:
    commit({"replies/2026/2026-W47-bob-to-alice.md": "r", "checkins/2026/2026-W47-alice.md": "a"},
           "2026-11-22T20:00:00+01:00", author="carol")
    _read(tmp_path, tmp_path / "cache")
    commit({".mailmap": "Bob Okafor <bob@example.com> <carol@example.net>\n"}, "2026-11-23T09:00:00+00:00")
    warm = _read(tmp_path, tmp_path / "cache")
    _same(warm, _read(tmp_path))
    for event in (warm.replies[("bob", "alice", "2026-W47")], warm.filings[("alice", "2026-W47")]):
        assert (event.author_name, event.author_email) == ("Bob Okafor", "bob@example.com")
