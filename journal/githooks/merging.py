"""After a merge or a rebase: the new commit carries the committed digest of its own state.

A merge keeps one side of `digest/` (the merge driver), and a rebase replays commits onto
the other side's digest, so either way the digest in the new HEAD knows only part of its
entries. Regenerating it into the working tree (as the hooks once did) leaves the folder
modified, and the next `git pull` stops on "Your local changes would be overwritten".

git gives no way to change a merge commit's tree before it is written (pre-merge-commit
runs after git wrote the tree, and a rebase runs no commit hook), so the post-merge and
post-rewrite hooks replace the commit git has just made by the same commit (parents,
author, committer, dates and message) whose digest is regenerated for it, move the branch
to it, and put the digest files into the index and the working tree. Only a commit that
exists nowhere else is replaced: committed here by this repository's user (a fast-forward
onto a partner's merge is the partner's), one no remote-tracking branch contains, whose
digest nobody has touched in the index or working tree since, that carries no signature
(a copy would lose it), and not while git still has to re-apply an autostash. Every path is
checked first and the branch moves last, so a failure leaves everything as git made it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pygit2

from journal.githooks.postcommit import generated_files
from journal.store.workspace import Workspace


def just_merged(repo: pygit2.Repository) -> bool:
    """Whether HEAD is a merge commit made on top of ORIG_HEAD (not a fast-forward)."""
    try:
        head = repo.head.peel(pygit2.Commit)
        before = repo.revparse_single("ORIG_HEAD").peel(pygit2.Commit).id
    except (KeyError, ValueError, pygit2.GitError):
        return False
    return len(head.parent_ids) >= 2 and head.parent_ids[0] == before


def is_merge(repo: pygit2.Repository) -> bool:
    """Whether HEAD is a merge commit."""
    return not repo.head_is_unborn and len(repo.head.peel(pygit2.Commit).parent_ids) >= 2


class NotReplaced(Exception):
    """HEAD needed a new digest but is left as it is; the message is a note for the user."""


def refresh_head_digest(workspace: Workspace) -> list[str] | None:
    """Replace HEAD by the same commit with its committed digest regenerated for it.

    Returns the digest paths that changed ([] when HEAD's digest was right already), or
    None when HEAD may not be replaced (published, made elsewhere, or its digest touched
    since). Raises NotReplaced (a signed commit, an autostash waiting) or
    committed.UnsafeDigestPath (a file in the way that journal did not write) and then
    changes nothing."""
    from journal.digest import committed
    from journal.standing import compute_standing
    from journal.store import paths

    repo = workspace.repo
    if repo is None or repo.head_is_unborn or repo.workdir is None:
        return []
    head = repo.head.peel(pygit2.Commit)
    where = committed.folder(workspace.snapshot("head").journal)
    if where is None:
        return []
    when = dt.datetime.fromtimestamp(head.commit_time, dt.timezone(dt.timedelta(minutes=head.commit_time_offset)))
    wanted = committed.render(compute_standing(workspace, when, source="head"), where)
    held = generated_files(repo, head.tree, where)
    changed = sorted(rel for rel in set(wanted) | set(held)
                     if rel not in wanted or held.get(rel) != pygit2.hash(wanted[rel]))
    if not changed:
        return []
    if not _made_here(repo, head) or _published(repo, head.id) or not _untouched(repo, where, held):
        return None
    _require_replaceable(repo, head, where)
    # Everything is checked before anything is written: a partner's link on the way, or a
    # file journal did not write, leaves HEAD, the index and the working tree as they are.
    root = Path(repo.workdir)
    for rel in changed:
        paths.require_no_link(root, rel)
    gone = [rel for rel in changed if rel not in wanted]
    committed.require_ours(root, where, [rel for rel in changed if rel in wanted], gone, committed.tracked_in(repo))
    for rel in gone:  # the commit drops it even where the working tree has none
        if not committed.looks_generated(rel, repo[held[rel]].read_raw()):
            raise committed.UnsafeDigestPath(rel, where)
    index = pygit2.Index()
    index.read_tree(head.tree)
    for rel in changed:
        if rel in wanted:
            index.add(pygit2.IndexEntry(rel, repo.create_blob(wanted[rel]), pygit2.enums.FileMode.BLOB))
        else:
            index.remove(rel)
    new = repo.create_commit(None, head.author, head.committer, head.message, index.write_tree(repo),
                             head.parent_ids)
    _sync(repo, where, wanted, changed)
    # The branch moves last: whatever failed above left it on the commit git made.
    message = f"journal: {where}/ regenerated for this commit"
    if repo.head_is_detached:
        repo.set_head(new)
    else:
        repo.references[repo.head.name].set_target(new, message)
    return changed


def _made_here(repo: pygit2.Repository, head: pygit2.Commit) -> bool:
    """Whether git has just made HEAD here: committed by this repository's user, and not
    what a fetch brought (a fast-forward onto a partner's merge is the partner's commit)."""
    from journal.store.identity import user_email

    me = os.environ.get("GIT_COMMITTER_EMAIL") or user_email(Path(repo.workdir), repo) or ""
    if not me or head.committer.email.strip().lower() != me.strip().lower():
        return False
    try:
        fetched = repo.revparse_single("FETCH_HEAD").peel(pygit2.Commit).id
    except (KeyError, ValueError, pygit2.GitError):
        return True
    return fetched != head.id


_PLAIN_HEADERS = (b"tree", b"parent", b"author", b"committer", b"encoding")


def _require_replaceable(repo: pygit2.Repository, head: pygit2.Commit, where: str) -> None:
    """Raise NotReplaced when replacing HEAD would lose something: its signature (or any
    header a copy does not keep), or the user's changes git is about to re-apply."""
    fix = f"run `journal digest --markdown-only` and commit {where}/"
    raw = repo.odb.read(head.id)[1]
    headers = raw.split(b"\n\n", 1)[0].split(b"\n")
    extra = [line for line in headers if line and not line.startswith(b" ") and line.split(b" ", 1)[0] not in _PLAIN_HEADERS]
    if head.gpg_signature[0] is not None or extra:
        raise NotReplaced(f"HEAD is signed (or has a header a copy would lose), so journal did not replace it to update {where}/; {fix}")
    git_dir = Path(repo.path)
    if ("refs/MERGE_AUTOSTASH" in repo.references or (git_dir / "MERGE_AUTOSTASH").exists()
            or (git_dir / "rebase-merge" / "autostash").exists() or (git_dir / "rebase-apply" / "autostash").exists()):
        raise NotReplaced(f"git is about to re-apply your stashed changes, so journal did not replace HEAD to "
                          f"update {where}/; {fix} once the pull is done")


def _published(repo: pygit2.Repository, oid: pygit2.Oid) -> bool:
    """Whether some remote-tracking branch already contains the commit."""
    for name in repo.references:
        if not name.startswith("refs/remotes/"):
            continue
        try:
            tip = repo.references[name].peel(pygit2.Commit).id
        except (KeyError, ValueError, pygit2.GitError):
            continue
        if tip == oid or repo.descendant_of(tip, oid):
            return True
    return False


def _untouched(repo: pygit2.Repository, where: str, held: dict[str, pygit2.Oid]) -> bool:
    """Whether the index and the working tree hold exactly HEAD's digest files: nobody has
    changed them, so replacing them loses nothing."""
    from journal.digest import committed
    from journal.store import paths

    index = repo.index
    index.read()
    prefix = f"{where}/"
    staged = {e.path: e.id for e in index if e.path.startswith(prefix) and committed.is_generated(e.path[len(prefix):])}
    if staged != held:
        return False
    root = Path(repo.workdir)
    for rel, oid in held.items():
        try:
            if pygit2.hash(paths.read_bytes(root, rel)) != oid:
                return False
        except (OSError, ValueError):
            return False
    return True


def _sync(repo: pygit2.Repository, where: str, wanted: dict[str, bytes], changed: list[str]) -> None:
    """The index and the working tree get the new commit's digest files."""
    from journal.store import paths

    root, index = Path(repo.workdir), repo.index
    for rel in changed:
        if rel in wanted:
            paths.write_replace(root, rel, wanted[rel])
            index.add(rel)  # from the file just written, so its stat data is fresh and git sees it clean
        else:
            index.remove(rel)
            paths.unlink(root, rel)
    index.write()
