"""The journal being worked on, opened once: root, repository, entries and history.

The CLI (or the click-free pre-commit path) opens a `Workspace` and hands it down;
commands, hooks and the digest read from it instead of finding the repository again.
What is costly — parsing the entries of a source, walking the history — is done on
first use and kept on the object, so a hook that summarises, builds the site and
regenerates the committed digest reads the journal and walks the history once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygit2

from journal.core.journal_index import Journal
from journal.errors import JournalError, NotAJournal, NotARepository
from journal.store import git as gitfiles
from journal.store.repository import open_repository

if TYPE_CHECKING:
    from journal.core.entries import Entry
    from journal.store.history import History

SOURCES = ("auto", "worktree", "head", "index")


def require_repository(start: Path) -> pygit2.Repository:
    """The Git repository at or above `start`; NotARepository (with its hint) when there is none."""
    repo = open_repository(start)
    if repo is None:
        raise NotARepository(f"{Path(start).absolute()} is not in a Git repository")
    return repo


def ensure_idle(start: Path) -> None:
    """Refuse to write while another git command holds the index lock."""
    repo = open_repository(start)
    if repo is not None and (Path(repo.path) / "index.lock").exists():
        raise JournalError(f"git is busy: {Path(repo.path) / 'index.lock'} exists; nothing changed",
                           hint="wait for the other git command to finish; if none is running, remove the lock file")


def find_repository_root(start: Path) -> tuple[pygit2.Repository | None, Path]:
    """The repository and journal root for `start`; a bare repository is its own root."""
    repo = open_repository(start)
    if repo is not None and repo.is_bare:
        return repo, Path(repo.path)
    from journal.store.worktree import find_root

    try:
        root = find_root(start)
    except NotAJournal:
        if repo is None or repo.workdir is None:
            raise
        root = Path(repo.workdir)
    return repo, root


@dataclass(frozen=True)
class Snapshot:
    """The journal's entries as one source (worktree, HEAD or index) holds them."""

    repo: Any  # pygit2.Repository | None
    root: Path
    journal: Journal
    source: str  # worktree | head | index
    warnings: tuple[str, ...]
    # A hash naming every entry file of the source with its content (path and blob id): two
    # snapshots with one token hold the same entries. None when unknown (read without caches).
    token: str | None = None


class Workspace:
    """One journal, opened once. Entries per source and the history load on first use."""

    def __init__(self, repo: pygit2.Repository | None, root: Path, index: pygit2.Index | None = None) -> None:
        self.repo = repo
        self.root = root
        self.index = index  # the staged index, when the caller has read it already
        self._snapshots: dict[str, Snapshot] = {}
        self._history: History | None = None
        self._history_read = False

    @classmethod
    def open(cls, start: Path) -> Workspace:
        """The journal at or above `start` (NotAJournal when there is none)."""
        repo, root = find_repository_root(start)
        return cls(repo, root)

    @classmethod
    def of_repository(cls, repo: pygit2.Repository, index: pygit2.Index | None = None) -> Workspace:
        """The journal in an already opened repository (the pre-commit hook's, with the
        staged `index` it has read)."""
        return cls(repo, Path(repo.workdir) if repo.workdir else Path(repo.path), index)

    def reopen(self) -> Workspace:
        """A fresh workspace over the same journal: for when another process changed it."""
        return Workspace(open_repository(self.root) if self.repo is not None else None, self.root)

    @property
    def first_commit(self) -> str | None:
        """The journal's first commit id (see store.git.first_commit): what names it in lasting ids."""
        return gitfiles.first_commit(self.repo)

    @property
    def cache_dir(self) -> Path | None:
        return gitfiles.cache_dir(self.repo) if self.repo is not None else None

    def snapshot(self, source: str = "auto") -> Snapshot:
        """The entries as the working tree, HEAD or the index holds them, loaded once per source.

        `auto` reads the working tree (what you are editing) and a bare repository's HEAD."""
        if source == "auto":
            source = "head" if self.repo is not None and self.repo.is_bare else "worktree"
        if source not in self._snapshots:
            self._snapshots[source] = self._load(source)
        return self._snapshots[source]

    @property
    def journal(self) -> Journal:
        """The journal of the default source."""
        return self.snapshot().journal

    @property
    def config(self) -> Entry:
        """journal.yaml as the default source holds it (loading the journal refuses one without)."""
        config = self.journal.config
        assert config is not None  # _load raises when journal.yaml is unreadable
        return config

    def history(self) -> History | None:
        """Filings and pauses of every commit reachable from HEAD; None before the first commit."""
        if not self._history_read:
            from journal.store import history

            repo = self.repo
            self._history = (history.read_history(repo, cache_dir=self.cache_dir)
                             if repo is not None and not repo.head_is_unborn else None)
            self._history_read = True
        return self._history

    def _load(self, source: str) -> Snapshot:
        repo, root = self.repo, self.root
        if source == "head":
            tree = gitfiles.head_tree(repo) if repo is not None else None
            if tree is None or repo is None:
                raise JournalError("no commits yet: HEAD holds no journal", hint="commit your entries first")
            entries, _ = gitfiles.load_blobs(repo, gitfiles.tree_blobs(tree))
        elif source == "index":
            if repo is None:
                raise NotARepository(f"{root} is not in a Git repository")
            entries, _ = gitfiles.load_blobs(repo, gitfiles.index_blobs(repo, self.index), complete=False)
        else:
            from journal.store.worktree_cache import load_worktree

            loaded = load_worktree(root, self.cache_dir)
            entries, token = loaded.entries, loaded.token
        journal = Journal(entries)
        if journal.config is None:
            from journal.store import paths  # not at the top: the pre-commit hook opens no working tree

            if source == "worktree" and paths.kind(root, "journal.yaml") is None:
                raise NotAJournal(f"no journal.yaml in {root}")
            raise JournalError(f"no readable journal.yaml in the {source} of {root}",
                               hint="run `journal check` to see what is wrong with it")
        warnings = ("no commits yet: nothing counts until check-ins are committed",) \
            if repo is None or repo.head_is_unborn else ()
        return Snapshot(repo, root, journal, source, warnings, token if source == "worktree" else None)


def workspace_of(where: Workspace | Path) -> Workspace:
    """`where` itself, or the journal opened at the path (for callers that still pass one)."""
    return where if isinstance(where, Workspace) else Workspace.open(Path(where))
