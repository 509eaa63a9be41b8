"""A fast reader for front matter whose shape is plain, giving exactly what ruamel.yaml gives.

Nearly every entry is a handful of `key: value` lines, flow lists and mappings of plain
words and numbers, and a block list of such mappings (outcomes, commitments, verdicts).
ruamel.yaml reads ~3,500 documents a second; this reads that shape ten times faster.
It accepts only what it is sure of, and answers None for anything else, which then goes
to ruamel.yaml as before:

* ASCII only; no tab, quote, comment, anchor, alias, tag, block scalar or directive
  character anywhere (`\\t'"#&*!|>%@` and the backtick);
* at the top, `key: value` lines (a key of letters, digits, `_` and `-`, starting with a
  letter or `_`), `key:` alone (null, or a block list when `  - item` lines follow, two
  spaces in), and blank lines (trailing blanks ignored, as YAML does); no duplicate key;
* values: `[]`, `{}`, a flow list `[a, b]` of scalars, a flow mapping `{k: v, k: v}` of
  scalars, or a scalar; a block list item is a flow mapping or a scalar;
* scalars: text starting with a letter (in flow, also without `,[]{}`), never `:`; or a
  whole number without leading zeros or `_`; or a date `YYYY-MM-DD` (kept as its text,
  as entries' loader keeps timestamps) or a week `YYYY-Www`; a word YAML reads as a boolean or null is not
  plain (`true`, `No`, `null`, `on`, ...).

tests/unit/core/test_plain_yaml.py holds it to ruamel.yaml's result, types included,
over every test input, the real-world corpus and generated documents.
"""

from __future__ import annotations

import re
from typing import Any

_REFUSED = re.compile(r"[\t'\"#&*!|>%@`]")
_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
_LINE = re.compile(rf"({_KEY}):(?: +(.*))?")
_FLOW_PAIR = re.compile(rf" *({_KEY}): +(.*)")
_INT = re.compile(r"0|-?[1-9][0-9]{0,17}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PERIOD = re.compile(r"[0-9]{4}-W[0-9]{2}")
_BLOCK_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9 .,_/()?+=;~$^\-]*")
_FLOW_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()+=;~$^\-]*")  # no `?`: ruamel.yaml refuses `a?]`
_NOT_TEXT = frozenset("true false null yes no on off y n".split())
_ITEM = "  - "


def load(text: str) -> dict[str, Any] | None:
    """The mapping ruamel.yaml's safe loader reads from `text`, or None when `text` is not
    of the plain shape above (then nothing is claimed about it)."""
    if not text.isascii() or _REFUSED.search(text):
        return None
    found: dict[str, Any] = {}
    lines = text.split("\n")
    i, count = 0, len(lines)
    while i < count:
        line = lines[i].rstrip(" ")  # trailing blanks are no part of a plain value
        i += 1
        if not line:
            continue
        m = _LINE.fullmatch(line)
        if m is None:
            return None
        key, raw = m[1], m[2]
        if key in found or key.lower() in _NOT_TEXT:
            return None
        if raw is None:
            items = []
            while i < count and lines[i].startswith(_ITEM):
                item = _flow_value(lines[i][len(_ITEM):].rstrip(" "), block=True)
                if item is _NO:
                    return None
                items.append(item)
                i += 1
            found[key] = items if items else None
            continue
        value = _flow_value(raw, block=True)
        if value is _NO:
            return None
        found[key] = value
    return found or None  # nothing at all: YAML reads null, which parse() reports


_NO = object()


def _flow_value(raw: str, *, block: bool) -> Any:
    """A value after `key: ` or `- `: [], {}, a flow list or mapping of scalars, or a scalar."""
    if raw.startswith("["):
        if not raw.endswith("]"):
            return _NO
        inner = raw[1:-1].strip()
        if not inner:
            return []
        values = [_scalar(part.strip(), block=False) for part in inner.split(",")]
        return _NO if any(v is _NO for v in values) else values
    if raw.startswith("{"):
        if not raw.endswith("}"):
            return _NO
        inner = raw[1:-1].strip()
        if not inner:
            return {}
        mapping: dict[str, Any] = {}
        for part in inner.split(","):
            m = _FLOW_PAIR.fullmatch(part.rstrip())
            if m is None or m[1] in mapping or m[1].lower() in _NOT_TEXT:
                return _NO
            value = _scalar(m[2], block=False)
            if value is _NO:
                return _NO
            mapping[m[1]] = value
        return mapping
    return _scalar(raw, block=block)


def _scalar(raw: str, *, block: bool) -> Any:
    if _INT.fullmatch(raw):
        return int(raw)
    if _DATE.fullmatch(raw) or _PERIOD.fullmatch(raw):
        return raw
    if (_BLOCK_TEXT if block else _FLOW_TEXT).fullmatch(raw) and not raw.endswith(" ") \
            and raw.lower() not in _NOT_TEXT:
        return raw
    return _NO
