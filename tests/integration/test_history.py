"""Tests for journal.store.history: filings and pauses read from real Git histories."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pygit2
import pytest

from journal.store import contract_versions, history, history_cache, plain_cache
from journal.store.history import CACHE_FILE, History, read_history
from journal.store.history_cache import DELTAS_FILE
from tests.support.terms import pausable

ALICE = ("Alice Moreno", "alice@example.org")
BOB = ("Bob Okafor", "bob@example.com")
CEST, EST = timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))



@pytest.fixture(autouse=True)
def _isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    (home / "empty.gitconfig").write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "empty.gitconfig"))


class Repo:
    """A repository driven with the real `git`, one line per commit, as partners would."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: str = "2026-11-01T12:00:00+00:00",
            author: tuple[str, str] = ALICE, input: bytes | None = None) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1],
               "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_NAME": author[0],
               "GIT_COMMITTER_EMAIL": author[1], "GIT_COMMITTER_DATE": when}
        done = subprocess.run(["git", *args], cwd=self.path, env=env, input=input,
                              capture_output=True, check=True)
        return done.stdout.decode().strip()

    def commit(self, files: dict[str, str | None], when: str, author: tuple[str, str] = ALICE) -> str:
        for rel, text in files.items():
            if text is None:
                self.git("rm", "-q", rel)
                continue
            (self.path / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.path / rel).write_text(text, encoding="utf-8")
            self.git("add", rel)
        self.git("commit", "-q", "--allow-empty", "-m", "entry", when=when, author=author)
        return self.git("rev-parse", "HEAD")

    def read(self, **kwargs: object) -> History:
        return read_history(pygit2.Repository(str(self.path)), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


@pytest.fixture
def repo_with_two_filings(repo: Repo) -> Repo:
    repo.commit({"journal.yaml": "title: x\n"}, "2026-11-16T09:00:00+00:00")
    repo.commit({"checkins/2026/2026-W47-alice.md": "a"}, "2026-11-22T20:15:00+01:00")
    repo.commit({"checkins/2026/2026-W47-bob.md": "b"}, "2026-11-22T14:40:00-05:00", author=BOB)
    return repo


def test_filing_times_keep_their_author_offset(repo_with_two_filings: Repo) -> None:
    found = repo_with_two_filings.read().filings
    alice, bob = found[("alice", "2026-W47")], found[("bob", "2026-W47")]
    assert alice.at == datetime(2026, 11, 22, 20, 15, tzinfo=CEST)
    assert alice.at.utcoffset() == timedelta(hours=1)
    assert bob.at == datetime(2026, 11, 22, 14, 40, tzinfo=EST)
    assert bob.at.utcoffset() == timedelta(hours=-5)
    assert (alice.path, alice.author_name, alice.author_email) == (
        "checkins/2026/2026-W47-alice.md", *ALICE)
    assert alice.commit == repo_with_two_filings.git("rev-parse", "HEAD~1")
    assert set(found) == {("alice", "2026-W47"), ("bob", "2026-W47")}


def test_branch_merged_days_later_counts_at_its_own_commit(repo: Repo) -> None:
    repo.commit({"journal.yaml": "title: x\n"}, "2026-11-16T09:00:00+00:00")
    repo.git("checkout", "-q", "-b", "bob-laptop")
    sunday = repo.commit({"checkins/2026/2026-W47-bob.md": "b"}, "2026-11-22T20:00:00-05:00", BOB)
    repo.git("checkout", "-q", "main")
    repo.commit({"notes.md": "monday"}, "2026-11-23T10:00:00+00:00")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "bob-laptop", when="2026-11-25T08:00:00+00:00")
    filing = repo.read().filings[("bob", "2026-W47")]
    assert filing.commit == sunday
    assert filing.at == datetime(2026, 11, 22, 20, 0, tzinfo=EST)


def test_rebased_checkin_keeps_its_author_date(repo: Repo) -> None:
    repo.commit({"journal.yaml": "title: x\n"}, "2026-11-16T09:00:00+00:00")
    repo.git("checkout", "-q", "-b", "alice-laptop")
    repo.commit({"checkins/2026/2026-W47-alice.md": "a"}, "2026-11-22T20:00:00+01:00")
    repo.git("checkout", "-q", "main")
    repo.commit({"notes.md": "n"}, "2026-11-23T10:00:00+00:00", BOB)
    repo.git("checkout", "-q", "alice-laptop")
    repo.git("rebase", "-q", "main", when="2026-11-26T07:00:00+00:00")
    filing = repo.read().filings[("alice", "2026-W47")]
    assert filing.commit == repo.git("rev-parse", "HEAD")
    assert filing.at == datetime(2026, 11, 22, 20, 0, tzinfo=CEST)


