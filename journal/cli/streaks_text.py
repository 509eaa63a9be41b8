"""`journal streaks --json`'s text: `json.dumps(data, indent=2, ensure_ascii=False)`'s bytes, written fast.

With replies, nearly all of the output is the threads (11 of 13 MB for 13,000 replies):
thousands of small dicts and lists of one known shape. A thread is written here in one go,
each scalar by the C string encoder; everything else (and any thread not of that shape)
goes through `indented_json`. Both give the standard library's bytes exactly
(tests/unit/test_streaks_text.py holds them to it).
"""

from __future__ import annotations

import json
from typing import Any

from journal.core.text_safety import escape_json_raw, indented_json
from journal.core.thread_json import at_depth as _at
from journal.core.thread_json import thread_text as _thread

_string = json.encoder.encode_basestring  # ensure_ascii=False's string encoder (C when available)


def streaks_text(data: dict[str, Any]) -> str:
    """`safe_json(data)` for `standing.streaks_json`'s data, its threads written by `_thread`.

    safe_json's escaping of C1, bidi and line-separator characters is applied per piece:
    those are single non-ASCII characters, so the pieces escaped are the whole escaped."""
    responses = data.get("responses")
    if not data or not isinstance(responses, dict) or not responses \
            or not all(type(k) is str for k in data) or not all(type(k) is str for k in responses):
        return escape_json_raw(indented_json(data))
    # Each part is made terminal-safe as it is written (see _scalar): the keys here, by _at
    # and _scalar below.
    parts = ["{"]
    for i, (key, value) in enumerate(data.items()):
        parts.append(f'{"," if i else ""}\n  {escape_json_raw(_string(key))}: ')
        if key != "responses":
            parts.append(_at(value, 1))
            continue
        parts.append("{")
        for j, (part, inner) in enumerate(value.items()):
            parts.append(f'{"," if j else ""}\n    {escape_json_raw(_string(part))}: ')
            if part == "threads" and type(inner) is list and inner:
                parts.append("[" + ",".join("\n      " + _thread(t) for t in inner) + "\n    ]")
            else:
                parts.append(_at(inner, 2))
        parts.append("\n  }")
    parts.append("\n}")
    return "".join(parts)
