"""The one guarded way to read or write a file of the journal.

Everything in the working tree may come from a partner's commit, symlinks included, so
a journal-relative path is never handed to `open()` as a whole. Each component is opened
on its own with O_NOFOLLOW relative to the folder before it: a symlink anywhere in the
path (the last component too) is refused for reading and for writing, and no check can
be raced by swapping a folder for a link in between. `..`, absolute paths, `.git` in any
component and names with NUL or backslashes are refused before any file is touched, and
ids become path components only through `require_slug`.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from journal.core import layout
from journal.errors import JournalError
from journal.store import atomic

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_HINT = "a partner may have committed it; look at it with `git log -p -- PATH` and remove it"


class UnsafePath(JournalError):
    """A journal path that leads outside the journal, through a symlink or into `.git`."""

    hint = _HINT


def require_slug(value: object, what: str) -> str:
    """`value` if it is a slug (safe as one path component), else UnsafePath before it becomes a path."""
    if not layout.is_slug(value):
        raise UnsafePath(f"{what} '{value}' is not a slug, so it cannot name a file",
                         hint="ids are lowercase letters, digits and dashes; fix journal.yaml")
    return str(value)


# Components of letters, digits, `_` and `-`, the last one perhaps with an extension: no
# `.`, `..` or `.git` can hide in it, so it needs none of the checks below (the common case,
# taken for every entry a command reads).
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*(?:/[A-Za-z0-9_][A-Za-z0-9_-]*)*(?:\.[A-Za-z0-9]+)?")


def parts_of(rel: str) -> tuple[str, ...]:
    """The components of a journal-relative POSIX path, refusing anything that could leave the root."""
    text = str(rel)
    if _PLAIN_PATH.fullmatch(text):
        return tuple(text.split("/"))
    pure = PurePosixPath(text)
    parts = pure.parts
    if (not parts or pure.is_absolute() or "\x00" in text or "\\" in text
            or any(p in ("..", ".") for p in text.split("/"))):
        raise UnsafePath(f"{text!r} is not a path inside the journal")
    if any(p.lower() == ".git" for p in parts):
        raise UnsafePath(f"{text} is inside .git, which the journal never reads or writes as a file")
    return parts


def _refuse_link(rel: str, exc: OSError) -> UnsafePath:
    return UnsafePath(f"{rel} is a symlink or passes through one; the journal does not follow symlinks")


@contextmanager
def _folder(root: Path, parts: tuple[str, ...], rel: str, create: bool = False) -> Iterator[int]:
    """A descriptor of the folder `parts` under `root`, each step opened without following links."""
    fd = os.open(root, _DIR_FLAGS & ~os.O_NOFOLLOW)  # the root itself is the user's choice
    try:
        for part in parts:
            try:
                nxt = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                os.mkdir(part, 0o777, dir_fd=fd)
                nxt = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _refuse_link(rel, exc) from None
                raise
            os.close(fd)
            fd = nxt
        yield fd
    finally:
        os.close(fd)


def _open_file(folder: int, name: str, rel: str, flags: int, mode: int = 0o666) -> int:
    try:
        return os.open(name, flags | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), mode, dir_fd=folder)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _refuse_link(rel, exc) from None
        raise


def read_bytes(root: Path, rel: str) -> bytes:
    """The bytes of the regular file at `rel`; FileNotFoundError if absent, UnsafePath if a link leads there."""
    parts = parts_of(rel)
    with _folder(root, parts[:-1], rel) as folder:
        return _read_in(folder, parts[-1], rel)


def read_many(root: Path, rels: Iterable[str]) -> dict[str, bytes | OSError | UnsafePath]:
    """`read_bytes` for many files: each path's bytes, or the error `read_bytes` would have
    raised for it (UnsafePath, FileNotFoundError, ...). Each folder is opened once for all
    its files rather than once per file, with the same no-link guarantees."""
    by_folder: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    found: dict[str, bytes | OSError | UnsafePath] = {}
    for rel in rels:
        try:
            parts = parts_of(rel)
        except UnsafePath as exc:
            found[rel] = exc
            continue
        by_folder.setdefault(parts[:-1], []).append((rel, parts[-1]))
    for folder_parts, files in by_folder.items():
        try:
            with _folder(root, folder_parts, files[0][0]) as folder:
                for rel, name in files:
                    try:
                        found[rel] = _read_in(folder, name, rel)
                    except (OSError, UnsafePath) as exc:
                        found[rel] = exc
        except (OSError, UnsafePath) as exc:
            for rel, _ in files:  # the folder itself is refused or missing: so is every file in it
                found.setdefault(rel, _refuse_link(rel, exc) if isinstance(exc, UnsafePath) else exc)
    return found


def _read_in(folder: int, name: str, rel: str) -> bytes:
    fd = _open_file(folder, name, rel, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise UnsafePath(f"{rel} is not a regular file")
        return fh.read()


def read_text(root: Path, rel: str) -> str:
    """`read_bytes` decoded as UTF-8 (undecodable bytes replaced)."""
    return read_bytes(root, rel).decode("utf-8", errors="replace")


def kind(root: Path, rel: str) -> str | None:
    """'file', 'folder', 'link' or 'other' for what sits at `rel` (links anywhere on the way: 'link'), None if nothing."""
    parts = parts_of(rel)
    try:
        with _folder(root, parts[:-1], rel) as folder:
            mode = os.stat(parts[-1], dir_fd=folder, follow_symlinks=False).st_mode
    except UnsafePath:
        return "link"
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISLNK(mode):
        return "link"
    return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "other"


def is_file(root: Path, rel: str) -> bool:
    """Whether `rel` is a regular file reached without any symlink."""
    return kind(root, rel) == "file"


def require_no_link(root: Path, rel: str) -> None:
    """Refuse `rel` if it or a folder on its way is a symlink (nothing there yet is fine)."""
    if kind(root, rel) == "link":
        raise _refuse_link(rel, OSError(errno.ELOOP, "link"))


def _write_temp(folder: int, name: str, rel: str, data: bytes, mode: int | None = None) -> str:
    # 0666 for the kernel to apply the umask to; a replaced file's own mode when given
    # (the same rule as store.atomic: writes never change a file's mode).
    tmp = f".{name}.{secrets.token_hex(4)}.tmp"
    fd = _open_file(folder, tmp, rel, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        atomic.fill(fd, data, mode)
    except BaseException:
        os.unlink(tmp, dir_fd=folder)
        raise
    return tmp


def write_replace(root: Path, rel: str, data: bytes | str) -> None:
    """Replace the file at `rel` in one step (folders created), never through a symlink."""
    parts = parts_of(rel)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with _folder(root, parts[:-1], rel, create=True) as folder:
        try:
            mode = os.stat(parts[-1], dir_fd=folder, follow_symlinks=False).st_mode
            kept: int | None = stat.S_IMODE(mode)
        except FileNotFoundError:
            mode, kept = stat.S_IFREG, None
        if not stat.S_ISREG(mode):
            raise UnsafePath(f"{rel} is a symlink or not a regular file; the journal does not replace it")
        tmp = _write_temp(folder, parts[-1], rel, payload, kept)
        try:
            os.replace(tmp, parts[-1], src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            os.unlink(tmp, dir_fd=folder)
            raise


def write_new(root: Path, rel: str, data: bytes | str) -> None:
    """Create the file at `rel` (folders created); FileExistsError rather than replace anything."""
    parts = parts_of(rel)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with _folder(root, parts[:-1], rel, create=True) as folder:
        tmp = _write_temp(folder, parts[-1], rel, payload)
        try:
            # link() refuses an existing name (a symlink too), so nothing is overwritten or followed.
            os.link(tmp, parts[-1], src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
        finally:
            os.unlink(tmp, dir_fd=folder)


def unlink(root: Path, rel: str) -> None:
    """Remove the file (or symlink itself) at `rel`, reached without following links."""
    parts = parts_of(rel)
    with _folder(root, parts[:-1], rel) as folder:
        os.unlink(parts[-1], dir_fd=folder)


#: How deep walk_files goes below its folder. The folders it walks (the committed digest, the
#: journal's templates) hold files two levels down; a partner can commit folders nested
#: thousands deep, and each level is opened through the whole chain of folders above it.
MAX_WALK_DEPTH = 16


def walk_files(root: Path, rel: str) -> list[str]:
    """Journal-relative paths of the regular files under the folder `rel` (down to
    MAX_WALK_DEPTH levels), symlinks skipped, each folder's names in sorted order."""
    found: list[str] = []
    # A stack of listed folders, not recursion: the order is a recursive walk's.
    stack = [iter(_listing(root, rel))]
    while stack:
        for path, mode in stack[-1]:
            if stat.S_ISREG(mode):
                found.append(path)
            elif stat.S_ISDIR(mode) and len(stack) < MAX_WALK_DEPTH:
                stack.append(iter(_listing(root, path)))
                break
        else:
            stack.pop()
    return found


def _listing(root: Path, folder_rel: str) -> list[tuple[str, int]]:
    """(path, mode) of what the folder holds, sorted by name, without .git; empty if unreadable."""
    try:
        with _folder(root, parts_of(folder_rel), folder_rel) as fd:
            names = os.listdir(fd)
            modes = {n: os.stat(n, dir_fd=fd, follow_symlinks=False).st_mode for n in names}
    except (FileNotFoundError, NotADirectoryError, UnsafePath):
        return []
    return [(f"{folder_rel}/{name}", modes[name]) for name in sorted(names) if name.lower() != ".git"]
