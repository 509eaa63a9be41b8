"""Which rules a time zone had on this machine: part of every cache key that stores local times.

A zone's name (`Europe/Berlin`) does not say when its clocks change; the tz database on
this machine does, and an update of it (a country dropping summer time) moves period
starts, due times and labels. A cache keyed by the name alone would keep the old times.
The fingerprint is the hash of the zone's compiled file, found where `zoneinfo` finds it
(PEP 615: the directories of `zoneinfo.TZPATH` in order, then the `tzdata` package).
"""

from __future__ import annotations

import hashlib
import zoneinfo
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path


def fingerprint(keys: Iterable[str]) -> str:
    """A hash of the rules of the zones named `keys` (IANA names, already accepted by
    `zoneinfo.ZoneInfo`), as this machine's tz database holds them; "" for none."""
    digest = hashlib.sha256()
    for key in sorted(set(keys)):
        digest.update(f"{key}\0".encode())
        digest.update(_rules(key))
    return digest.hexdigest()


@cache
def _rules(key: str) -> bytes:
    """The hash of zone `key`'s compiled file, or b"" when it cannot be read (then the
    name alone keys it, as before)."""
    for root in zoneinfo.TZPATH:
        path = Path(root, *key.split("/"))
        if path.is_file():
            try:
                return hashlib.sha256(path.read_bytes()).digest()
            except OSError:
                break
    try:
        file = resources.files("tzdata.zoneinfo").joinpath(*key.split("/"))
        return hashlib.sha256(file.read_bytes()).digest()
    except (ModuleNotFoundError, OSError, ValueError):
        return b""
