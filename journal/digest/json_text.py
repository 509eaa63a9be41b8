"""digest.json's bytes, written whole or spliced from the kept texts of its check-ins and goals."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from journal.core import text_safety
from journal.digest.threads import thread_key
from journal.digest.view import DigestView
from journal.store.text_cache import TextCache

#: The JSON text of each check-in and goal of digest.json, kept under the git folder.
JSON_TEXTS = "digest-json.bin"
#: The overview's lists whose items are named by the hash of their inputs (view.ids).
_NAMED_LISTS = ("checkins", "goals")


def json_texts(view: DigestView, base_key: str, cache: TextCache) -> dict[int, str]:
    """id() of each check-in and goal of the overview named by its inputs -> its JSON text,
    read back from `cache` while the hash of those inputs (and of this code) is the same:
    a new check-in writes the text of that check-in and of the goals it names, not 4 MB."""
    texts = {}
    base = hashlib.sha256(f"{base_key}\0json\0".encode())
    for name in _NAMED_LISTS:
        for item in view.overview.get(name, ()):
            found = view.ids.get(id(item))
            if found is None or not isinstance(item, dict):
                continue
            # What writers._ident names, hashed without writing it as JSON first (2,700 items):
            # the inputs' hash (fixed length), the keys the item has, the thread put on it.
            digest = base.copy()
            digest.update(f"{found}\0{chr(1).join(sorted(item))}\0".encode())
            if item.get("thread") is not None:
                digest.update(thread_key(view.ids, item["thread"]).encode())
            texts[id(item)] = cache.text(digest.hexdigest(), lambda item=item: json_text(item))
    return texts


def dump_json(data: Any, texts: Mapping[int, str] | None = None) -> bytes:
    """digest.json's bytes: sorted keys, one line, and "<" as \\u003c (the same data, but a
    browser sniffing the file finds no tag in it). `texts` holds, by id(), the text this
    function would write for some items of the lists of `data`'s top level: spliced in
    as they are, the bytes are the same as writing `data` whole."""
    if not texts or not isinstance(data, dict):
        return (json_text(data) + "\n").encode()
    # The top level as json.dumps(sort_keys=True) writes it: keys in order, "key":value.
    parts = []
    for name in sorted(data):
        value = data[name]
        if isinstance(value, list) and any(id(item) in texts for item in value):
            found = "[" + ",".join(texts[id(i)] if id(i) in texts else json_text(i) for i in value) + "]"
        else:
            found = json_text(value)
        parts.append(f"{json_text(name)}:{found}")
    return ("{" + ",".join(parts) + "}\n").encode()


def json_text(value: Any) -> str:
    """`value` as digest.json writes it (without the final newline)."""
    # No indent: indenting forces json's pure-Python encoder, ten times slower. The escapes
    # replace single characters, so a text made of escaped pieces is the whole one escaped.
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text_safety.escape_json_raw(text).replace("<", "\\u003c")
