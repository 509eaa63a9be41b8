"""Journal files as Git holds them (a commit's tree, the index), parsed once per blob.

Parsed entries are cached by blob id — a content hash — under `<gitdir>/journal/`, so a
later run parses only what changed (store/entry_cache.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pygit2

from journal.core import layout
from journal.core.entries import Entry, read_entry
from journal.core.problems import Problem
from journal.errors import JournalError
from journal.store import plain_cache
from journal.store.entry_cache import EntryCache
from journal.store.local_state import MAX_STATE_BYTES, read_json

_TOPS = layout.FOLDERS


def cache_dir(repo: pygit2.Repository) -> Path:
    return Path(repo.path) / "journal"


def head_tree(repo: pygit2.Repository) -> pygit2.Tree | None:
    if repo.head_is_unborn:
        return None
    try:
        return repo.head.peel(pygit2.Commit).tree
    except (pygit2.GitError, KeyError) as exc:
        raise JournalError(f"cannot read HEAD: {exc}", hint="is this a partial or damaged clone? try `git fetch`") from None


#: first_commit's answers by (git directory, HEAD): a build asks for every feed and calendar.
_FIRST_COMMITS: dict[tuple[str, str], str] = {}


def first_commit(repo: pygit2.Repository | None) -> str | None:
    """The id of the journal's first commit: the root reached from HEAD by first parents.

    It names the journal for the ids of the feed and the calendar: it never changes while
    the history is kept, and two journals share it only when one grew from the other (a
    clone, a fork). None when nothing is committed yet. In a shallow clone the first
    commit is not there: the oldest commit the clone holds stands in for it."""
    if repo is None or repo.head_is_unborn:
        return None
    key = (repo.path, str(repo.head.target))
    if key not in _FIRST_COMMITS:
        oldest = _walk_to_first(repo)
        if oldest is None:
            return None
        _FIRST_COMMITS[key] = oldest
    return _FIRST_COMMITS[key]


def tree_blobs(tree: pygit2.Tree) -> Iterator[tuple[str, pygit2.Oid]]:
    """(path, blob id) of every journal file in a commit's tree."""
    if layout.CONFIG in tree and tree[layout.CONFIG].type == pygit2.enums.ObjectType.BLOB:
        yield layout.CONFIG, tree[layout.CONFIG].id
    for top in _TOPS:
        if top in tree and tree[top].type == pygit2.enums.ObjectType.TREE:
            yield from _walk(tree[top], top)


def _walk(tree: Any, prefix: str) -> Iterator[tuple[str, pygit2.Oid]]:
    # A stack of open folders, not recursion: a partner can commit folders nested thousands
    # deep, past Python's recursion limit. The order is a recursive walk's.
    stack = [(iter(tree), prefix)]
    while stack:
        items, at = stack[-1]
        for item in items:
            path = f"{at}/{item.name}"
            if item.type == pygit2.enums.ObjectType.TREE:
                stack.append((iter(item), path))
                break
            if item.filemode != pygit2.enums.FileMode.LINK and layout.entry_kind(path) is not None:
                yield path, item.id
        else:
            stack.pop()


def staged_index(repo: pygit2.Repository) -> pygit2.Index:
    """The index the commit being made will record.

    Inside a hook, git points GIT_INDEX_FILE at the index it is committing (the locked
    index, or a temporary one for `git commit -a` or `git commit <paths>`), which can
    differ from .git/index."""
    name = os.environ.get("GIT_INDEX_FILE")
    if not name:
        return repo.index
    path = Path(name) if os.path.isabs(name) else Path(repo.workdir or repo.path) / name
    index = pygit2.Index(str(path))
    index._repo = repo  # type: ignore[assignment]  # lets diff_to_tree and friends work on an index opened by path
    return index


def index_blobs(repo: pygit2.Repository, index: pygit2.Index | None = None) -> list[tuple[str, str]]:
    """(path, blob id) of every journal file staged in `index` (by default the staged index),
    in the index's order (by path).

    A commit stages a few files of thousands, and walking the index in Python costs a
    hundred milliseconds: HEAD's journal files come from the listing kept by its tree's id
    (head_listing), and libgit2 names what the index changes against that tree. An index
    with conflicts, or one on an unborn branch, is walked entry by entry."""
    index = staged_index(repo) if index is None else index
    tree = head_tree(repo)
    if tree is None or index.conflicts is not None:
        return [(item.path, str(item.id)) for item in index if _is_entry(item.path, item.mode)]
    found = dict(head_listing(repo, tree))
    for delta in index.diff_to_tree(tree).deltas:
        old, new = delta.old_file, delta.new_file
        if delta.status == pygit2.enums.DeltaStatus.DELETED and old.path in index:
            # Only a tree that holds one name twice (git's fsck refuses it, a remote that does
            # not check accepts it from a partner) has a staged path deleted: walk the index.
            return [(item.path, str(item.id)) for item in index if _is_entry(item.path, item.mode)]
        found.pop(old.path, None)
        if delta.status != pygit2.enums.DeltaStatus.DELETED and _is_entry(new.path, new.mode):
            found[new.path] = str(new.id)
    return sorted(found.items())


def _is_entry(path: str, mode: int) -> bool:
    # What a staged journal file is: a journal path, not a symlink (the checker refuses those).
    return mode != pygit2.enums.FileMode.LINK and layout.entry_kind(path) is not None