def test_moved_or_copied_checkin_keeps_its_original_time(repo: Repo) -> None:
    first = repo.commit({"checkins/2026-W47-alice.md": "a"}, "2026-11-22T20:00:00+01:00")
    (repo.path / "checkins/2026").mkdir()
    repo.git("mv", "checkins/2026-W47-alice.md", "checkins/2026/2026-W47-alice.md")
    # Skewed clocks date the move and the copy earlier: they still file nothing.
    repo.commit({}, "2026-11-20T10:00:00+01:00")
    repo.commit({"checkins/archive/2026-W47-alice.md": "copy"}, "2026-11-19T10:00:00+01:00")
    filing = repo.read().filings[("alice", "2026-W47")]
    assert (filing.commit, filing.path) == (first, "checkins/2026-W47-alice.md")


def test_checkins_file_that_is_not_a_folder_is_no_checkin(repo: Repo) -> None:
    repo.commit({"checkins": "not a folder", "contracts": "nor this"}, "2026-11-20T10:00:00+01:00")
    repo.commit({"checkins": None, "checkins/2026/2026-W47-alice.md": "a"}, "2026-11-22T10:00:00+01:00")
    assert set(repo.read().filings) == {("alice", "2026-W47")}


def test_renamed_file_files_the_new_key_at_the_rename(repo: Repo) -> None:
    repo.commit({"checkins/2026/2026-W47-alise.md": "typo"}, "2026-11-22T20:00:00+01:00")
    repo.git("mv", "checkins/2026/2026-W47-alise.md", "checkins/2026/2026-W47-alice.md")
    fixed = repo.commit({}, "2026-11-23T08:00:00+01:00")
    found = repo.read().filings
    assert found[("alice", "2026-W47")].commit == fixed
    assert ("alise", "2026-W47") in found


def test_deleted_and_re_added_checkin_keeps_the_earliest_time(repo: Repo) -> None:
    first = repo.commit({"checkins/2026/2026-W47-alice.md": "a"}, "2026-11-22T20:00:00+01:00")
    repo.commit({"checkins/2026/2026-W47-alice.md": None}, "2026-11-23T20:00:00+01:00")
    repo.commit({"checkins/2026/2026-W47-alice.md": "again"}, "2026-11-24T20:00:00+01:00")
    assert repo.read().filings[("alice", "2026-W47")].commit == first


def test_checkin_committed_by_someone_else_records_that_author(repo: Repo) -> None:
    repo.commit({"checkins/2026/2026-W47-alice.md": "a"}, "2026-11-22T20:00:00+01:00", author=BOB)
    filing = repo.read().filings[("alice", "2026-W47")]
    assert (filing.member, filing.author_name, filing.author_email) == ("alice", *BOB)


def test_mailmap_maps_old_addresses_also_in_a_bare_clone(repo: Repo, tmp_path: Path) -> None:
    repo.commit({".mailmap": "Alice Moreno <alice@example.org> <alice@old.example>\n"},
                "2026-11-16T09:00:00+00:00")
    repo.commit({"checkins/2026/2026-W47-alice.md": "a"}, "2026-11-22T20:00:00+01:00",
                author=("al", "alice@old.example"))
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.path), str(tmp_path / "bare.git")], check=True)
    for path in (repo.path, tmp_path / "bare.git"):
        filing = read_history(pygit2.Repository(str(path))).filings[("alice", "2026-W47")]
        assert (filing.author_name, filing.author_email) == ALICE


def _raw_commit(repo: Repo, author: bytes, extra_header: bytes = b"") -> str:
    tree = repo.git("write-tree")
    raw = (b"tree " + tree.encode() + b"\nauthor " + author + b" <odd@example.org> 1795375800 +0100\n"
           b"committer Odd <odd@example.org> 1795375800 +0100\n" + extra_header + b"\nodd\n")
    oid = repo.git("hash-object", "-t", "commit", "-w", "--stdin", "--literally", input=raw)
    repo.git("update-ref", "HEAD", oid)
    return oid


