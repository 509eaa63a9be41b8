"""The pre-commit hook's runner, kept free of click and the CLI's imports.

git runs this on every commit that stages a journal file, so its start-up is the
user-visible cost; `journal/__main__.py` routes `hooks run pre-commit` here directly.
It prints like the CLI does, and is the one other place that chooses an exit code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pygit2


def run(directory: str = ".", *, debug: bool = False) -> int:
    """Check the staged journal and regenerate the committed digest; the exit code for git.

    0 lets the commit through, 1 blocks it (problems, or an error the user can act on),
    3 for a bug; the codes and their wording come from journal.errors.error_boundary."""
    from journal.errors import error_boundary

    return error_boundary(lambda: _check_and_stage(directory), debug=debug,
                          unexpected_hint="rerun with `journal --debug hooks run pre-commit`, or bypass with "
                                          "`git commit --no-verify`")


def _check_and_stage(directory: str) -> int:
    from journal.core import problems as P
    from journal.githooks.staged import check_staged
    from journal.store.git import staged_index
    from journal.store.workspace import require_repository

    repo = require_repository(Path(directory))
    index = staged_index(repo)  # read once for the check and the digest
    result = check_staged(repo, index)
    sys.stdout.write(P.format_text(result.problems))
    # Outside a terminal stdout is buffered and stderr is not: without this, a log that takes
    # both (an IDE, CI, `2>&1 | cat`) shows the summary above the lines it sums up.
    sys.stdout.flush()
    if any(p.is_error for p in result.problems):
        # Right for both ways of committing: `git commit` takes what is staged (so a fix must be
        # added), `git commit -- FILE` takes FILE from the working tree (adding changes nothing).
        sys.stderr.write(f"journal: {P.summary(result.problems, result.entries)}: commit blocked. Fix the entries "
                         "and commit again (`git add` the fix first, unless you commit the files by name: "
                         "`git commit -- FILE`), or bypass the check with `git commit --no-verify`.\n")
        return 1
    if result.entries:
        try:
            staged = stage_digest(repo, index)
        except Exception as exc:  # noqa: BLE001 - the digest is a convenience; never block a commit for it
            sys.stderr.write(f"journal: the committed digest was not regenerated: {P.clean(str(exc))}\n")
        else:
            if staged:
                sys.stdout.write(f"journal: regenerated {len(staged)} digest file(s) for this commit\n")
    return 0


def stage_digest(repo: pygit2.Repository, index: pygit2.Index | None = None) -> list[str]:
    """Regenerate the committed digest for the state being committed and stage it
    (`index`: the staged index, when the caller has read it already).

    Check-ins and replies this commit adds count as committed now by the committer, so the
    streak and the threads shown in the commit already include them."""
    from journal.core import layout
    from journal.core.entries import read_entry
    from journal.store.git import staged_index

    index = staged_index(repo) if index is None else index
    # Settle "is it on?" from the staged journal.yaml alone before loading the journal.
    config = read_entry(layout.CONFIG, "config", repo[index[layout.CONFIG].id].read_raw()) if layout.CONFIG in index else None
    if config is None or not hasattr(config, "data") or _turned_off(config.data):
        return []

    import pygit2

    from journal.digest import committed
    from journal.githooks.staged import staged_changes
    from journal.standing import Staged
    from journal.store.identity import user_email
    from journal.store.workspace import Workspace

    if committed.folder_of(config.data) is None:
        return []
    now = committed.commit_time()
    email = os.environ.get("GIT_COMMITTER_EMAIL") or user_email(Path(repo.workdir), repo) or ""
    checkins, replies = set(), set()
    changes = staged_changes(repo, index, journal_only=False)
    for rel, status in changes.items():
        kind = layout.entry_kind(rel) if status != "D" else None
        if kind == "checkin" and (name := layout.parse_checkin_name(rel)) is not None:
            checkins.add((name.member, name.period))
        elif kind == "reply" and (answer := layout.parse_reply_name(rel)) is not None:
            replies.add((answer.author, answer.to, answer.period))
    pending = Staged(now, email, frozenset(checkins), frozenset(replies))
    result = committed.regenerate(Workspace.of_repository(repo, index), now, source="index", pending=pending)
    staged = []
    for rel, data in result.files.items():
        if rel not in index or index[rel].id != pygit2.hash(data):
            index.add(pygit2.IndexEntry(rel, repo.create_blob(data), pygit2.enums.FileMode.BLOB))
            staged.append(rel)
    prefix = f"{result.folder}/"
    for path in _staged_under(repo, index, changes, result.folder):
        if path not in result.files and committed.is_generated(path[len(prefix):]):
            index.remove(path)
            staged.append(path)
    if staged:
        index.write()
        if not _is_real_index(repo):
            _mark_for_post_commit(repo)
    return staged


def _staged_under(repo: pygit2.Repository, index: pygit2.Index, changes: dict[str, str], folder: str) -> list[str]:
    """The paths the index holds under `folder`, from HEAD's tree and the index's changes
    against it (`changes`), so the index of thousands of entries is not walked in Python."""
    import pygit2

    from journal.store.git import head_tree

    tree = head_tree(repo)
    if tree is None or index.conflicts is not None:
        return [e.path for e in index if e.path.startswith(f"{folder}/")]
    candidates = {p for p, status in changes.items() if status != "D" and p.startswith(f"{folder}/")}
    try:
        top = tree[folder]
    except KeyError:
        top = None
    pending = [(top, folder)] if isinstance(top, pygit2.Tree) else []
    while pending:
        sub, prefix = pending.pop()
        for item in sub:
            if isinstance(item, pygit2.Tree):
                pending.append((item, f"{prefix}/{item.name}"))
            else:
                candidates.add(f"{prefix}/{item.name}")
    return sorted(p for p in candidates if p in index)


def _turned_off(data: object) -> bool:
    """Whether journal.yaml says `digest: {commit: false}` (or null) in so many words.

    The check-only hook pays this instead of importing the digest and the typed model
    (a third of its run) only to learn that the answer is "off". It answers True exactly
    where core.build_model.config gives `commit=None`; every other case, the default and a
    folder to check included, is left to committed.folder_of."""
    digest = data.get("digest") if isinstance(data, dict) else None
    if not isinstance(digest, dict) or "commit" not in digest:
        return False
    return digest["commit"] is False or digest["commit"] is None


def _is_real_index(repo: pygit2.Repository) -> bool:
    """Whether the commit records the repository's own index (or its lock), which becomes
    the index after the commit; `git commit -- <path>` records a temporary one instead."""
    name = os.environ.get("GIT_INDEX_FILE")
    if not name:
        return True
    path = Path(name) if os.path.isabs(name) else Path(repo.workdir or repo.path) / name
    return path.name in ("index", "index.lock") and path.parent.resolve() == Path(repo.path).resolve()


def _mark_for_post_commit(repo: pygit2.Repository) -> None:
    from journal.store.local_state import digest_sync_mark

    mark = digest_sync_mark(Path(repo.path))
    try:
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.touch()
    except OSError:
        pass  # then the digest waits in the index for the next commit, as without the hook
