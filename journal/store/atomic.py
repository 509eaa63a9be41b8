"""Writing files so that a crash never leaves half a file and nothing is overwritten by accident."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _temp_beside(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return Path(tmp)


def write_new(path: Path, text: str) -> None:
    """Create `path` with `text`; raises FileExistsError rather than replace anything."""
    tmp = _temp_beside(path, text.encode("utf-8"))
    try:
        # link() refuses an existing target, so a file that appeared meanwhile survives.
        os.link(tmp, path)
    finally:
        os.unlink(tmp)


def write_replace(path: Path, data: bytes | str) -> None:
    """Replace `path` in one step: readers see the old file or the new one, never a mix."""
    tmp = _temp_beside(path, data.encode("utf-8") if isinstance(data, str) else data)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
