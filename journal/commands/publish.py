"""Commit a built site as the tree of a new commit on a branch, never touching the checkout."""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygit2

from journal.core import build_model
from journal.errors import JournalError
from journal.store.site_branch import require_site_branch
from journal.store.workspace import Workspace, require_repository, workspace_of

DEFAULT_BRANCH = "gh-pages"
FALLBACK_NAME, FALLBACK_EMAIL = "journal", "journal@localhost"

# Decisions:
# * Only objects and one ref are written: blobs, trees and a commit go into the object
#   database, then refs/heads/<branch> moves. The index, the working tree and HEAD are
#   never read for writing, so publishing works mid-edit and in a bare repository.
# * The ref moves by compare-and-swap: created only if still absent, else updated only if
#   it still points at the parent we committed on (libgit2 checks the old value under
#   the ref's lock). A concurrent publish makes the loser fail instead of dropping a commit.
# * An empty `.nojekyll` is added unless the site has one, so GitHub Pages serves the
#   files as built instead of running Jekyll over them (as ghp-import does).
# * `commit` of the result is the commit holding the site on the branch: the new one, or
#   the existing tip when nothing changed.


@dataclass(frozen=True)
class PublishResult:
    commit: str | None
    branch: str
    files: int
    changed: bool


def publish_digest(start: Workspace | Path, now: dt.datetime, branch: str | None = None,
                   message: str | None = None) -> PublishResult:
    """Build the digest into its configured folder, then publish that folder to `branch`
    (default: `digest.branch` of journal.yaml, else gh-pages)."""
    from journal.digest.build import MANIFEST, build_digest
    workspace = workspace_of(start)
    start = workspace.root
    if branch is None:
        branch = configured_branch(workspace.journal.config)
    _check_branch(workspace.repo if workspace.repo is not None else _open(start), branch)  # before the build, which takes a while
    # Publishing needs no index, but a git command holding index.lock may be moving
    # refs too: wait for it rather than race it.
    from journal.store.workspace import ensure_idle

    ensure_idle(start)
    built = build_digest(workspace, now)
    # The manifest only serves the next incremental build; it is no part of the site.
    return publish(start, built.out, branch, message, now, leave_out=frozenset({MANIFEST}))


def configured_branch(config: Any) -> str:
    name = build_model.config(config.data if config is not None else None).digest.branch
    return name.strip() if name is not None and name.strip() else DEFAULT_BRANCH


def publish(start: Path, site: Path, branch: str = DEFAULT_BRANCH, message: str | None = None,
            now: dt.datetime | None = None, leave_out: frozenset[str] = frozenset()) -> PublishResult:
    """Commit the files under `site` (but the top-level names in `leave_out`) as the whole
    tree of a new commit on `branch`."""
    repo = _open(start)
    ref_name = _check_branch(repo, branch)
    if not site.is_dir():
        raise JournalError(f"no site to publish at {site}", hint="build it first with `journal digest`")
    tree, files = _write_tree(repo, site, skip=leave_out | {".git"}, top=True)
    if files == 0:
        raise JournalError(f"the site folder {site} is empty", hint="build it first with `journal digest`")
    ref = _lookup(repo, ref_name)
    parent = _tip(ref, branch) if ref is not None else None
    if parent is not None:
        require_site_branch(parent, branch)  # never replace a branch holding the journal or anything else
    if parent is not None and parent.tree_id == tree:
        return PublishResult(str(parent.id), branch, files, changed=False)
    signature = _signature(repo, now or dt.datetime.now(dt.UTC))
    text = message if message is not None else _default_message(repo)
    commit = repo.create_commit(None, signature, signature, text, tree, [parent.id] if parent is not None else [])
    reflog = f"journal publish: {text.splitlines()[0] if text.strip() else 'digest'}"
    try:
        if ref is None:
            repo.create_reference_direct(ref_name, commit, False, message=reflog)
        else:
            ref.set_target(commit, reflog)
    except (pygit2.AlreadyExistsError, pygit2.GitError, ValueError) as exc:
        raise JournalError(f"'{branch}' changed while publishing ({exc}); nothing was published",
                           hint="run `journal publish` again") from None
    return PublishResult(str(commit), branch, files, changed=True)


def _open(start: Path) -> pygit2.Repository:
    return require_repository(start)


