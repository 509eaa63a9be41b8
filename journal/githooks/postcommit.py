"""The post-commit hook: leave the committed digest as the commit recorded it.

`git commit -- <path>` (how IDEs commit one file) records a temporary index: HEAD plus
the named paths, plus what the pre-commit hook staged there (the regenerated digest).
Git then puts only the named paths into the real index, so the digest the commit
recorded is missing from the index and the working tree, and the next commit would put
the old one back. After a commit that changed the digest, the real index and the working
tree get HEAD's digest files; any other commit leaves them alone (a digest regenerated
after a pull still waits for the next commit).
"""

from __future__ import annotations

from pathlib import Path

import pygit2

from journal.core import layout
from journal.core.entries import read_entry
from journal.digest import committed
from journal.store import paths

_TREE = pygit2.enums.ObjectType.TREE


def sync_digest(repo: pygit2.Repository) -> list[str]:
    """Bring the real index and working tree to HEAD's committed digest, if HEAD changed it.
    Returns the paths changed."""
    from journal.store.local_state import digest_sync_mark

    # The mark has done its work once this runs (the shim starts Python only for it).
    digest_sync_mark(Path(repo.path)).unlink(missing_ok=True)
    if repo.head_is_unborn or repo.workdir is None:
        return []
    head = repo.head.peel(pygit2.Commit)
    try:
        config = read_entry(layout.CONFIG, "config", repo[head.tree[layout.CONFIG].id].read_raw())
        where = committed.folder_of(config.data) if hasattr(config, "data") else None
    except (KeyError, Exception):  # noqa: BLE001 - no usable journal.yaml: nothing to keep in step
        return []
    if where is None:
        return []
    ours = generated_files(repo, head.tree, where)
    before = [generated_files(repo, p.tree, where) for p in head.parents]
    if before and all(b == ours for b in before):
        return []  # this commit did not change the digest
    root, index, changed = Path(repo.workdir), repo.index, []
    index.read()
    prefix = f"{where}/"
    gone = [e.path for e in index
            if e.path.startswith(prefix) and e.path not in ours and committed.is_generated(e.path[len(prefix):])]
    stale = [rel for rel, oid in ours.items() if _worktree_bytes(root, rel) != repo[oid].data]
    # Checked before anything is written: only what journal wrote is replaced or deleted.
    committed.require_ours(root, where, stale, gone, committed.tracked_in(repo))
    for rel, oid in ours.items():
        entry = index[rel] if rel in index else None
        if entry is None or entry.id != oid:
            index.add(pygit2.IndexEntry(rel, oid, pygit2.enums.FileMode.BLOB))
            changed.append(rel)
        if rel in stale:
            paths.write_replace(root, rel, repo[oid].data)
            if rel not in changed:
                changed.append(rel)
    for rel in gone:
        index.remove(rel)
        changed.append(rel)
        if paths.kind(root, rel) is not None:
            paths.unlink(root, rel)
    if changed:
        index.write()
    return sorted(changed)


def _worktree_bytes(root: Path, rel: str) -> bytes | None:
    # Through store.paths: a partner's symlinked digest folder is refused, never followed.
    try:
        return paths.read_bytes(root, rel)
    except FileNotFoundError:
        return None


def generated_files(repo: pygit2.Repository, tree: pygit2.Tree, where: str) -> dict[str, pygit2.Oid]:
    """Path -> blob id of the generated files under `where` in `tree`."""
    try:
        sub = tree[where]
    except KeyError:
        return {}
    found: dict[str, pygit2.Oid] = {}
    todo = [(repo[sub.id], f"{where}/")]
    while todo:
        node, prefix = todo.pop()
        if not isinstance(node, pygit2.Tree):
            continue
        for item in node:
            rel = prefix + str(item.name)
            if item.type == _TREE:
                todo.append((repo[item.id], rel + "/"))
            elif committed.is_generated(rel[len(where) + 1:]):
                found[rel] = item.id
    return found
