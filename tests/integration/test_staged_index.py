"""The staged index as the pre-commit hook reads it (store/git.index_blobs): HEAD's journal
files from a listing kept by the tree's id, and what the index changes against HEAD from
libgit2's diff. Whatever is staged (adds, edits, deletes, renames, symlinks, intent to add,
a temporary index of `git commit -- <path>`), it is exactly a walk of every index entry;
a listing that is damaged or of another tree is ignored and rebuilt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pygit2
import pytest

from journal.core import layout
from journal.store import plain_cache
from journal.store.git import LISTING_FILE, LISTING_TAG, cache_dir, index_blobs, staged_index
from tests.support.hooked_repos import ALICE, BOB_GOAL, at, commit, two_goal_journal
from tests.support.journals import checkin, git

W37, W38, W39 = (f"checkins/2026/2026-W{n}-alice.md" for n in (37, 38, 39))
BOB37 = "checkins/2026/2026-W37-bob.md"


def full_walk(index: pygit2.Index) -> list[tuple[str, str]]:
    """Every journal file of the index, entry by entry (what index_blobs stands for)."""
    return [(e.path, str(e.id)) for e in index
            if e.mode != pygit2.enums.FileMode.LINK and layout.entry_kind(e.path) is not None]


@pytest.fixture
def journal(tmp_path: Path, run) -> Path:
    repo = two_goal_journal(tmp_path / "journal", run)
    commit(repo, {W37: checkin("alice", "2026-W37"), BOB37: checkin("bob", "2026-W37")},
           at("2026-09-13T10:00:00+02:00", ALICE))
    return repo


def stage_everything_at_once(repo: Path) -> None:
    """An add, an edit, a delete, a rename, a symlinked entry, a file turned into a symlink,
    an intent to add, and files that are not the journal's."""
    (repo / W38).write_text(checkin("alice", "2026-W38"), encoding="utf-8")
    (repo / W37).write_text(checkin("alice", "2026-W37").replace("Ran.", "Ran far."), encoding="utf-8")
    git(repo, "add", W38, W37)
    git(repo, "rm", "-q", "goals/berlin-half.md")
    git(repo, "mv", BOB37, "checkins/2026/2026-W36-bob.md")
    os.symlink("../../journal.yaml", repo / "checkins/2026/2026-W40-alice.md")
    (repo / "goals/bob-10k.md").unlink()
    os.symlink("../journal.yaml", repo / "goals/bob-10k.md")
    (repo / W39).write_text(checkin("alice", "2026-W39"), encoding="utf-8")
    (repo / "notes.txt").write_text("not the journal's\n", encoding="utf-8")
    (repo / "checkins/2026/notes.txt").write_text("nor this\n", encoding="utf-8")
    git(repo, "add", "checkins/2026/2026-W40-alice.md", "goals/bob-10k.md", "notes.txt", "checkins/2026/notes.txt")
    git(repo, "add", "-N", W39)


def test_what_is_staged_is_what_a_walk_of_the_index_gives(journal: Path) -> None:
    stage_everything_at_once(journal)
    repo = pygit2.Repository(str(journal))
    index = staged_index(repo)
    expected = full_walk(index)
    assert W38 in dict(expected) and "goals/berlin-half.md" not in dict(expected)
    assert "checkins/2026/2026-W36-bob.md" in dict(expected) and BOB37 not in dict(expected)
    assert index_blobs(repo, index) == expected
    listing = cache_dir(repo) / LISTING_FILE
    assert listing.is_file()
    assert index_blobs(repo, index) == expected  # from the kept listing
    # A new HEAD: the listing is made again for its tree.
    git(journal, "commit", "-q", "--no-verify", "-m", "all of it", env=at("2026-09-20T10:00:00+02:00", ALICE))
    git(journal, "rm", "-q", "--cached", W38)
    (journal / W38.replace("W38", "W41")).write_text(checkin("alice", "2026-W41"), encoding="utf-8")
    git(journal, "add", W38.replace("W38", "W41"))
    repo = pygit2.Repository(str(journal))
    index = staged_index(repo)
    assert index_blobs(repo, index) == full_walk(index)
    assert plain_cache.load(listing, LISTING_TAG, 1 << 30)[0] == str(repo.head.peel(pygit2.Commit).tree.id)


