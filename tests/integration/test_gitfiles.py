"""The blob-keyed parse cache: reused when valid, ignored and rebuilt when not, never trusted."""

from __future__ import annotations

import json
import marshal
from pathlib import Path

import pygit2
import pytest

from journal.errors import JournalError
from journal.store import plain_cache
from journal.store.entry_cache import CACHE_VERSION, ENTRIES_FILE
from journal.store.git import cache_dir, head_tree, load_blobs, tree_blobs
from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin, git


@pytest.fixture
def repo(commit, tmp_path: Path) -> pygit2.Repository:
    commit({"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
            "checkins/2026/2026-W47-alice.md": checkin()}, "2026-11-22T10:00:00+01:00")
    return pygit2.Repository(str(tmp_path / "repo"))


def _load(repo: pygit2.Repository):
    return load_blobs(repo, tree_blobs(head_tree(repo)))


def test_second_load_comes_from_the_cache(repo: pygit2.Repository, monkeypatch) -> None:
    first, _ = _load(repo)
    assert (cache_dir(repo) / ENTRIES_FILE).is_file()
    monkeypatch.setattr("journal.store.git.read_entry", lambda *a: pytest.fail("parsed again"))
    second, _ = _load(repo)
    assert {p: e.data for p, e in second.items()} == {p: e.data for p, e in first.items()}


TAG = f"journal-entries {CACHE_VERSION}"


def _items(repo: pygit2.Repository) -> dict:
    return plain_cache.load(cache_dir(repo) / ENTRIES_FILE, TAG, 1 << 30)


def _sealed(value: object) -> bytes:
    return plain_cache.dump(TAG, value)


@pytest.mark.parametrize("garbage", [
    b"", b"{", b"\x00\xff" * 50, b"[]", b"[" * 1000, marshal.dumps([]),
    # marshal's own bytes without the seal: read as they are, they would ask for a list of
    # 1.5 billion items
    marshal.dumps({"x": [1]}), b"journal-entries 3\n" + b"[" * 1000,
    plain_cache.dump("journal-entries 99", {}), _sealed([]), _sealed({"x": [1, 2]}),
    _sealed({"x": [{}, "", "", True, 1]}),  # a bool is no line number
    _sealed({1: [{}, "", "", 1, 1]}), _sealed([("x", [{}, "", "", 1, 1])]),
    _sealed({"x": [{}, "", "", 1, 1]})[:-1] + b"\x00",  # a damaged byte
    json.dumps({"version": 2, "entries": {}}).encode(),
])
def test_corrupt_or_foreign_cache_is_ignored_and_rebuilt(repo: pygit2.Repository, garbage: bytes) -> None:
    expected, _ = _load(repo)
    (cache_dir(repo) / ENTRIES_FILE).write_bytes(garbage)
    again, problems = _load(repo)
    assert problems == [] and {p: e.data for p, e in again.items()} == {p: e.data for p, e in expected.items()}
    assert set(_items(repo)) == {f"{e.kind}:{pygit2.hash(bytes(repo[head_tree(repo)[p].id].read_raw()))}"
                                 for p, e in expected.items()}


def test_the_json_cache_of_earlier_versions_is_replaced(repo: pygit2.Repository) -> None:
    folder = cache_dir(repo)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "entries.json").write_text(json.dumps({"version": 2, "entries": {}}))
    entries, _ = _load(repo)
    assert "journal.yaml" in entries and (folder / ENTRIES_FILE).is_file() and not (folder / "entries.json").exists()


def test_the_same_bytes_as_an_entry_and_as_journal_yaml_parse_as_each_kind(commit, tmp_path: Path) -> None:
    """A parse is kept per kind: a partner who commits journal.yaml's bytes as a contract
    (or the reverse) gets the same answer from a warm cache as from a cold one."""
    commit({"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
            "contracts/copy.md": CONFIG}, "2026-11-22T10:00:00+01:00")
    repo = pygit2.Repository(str(tmp_path / "repo"))
    cold = _load(repo)
    warm = _load(repo)
    assert {p: e.data for p, e in warm[0].items()} == {p: e.data for p, e in cold[0].items()}
    assert [str(p) for p in warm[1]] == [str(p) for p in cold[1]]
    assert "journal.yaml" in cold[0] and "contracts/copy.md" not in cold[0]  # no front matter: a problem


@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_truncated_cache_is_ignored(repo: pygit2.Repository, keep: float) -> None:
    expected, _ = _load(repo)
    path = cache_dir(repo) / ENTRIES_FILE
    whole, items = path.read_bytes(), _items(repo)
    path.write_bytes(whole[: int(len(whole) * keep)])
    entries, problems = _load(repo)
    assert problems == [] and {p: e.data for p, e in entries.items()} == {p: e.data for p, e in expected.items()}
    assert _items(repo) == items  # rebuilt


def test_tampered_cache_entry_of_the_right_shape_cannot_smuggle_objects(repo: pygit2.Repository) -> None:
    _load(repo)
    path = cache_dir(repo) / ENTRIES_FILE
    items = {k: [v[0], v[1], v[2], "not a line", v[4]] for k, v in _items(repo).items()}
    path.write_bytes(_sealed(items))
    entries, _ = _load(repo)
    assert all(isinstance(e.yaml_line, int) for e in entries.values())


def test_missing_object_gives_a_clear_error(repo: pygit2.Repository, tmp_path: Path) -> None:
    blob = git(tmp_path / "repo", "rev-parse", "HEAD:journal.yaml").stdout.strip()
    objects = Path(repo.path) / "objects" / blob[:2] / blob[2:]
    objects.chmod(0o644)
    objects.unlink()
    with pytest.raises(JournalError, match="missing from the repository"):
        load_blobs(pygit2.Repository(repo.path), tree_blobs(head_tree(repo)), use_cache=False)


def test_new_parses_are_appended_and_a_damaged_log_line_is_skipped(repo: pygit2.Repository, tmp_path: Path,
                                                                   monkeypatch) -> None:
    _load(repo)
    base = (cache_dir(repo) / ENTRIES_FILE).read_bytes()
    work = tmp_path / "repo"
    (work / "checkins/2026/2026-W48-alice.md").write_text(checkin("alice", "2026-W48"))
    (work / "checkins/2026/2026-W49-alice.md").write_text(checkin("alice", "2026-W49"))
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "two more", env={"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
                                                     "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"})
    repo = pygit2.Repository(repo.path)
    expected, _ = _load(repo)
    # The two new parses went to the log; entries.bin was not rewritten.
    assert (cache_dir(repo) / ENTRIES_FILE).read_bytes() == base
    log = cache_dir(repo) / "entries.log"
    lines = log.read_bytes().splitlines(keepends=True)
    assert len(lines) == 2
    # A line of the wrong shape and one cut short (a run killed mid-write) are skipped;
    # the intact line is still used.
    log.write_bytes(b'[1, "abc", [1, 2]]\n' + lines[0] + lines[1][: len(lines[1]) // 2])
    parsed: list[str] = []
    real = load_blobs.__globals__["read_entry"]
    monkeypatch.setattr("journal.store.git.read_entry", lambda path, *a: parsed.append(path) or real(path, *a))
    again, problems = _load(repo)
    assert problems == [] and {p: e.data for p, e in again.items()} == {p: e.data for p, e in expected.items()}
    assert len(parsed) == 1  # only the entry of the damaged line was parsed again
