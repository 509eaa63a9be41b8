"""`journal check` keeps each entry's own judgment by content (store/check_cache.py): a warm
check says exactly what a cold one says, whatever changed in the entry or around it."""

from __future__ import annotations

import marshal
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from journal.core import rules
from journal.store import plain_cache
from tests.support.journals import Result
from tests.support.replies import OUTCOMES, ci, replies_history, reply

CACHE = Path(".git/journal/checks.bin")


def _cold_and_warm(run: Callable[..., Result], repo: Path) -> tuple[str, str, int]:
    """The warm check's output (with the cache an earlier check left), the cold one's, and the warm exit code."""
    warm = run("-C", repo, "check")
    shutil.rmtree(repo / ".git" / "journal")
    cold = run("-C", repo, "check")
    assert (warm.code, warm.err) == (cold.code, cold.err)
    return warm.out, cold.out, warm.code


@pytest.fixture
def repo(commit: Callable[..., str], tmp_path: Path, run: Callable[..., Result]) -> Path:
    repo = replies_history(commit, tmp_path)
    first = run("-C", repo, "check")
    assert first.code == 0, first.out
    assert (repo / CACHE).exists()
    return repo


def test_a_reply_is_judged_again_when_the_check_in_it_answers_gains_an_outcome(repo: Path, commit, run) -> None:  # type: ignore[no-untyped-def]
    # The reply is unchanged (its own judgment comes from the cache); the check-in beside it
    # now has three outcomes, so its two verdicts no longer line up.
    path, text = ci("alice", "2026-W45")
    commit({path: text.replace(OUTCOMES, OUTCOMES + "\n  - {commitment: Sleep eight hours, status: done}")},
           "2026-11-24T10:00:00+01:00", "alice")
    warm, cold, code = _cold_and_warm(run, repo)
    assert code == 1
    assert "replies/2026/2026-W45-bob-to-alice.md:" in warm
    assert "2 verdict(s) for 3 outcome(s) in 2026-W45-alice.md" in warm
    assert warm == cold


def test_a_member_leaving_the_roster_is_seen_by_every_cached_entry(repo: Path, commit, run) -> None:  # type: ignore[no-untyped-def]
    config = (repo / "journal.yaml").read_text()
    lines = config.splitlines(keepends=True)
    carol = next(i for i, line in enumerate(lines) if line.startswith("  carol:"))
    commit({"journal.yaml": "".join(lines[:carol] + lines[carol + 1:])}, "2026-11-24T10:00:00+01:00")
    warm, cold, code = _cold_and_warm(run, repo)
    assert code == 1 and "unknown member 'carol'" in warm and warm == cold


def test_an_edited_entry_is_judged_afresh(repo: Path, commit, run) -> None:  # type: ignore[no-untyped-def]
    path, text = reply("bob", "alice", "2026-W45", extra="kudos: 0\n")
    commit({path: text}, "2026-11-24T10:00:00+01:00", "bob")
    warm, cold, code = _cold_and_warm(run, repo)
    assert code == 1 and "kudos: expected a win's text or its outcome number" in warm and warm == cold


def test_an_unchanged_entry_is_not_judged_again(repo: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    judged: list[str] = []
    real = rules.local_rules
    monkeypatch.setattr(rules, "local_rules", lambda entry: judged.append(entry.path) or real(entry))
    assert run("-C", repo, "check").code == 0
    assert judged == ["journal.yaml"]  # judged against this machine's zone data: never kept


def _items(data: bytes) -> dict:
    """What a sealed cache file holds: after its tag line, the 12-byte seal, then marshal."""
    return marshal.loads(data.split(b"\n", 1)[1][12:])


def _resealed(data: bytes, change: Callable[[dict], dict], tag: str | None = None) -> bytes:
    """The cache file with its items changed and sealed again (under `tag`, else its own)."""
    return plain_cache.dump(tag or data.split(b"\n", 1)[0].decode(), change(_items(data)))


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],  # cut short
    lambda data: b"[]",
    lambda data: data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:],  # a flipped byte
    lambda data: _resealed(data, lambda items: {k: [[], [["member", 5, []]]] for k in items}),  # wrong shape
    lambda data: _resealed(data, lambda items: {k: [[[1, 1, "fatal", "x", "y"]], []] for k in items}),
    # judgments written by other rules, which the tag's stamp names
    lambda data: _resealed(data, lambda items: {k: [[[1, 1, "error", "x", "forged"]], []] for k in items},
                           tag="journal-checks 2 old"),
])
def test_a_damaged_cache_is_ignored_and_rebuilt(repo: Path, commit, run, damage) -> None:  # type: ignore[no-untyped-def]
    path, text = reply("bob", "alice", "2026-W45", verdicts=("confirmed",))
    commit({path: text}, "2026-11-24T10:00:00+01:00", "bob")
    assert run("-C", repo, "check").code == 1
    cache = repo / CACHE
    sealed = cache.read_bytes()
    cache.write_bytes(damage(sealed))
    damaged = run("-C", repo, "check")
    rebuilt = run("-C", repo, "check")
    assert _items(cache.read_bytes()) == _items(sealed)  # written whole again
    shutil.rmtree(repo / ".git" / "journal")
    cold = run("-C", repo, "check")
    for result in (damaged, rebuilt):
        assert (result.code, result.out, result.err) == (cold.code, cold.out, cold.err)
    assert "1 verdict(s) for 2 outcome(s)" in cold.out


def test_judgments_kept_as_json_by_an_earlier_version_are_removed(repo: Path, commit, run) -> None:  # type: ignore[no-untyped-def]
    legacy = repo / ".git/journal/checks.json"
    legacy.write_text('{"format": "journal-checks", "items": {}}')
    path, text = reply("bob", "alice", "2026-W45", verdicts=("confirmed",))
    commit({path: text}, "2026-11-24T10:00:00+01:00", "bob")
    assert run("-C", repo, "check").code == 1
    assert not legacy.exists() and (repo / CACHE).exists()
