"""Cheap scans that run before an expensive parser sees partner text.

The C YAML loader recurses once per nesting level before any depth limit applies, so
30,000 `[` in a front matter crash the process; markdown-it-py needs seconds for tens of
kilobytes of brackets or list items. These scans look at every character once and decide
whether the parser may run at all.
"""

from __future__ import annotations

import re

#: More nesting than any entry needs (the schema allows far less), far less than a
#: parser's stack can take.
MAX_YAML_NESTING = 64
#: The longest Markdown text (one entry's body) the digest parses as Markdown.
MAX_MARKDOWN_CHARS = 32 * 1024

_BLOCK_SCALAR = re.compile(r".*[:\-?][ \t]+[|>][0-9+\-]*[ \t]*(#.*)?\Z|[|>][0-9+\-]*[ \t]*\Z")
_COMPACT = re.compile(r"(?:[-?][ \t]+)+")


def yaml_nesting_line(text: str, limit: int = MAX_YAML_NESTING) -> int | None:
    """The 0-based line where YAML `text` may nest deeper than `limit`, or None.

    An upper bound, never an underestimate: block levels are counted from indentation
    (plus compact `- - x` items), flow levels from `[` and `{` outside quotes and
    comments, and the two added. Lines of a block scalar (`|`, `>`) are skipped."""
    # A bound on that bound, in one pass of C per character class: no line adds more block
    # levels than there are lines, compact items than `-` and `?`, flow levels than `[`
    # and `{`. Nearly every front matter is far below the limit and needs no scan.
    if (text.count("\n") + 1 + text.count("-") + text.count("?") + text.count("[") + text.count("{")) <= limit:
        return None
    return _scan(text, limit)


def _scan(text: str, limit: int) -> int | None:
    """yaml_nesting_line's scan, line by line."""
    indents: list[int] = []
    flow = 0
    scalar_indent: int | None = None
    for number, line in enumerate(text.split("\n")):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if scalar_indent is not None:
            if not stripped.strip() or indent > scalar_indent:
                continue
            scalar_indent = None
        if not stripped.strip() or stripped.startswith("#"):
            continue
        if flow == 0:
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
        compact = _COMPACT.match(stripped)
        block = len(indents) + (compact.group().count("-") + compact.group().count("?") if compact else 0)
        flow, deepest = _flow_depth(stripped, flow, limit - block)
        if block + deepest > limit:
            return number
        if flow == 0 and _BLOCK_SCALAR.match(stripped.rstrip()):
            scalar_indent = indent
    return None


def _flow_depth(line: str, depth: int, stop: int) -> tuple[int, int]:
    """(depth after `line`, deepest reached in it, or as soon as it passes `stop`), counting
    brackets outside quotes and comments."""
    deepest, quote, prev = depth, "", " "
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"" and (depth > 0 or prev in " :-[{,?"):
            quote = ch
        elif ch == "#" and prev in " \t":
            break
        elif ch in "[{" and (depth > 0 or prev in " :-?"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > stop:
                break
        elif ch in "]}" and depth > 0:
            depth -= 1
        prev = ch
        i += 1
    return depth, deepest


def markdown_too_big(text: str) -> bool:
    """Whether Markdown `text` is too long to hand to markdown-it (see MAX_MARKDOWN_CHARS)."""
    return len(text) > MAX_MARKDOWN_CHARS
