"""Installing, removing and reporting the git hook shims (foreign hooks kept and chained)."""

from __future__ import annotations

import os
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import pygit2

from journal.core import layout
from journal.errors import JournalError
from journal.store import resources
from journal.store.local_state import DIGEST_SYNC_MARK
from journal.store.workspace import require_repository

HOOKS = ("pre-commit", "post-commit", "post-merge", "post-rewrite")
MARKER = "# journal-hook:"


@dataclass(frozen=True)
class HookState:
    hook: str
    path: Path
    state: str  # ours | foreign | missing
    legacy: bool
    current: bool  # ours and identical to what install would write now


def repository(start: Path) -> pygit2.Repository:
    return require_repository(start)


def hooks_dir(repo: pygit2.Repository) -> Path:
    """The folder git runs hooks from, honouring core.hooksPath: by default the shared git
    folder's `hooks/`, which git uses for every worktree (a linked worktree's own git folder
    has a `hooks/` git never looks at)."""
    try:
        configured = repo.config["core.hooksPath"]
    except KeyError:
        return common_dir(repo) / "hooks"
    path = Path(os.path.expanduser(str(configured)))
    if not path.is_absolute():
        # Git resolves a relative hooksPath against the working tree (the git dir if bare).
        path = Path(repo.workdir or repo.path) / path
    return path


def shim_text(hook: str, python: str = sys.executable) -> str:
    """The shim for `hook`: runs journal with `python` while its package is where it is now."""
    import journal

    template = (resources.hooks() / "shim.sh").read_text(encoding="utf-8")
    # The fast path's pathspec: every place an entry can live (core/layout lists them once).
    pathspec = " ".join((layout.CONFIG, *layout.FOLDERS))
    return (template.replace("@HOOK@", hook).replace("@PYTHON@", shlex.quote(python))
            .replace("@PACKAGE@", shlex.quote(str(Path(journal.__file__).resolve().parent)))
            .replace("@PATHS@", pathspec).replace("@MARK@", DIGEST_SYNC_MARK))


def _is_ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding="utf-8", errors="replace")[:400]
    except OSError:
        return False


def status(start: Path) -> list[HookState]:
    folder = hooks_dir(repository(start))
    found = []
    for hook in HOOKS:
        path = folder / hook
        state = "missing" if not path.exists() else ("ours" if _is_ours(path) else "foreign")
        current = state == "ours" and path.read_text(encoding="utf-8") == shim_text(hook)
        found.append(HookState(hook, path, state, (folder / f"{hook}.legacy").exists(), current))
    return found


def install(start: Path, force: bool = False) -> list[str]:
    """Write the shims; returns what changed ('pre-commit: installed', …), empty if nothing."""
    repo = repository(start)
    folder = hooks_dir(repo)
    folder.mkdir(parents=True, exist_ok=True)
    changes = []
    if register_driver(repo):
        changes.append("registered the merge driver for the committed digest (merge.journal-digest)")
    if add_merge_rule(repo):
        changes.append("routed the committed digest through the merge driver (in the repository's info/attributes)")
    for hook in HOOKS:
        path, legacy = folder / hook, folder / f"{hook}.legacy"
        text = shim_text(hook)
        if path.exists() and not _is_ours(path):
            if legacy.exists() and not force:
                raise JournalError(f"{path} is a foreign hook and {legacy.name} already exists; nothing changed",
                                   hint="move one of them away, or pass --force to replace the old .legacy")
            os.replace(path, legacy)
            changes.append(f"{hook}: kept the existing hook as {legacy.name}; it still runs first")
        elif path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        tmp = path.with_name(f".{hook}.journal-tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(tmp.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        os.replace(tmp, path)
        changes.append(f"{hook}: installed")
    return changes


def register_driver(repo: pygit2.Repository) -> bool:
    """Define the merge driver `.gitattributes` names for the committed digest: it keeps
    our side (`true` leaves %A as it is) and the post-merge hook regenerates."""
    from journal.digest.committed import DRIVER

    wanted = {f"merge.{DRIVER}.name": "journal: keep one side of the generated digest, then regenerate",
              f"merge.{DRIVER}.driver": "true"}
    changed = False
    for key, value in wanted.items():
        try:
            current = repo.config[key]
        except KeyError:
            current = None
        if current != value:
            repo.config[key] = value
            changed = True
    return changed


def common_dir(repo: pygit2.Repository) -> Path:
    """The repository's shared git folder (`git rev-parse --git-common-dir`): a linked
    worktree's own folder names it in `commondir`; git reads `info/attributes` from there."""
    own = Path(repo.path)
    try:
        pointer = (own / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return own
    return (own / pointer).resolve() if pointer else own


def _attributes_file(repo: pygit2.Repository) -> Path:
    folder = common_dir(repo) / "info"
    for path in (folder, folder / "attributes"):
        # A link here could point anywhere a partner's clone put it: never write through one.
        if path.is_symlink():
            raise JournalError(f"{path} is a symbolic link; nothing written there",
                               hint="replace it with a plain file (or folder), then rerun `journal hooks install`")
    return folder / "attributes"


def add_merge_rule(repo: pygit2.Repository) -> bool:
    """Route the committed digest through the merge driver in the repository's own
    `info/attributes`: nobody commits that file, so partners who each install hooks
    never leave untracked files that collide on their next pull."""
    from journal.digest.committed import DRIVER, GITATTRIBUTES

    path = _attributes_file(repo)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if f"merge={DRIVER}" in text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(".attributes.journal-tmp")
    tmp.write_text(text + ("\n" if text and not text.endswith("\n") else "") + GITATTRIBUTES, encoding="utf-8")
    os.replace(tmp, path)
    return True


def remove_merge_rule(repo: pygit2.Repository) -> bool:
    """Take our lines back out of `info/attributes`, leaving anyone else's."""
    from journal.digest.committed import GITATTRIBUTES

    path = _attributes_file(repo)
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8")
    ours = set(GITATTRIBUTES.splitlines())
    kept = [line for line in text.splitlines() if line not in ours]
    if len(kept) == len(text.splitlines()):
        return False
    tmp = path.with_name(".attributes.journal-tmp")
    tmp.write_text("".join(f"{line}\n" for line in kept), encoding="utf-8")
    os.replace(tmp, path)
    return True


def uninstall(start: Path) -> list[str]:
    """Remove only our shims and put back any hook they had kept."""
    from journal.digest.committed import DRIVER

    repo = repository(start)
    folder = hooks_dir(repo)
    changes = []
    for key in (f"merge.{DRIVER}.name", f"merge.{DRIVER}.driver"):
        try:
            del repo.config[key]
        except KeyError:
            continue
        if key.endswith("driver"):
            changes.append("removed the merge driver for the committed digest")
    if remove_merge_rule(repo):
        changes.append("removed the committed digest's merge rule from info/attributes")
    for hook in HOOKS:
        path, legacy = folder / hook, folder / f"{hook}.legacy"
        if path.exists() and _is_ours(path):
            path.unlink()
            changes.append(f"{hook}: removed")
            if legacy.exists():
                os.replace(legacy, path)
                changes.append(f"{hook}: restored the hook that was there before")
    return changes
