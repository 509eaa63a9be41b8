"""`journal streaks --json`'s text: `json.dumps(data, indent=2, ensure_ascii=False)`'s bytes, written fast.

With replies, nearly all of the output is the threads (11 of 13 MB for 13,000 replies):
thousands of small dicts and lists of one known shape. A thread is written here in one go,
each scalar by the C string encoder; everything else (and any thread not of that shape)
goes through `indented_json`. Both give the standard library's bytes exactly
(tests/unit/test_streaks_text.py holds them to it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from journal.core.text_safety import escape_json_raw, indented_json
from journal.core.thread_json import at_depth as _at
from journal.core.thread_json import thread_text as _thread

_string = json.encoder.encode_basestring  # ensure_ascii=False's string encoder (C when available)


def streaks_text(data: dict[str, Any]) -> str:
    """`safe_json(data)` for `standing.streaks_json`'s data, its threads written by `_thread`."""
    return "".join(streaks_pieces(data))


def streaks_pieces(data: dict[str, Any]) -> Iterator[str]:
    """`streaks_text(data)` in pieces, in order, for writing as they are made: with replies the
    text is 13 MB, and a reader at the other end of a pipe (jq, a script) can take the first
    pieces while the rest are written, with no copy of the whole text made on the way.

    safe_json's escaping of C1, bidi and line-separator characters is applied per piece:
    those are single non-ASCII characters, so the pieces escaped are the whole escaped."""
    responses = data.get("responses")
    if not data or not isinstance(responses, dict) or not responses \
            or not all(type(k) is str for k in data) or not all(type(k) is str for k in responses):
        yield escape_json_raw(indented_json(data))
        return
    # Each part is made terminal-safe as it is written (see _scalar): the keys here, by _at
    # and _scalar below.
    yield "{"
    for i, (key, value) in enumerate(data.items()):
        yield f'{"," if i else ""}\n  {escape_json_raw(_string(key))}: '
        if key != "responses":
            yield _at(value, 1)
            continue
        yield "{"
        for j, (part, inner) in enumerate(value.items()):
            yield f'{"," if j else ""}\n    {escape_json_raw(_string(part))}: '
            if part == "threads" and type(inner) is list and inner:
                yield "["
                for n, thread in enumerate(inner):
                    yield ",\n      " if n else "\n      "
                    yield _thread(thread)
                yield "\n    ]"
            else:
                yield _at(inner, 2)
        yield "\n  }"
    yield "\n}"
