"""The journal's first commit (what names its feed and calendar ids) is remembered under the
git folder, and the record never changes the answer: new commits, a damaged or foreign
record and a deepened shallow clone all give what a full walk gives."""

from __future__ import annotations

import json
from pathlib import Path

import pygit2
import pytest

from journal.store import git as gitfiles
from tests.support.journals import git

RECORD = Path(".git/journal") / gitfiles.FIRST_COMMIT_FILE
WHO = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
       "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"}


def _commit(repo: Path, n: int) -> str:
    (repo / "notes.txt").write_text(f"{n}\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-q", "-m", f"c{n}", env=WHO)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def _first(repo: Path) -> str | None:
    gitfiles._FIRST_COMMITS.clear()  # one command per process: each call here is a new command
    return gitfiles.first_commit(pygit2.Repository(str(repo)))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    return repo


def test_new_commits_keep_the_root_and_move_the_record(repo: Path) -> None:
    root = _commit(repo, 0)
    _commit(repo, 1)
    assert _first(repo) == root
    head = _commit(repo, 2)
    assert _first(repo) == root
    assert json.loads((repo / RECORD).read_text())["head"] == head


@pytest.mark.parametrize("record", [
    "not json",
    json.dumps({"head": "0" * 40, "first": "1" * 40, "shallow": []}),  # a head not on the chain
    json.dumps({"head": None, "first": "1" * 40, "shallow": []}),
])
def test_a_damaged_or_foreign_record_is_walked_past(repo: Path, record: str) -> None:
    root = _commit(repo, 0)
    _commit(repo, 1)
    assert _first(repo) == root
    (repo / RECORD).write_text(record)
    assert _first(repo) == root
    assert json.loads((repo / RECORD).read_text())["first"] == root


def test_deepening_a_shallow_clone_finds_the_real_root(repo: Path, tmp_path: Path) -> None:
    root = _commit(repo, 0)
    for n in range(1, 4):
        _commit(repo, n)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    shallow = _first(clone)
    assert shallow == git(clone, "rev-parse", "HEAD").stdout.strip() != root
    git(clone, "fetch", "-q", "--unshallow")
    assert _first(clone) == root
