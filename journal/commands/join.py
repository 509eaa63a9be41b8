"""`journal join`: a partner's first step, from a clone of an existing journal to their first commit."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from journal.core import layout
from journal.core.problems import clean
from journal.errors import JournalError

if TYPE_CHECKING:
    import pygit2


@dataclass(frozen=True)
class Joined:
    root: Path
    lines: tuple[str, ...]  # what was done, for the terminal
    member: str | None  # who the git user.email makes you, if anyone
    hint: str  # how to become a member, when `member` is None


def clone_target(url: str, base: Path) -> Path:
    """The folder `git clone URL` would make in `base`: the URL's last part without `.git`."""
    tail = re.sub(r"(/\.git|\.git)?/*$", "", url.strip())
    name = re.split(r"[/:\\]", tail)[-1] if tail else ""
    if not name or name in (".", ".."):
        raise JournalError(f"cannot tell a folder name from '{url}'", hint="name one: `journal join URL DIR`")
    return base / name


def join_journal(url: str, target: Path | None, base: Path, branch: str | None = None) -> Joined:
    """Clone `url` into `target` (default: named after the URL, in `base`), install the
    hooks there and match `git config user.email` against the roster. `branch`: the
    origin's branch to check out (default: the one its HEAD names)."""
    from journal.githooks.install import install

    # One meaning for the folder, this command's and git's: the path made absolute and without
    # `..` (`nosuch/../victim` is `victim`, which git would reach by making `nosuch` first),
    # handed to git as it was checked.
    target = Path(os.path.abspath(target if target is not None else clone_target(url, base)))
    existed, made = _clone_folder(target)
    try:
        chosen = ["--branch", branch] if branch else []
        # Git's messages may hold bytes of a partner's making that are no UTF-8 (a file name).
        cloned = subprocess.run(["git", "clone", *chosen, "--", url, str(target)], capture_output=True,
                                encoding="utf-8", errors="replace")
    except OSError as exc:
        _remove_clone(target, keep_folder=existed, made=made)
        raise JournalError(f"cannot run git: {exc.strerror}", hint="install Git and make sure `git` is on PATH") from None
    if cloned.returncode != 0:
        # Git may fail after filling the folder (a checkout it cannot write): what it made goes.
        left = _remove_clone(target, keep_folder=existed, made=made)
        said = [line for line in cloned.stderr.splitlines() if line.strip()]
        # git's cause (the first error:), else its verdict (fatal:), not the advice printed after
        told = [line for line in said if line.startswith("error:")][:1] \
            or [line for line in said if line.startswith("fatal:")][-1:] or said[-1:]
        raise JournalError(f"git clone failed: {clean(told[0]) if told else f'exit {cloned.returncode}'}{left}",
                           hint="check the URL, and that you can reach it with plain `git clone`")
    lines = [f"cloned {url} into {target}"]
    if not (target / layout.CONFIG).is_file():
        found = _what_was_cloned(target)  # read before the clone goes
        # The clone is this command's own (the folder was missing or empty): it goes, so that
        # the way out the error names (join again, with --branch) works as written.
        raise _not_a_journal(url, found, cloned.stderr, _remove_clone(target, keep_folder=existed, made=made))
    lines += install(target)
    member, hint = _identify(target)
    if member is not None:
        lines.append(f"you are {member}: your check-ins count when you commit as you do now")
    return Joined(target, tuple(lines), member, hint)


