"""State this machine keeps for itself, under the git dir where no partner's commit reaches.

Caches and the site's manifest are trusted only when this machine wrote them: they live
in `<git dir>/journal/`, never in the work tree (a partner can force-add any file there),
and are read with `read_json`, which treats anything unreadable, too large or nested
too deeply as absent, so the caller rebuilds instead of crashing.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from functools import cache
from pathlib import Path
from typing import Any

from journal.store.repository import git_dir

MAX_STATE_BYTES = 256 * 1024 * 1024


@cache
def code_stamp(sources: tuple[Path, ...]) -> bytes:
    """A hash (32 bytes) of the source files whose results a cache keeps: an upgrade that
    changes any of them reads no old result. Each file counts with its name and length; one
    that cannot be read counts as unreadable. Read once per process."""
    digest = hashlib.sha256()
    for source in sources:
        try:
            data = source.read_bytes()
        except OSError:
            data = None
        digest.update(b"%s\0%s\0" % (source.name.encode(), b"?" if data is None else b"%d" % len(data)))
        digest.update(data or b"")
    return digest.digest()


def state_dir(start: Path) -> Path | None:
    """`<git dir>/journal` of the repository holding `start`, or None outside a repository."""
    found = git_dir(start)
    return None if found is None else found / "journal"


def read_json(path: Path) -> Any | None:
    """The JSON in `path`, or None when it is missing, unreadable, huge or nested too deeply."""
    try:
        if path.stat().st_size > MAX_STATE_BYTES:
            return None
        return json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None


# Left by the pre-commit hook when it staged the committed digest into a temporary index
# (`git commit -- <path>`): only then does the post-commit hook have anything to bring in
# step, so its shim starts Python only when this file exists (hooks/shim.sh names it too).
DIGEST_SYNC_MARK = "digest-to-sync"


def digest_sync_mark(git_folder: Path) -> Path:
    """Where the pre-commit hook leaves its mark for the post-commit hook (see DIGEST_SYNC_MARK)."""
    return git_folder / "journal" / DIGEST_SYNC_MARK


def site_manifest_file(start: Path, target: Path) -> Path | None:
    """Where this machine records what it built into the site folder `target`."""
    folder = state_dir(start)
    if folder is None:
        return None
    name = hashlib.sha256(os.fsencode(target.resolve())).hexdigest()[:24]  # a name need not be UTF-8
    return folder / "sites" / f"{name}.json"


def site_lock_file(target: Path) -> Path:
    """Where a build of the site folder `target` keeps its lock.

    Under the git dir when `target` is in a repository, so a `.site.lock` a partner commits
    into the work tree is not ours and neither blocks nor feeds a build; beside the folder
    only when there is no repository at all."""
    anchor = target.parent
    while not anchor.exists() and anchor != anchor.parent:
        anchor = anchor.parent
    folder = state_dir(anchor)
    if folder is None:
        return target.parent / f".{target.name}.lock"
    name = hashlib.sha256(os.fsencode(Path(os.path.abspath(target)))).hexdigest()[:24]
    return folder / "locks" / f"{name}.lock"


def read_small(path: Path, limit: int = 4096) -> bytes:
    """At most `limit` bytes of the regular file `path`, never through a symlink.

    Raises FileNotFoundError when it is missing and OSError when it is a link, a device or
    a folder, so a hostile file can neither block on nor exhaust memory of the reader."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    if path.is_symlink():
        raise OSError(f"{path} is a symlink")
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        return os.read(fd, limit)
    finally:
        os.close(fd)


def file_hash(path: Path) -> str | None:
    """sha256 of the bytes at `path` (not following a symlink), or None if it is not a regular file."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