@pytest.mark.parametrize(("raw_name", "header", "expected"), [
    (b"Jos\xe9 \xff", b"", "Jos\ufffd \ufffd"),
    (b"Jos\xe9", b"encoding ISO-8859-1\n", "José"),
    (b"Jos\xe9", b"encoding no-such-charset\n", "Jos\ufffd"),
])
def test_author_names_that_are_not_utf8_do_not_crash(repo: Repo, raw_name: bytes, header: bytes,
                                                     expected: str) -> None:
    (repo.path / "checkins").mkdir()
    (repo.path / "checkins/2026-W47-alice.md").write_text("a")
    repo.git("add", "checkins")
    _raw_commit(repo, raw_name, header)
    filing = repo.read().filings[("alice", "2026-W47")]
    assert filing.author_name == expected
    assert filing.at == datetime(2026, 11, 22, 20, 30, tzinfo=CEST)


def test_empty_repository_and_unborn_branch_give_an_empty_history(repo: Repo, tmp_path: Path) -> None:
    empty = History(None, {}, {}, ())
    assert repo.read() == empty
    assert repo.read(cache_dir=tmp_path / "cache") == empty
    repo.commit({"checkins/2026/2026-W47-alice.md": "a"}, "2026-11-22T20:00:00+01:00")
    repo.git("symbolic-ref", "HEAD", "refs/heads/not-yet")
    assert repo.read() == empty


def test_detached_head_reads_the_history_behind_it(repo_with_two_filings: Repo) -> None:
    repo_with_two_filings.git("checkout", "-q", "--detach", "HEAD~1")
    result = repo_with_two_filings.read()
    assert result.head == repo_with_two_filings.git("rev-parse", "HEAD")
    assert set(result.filings) == {("alice", "2026-W47")}


def test_bare_clone_reads_the_same_history(repo_with_two_filings: Repo, tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo_with_two_filings.path), str(bare)], check=True)
    assert read_history(pygit2.Repository(str(bare))) == repo_with_two_filings.read()


def test_shallow_clone_warns_that_older_history_is_missing(repo_with_two_filings: Repo,
                                                           tmp_path: Path) -> None:
    repo_with_two_filings.commit({"notes.md": "n"}, "2026-11-24T09:00:00+00:00")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo_with_two_filings.path}",
                    str(shallow)], check=True)
    result = read_history(pygit2.Repository(str(shallow)), cache_dir=tmp_path / "cache")
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("history is shallow (a shallow clone): periods before 2026-11-22 are unknown")
    assert result.filings[("bob", "2026-W47")] == repo_with_two_filings.read().filings[("bob", "2026-W47")]
    again = read_history(pygit2.Repository(str(shallow)), cache_dir=tmp_path / "cache")
    assert again == result
    assert repo_with_two_filings.read().warnings == ()
    # Once deepened, the cache made from the cut history no longer applies.
    subprocess.run(["git", "-C", str(shallow), "fetch", "-q", "--unshallow"], check=True)
    deepened = read_history(pygit2.Repository(str(shallow)), cache_dir=tmp_path / "cache")
    assert deepened == repo_with_two_filings.read()


def test_pause_is_dated_by_the_commit_that_first_announced_it(repo: Repo) -> None:
    holidays = "{member: bob, from: 2026-12-21, to: 2027-01-03, reason: family}"
    repo.commit({"contracts/pact.md": pausable()}, "2026-11-01T10:00:00+01:00")
    repo.commit({"contracts/pact.md": pausable(holidays)}, "2026-12-05T18:30:00-05:00", author=BOB)
    repo.commit({"contracts/pact.md": pausable(holidays.replace("family", "travel"),
                                                "{member: alice, from: 2027-02-01}",
                                                "{member: Alice!, from: 2027-02-01, to: 2027-02-08}",
                                                "{member: alice, from: 2027-02-31, to: 2027-03-08}",
                                                "just text")},
                "2026-12-10T09:00:00+01:00")
    repo.commit({"contracts/other.md": pausable("{member: alice, from: 2027-03-01, to: 2027-03-07}"),
                 "contracts/broken.md": "---\npauses: [\n---\n"}, "2026-12-12T09:00:00+01:00")
    assert repo.read().pauses == {
        ("pact", "bob", "2026-12-21", "2027-01-03"): datetime(2026, 12, 5, 18, 30, tzinfo=EST),
        ("other", "alice", "2027-03-01", "2027-03-07"): datetime(2026, 12, 12, 9, 0, tzinfo=CEST),
    }