LISTING_FILE = "head-listing.bin"
LISTING_TAG = "journal-tree-listing 2"  # 2: no path with a part that starts with a dot (core/layout.entry_kind)


def head_listing(repo: pygit2.Repository, tree: pygit2.Tree) -> dict[str, str]:
    """path -> blob id of every journal file of the commit tree `tree` as index_blobs counts
    them (symlinks left out), kept in `<git dir>/journal/head-listing.bin` by the tree's id:
    the tree is walked in Python only when HEAD moved, and then once."""
    file = cache_dir(repo) / LISTING_FILE
    tree_id = str(tree.id)
    raw = plain_cache.load(file, LISTING_TAG, MAX_STATE_BYTES)
    if (type(raw) is tuple and len(raw) == 2 and raw[0] == tree_id and type(raw[1]) is dict
            and all(type(k) is str and type(v) is str and len(v) == len(tree_id) for k, v in raw[1].items())):
        return raw[1]
    listing = {}
    if layout.CONFIG in tree:
        item = tree[layout.CONFIG]
        if item.type != pygit2.enums.ObjectType.TREE and _is_entry(layout.CONFIG, item.filemode):
            listing[layout.CONFIG] = str(item.id)
    for top in _TOPS:
        if top in tree and tree[top].type == pygit2.enums.ObjectType.TREE:
            listing.update((path, str(oid)) for path, oid in _walk(tree[top], top))
    plain_cache.save(file, LISTING_TAG, (tree_id, listing))  # read-only: walked again next time
    return listing


FIRST_COMMIT_FILE = "first-commit.json"


def _walk_to_first(repo: pygit2.Repository) -> str | None:
    """The root along first parents from HEAD, remembered under the git folder for the head
    it was found from: a later walk stops where it meets that head (its root is the same),
    so a journal of 15,000 commits is not walked on every digest. The shallow cut is part of
    the record: deepening a shallow clone moves the root."""
    from journal.store.atomic import write_replace
    from journal.store.commits import shallow_grafts
    from journal.store.history_cache import is_commit_id

    head = str(repo.head.target)
    grafts = shallow_grafts(repo)
    record = cache_dir(repo) / FIRST_COMMIT_FILE
    known = read_json(record)
    seen, root = None, None
    if isinstance(known, dict) and known.get("shallow") == grafts \
            and is_commit_id(known.get("head")) and is_commit_id(known.get("first")):
        seen, root = known["head"], known["first"]
    try:
        # Along first parents the walk is a chain, so its last commit is the root.
        walker = repo.walk(repo.head.target, pygit2.enums.SortMode.NONE)
        walker.simplify_first_parent()
        oldest = None
        for commit in walker:
            if seen is not None and str(commit.id) == seen:
                oldest = root
                break
            oldest = str(commit.id)
    except (pygit2.GitError, KeyError) as exc:
        raise JournalError(f"cannot read the history: {exc}",
                           hint="is this a partial or damaged clone? try `git fetch`") from None
    if oldest is not None and (seen, root) != (head, oldest):
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            # Unsynced: a crash leaves it empty or as it was, never naming another root (read_json
            # and is_commit_id check what is read), and a digest after each commit need not wait.
            write_replace(record, json.dumps({"head": head, "first": oldest, "shallow": grafts}), sync=False)
        except OSError:
            pass  # a read-only repository walks again next time
    return oldest


def load_blobs(repo: pygit2.Repository, blobs: Iterable[tuple[str, pygit2.Oid | str]],
               use_cache: bool = True, complete: bool = True) -> tuple[dict[str, Entry], list[Problem]]:
    """Parse journal blobs from the object store, reusing cached parses."""
    def reader(path: str, oid: pygit2.Oid | str) -> Callable[[], bytes]:
        def read() -> bytes:
            try:
                return bytes(repo[oid].read_raw())
            except KeyError:
                raise JournalError(f"object {oid} for {path} is missing from the repository",
                                   hint="a partial clone cannot reach it; run `git fetch` or clone without --filter") from None
        return read

    items = ((path, str(oid), reader(path, oid)) for path, oid in blobs)
    return parse_cached(items, cache_dir(repo) if use_cache else None, complete)


def load_files(files: Mapping[str, bytes], folder: Path | None) -> tuple[dict[str, Entry], list[Problem]]:
    """Parse working-tree bytes, keyed for the cache by their git blob id."""
    items = ((path, str(pygit2.hash(data)), (lambda d=data: d)) for path, data in files.items())
    return parse_cached(items, folder)


def parse_cached(items: Iterable[tuple[str, str, Callable[[], bytes]]],
                 folder: Path | None, complete: bool = True,
                 cache: EntryCache | None = None) -> tuple[dict[str, Entry], list[Problem]]:
    """(path, blob id, read) -> entries, reusing parses cached under `folder` (or in
    `cache`, that folder's cache already loaded)."""
    cache = cache if cache is not None else EntryCache(folder)
    entries: dict[str, Entry] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for path, key, read in items:
        kind = layout.entry_kind(path)
        if kind is None:
            continue
        key = EntryCache.key(key, kind)
        seen.add(key)
        cached = cache.get(key, path, kind, read)
        if cached is not None:
            entries[path] = cached
            continue
        result = read_entry(path, kind, read())
        if isinstance(result, Problem):
            problems.append(result)
        else:
            entries[path] = result
            cache.put(key, result)
    cache.save(seen, complete)
    return entries, problems
