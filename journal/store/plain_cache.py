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
import os
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
    head = tag.encode("ascii") + b"\n"
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if not len(head) + _SEAL.size <= size <= len(head) + _SEAL.size + limit:
                return None
            data = fh.read(size + 1)  # one byte more than it should hold: a file that grew reads as damaged
    except OSError:
        return None
    return _value(data, head, size)


def whole(path: Path, tag: str, limit: int) -> bool:
    """Whether the cache file `path` is of `tag` and exactly as long as its seal says: what
    `load` checks first, without reading the payload (its CRC-32 is checked when it is loaded)."""
    head = tag.encode("ascii") + b"\n"
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            start = fh.read(len(head) + _SEAL.size)
    except OSError:
        return False
    return (len(start) == len(head) + _SEAL.size and start[:len(head)] == head
            and _SEAL.unpack(start[len(head):])[0] == size - len(start) <= limit)


def _value(data: bytes, head: bytes, size: int) -> Any | None:
    """The value sealed in `data`, the whole file of `size` bytes, or None as for `load`."""
    if len(data) != size or data[:len(head)] != head:
        return None
    length, crc = _SEAL.unpack(data[len(head):len(head) + _SEAL.size])
    start = len(head) + _SEAL.size
    if start + length != size:
        return None
    with memoryview(data)[start:] as payload:
        if zlib.crc32(payload) != crc:
            return None
        return loads(payload)


def loads(payload: bytes | memoryview) -> Any | None:
    """A sealed payload read as marshal; None if marshal refuses it."""
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError, RecursionError, MemoryError):
        return None
