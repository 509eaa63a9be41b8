"""What a problem suggests: the key, value or zone most likely meant, and how to write what
was written in the wrong shape. Only problems read these (core/schema), on the error path."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any


def closest_key(key: str, known: dict[str, Any] | list[str]) -> str | None:
    """The known key that `key` is most likely a misspelling of, or None."""
    import difflib  # only on the error path: keeps the pre-commit hook's start-up small

    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_key_message(key: str, known: dict[str, Any] | list[str], close: str | None) -> str:
    """`unknown key 'x'`, with `close`, the known key it most likely misspells (`closest_key`),
    else the keys expected."""
    hint = f" (did you mean '{close}'?)" if close else f" (expected one of: {', '.join(known)})"
    return f"unknown key '{key}'{hint}"


def as_mapping_hint(fields: Mapping[str, Any], value: Any) -> str:
    """How to write a plain text where a mapping is expected whose `fields` (name -> schema
    Field) have one required text field (`- Four runs` in `commitments:`): as that field."""
    wanted = [name for name, spec in fields.items() if spec.required and spec.kind == "text"]
    if len(wanted) != 1 or not isinstance(value, str) or "\n" in value:
        return ""
    return f" (write it as `{wanted[0]}: {value[:60]}{'…' if len(value) > 60 else ''}`)"



#: A text that begins with a number and goes on (`27 km`, `2,5`): what a number field was meant to hold.
LEADING_NUMBER = re.compile(r"\s*([-+]?[0-9]+(?:[.,][0-9]+)?)(?=\s|[A-Za-z%]|$)")


def closest_zone(name: str, accepts: Callable[[str], bool]) -> str | None:
    """The zone of this machine's database, of those whose name `accepts`, that `name` most
    likely misspells (`Europe/Berlinn`, `europe/berlin`, `Berlin`), or None: looked for among
    the zones of its own region when it names one (a roster of a thousand misspelt zones
    stays quick), else among them all."""
    import difflib

    zones = _zone_names(accepts)
    folded = name[:100].casefold().replace(" ", "_")
    if folded in zones:
        return zones[folded]
    if "/" not in folded:  # a city alone (`Berlin`, `new york`): the zone named after it
        city = next((zone for key, zone in zones.items() if key.rpartition("/")[2] == folded and "/" in key), None)
        if city is not None:
            return city
    region = folded.partition("/")[0] + "/"
    pool = [z for z in zones if z.startswith(region)] or list(zones)
    close = difflib.get_close_matches(folded, pool, n=1, cutoff=0.8)
    return zones[close[0]] if close else None


@lru_cache(maxsize=2)
def _zone_names(accepts: Callable[[str], bool]) -> dict[str, str]:
    """Every zone name this machine's database lists that `accepts`, by its case-folded name
    (read once: the listing walks the whole database)."""
    try:
        found = zoneinfo.available_timezones()
    except (OSError, ValueError):
        return {}
    return {zone.casefold(): zone for zone in found if accepts(zone)}

