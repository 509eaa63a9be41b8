"""Cache files of plain data in the standard library's `marshal` format, sealed against damage.

marshal reads back dicts, lists, text and numbers in about half the time JSON takes, which
every command pays for its parse caches. It is not made for damaged input, though: a few
garbled bytes can ask it for a list of a billion items. So a file is a header naming what
it holds, then the payload's length and CRC-32, then the payload, and `load` hands the
payload to marshal only when all of them match: a file cut short, overwritten with other
bytes or written by another format reads as no cache at all, and the caller rebuilds it.
Only this machine writes these files (they live under the git folder); the seal catches
accidents, the callers still check the shape of what they read.
"""

from __future__ import annotations

import marshal
import struct
import zlib
from pathlib import Path
from typing import Any

_SEAL = struct.Struct("<QI")  # payload length, CRC-32 of the payload


def dump(tag: str, value: Any) -> bytes:
    """The bytes of a cache file holding `value` (plain data only) under `tag`."""
    payload = marshal.dumps(value)
    return b"%s\n%s%s" % (tag.encode("ascii"), _SEAL.pack(len(payload), zlib.crc32(payload)), payload)


def save(path: Path, tag: str, value: Any, *, replaces: Path | None = None) -> None:
    """Write `value` under `tag` to the cache file `path` (atomically, folders made as
    needed), then remove `replaces`: the file an older format of the same cache was kept
    in. A git folder that cannot be written is no error: the cache is made again next time.

    Raises ValueError (from marshal) when `value` is not plain data."""
    # Imported here: most runs only load caches, and atomic brings in `secrets` on start-up.
    from journal.store.atomic import write_replace

    data = dump(tag, value)
    try:
        # Not synced to disk: a file a crash leaves empty or cut short fails its seal and is
        # made again, as git leaves its index unsynced by default (core.fsync).
        write_replace(path, data, sync=False)
        if replaces is not None:
            replaces.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only repository still works, just without this cache


def load(path: Path, tag: str, limit: int) -> Any | None:
    """The value in the cache file `path` written under `tag`, or None when it is missing,
    larger than `limit` bytes, of another tag, cut short or damaged."""
    payload = sealed(path, tag, limit)
    return None if payload is None else loads(payload)


def sealed(path: Path, tag: str, limit: int) -> bytes | None:
    """The payload of the cache file `path` once its tag, length and CRC-32 are checked (None
    as for `load`), not yet read as marshal: for a caller that may never need the value."""
    head = tag.encode("ascii") + b"\n"
    try:
        with open(path, "rb") as fh:
            if fh.read(len(head)) != head:
                return None
            seal = fh.read(_SEAL.size)
            if len(seal) != _SEAL.size:
                return None
            size, crc = _SEAL.unpack(seal)
            if size > limit:
                return None
            payload = fh.read(size + 1)
    except OSError:
        return None
    if len(payload) != size or zlib.crc32(payload) != crc:
        return None
    return payload


def loads(payload: bytes) -> Any | None:
    """A payload `sealed` returned, read as marshal; None if marshal refuses it."""
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError, RecursionError, MemoryError):
        return None
