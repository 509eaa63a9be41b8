"""Which branch `journal publish` may move: a new one, or one that holds a published site.

`digest.branch` comes from journal.yaml, which any partner can commit. Publishing
replaces the branch's whole tree, so a partner setting `digest: {branch: main}` would
have the victim's next publish wipe the journal from `main`. A branch is replaced only
when its tip looks like what publish commits (a `.nojekyll` at the top, which every
publish adds) and holds nothing of a journal.
"""

from __future__ import annotations

import pygit2

from journal.core import layout
from journal.errors import JournalError

SITE_MARK = ".nojekyll"


def _journal_content(tree: pygit2.Tree) -> list[str]:
    """Top-level names of `tree` that are journal content: journal.yaml, or an entry folder
    holding Markdown (a site has goals/*.html pages, never goals/*.md)."""
    found = [layout.CONFIG] if layout.CONFIG in tree else []
    for top in layout.FOLDERS:
        if top in tree and isinstance(tree[top], pygit2.Tree) and _holds_markdown(tree[top], depth=2):
            found.append(top)
    return found


def _holds_markdown(tree: pygit2.Tree, depth: int) -> bool:
    for item in tree:
        if item.name.endswith(".md"):
            return True
        if depth > 1 and isinstance(item, pygit2.Tree) and _holds_markdown(item, depth - 1):
            return True
    return False


def require_site_branch(tip: pygit2.Commit, branch: str) -> None:
    """Refuse to replace `branch` unless its tip tree is a site publish wrote (see module doc)."""
    tree = tip.tree
    held = _journal_content(tree)
    if held:
        raise JournalError(f"refusing to publish to '{branch}': it holds journal content ({', '.join(held)})",
                           hint="publishing replaces a branch's whole tree; choose a branch of its own, "
                                "e.g. gh-pages, and check digest.branch in journal.yaml")
    if SITE_MARK not in tree:
        raise JournalError(f"refusing to publish to '{branch}': it does not hold a site published by journal",
                           hint="choose a new branch, or delete this one first if it only held an old site")
