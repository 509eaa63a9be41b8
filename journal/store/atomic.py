"""Writing files so that a crash never leaves half a file and nothing is overwritten by accident.

Modes: a new file gets what the umask allows (0666 & ~umask), as `open()` would give it, so
a journal shared through a group umask stays group-readable; a replaced file keeps the mode
it had (a clone's 0664 stays 0664)."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


def _temp_beside(path: Path, data: bytes, mode: int | None = None, sync: bool = True) -> Path:
    """A temporary file next to `path` holding `data`, synced to disk unless `sync` is false.

    Created with 0666 for the kernel to apply the umask to (tempfile.mkstemp would make it
    0600), or given `mode` exactly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        fill(fd, data, mode, sync)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def fill(fd: int, data: bytes, mode: int | None = None, sync: bool = True) -> None:
    """Write `data` to the freshly created file `fd` and close it, synced to disk (unless
    `sync` is false); with `mode`, the file gets exactly that mode (a replaced file's), else
    what the umask left."""
    with os.fdopen(fd, "wb") as fh:
        if mode is not None:
            os.fchmod(fh.fileno(), mode)
        fh.write(data)
        fh.flush()
        if sync:
            os.fsync(fh.fileno())


def write_new(path: Path, text: str) -> None:
    """Create `path` with `text` (mode 0666 less the umask); raises FileExistsError rather
    than replace anything."""
    tmp = _temp_beside(path, text.encode("utf-8"))
    try:
        # link() refuses an existing target, so a file that appeared meanwhile survives.
        os.link(tmp, path)
    finally:
        os.unlink(tmp)


def write_replace(path: Path, data: bytes | str, sync: bool = True) -> None:
    """Replace `path` in one step: readers see the old file or the new one, never a mix.

    The file keeps its mode; a file that did not exist gets 0666 less the umask. Without
    `sync` the data is not forced to disk first: for a file that checks itself when read
    (a sealed cache), which a crash may leave empty but never wrong."""
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    tmp = _temp_beside(path, data.encode("utf-8") if isinstance(data, str) else data, mode, sync)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
