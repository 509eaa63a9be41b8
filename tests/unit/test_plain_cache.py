"""A sealed cache file reads back exactly what was saved, and reads as no cache at all when it
is cut short, extended, of another tag or damaged within (store/plain_cache.py); `whole`
tells a file cut short, extended or of another tag without reading it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from journal.store import plain_cache

TAG = "journal-test 1"
SMALL = {"a": [1, "x", None]}
LARGE = {f"key-{n}": [f"text {n} " * 10, n] for n in range(4096)}


def _flip(at: int) -> Callable[[bytes], bytes]:
    return lambda data: data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "cut short": lambda data: data[:-1],
    "extended": lambda data: data + b"\0",
    "empty": lambda data: b"",
    "header only": lambda data: data[:len(TAG) + 1],
    "a byte of the payload": _flip(-3),
    "a byte of the length": _flip(len(TAG) + 2),
    "a byte of the checksum": _flip(len(TAG) + 10),
    "the tag": _flip(0),
}


@pytest.mark.parametrize("value", [SMALL, LARGE], ids=["small", "large"])
def test_a_saved_value_loads_back_whole(tmp_path: Path, value: dict) -> None:
    path = tmp_path / "cache.bin"
    plain_cache.save(path, TAG, value)
    assert plain_cache.load(path, TAG, 1 << 30) == value
    assert plain_cache.whole(path, TAG, 1 << 30)
    assert plain_cache.load(path, "journal-test 2", 1 << 30) is None  # another tag
    assert plain_cache.load(path, TAG, 10) is None  # over the limit
    assert not plain_cache.whole(path, TAG, 10)
    assert plain_cache.load(tmp_path / "missing.bin", TAG, 1 << 30) is None
    assert not plain_cache.whole(tmp_path / "missing.bin", TAG, 1 << 30)


@pytest.mark.parametrize("value", [SMALL, LARGE], ids=["small", "large"])
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_file_reads_as_no_cache(tmp_path: Path, value: dict, damage: str) -> None:
    path = tmp_path / "cache.bin"
    path.write_bytes(DAMAGE[damage](plain_cache.dump(TAG, value)))
    assert plain_cache.load(path, TAG, 1 << 30) is None
    # `whole` checks the tag and the length only: damage within is for `load` to find.
    assert plain_cache.whole(path, TAG, 1 << 30) == (damage in ("a byte of the payload", "a byte of the checksum"))
