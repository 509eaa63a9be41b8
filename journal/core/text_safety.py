"""Named character classes for every place partner text goes: terminal, XML, YAML, Markdown, URLs.

The one home of "which characters are dangerous where". Characters that are part of
writing are kept everywhere: the zero-width joiner and non-joiner (emoji sequences,
Persian and Indic scripts), variation selectors, and the directional marks LRM, RLM and
ALM. What is removed or escaped is only what can harm the reader's terminal or break the
format: C0 and C1 controls, and the bidirectional embeddings, overrides and isolates that
reorder text around them ("Trojan Source", CVE-2021-42574).
"""

from __future__ import annotations

import json
import re
from typing import Any

_C0 = "\x00-\x08\x0b\x0c\x0e-\x1f"  # without tab, line feed and carriage return
_C1 = "\x7f-\x9f"
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_LINE_BREAKS = "\n\r\x85\u2028\u2029"
_NONCHARACTERS = "\ufffe\uffff"
_SURROGATES = "\ud800-\udfff"

#: Anything that may move the cursor, start an escape sequence (ESC, CSI, OSC…), break a
#: line or reorder the text of a single-line terminal message. Surrogates too: a file name
#: that is not UTF-8 holds its bytes as surrogate escapes, which the terminal's stream
#: writes back out raw (0x9b, the one-byte CSI, among them).
TERMINAL_UNSAFE = re.compile(f"[{_C0}{_C1}{_BIDI_CONTROLS}{_LINE_BREAKS}{_SURROGATES}]")
#: The same for a block of several lines: line feeds and tabs stay.
TERMINAL_BLOCK_UNSAFE = re.compile(f"[{_C0}{_C1}{_BIDI_CONTROLS}\r\x85\u2028\u2029{_SURROGATES}]")
#: Not allowed in XML 1.0 documents (§2.2 Char), plus C1 and bidi controls, which readers
#: of feeds and SVGs show as garbage or use to reorder text.
XML_UNSAFE = re.compile(f"[{_C0}{_C1}{_BIDI_CONTROLS}{_SURROGATES}{_NONCHARACTERS}]")
#: Outside YAML 1.2's printable set (§5.1): a YAML reader refuses these in a document.
YAML_FORBIDDEN = re.compile(f"[{_C0}\x7f-\x84\x86-\x9f{_SURROGATES}{_NONCHARACTERS}]")
#: What our YAML writer escapes inside a double-quoted scalar (forbidden, plus what would
#: break the line or be invisible at the start of a file).
YAML_ESCAPE = re.compile(f"[{_C0}\t\n\r{_C1}\u2028\u2029\ufeff{_NONCHARACTERS}]")
#: Stripped from Markdown and HTML text: controls only; writing characters stay.
MARKUP_UNSAFE = re.compile(f"[{_C0}{_C1}{_BIDI_CONTROLS}]")
#: Stripped from a URL before its scheme is judged: in an address every invisible
#: character, joiners and marks included, is only good for spoofing.
URL_INVISIBLE = re.compile(f"[{_C0}\t\n\r{_C1}{_BIDI_CONTROLS}\u200b-\u200f\u2028\u2029\ufeff]")
#: C1 controls and line separators that json.dumps(ensure_ascii=False) leaves raw.
_JSON_RAW = re.compile(f"[{_C1}\u2028\u2029{_BIDI_CONTROLS}]")


def for_terminal(text: object) -> str:
    """One line of text safe to print on a terminal: every unsafe character shown as `?`."""
    return TERMINAL_UNSAFE.sub("?", str(text))


def for_terminal_block(text: object) -> str:
    """Several lines safe to print on a terminal: like for_terminal, keeping line feeds and tabs."""
    return TERMINAL_BLOCK_UNSAFE.sub("?", str(text))


def for_xml(text: object) -> str:
    """Text with every character XML 1.0 forbids (and C1 and bidi controls) removed."""
    return XML_UNSAFE.sub("", str(text))


#: Unicode's line and paragraph separators as line feeds: Python's str.splitlines breaks
#: at them and CommonMark does not, so left alone, text that markdown-it read as one line
#: (inside a code fence, say) would be split by the quoting around it into two.
_SEPARATORS_AS_LINE_FEEDS = str.maketrans({"\u2028": "\n", "\u2029": "\n"})


