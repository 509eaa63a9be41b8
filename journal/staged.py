"""The pre-commit check: the staged state of the journal, as the commit will record it."""

from __future__ import annotations

from pathlib import Path

import pygit2

from journal import layout
from journal import problems as P
from journal.checks import CheckResult, check_entries
from journal.gitfiles import index_blobs, load_blobs
from journal.problems import Problem


def staged_paths(repo: pygit2.Repository) -> list[str]:
    """Journal files the next commit adds or changes (deletions need no check)."""
    index = repo.index
    if repo.head_is_unborn:
        return sorted(e.path for e in index if layout.entry_kind(e.path) is not None)
    diff = index.diff_to_tree(repo.head.peel(pygit2.Commit).tree)
    changed = set()
    for delta in diff.deltas:
        for f in (delta.old_file, delta.new_file):
            if layout.entry_kind(f.path) is not None and f.path in index:
                changed.add(f.path)
    return sorted(changed)


def check_staged(repo: pygit2.Repository) -> CheckResult:
    """Check the staged journal files against the staged state of the rest of the journal."""
    changed = staged_paths(repo)
    if not changed:
        return CheckResult([], 0)
    links = [Problem(e.path, 1, 1, P.ERROR, P.SYMLINK, "symlinked entries are refused; commit the file itself")
             for e in repo.index if e.path in changed and e.mode == pygit2.enums.FileMode.LINK]
    blobs = list(index_blobs(repo))
    entries, problems = load_blobs(repo, blobs)
    return check_entries(entries, problems + links, [p for p, _ in blobs] + [lp.path for lp in links], changed)