def test_a_conflicted_index_is_walked(journal: Path) -> None:
    git(journal, "checkout", "-q", "-b", "other")
    (journal / W37).write_text(checkin("alice", "2026-W37").replace("Ran.", "Ran on the other branch."))
    git(journal, "commit", "-q", "--no-verify", "-am", "other", env=at("2026-09-14T10:00:00+02:00", ALICE))
    git(journal, "checkout", "-q", "main")
    (journal / W37).write_text(checkin("alice", "2026-W37").replace("Ran.", "Ran on main."))
    git(journal, "commit", "-q", "--no-verify", "-am", "main", env=at("2026-09-14T11:00:00+02:00", ALICE))
    assert git(journal, "merge", "-q", "other", env=ALICE, check=False).returncode != 0
    repo = pygit2.Repository(str(journal))
    index = staged_index(repo)
    assert index.conflicts is not None
    assert index_blobs(repo, index) == full_walk(index)


@pytest.mark.parametrize("damage", ["cut", "garbage", "flip", "other tree", "shape"])
def test_a_damaged_listing_is_ignored_and_rebuilt(journal: Path, damage: str) -> None:
    repo = pygit2.Repository(str(journal))
    index = staged_index(repo)
    expected = full_walk(index)
    assert index_blobs(repo, index) == expected
    listing = cache_dir(repo) / LISTING_FILE
    data = listing.read_bytes()
    tree, found = plain_cache.load(listing, LISTING_TAG, 1 << 30)
    forged = {**found, "goals/forged.md": found["journal.yaml"]}
    listing.write_bytes({
        "cut": data[: len(data) // 2],
        "garbage": b"\x00\xff not a listing",
        "flip": data[:-2] + bytes([data[-2] ^ 0x55]) + data[-1:],
        "other tree": plain_cache.dump(LISTING_TAG, ("0" * len(tree), forged)),
        "shape": plain_cache.dump(LISTING_TAG, (tree, {"goals/forged.md": 5})),
    }[damage])
    assert index_blobs(repo, index) == expected
    assert plain_cache.load(listing, LISTING_TAG, 1 << 30) == (tree, found)


PROBE = """\
import json, sys
import pygit2
from journal.core import layout
from journal.store.git import index_blobs, staged_index
repo = pygit2.Repository(".")
index = staged_index(repo)
walk = [(e.path, str(e.id)) for e in index
        if e.mode != pygit2.enums.FileMode.LINK and layout.entry_kind(e.path) is not None]
json.dump({"walk": walk, "read": index_blobs(repo, index)}, open(sys.argv[1], "w"))
"""


def test_a_temporary_index_of_git_commit_with_paths_is_read_as_git_commits_it(journal: Path, tmp_path: Path) -> None:
    """`git commit -- <path>` records a temporary index (GIT_INDEX_FILE) holding HEAD and that
    path only: what else is staged in .git/index is not part of the commit."""
    probe, out = tmp_path / "probe.py", tmp_path / "seen.json"
    probe.write_text(PROBE)
    hook = journal / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{probe}" "{out}"\n')
    (journal / W38).write_text(checkin("alice", "2026-W38"), encoding="utf-8")
    (journal / "goals/bob-10k.md").write_text(BOB_GOAL.replace("Why", "Why, again,"), encoding="utf-8")
    git(journal, "add", W38, "goals/bob-10k.md")
    git(journal, "rm", "-q", "--cached", BOB37)
    assert git(journal, "commit", "-q", "-m", "one", "--", W38, env=ALICE).returncode == 0
    seen = json.loads(out.read_text())
    assert [tuple(item) for item in seen["read"]] == [tuple(item) for item in seen["walk"]]
    paths = dict(seen["read"])
    assert W38 in paths and BOB37 in paths  # Bob's removal stays staged in .git/index only
    assert paths["goals/bob-10k.md"] == git(journal, "rev-parse", "HEAD~1:goals/bob-10k.md").stdout.strip()


def test_stale_digest_files_are_unstaged_from_head_and_from_the_index(journal: Path) -> None:
    """The hook removes generated files the digest no longer writes, whether HEAD has them or
    only the index does, without walking the index."""
    charts = journal / "digest" / "charts"
    charts.mkdir(parents=True, exist_ok=True)
    chart = "<svg><!-- Built by journal digest; do not edit. --></svg>\n"  # what the digest wrote once
    (charts / "goal-gone.svg").write_text(chart)
    git(journal, "add", "-f", "digest/charts/goal-gone.svg")
    git(journal, "commit", "-q", "--no-verify", "-m", "stale", env=at("2026-09-14T10:00:00+02:00", ALICE))
    (charts / "goal-staged.svg").write_text(chart)
    (charts / "notes.txt").write_text("mine\n")
    git(journal, "add", "-f", "digest/charts/goal-staged.svg", "digest/charts/notes.txt")
    commit(journal, {W38: checkin("alice", "2026-W38")}, at("2026-09-20T10:00:00+02:00", ALICE))
    kept = git(journal, "ls-tree", "-r", "--name-only", "HEAD", "--", "digest").stdout.split()
    assert "digest/README.md" in kept and "digest/charts/notes.txt" in kept
    assert "digest/charts/goal-gone.svg" not in kept and "digest/charts/goal-staged.svg" not in kept


def _tree_with_a_name_twice(repo: Path, folder: str, name: str, first: str, second: str) -> str:
    """A root tree like HEAD's whose `folder` holds `name` twice (blob ids `first`, `second`),
    written as raw bytes: git's own commands refuse to build one, but a remote that does not
    run fsck accepts it from a partner's push."""
    def entries(tree: str) -> list[tuple[bytes, bytes, bytes]]:
        out = []
        for line in git(repo, "ls-tree", tree).stdout.splitlines():
            meta, path = line.split("\t")
            mode, _, oid = meta.split()
            out.append((mode.encode(), path.encode(), bytes.fromhex(oid)))
        return out

    def write(items: list[tuple[bytes, bytes, bytes]]) -> str:
        raw = b"".join(b"%s %s\0%s" % item for item in items)
        return subprocess.run(["git", "hash-object", "-t", "tree", "--literally", "-w", "--stdin"], cwd=repo,
                              input=raw, capture_output=True, check=True).stdout.decode().strip()

    top, inner = folder.split("/")
    leaf = [i for i in entries(f"HEAD:{folder}") if i[1] != name.encode()]
    leaf += [(b"100644", name.encode(), bytes.fromhex(first)), (b"100644", name.encode(), bytes.fromhex(second))]
    middle = [i for i in entries(f"HEAD:{top}") if i[1] != inner.encode()] + [(b"40000", inner.encode(),
                                                                                 bytes.fromhex(write(leaf)))]
    root = [i for i in entries("HEAD") if i[1] != top.encode()] + [(b"40000", top.encode(),
                                                                     bytes.fromhex(write(sorted(middle, key=lambda i: i[1]))))]
    return write(sorted(root, key=lambda i: i[1]))


@pytest.mark.parametrize("staged_copy", ["first", "second"])
def test_a_tree_holding_an_entry_twice_still_gives_what_the_index_holds(journal: Path, staged_copy: str) -> None:
    # A partner pushes a commit whose tree names W38 twice; the clone checks one of them out.
    # Reading HEAD's listing and applying Git's diff dropped the file from what the hook checks
    # and from the digest it commits; the index is what counts.
    blobs = [subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=journal, capture_output=True, text=True,
                            input=checkin("alice", "2026-W38").replace("Ran.", text), check=True).stdout.strip()
             for text in ("Ran.", "Ran twice.")]
    tree = _tree_with_a_name_twice(journal, "checkins/2026", "2026-W38-alice.md", *blobs)
    head = git(journal, "commit-tree", tree, "-p", "HEAD", "-m", "a name twice",
               env=at("2026-09-20T10:00:00+02:00", ALICE)).stdout.strip()
    git(journal, "update-ref", "refs/heads/main", head)
    git(journal, "read-tree", "HEAD")
    chosen = blobs[0] if staged_copy == "first" else blobs[1]
    git(journal, "update-index", "--cacheinfo", f"100644,{chosen},{W38}")
    (journal / W39).write_text(checkin("alice", "2026-W39"), encoding="utf-8")
    git(journal, "add", W39)
    repo = pygit2.Repository(str(journal))
    index = staged_index(repo)
    assert (W38, chosen) in full_walk(index)
    assert index_blobs(repo, index) == full_walk(index)