def _clone_folder(target: Path) -> tuple[bool, tuple[int, int]]:
    """Make the folder to clone into (its parents too), or take the empty one there: whether it
    was there already, and its identity (device, inode), which the clean-up holds it to.
    Raises JournalError for anything else there, or a folder that cannot be made."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(target)
        existed = False
    except FileExistsError:
        existed = True
    except OSError as exc:
        raise JournalError(f"cannot make the folder {target}: {exc.strerror}",
                           hint="name another folder: `journal join URL DIR`") from None
    if existed and (not target.is_dir() or any(target.iterdir())):
        # Said before git says it, with what to do (a journal joined before is joined already).
        raise JournalError(f"{target} already exists and is not an empty folder",
                           hint="remove it, or name another folder: `journal join URL DIR`")
    found = os.stat(target)
    return existed, (found.st_dev, found.st_ino)


def _remove_clone(target: Path, keep_folder: bool, made: tuple[int, int]) -> str:
    """Remove what `git clone` made in `target`, and the folder itself unless it was there
    before: '' when all of it went, else the words that say what was left. Only the folder
    this run made or took (`made`: its device and inode) is touched. Links are removed, never
    followed; folders are walked with a stack, not by recursion (a remote may nest them
    thousands deep, past Python's recursion limit, as shutil.rmtree recurses)."""
    try:
        found = os.stat(target)
    except OSError:
        return ""
    if (found.st_dev, found.st_ino) != made:
        return f" ({target} is no longer the folder this command cloned into: nothing in it was removed)"
    stack: list[tuple[str, bool]] = [(str(target), False)]
    whole = True
    while stack:
        path, emptied = stack.pop()
        if emptied:
            if path != str(target) or not keep_folder:
                try:
                    os.rmdir(path)
                except OSError:
                    whole = False
            continue
        stack.append((path, True))
        try:
            with os.scandir(path) as items:
                for item in items:
                    if item.is_dir(follow_symlinks=False):
                        stack.append((item.path, False))
                        continue
                    try:
                        os.unlink(item.path)
                    except OSError:
                        whole = False
        except OSError:
            whole = False
    return "" if whole else f" (what git made in {target} could not all be removed: remove it before joining again)"


class _Cloned(NamedTuple):
    """What a clone without journal.yaml holds: the origin's branches, those that hold one, and
    the clone's HEAD (the ref it names, and whether that has no commit)."""

    branches: list[str]
    journals: list[str]
    head: str
    unborn: bool


def _what_was_cloned(target: Path) -> _Cloned | None:
    """What the clone at `target` holds; None for one libgit2 cannot open (SHA-256 objects, a
    damaged one)."""
    import pygit2

    try:
        repo = pygit2.Repository(str(target))
        prefix = "refs/remotes/origin/"
        branches = sorted(name.removeprefix(prefix) for name in repo.references
                          if name.startswith(prefix) and name != f"{prefix}HEAD")
        journals = [b for b in branches if _holds_journal(repo, prefix + b)]
        return _Cloned(branches, journals, str(repo.references["HEAD"].target), repo.head_is_unborn)
    except Exception:  # noqa: BLE001 - whatever libgit2 makes of a clone it cannot read
        return None


def _not_a_journal(url: str, found: _Cloned | None, said: str, left: str) -> JournalError:
    """Why a clone holds no journal.yaml (`found`: what it held): most often the origin's HEAD
    names a branch that was never pushed (`git init --bare` names `master`, the partners pushed
    `main`). `left` says what of the clone could not be removed ('' when it all went)."""
    again = "then join again"
    if found is None:
        return JournalError(f"{url} holds no {layout.CONFIG} on the branch cloned: it is not a journal{left}",
                            hint="check the URL and the branch (`--branch NAME`); a new journal is "
                                 "started with `journal init`")
    branches, journals = found.branches, found.journals
    if found.unborn:
        # A clone takes the origin's HEAD as its own, pointing at nothing here.
        if not branches:
            return JournalError(f"{url} has no commits yet: there is no journal to join{left}",
                                hint="push the journal there first, then join again; a new journal is "
                                     "started with `journal init`")
        pick = "main" if "main" in journals else (journals or branches)[0]
        return JournalError(
            f"the origin's default branch (HEAD -> {found.head}) has no commits; its branches: "
            f"{', '.join(branches)}" + (f"; {layout.CONFIG} is on {', '.join(journals)}" if journals else "") + left,
            hint=f"point the origin's HEAD at the journal's branch (`git -C {url} symbolic-ref HEAD "
                 f"refs/heads/{pick}` in the bare repository, or the default branch setting of its host), "
                 f"or join that branch: `journal join {url} --branch {pick}`; {again}")
    # A branch was checked out and holds no journal.yaml: git's own warning, if any, says more.
    warned = [line.removeprefix("warning: ") for line in said.splitlines() if line.startswith("warning: ")]
    elsewhere = [b for b in journals if f"refs/heads/{b}" != found.head]
    return JournalError(f"{url} holds no {layout.CONFIG}: it is not a journal{left or ' (its clone was removed)'}"
                        + (f"; git said: {clean(warned[-1])}" if warned else ""),
                        hint=(f"the branch {elsewhere[0]} holds one: `journal join {url} --branch {elsewhere[0]}`; "
                              f"{again}" if elsewhere else
                              "check the URL; a new journal is started with `journal init`"))


def _holds_journal(repo: pygit2.Repository, ref: str) -> bool:
    import pygit2

    try:
        tree = repo.revparse_single(ref).peel(pygit2.Commit).tree
    except (KeyError, ValueError, pygit2.GitError):
        return False
    return layout.CONFIG in tree


def _identify(root: Path) -> tuple[str | None, str]:
    from journal.commands.scaffold import load_context
    from journal.store.identity import member_for_email, user_email

    members = load_context(root, member="").members
    email = user_email(root)
    member = member_for_email(members, email)
    if member is not None:
        return member, ""
    if not email:
        return None, (f"git has no user.email here: set it with `git -C {root} config user.email ADDRESS` "
                      f"to an address listed under your member in {layout.CONFIG}")
    roster = ", ".join(sorted(members)) or "nobody yet"
    return None, (f"your git user.email '{email}' belongs to no member ({roster}): add it to your member's "
                  f"emails in {layout.CONFIG} and commit that, or set `git -C {root} config user.email` "
                  "to the address listed there")
