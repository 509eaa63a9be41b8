"""digest.json's bytes, planned from the hash of its check-ins' and goals' inputs, then written
whole or spliced from their kept texts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from journal.core import text_safety
from journal.digest.view import DigestView
from journal.store.text_cache import TextCache

#: The JSON text of each check-in and goal of digest.json, kept under the git folder.
JSON_TEXTS = "digest-json.bin"
#: The overview's lists whose items are named by the hash of their inputs (view.ids).
_NAMED_LISTS = ("checkins", "goals")


@dataclass(frozen=True)
class JsonPlan:
    """digest.json as a sequence of parts: text written as it is, or (key, item) for a
    check-in or goal whose text is kept by `key`, the hash of its inputs. `key` hashes the
    parts (each text, each item's key): what the overview is, without writing its 2,700
    named items out, so an unchanged overview is known before any of them is read."""

    parts: tuple[str | tuple[str, Any], ...]
    key: str


def plan_json(view: DigestView, base_key: str) -> JsonPlan:
    """digest.json of `view` as parts: the check-ins and goals the view names by the hash of
    their inputs stand as that hash (with the keys each has and the thread put on it since),
    everything else as its text. The bytes `dump_json` writes from the plan are those of
    writing the overview whole."""
    data = view.overview
    base = hashlib.sha256(f"{base_key}\0json\0".encode())
    parts: list[str | tuple[str, Any]] = ["{"]
    for n, name in enumerate(sorted(data)):
        value = data[name]
        head = ("," if n else "") + f"{json_text(name)}:"
        keys = _item_keys(view, base, value) if name in _NAMED_LISTS and isinstance(value, list) else None
        if not keys:
            parts.append(head + json_text(value))
            continue
        parts.append(head + "[")
        for i, (item, key) in enumerate(zip(value, keys, strict=True)):
            if i:
                parts.append(",")
            if key is None:
                view.fill([item])  # written now: with its thread on
            parts.append(json_text(item) if key is None else (key, item))
        parts.append("]")
    parts.append("}\n")
    digest = hashlib.sha256(f"{base_key}\0json plan\0".encode())
    for part in parts:
        if isinstance(part, str):
            raw = part.encode("utf-8", "surrogatepass")
            digest.update(b"T%d:" % len(raw))
            digest.update(raw)
        else:
            digest.update(b"K" + part[0].encode())
    return JsonPlan(tuple(_merged(parts)), digest.hexdigest())


def _item_keys(view: DigestView, base: Any, items: list[Any]) -> list[str | None]:
    """The key each item's text is kept by (None: an item the view does not name)."""
    keys: list[str | None] = []
    for item in items:
        found = view.ids.get(id(item))
        if found is None or not isinstance(item, dict):
            keys.append(None)
            continue
        # What writers._ident names, hashed without writing it as JSON first (2,700 items):
        # the inputs' hash (fixed length), the keys the item has, the thread put on it.
        digest = base.copy()
        digest.update(f"{found}\0{chr(1).join(view.names(item))}\0".encode())
        thread = view.thread_id(item)
        if thread is not None:
            digest.update(thread.encode())
        keys.append(digest.hexdigest())
    return keys


def _merged(parts: list[str | tuple[str, Any]]) -> list[str | tuple[str, Any]]:
    # Neighbouring texts joined: fewer parts to walk when writing.
    merged: list[str | tuple[str, Any]] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return merged


def dump_json(plan: JsonPlan, cache: TextCache, show: Callable[[Any], None] | None = None) -> bytes:
    """digest.json's bytes: sorted keys, one line, and "<" as \\u003c (the same data, but a
    browser sniffing the file finds no tag in it). Each check-in's and goal's text is read
    back from `cache` while its key is the same, else written (and kept), after `show(item)`
    (what puts its thread on: view.DigestView.fill): spliced in as they are, the bytes are
    the same as writing the overview whole."""
    def write(item: Any) -> str:
        if show is not None:
            show(item)
        return json_text(item)
    return "".join(part if isinstance(part, str) else cache.text(part[0], lambda item=part[1]: write(item))
                   for part in plan.parts).encode()


def json_text(value: Any) -> str:
    """`value` as digest.json writes it (without the final newline)."""
    # No indent: indenting forces json's pure-Python encoder, ten times slower. The escapes
    # replace single characters, so a text made of escaped pieces is the whole one escaped.
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text_safety.escape_json_raw(text).replace("<", "\\u003c")