def for_markup(text: object) -> str:
    """Text for Markdown or HTML output: control characters removed, writing kept, and
    U+2028/U+2029 made line feeds (so every reader of the text sees the same lines)."""
    text = str(text)
    if text.isascii() and text.isprintable():
        return text  # no control character at all (pages print thousands of such labels)
    return MARKUP_UNSAFE.sub("", text).translate(_SEPARATORS_AS_LINE_FEEDS)


def one_line(text: object) -> str:
    """Text for a single-line format (a heading, an iCalendar SUMMARY, a table cell): controls
    removed and every run of whitespace, line breaks included, made one space."""
    return " ".join(for_markup(text).split())


def escape_yaml_unsafe(text: str) -> str:
    r"""`text` with what YAML_ESCAPE names written as `\uXXXX` escapes (for a double-quoted scalar)."""
    return YAML_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def safe_json(data: object) -> str:
    """Indented JSON for a terminal or a pipe: non-ASCII text stays readable, and the C1 and
    bidi controls and line separators that JSON would leave raw are escaped as `\\uXXXX`."""
    return escape_json_raw(indented_json(data))


def indented_json(data: object) -> str:
    """Exactly `json.dumps(data, indent=2, ensure_ascii=False)`, several times faster.

    With `indent` the standard library falls back to its pure-Python encoder (~1 s for the
    13 MB of `streaks --json` with 13,000 replies). Here a container holding only scalars
    is written by the C encoder in one call, its item separator carrying the newline and
    the indentation of its depth; only the containers above those are walked in Python."""
    parts: list[str] = []
    _indent_into(parts, data, 0)
    return "".join(parts)


_LEAF_ENCODERS: dict[int, Any] = {}
_SCALARS = (str, int, float, bool, type(None))
_string = json.encoder.encode_basestring  # the C function when the accelerator is there


def _leaf_encoder(depth: int) -> Any:
    """The C encoder whose item separator is a line break plus the indentation of `depth` + 1."""
    encoder = _LEAF_ENCODERS.get(depth)
    if encoder is None:
        pad = "\n" + "  " * (depth + 1)
        make = json.encoder.c_make_encoder
        if make is None:  # no C accelerator: the standard encoder, just as exact
            plain = json.JSONEncoder(ensure_ascii=False, separators=("," + pad, ": "))
            encoder = plain.encode
        else:
            chunks = make(None, None, _string, None, ": ", "," + pad, False, False, True)
            encoder = lambda value: "".join(chunks(value, 0))  # noqa: E731
        _LEAF_ENCODERS[depth] = encoder
    return encoder


def _indent_into(parts: list[str], value: object, depth: int) -> None:
    if isinstance(value, dict):
        if not all(type(k) is str for k in value):
            # Keys json.dumps converts (numbers, booleans, None): its own output, indented
            # to this depth (every raw line break in indented JSON is structural).
            parts.append(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * depth))
            return
    elif not isinstance(value, (list, tuple)):
        parts.append(_string(value) if type(value) is str else json.dumps(value, ensure_ascii=False))
        return
    if not value:
        parts.append("{}" if isinstance(value, dict) else "[]")
        return
    # Runs of scalars (and of empty containers, which print the same either way) go to
    # the C encoder together; each nested container is written here, one level deeper.
    pad, close = "\n" + "  " * (depth + 1), "\n" + "  " * depth
    encode, is_dict = _leaf_encoder(depth), isinstance(value, dict)
    parts.append("{" if is_dict else "[")
    run: Any = {} if is_dict else []
    wrote = False
    for key, item in (value.items() if is_dict else enumerate(value)):  # type: ignore[union-attr]
        if isinstance(item, _SCALARS) or not item:
            if is_dict:
                run[key] = item
            else:
                run.append(item)
            continue
        if run:
            parts.append(("," if wrote else "") + pad + encode(run)[1:-1])
            run, wrote = {} if is_dict else [], True
        parts.append(("," if wrote else "") + pad + (_string(key) + ": " if is_dict else ""))
        _indent_into(parts, item, depth + 1)
        wrote = True
    if run:
        parts.append(("," if wrote else "") + pad + encode(run)[1:-1])
    parts.append(close + ("}" if is_dict else "]"))


def escape_json_raw(text: str) -> str:
    """JSON text (from json.dumps(ensure_ascii=False)) with the C1 and bidi controls and line
    separators it leaves raw written as `\\uXXXX`: the same data, nothing a viewer reorders."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
