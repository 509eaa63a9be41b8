"""One thread of `journal streaks --json` as `json.dumps(indent=2, ensure_ascii=False)` writes
it, made terminal-safe (core/text_safety.escape_json_raw), written fast.

With replies, nearly all of `streaks --json` is the threads: thousands of small dicts and
lists of one known shape. A thread of that shape is written here in one go, each scalar by
the C string encoder; any other goes through `indented_json`. Both give the standard
library's bytes exactly (tests/unit/test_streaks_text.py holds them to it). It lives in core
so that a cache of threads (store/thread_cache.py) can keep a thread's text with it.
"""

from __future__ import annotations

import json
from typing import Any

from journal.core.text_safety import escape_json_raw, indented_json

_string = json.encoder.encode_basestring  # ensure_ascii=False's string encoder (C when available)
_THREAD = ("member", "period", "ask", "filed", "referee", "verdicts", "responses", "replies")
_RESPONSE = ("partner", "state", "label", "due", "at", "commit")
_REPLY = ("author", "at", "commit", "answer", "kudos", "verdicts", "body")
_VERDICT = ("verdict", "note")


class ThreadText:
    """A thread already written by `thread_text` (kept by a cache): written as it is.

    A holder, not a str subclass: making one of a 5 KB text, and writing it, copies nothing
    (13,000 replies make 13 MB of them)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def at_depth(value: Any, depth: int) -> str:
    """`value` as safe_json writes it at `depth` (every raw line break in indented JSON is structural)."""
    return escape_json_raw(indented_json(value)).replace("\n", "\n" + "  " * depth)


def _scalar(value: Any) -> str | None:
    if type(value) is str:
        text = _string(value)
        # What escape_json_raw rewrites is single characters, none of them ASCII: a string
        # is made safe on its own, and most need no look.
        return text if text.isascii() else escape_json_raw(text)
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is bool:
        return "true" if value else "false"
    return None  # anything else: the thread is written the standard way


def _flat(item: Any, keys: tuple[str, ...], depth: int) -> str | None:
    """A dict of exactly `keys`, all scalars, at `depth`; None for anything else."""
    if type(item) is not dict or tuple(item) != keys:
        return None
    pad = "\n" + "  " * (depth + 1)
    out = []
    for key in keys:
        text = _scalar(item[key])
        if text is None:
            return None
        out.append(f'{pad}"{key}": {text}')
    return "{" + ",".join(out) + "\n" + "  " * depth + "}"


def _items(values: Any, write: Any, depth: int) -> str | None:
    """A list at `depth`, each item written by `write(item, depth + 1)`; None if one cannot be."""
    if type(values) is not list:
        return None
    if not values:
        return "[]"
    pad = "\n" + "  " * (depth + 1)
    out = []
    for value in values:
        text = write(value, depth + 1)
        if text is None:
            return None
        out.append(pad + text)
    return "[" + ",".join(out) + "\n" + "  " * depth + "]"


def _reply(reply: Any, depth: int) -> str | None:
    if type(reply) is not dict or tuple(reply) != _REPLY:
        return None
    verdicts = _items(reply["verdicts"], lambda v, d: _flat(v, _VERDICT, d), depth + 1)
    if verdicts is None:
        return None
    pad = "\n" + "  " * (depth + 1)
    out = []
    for key in _REPLY:
        text = verdicts if key == "verdicts" else _scalar(reply[key])
        if text is None:
            return None
        out.append(f'{pad}"{key}": {text}')
    return "{" + ",".join(out) + "\n" + "  " * depth + "}"


def thread_text(thread: Any, depth: int = 3) -> str:
    """One thread at `depth` (3: inside "responses"."threads"), exactly as indented_json writes it;
    a `ThreadText` as it is."""
    if type(thread) is ThreadText:
        return thread.text
    written = _thread_fast(thread, depth) if type(thread) is dict and tuple(thread) == _THREAD else None
    return written if written is not None else at_depth(thread, depth)


def _thread_fast(thread: dict[str, Any], depth: int) -> str | None:
    pad = "\n" + "  " * (depth + 1)
    out = []
    for key in _THREAD:
        value = thread[key]
        if key == "verdicts":
            text = _items(value, lambda v, d: _scalar(v), depth + 1)
        elif key == "responses":
            text = _items(value, lambda r, d: _flat(r, _RESPONSE, d), depth + 1)
        elif key == "replies":
            text = _items(value, _reply, depth + 1)
        else:
            text = _scalar(value)
        if text is None:
            return None
        out.append(f'{pad}"{key}": {text}')
    return "{" + ",".join(out) + "\n" + "  " * depth + "}"