def test_contract_front_matter_is_parsed_once_however_often_the_text_below_changes(
        repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    holidays = "{member: bob, from: 2026-12-21, to: 2027-01-03, reason: family}"
    repo.commit({"contracts/pact.md": pausable(holidays)}, "2026-11-01T10:00:00+01:00")
    for n in range(5):  # edits below the front matter: the pauses cannot have changed
        repo.commit({"contracts/pact.md": pausable(holidays) + f"Revision {n}.\n"}, f"2026-11-0{n + 2}T10:00:00+01:00")
    # Versions that cannot name a pause, and one that names it only through an escape.
    repo.commit({"contracts/other.md": "---\ntitle: Other\nparties: [alice]\n---\n"}, "2026-11-08T10:00:00+01:00")
    repo.commit({"contracts/other.md": '---\ntitle: Other\n"\\x70auses": [{member: alice, from: 2027-03-01, '
                                       'to: 2027-03-07}]\n---\n'}, "2026-11-09T10:00:00+01:00")
    parsed: list[str] = []
    original = contract_versions.load_front_matter
    monkeypatch.setattr(contract_versions, "load_front_matter", lambda text: parsed.append(text) or original(text))
    assert repo.read().pauses == {
        ("pact", "bob", "2026-12-21", "2027-01-03"): datetime(2026, 11, 1, 10, 0, tzinfo=CEST),
        ("other", "alice", "2027-03-01", "2027-03-07"): datetime(2026, 11, 9, 10, 0, tzinfo=CEST),
    }
    # Pact's one front matter, and other's two (each version's terms are read, pauses or not).
    assert len(parsed) == 3


def test_big_year_folder_edits_renames_and_adds_of_the_same_size(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    # Over 64 check-ins in a folder: a commit that only edits is told apart from one that
    # swaps a name (same number of files) without a diff; the swap still files its new key.
    weeks = [f"2026-W{w:02d}" for w in range(1, 45)]
    first = {f"checkins/2026/{w}-{m}.md": f"{w} {m}" for w in weeks for m in ("alice", "bob")}
    repo.commit(first, "2026-11-01T10:00:00+00:00")
    diffs: list[int] = []
    original = history._added_paths
    monkeypatch.setattr(history, "_added_paths", lambda old, new: diffs.append(1) or original(old, new))
    repo.commit({"checkins/2026/2026-W10-alice.md": "edited"}, "2026-11-02T10:00:00+00:00")
    repo.git("mv", "checkins/2026/2026-W44-bob.md", "checkins/2026/2026-W45-bob.md")
    renamed = repo.commit({}, "2026-11-03T10:00:00+00:00")
    repo.commit({"checkins/2026/2026-W11-bob.md": "edited too"}, "2026-11-04T10:00:00+00:00")
    found = repo.read().filings
    assert found[("bob", "2026-W45")].commit == renamed
    assert len(found) == 89  # 88 from the first commit, the renamed one's new key
    assert len(diffs) == 1  # only the rename needed a diff


def test_a_moved_checkin_is_found_in_its_parent_without_listing_a_flat_folder(
        repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A key added again (here by a move) is looked up in the parent's folders: the raw tree
    # is searched for the name, and only a folder that holds folders is listed.
    weeks = [f"2026-W{w:02d}" for w in range(1, 45)]
    first = repo.commit({f"checkins/2026/{w}-{m}.md": f"{w} {m}" for w in weeks for m in ("alice", "bob")},
                        "2026-11-01T10:00:00+00:00")
    repo.read(cache_dir=tmp_path / "cache")  # then only the move is walked: its big folder is diffed
    (repo.path / "checkins/old").mkdir()
    repo.git("mv", "checkins/2026/2026-W01-alice.md", "checkins/old/2026-W01-alice.md")
    repo.commit({}, "2026-11-03T10:00:00+00:00")
    year = repo.git("rev-parse", f"{first}:checkins/2026")
    listed: list[str] = []
    original = history._Trees._listing
    monkeypatch.setattr(history._Trees, "_listing", lambda self, oid: listed.append(str(oid)) or original(self, oid))
    warm = repo.read(cache_dir=tmp_path / "cache")
    assert warm.filings[("alice", "2026-W01")].commit == first
    assert year not in listed
    assert warm == repo.read()


def _cached(cache: Path) -> history_cache.Cached:
    return history_cache.load_cache(cache / CACHE_FILE, [])  # type: ignore[return-value]


def _deltas(cache: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (cache / DELTAS_FILE).read_text().split("\n")[1:]]


def _delta(cache: Path, **parts: Any) -> str:
    """A line continuing the cache at its head, to its head: applied, it changes what is read."""
    cached = _cached(cache)
    return "\n" + json.dumps({"file": cached.base, "base": cached.head, "head": cached.head, "filings": [],
                              "pauses": [], "zones": [], "replies": [], "terms": [], "raised": [], **parts})


def test_warm_run_after_a_new_commit_equals_a_cold_run(repo_with_two_filings: Repo, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    repo_with_two_filings.read(cache_dir=cache)
    first, base = _cached(cache), (cache / CACHE_FILE).read_bytes()
    repo_with_two_filings.commit({"checkins/2026/2026-W48-alice.md": "a",
                                  "contracts/pact.md": pausable("{member: bob, from: 2027-01-04, to: 2027-01-10}")},
                                 "2026-11-29T20:00:00+01:00")
    cold = repo_with_two_filings.read()
    monkeypatch.setattr(history, "_walk_all", None)  # a warm run must not walk the old history
    assert repo_with_two_filings.read(cache_dir=cache) == cold
    assert (cache / CACHE_FILE).read_bytes() == base  # appended beside it: the base file is kept as it was
    [line] = _deltas(cache)
    assert (line["file"], line["base"], line["head"]) == (first.base, first.head, cold.head)
    assert [item[:2] for item in line["filings"]] == [["alice", "2026-W48"]]  # only what changed
    assert [item[:2] for item in line["pauses"]] == [["pact", "bob"]] and line["terms"]
    monkeypatch.setattr(history, "_walk_new", None)  # nor walk at all when HEAD has not moved
    assert repo_with_two_filings.read(cache_dir=cache) == cold


def test_cache_lines_from_another_head_or_cut_short_are_skipped(repo_with_two_filings: Repo, tmp_path: Path) -> None:
    # Two commands that each append from the cached head (two worktrees on two branches):
    # the second line does not continue the first, so it is skipped, never mixed in.
    repo, cache = repo_with_two_filings, tmp_path / "cache"
    repo.read(cache_dir=cache)
    base, token = repo.git("rev-parse", "HEAD"), _cached(cache).base
    repo.git("checkout", "-q", "-b", "other")
    repo.commit({"checkins/2026/2026-W48-bob.md": "b"}, "2026-11-29T20:00:00+00:00", author=BOB)
    other = repo.read(cache_dir=cache)
    repo.git("checkout", "-q", "main")
    repo.commit({"checkins/2026/2026-W48-alice.md": "a"}, "2026-11-29T21:00:00+00:00")
    text = (cache / DELTAS_FILE).read_text()
    main = repo.git("rev-parse", "HEAD")
    main_line = json.dumps({"file": token, "base": base, "head": main, "filings": [["alice", "2026-W48", 1, 0, main,
                            "checkins/2026/2026-W48-alice.md", "A", "a@x"]],
                            "pauses": [], "zones": [], "replies": [], "terms": [], "raised": []})
    (cache / DELTAS_FILE).write_text(text + "\n" + main_line)
    repo.git("checkout", "-q", "other")
    assert repo.read(cache_dir=cache) == other  # the main line starts from `base`, not from other's head
    (cache / DELTAS_FILE).write_text(text[: len(text) - 5] + "\n" + main_line)  # other's line cut short
    assert repo.read(cache_dir=cache) == other
    assert _cached(cache).head == other.head


def test_deltas_of_another_base_file_are_skipped(repo_with_two_filings: Repo, tmp_path: Path) -> None:
    # Lines left from a base file since written whole again (say, for another shallow cut)
    # may start from its very head: they name the file they continue.
    repo, cache = repo_with_two_filings, tmp_path / "cache"
    cold = repo.read(cache_dir=cache)
    line = _delta(cache, filings=[["alice", "2026-W01", 1, 0, cold.head, "p", "n", "e"]])
    (cache / DELTAS_FILE).write_text(line.replace(_cached(cache).base, "0" * 16))
    assert repo.read(cache_dir=cache) == cold
    (cache / DELTAS_FILE).write_text(line)  # the very line naming this file is applied
    assert set(repo.read(cache_dir=cache).filings) == {*cold.filings, ("alice", "2026-W01")}


def test_misshapen_appended_line_changes_nothing(repo_with_two_filings: Repo, tmp_path: Path) -> None:
    repo, cache = repo_with_two_filings, tmp_path / "cache"
    cold = repo.read(cache_dir=cache)
    filing = ["alice", "2026-W01", 1, 0, cold.head, "p", "n", "e"]
    good = _delta(cache, filings=[filing])
    for bad in (_delta(cache, filings=[filing], terms=[["not", "terms"]]),
                _delta(cache, filings=[[*filing[:2], True, *filing[3:]]]),  # a bool is no time
                _delta(cache, filings=[filing[:-1]]), _delta(cache, filings=[[*filing[:-1], ["e"]]]),
                _delta(cache, filings=[filing], zones=[[1, 0, cold.head, {"alice": 1}]]),
                _delta(cache, filings=[filing], raised=[[cold.head, 1.5]]),
                good.replace('"file"', '"fil"'), good[: len(good) // 2], "\n" + "[" * 100_000):
        (cache / DELTAS_FILE).write_text(bad)
        assert repo.read(cache_dir=cache) == cold, bad[:200]
    (cache / DELTAS_FILE).write_text(good)  # the well-formed line is applied: the others were refused
    assert len(repo.read(cache_dir=cache).filings) == len(cold.filings) + 1


def test_cache_is_written_whole_again_after_many_appends(repo: Repo, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history_cache, "_MAX_DELTAS", 2)
    cache = tmp_path / "cache"
    for day in range(1, 7):
        repo.commit({f"checkins/2026/2026-W{day:02d}-alice.md": "a",
                     f"replies/2026/2026-W{day - 1:02d}-bob-to-alice.md": "b"}, f"2026-01-0{day}T10:00:00+00:00")
        warm = repo.read(cache_dir=cache)
        assert warm == repo.read()
        deltas = cache / DELTAS_FILE
        assert not deltas.exists() or deltas.read_text().count("\n") <= 2
    assert len(warm.filings) == 6 and len(warm.replies) == 6


def test_paths_that_are_not_utf8_survive_the_cache(repo: Repo, tmp_path: Path) -> None:
    # A folder name in Latin-1: libgit2 names it with a surrogate escape, which UTF-8
    # output refused; the cache keeps the same name, in the base file and in a delta.
    name = os.fsdecode(b"checkins/caf\xe9")
    (repo.path / name).mkdir(parents=True)
    (repo.path / name / "2026-W01-alice.md").write_text("a")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "x")
    cold = repo.read(cache_dir=tmp_path / "cache")
    assert (tmp_path / "cache" / CACHE_FILE).exists()
    assert cold.filings[("alice", "2026-W01")].path == name + "/2026-W01-alice.md"
    assert repo.read(cache_dir=tmp_path / "cache") == cold == repo.read()
    repo.commit({name + "/2026-W02-alice.md": "a"}, "2026-11-02T12:00:00+00:00")
    assert repo.read(cache_dir=tmp_path / "cache") == repo.read()
    assert (tmp_path / "cache" / DELTAS_FILE).exists()


def _rewrite(change: Callable[[list[Any]], Any], tag: str = history_cache._TAG) -> Callable[[Path], None]:
    def damage(file: Path) -> None:
        file.write_bytes(plain_cache.dump(tag, change(list(plain_cache.load(file, history_cache._TAG, 1 << 30)))))
    return damage


def _part(at: int, value: Any) -> Callable[[Path], None]:
    return _rewrite(lambda raw: (*raw[:at], value, *raw[at + 1:]))


def _column(column: int, value: tuple[Any, ...]) -> Callable[[Path], None]:  # of the two filings
    return _rewrite(lambda raw: (*raw[:3], (*raw[3][:column], value, *raw[3][column + 1:]), *raw[4:]))


@pytest.mark.parametrize("damage", [
    lambda file: file.write_bytes(file.read_bytes()[: file.stat().st_size // 2]),
    lambda file: file.write_bytes(file.read_bytes()[:-1] + bytes([file.read_bytes()[-1] ^ 1])),
    lambda file: file.write_bytes(b"\x00\xff garbage"),
    _rewrite(lambda raw: {"something": "else"}),
    _rewrite(tuple, tag="journal-history 999"),
    _part(0, ["0" * 40]), _part(1, "not a commit"), _part(1, "0" * 40),
    _column(2, ("soon", "soon")), _column(2, (True, True)), _column(0, ("Alice", "bob")),
    _column(1, ("2026-W47\n", "2026-W47")), _column(4, ("A" * 40, "a" * 40)), _column(7, ("e",)),
    _part(4, {"not": "columns"}), _part(5, {"1" * 40: (1, 0, "2" * 40, {})}),
    _part(8, (("1" * 40,), (True,))),
], ids=["truncated", "byte", "binary", "foreign", "version", "shallow", "head", "missing-head", "filing-shape",
        "filing-bool", "filing-key", "filing-period", "filing-commit", "ragged", "pauses", "zones", "raised"])
def test_damaged_cache_is_ignored_and_rewritten(repo_with_two_filings: Repo, tmp_path: Path, damage) -> None:
    cache = tmp_path / "cache"
    cold = repo_with_two_filings.read(cache_dir=cache)
    file = cache / CACHE_FILE
    stored = plain_cache.load(file, history_cache._TAG, 1 << 30)
    damage(file)
    assert repo_with_two_filings.read(cache_dir=cache) == cold
    again = plain_cache.load(file, history_cache._TAG, 1 << 30)  # written whole again, but for its token
    assert again[:2] + again[3:] == stored[:2] + stored[3:] and again[2] != stored[2]


def test_the_json_cache_of_earlier_versions_is_removed(repo_with_two_filings: Repo, tmp_path: Path) -> None:
    (cache := tmp_path / "cache").mkdir()
    (cache / "history.json").write_text('{"format": "journal-history", "version": 5}\n')
    assert repo_with_two_filings.read(cache_dir=cache) == repo_with_two_filings.read()
    assert not (cache / "history.json").exists() and (cache / CACHE_FILE).exists()


def test_well_formed_cache_for_the_same_head_is_trusted(repo_with_two_filings: Repo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = repo_with_two_filings.read(cache_dir=cache)
    # Well-formed: a cache is validated, not re-derived.
    _rewrite(lambda raw: (*raw[:3], tuple(column[:1] for column in raw[3]), *raw[4:]))(cache / CACHE_FILE)
    assert len(repo_with_two_filings.read(cache_dir=cache).filings) == 1 < len(cold.filings)


def test_mailmap_edited_after_caching_applies_to_cached_filings(repo_with_two_filings: Repo,
                                                                tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    repo_with_two_filings.read(cache_dir=cache)
    repo_with_two_filings.commit({".mailmap": "Bob O. <bob@example.org> <bob@example.com>\n"},
                                 "2026-11-24T09:00:00+00:00")
    filing = repo_with_two_filings.read(cache_dir=cache).filings[("bob", "2026-W47")]
    assert (filing.author_name, filing.author_email) == ("Bob O.", "bob@example.org")


def test_cache_that_cannot_be_written_is_skipped(repo_with_two_filings: Repo, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    assert repo_with_two_filings.read(cache_dir=tmp_path / "a-file" / "cache") == repo_with_two_filings.read()


def test_force_push_rebuilds_from_scratch(repo_with_two_filings: Repo, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert ("bob", "2026-W47") in repo_with_two_filings.read(cache_dir=cache).filings
    repo_with_two_filings.git("reset", "-q", "--hard", "HEAD~1")
    repo_with_two_filings.commit({"checkins/2026/2026-W47-carol.md": "c"}, "2026-11-22T21:00:00+00:00")
    warm = repo_with_two_filings.read(cache_dir=cache)
    assert warm == repo_with_two_filings.read()
    assert set(warm.filings) == {("alice", "2026-W47"), ("carol", "2026-W47")}