def _check_branch(repo: pygit2.Repository, branch: str) -> str:
    ref_name = f"refs/heads/{branch}"
    if not branch or branch.startswith("-") or not pygit2.reference_is_valid_name(ref_name):
        raise JournalError(f"invalid branch name '{branch}'", hint="use a plain branch name such as gh-pages")
    if branch == "HEAD" or branch.endswith("_HEAD") or branch.startswith("refs/"):
        raise JournalError(f"refusing to publish to '{branch}': git reads that name as something else than a branch",
                           hint="use a plain branch name such as gh-pages (check digest.branch in journal.yaml)")
    # git resolves a short name through refs/<name>, refs/tags/ and refs/remotes/ too: a branch
    # another ref already answers to would shadow it (or be shadowed) in every later command.
    shadowed = [ref for ref in (f"refs/{branch}", f"refs/tags/{branch}", f"refs/remotes/{branch}",
                                f"refs/remotes/{branch}/HEAD") if _lookup(repo, ref) is not None]
    remote = branch.split("/", 1)[0]
    if not shadowed and remote in {r.name for r in repo.remotes}:
        shadowed = [f"refs/remotes/{branch}"]  # the next fetch may create it
    if shadowed:
        raise JournalError(f"refusing to publish to '{branch}': the name already means {shadowed[0]}",
                           hint="use a branch name no tag or remote branch has, such as gh-pages "
                                "(check digest.branch in journal.yaml)")
    if _head_target(repo) == ref_name:
        raise JournalError(f"refusing to publish to '{branch}': it is the branch HEAD points at",
                           hint="publishing replaces the branch's whole tree; choose another --branch")
    return ref_name


def _head_target(repo: pygit2.Repository) -> str | None:
    try:
        head = repo.lookup_reference("HEAD")
    except (KeyError, pygit2.GitError):
        return None
    return head.target if isinstance(head.target, str) else None


def _lookup(repo: pygit2.Repository, name: str) -> pygit2.Reference | None:
    try:
        return repo.lookup_reference(name)
    except (KeyError, pygit2.InvalidSpecError):
        return None


def _tip(ref: pygit2.Reference, branch: str) -> pygit2.Commit:
    try:
        return ref.peel(pygit2.Commit)
    except (pygit2.GitError, KeyError, ValueError):
        raise JournalError(f"branch '{branch}' does not point at a commit",
                           hint="repair or delete the branch, then publish again") from None


def _write_tree(repo: pygit2.Repository, folder: Path, skip: frozenset[str] = frozenset({".git"}),
                top: bool = False) -> tuple[pygit2.Oid, int]:
    """The tree of `folder` written into the object database, and how many files it holds.
    Names in `skip` are left out (.git always: Git refuses trees holding one)."""
    builder = repo.TreeBuilder()
    count = 0
    for item in os.scandir(folder):
        if item.name in skip or item.name == ".git":
            continue
        if item.is_symlink():
            builder.insert(item.name, repo.create_blob(os.fsencode(os.readlink(item.path))), pygit2.enums.FileMode.LINK)
            count += 1
        elif item.is_dir():
            sub, n = _write_tree(repo, Path(item.path))
            if n:
                builder.insert(item.name, sub, pygit2.enums.FileMode.TREE)
                count += n
        elif item.is_file():
            executable = item.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            mode = pygit2.enums.FileMode.BLOB_EXECUTABLE if executable else pygit2.enums.FileMode.BLOB
            builder.insert(item.name, repo.create_blob(Path(item.path).read_bytes()), mode)
            count += 1
    if top and count and builder.get(".nojekyll") is None:
        builder.insert(".nojekyll", repo.create_blob(b""), pygit2.enums.FileMode.BLOB)
        count += 1
    return builder.write(), count


def _signature(repo: pygit2.Repository, now: dt.datetime) -> pygit2.Signature:
    """user.name and user.email from the repository's config, each with a fallback."""
    found = {}
    for key, fallback in (("user.name", FALLBACK_NAME), ("user.email", FALLBACK_EMAIL)):
        try:
            found[key] = str(repo.config[key]) or fallback
        except (KeyError, pygit2.GitError):
            found[key] = fallback
    offset = now.utcoffset() or dt.timedelta(0)
    return pygit2.Signature(found["user.name"], found["user.email"], int(now.timestamp()),
                            int(offset.total_seconds() // 60))


def _default_message(repo: pygit2.Repository) -> str:
    if repo.head_is_unborn:
        return "Publish the digest\n"
    return f"Publish the digest of {str(repo.head.target)[:12]}\n"
