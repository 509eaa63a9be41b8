"""What a problem suggests: the key, value or zone most likely meant, and how to write what
was written in the wrong shape. Only problems read these (core/schema), on the error path."""

from __future__ import annotations

import math
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


#: Words for a closed vocabulary's values that are no misspelling of them: a goal "done" is
#: `achieved`, an outcome "skipped" is `missed`. Each is offered only where its value is allowed.
_SYNONYMS = {
    "done": "achieved", "complete": "achieved", "completed": "achieved", "finished": "achieved",
    "reached": "achieved", "abandoned": "dropped", "cancelled": "dropped", "canceled": "dropped",
    "on hold": "paused", "on-hold": "paused", "open": "active", "in progress": "active",
    "ongoing": "active", "skipped": "missed", "failed": "missed", "not done": "missed",
    "half": "partial", "half done": "partial", "some": "partial",
    "ok": "confirmed", "yes": "confirmed", "true": "confirmed", "agreed": "confirmed",
    "no": "disputed", "false": "disputed", "rejected": "disputed",
}


def closest_choice(value: Any, choices: list[str]) -> str | None:
    """The value of a closed vocabulary (`choices`) that `value` most likely means: itself in
    another case (`Done`), a word for it (`finished` for `achieved`), or what it misspells
    (`donee`); None when nothing is close, or `value` is no text."""
    if not isinstance(value, str):
        return None
    said = " ".join(value.lower().split())
    if said in choices:
        return said
    meant = _SYNONYMS.get(said)
    if meant in choices:
        return meant
    return closest_key(said, choices)


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


#: A number at the start of a text, then a space, a unit or nothing: `27 km`, `10,000 steps`
#: (thousands), `2,5` (a decimal comma), `1.5h`.
_LEADING_NUMBER = re.compile(r"\s*([-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:[.,][0-9]+)?))(?=\s|[A-Za-z%]|$)")


def number_meant(text: str) -> str | None:
    """The number a text in a number field was meant to be (`27 km` -> 27, `10,000 steps` ->
    10000, `2,5` -> 2.5, a quoted `"27"` -> 27), or None when it does not begin with one."""
    text = text.strip()[:100]
    try:
        if math.isfinite(float(text)):
            return text
    except ValueError:
        pass
    found = _LEADING_NUMBER.match(text)
    if found is None or re.match(r"[eE][-+0-9]", text[found.end():]):  # `1e3x`: no number before the e
        return None
    number = found[1]
    thousands = re.fullmatch(r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+", number)
    return number.replace(",", "") if thousands else number.replace(",", ".")


#: At most this many misspelt zones of one entry are given a suggestion (core/schema): each
#: costs a search of the zone database's names, and a roster of thousands (a partner's
#: commit) must stay quick.
ZONE_SUGGESTIONS = 64


def zone_hint(name: str, accepts: Callable[[str], bool]) -> str:
    """What a misspelt time zone's problem adds: " (did you mean 'Europe/Berlin'?)" (see
    `closest_zone`), for a UTC offset (`GMT+1`, `UTC-05:00`) that it names no place, else ""."""
    if _OFFSET.search(name[:100]) and re.match(r"\s*(?:utc|gmt)?\s*[+-]", name[:100].casefold()):
        return " (a UTC offset is no zone: name a place's, such as Europe/Berlin, which keeps its summer time)"
    close = closest_zone(name, accepts)
    return f" (did you mean '{close}'?)" if close else ""


def closest_zone(name: str, accepts: Callable[[str], bool]) -> str | None:
    """The zone of this machine's database, of those whose name `accepts`, that `name` most
    likely misspells (`Europe/Berlinn`, `europe/berlin`, `Berlin`), or None: one whose name
    differs only in case or spaces, the one zone named after a city (`Berlin`; none when two
    are, `Pacific`), else the closest of its own region's zones; the same on every run."""
    import difflib

    zones = _zone_names(accepts)
    folded = name[:100].casefold().replace(" ", "_")
    if folded in zones:
        return zones[folded]
    if _OFFSET.search(folded) or folded.startswith("etc/"):
        # `GMT+1`, `UTC+01:00`: Etc/GMT+1 is an hour *behind* UTC (POSIX signs), and no fixed
        # offset keeps summer time: no guess (the problem asks for a place's zone).
        return None
    if "/" not in folded:  # a city alone (`Berlin`, `new york`): the one zone named after it
        cities = [zone for key, zone in sorted(zones.items()) if "/" in key and key.rpartition("/")[2] == folded]
        return cities[0] if len(cities) == 1 else None
    region = folded.partition("/")[0] + "/"
    pool = sorted(key for key in zones if key.startswith(region) and abs(len(key) - len(folded)) <= 3)
    close = difflib.get_close_matches(folded, pool, n=1, cutoff=0.8)
    return zones[close[0]] if close else None


_OFFSET = re.compile(r"[+-][0-9]")


@lru_cache(maxsize=2)
def _zone_names(accepts: Callable[[str], bool]) -> dict[str, str]:
    """Every zone name this machine's database lists that `accepts`, by its case-folded name
    (read once: the listing walks the whole database)."""
    try:
        found = zoneinfo.available_timezones()
    except (OSError, ValueError):
        return {}
    return {zone.casefold(): zone for zone in found if accepts(zone) and not zone.startswith("Etc/")}

