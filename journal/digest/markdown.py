"""Partner Markdown made safe: HTML for the site (raw HTML off, unsafe links dropped) and
escaped text for DIGEST.md, plus the body sections (Wins, Obstacles, …) of a check-in."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from collections.abc import Collection
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from journal.core.limits import MAX_MARKDOWN_CHARS, markdown_too_big
from journal.core.text_safety import URL_INVISIBLE, for_markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Characters that start Markdown syntax anywhere in a line, and more at its start.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_LEADING = re.compile(r"\A([#+\-=>]|\d+[.)])")
# Lines whose block structure needs no parser: an ATX heading of plain words at the margin,
# a line that starts with a letter and holds no character that makes Markdown syntax, or a
# blank line. A body made only of these (most check-ins) is split without markdown-it,
# which then is not even imported; anything else takes the parser's word.
_PLAIN_HEADING = re.compile(r"(#{1,6}) ([A-Za-z0-9][A-Za-z0-9 ]*)\Z")
_PLAIN_LINE = re.compile(r"[A-Za-z][A-Za-z0-9 .,:;!?'\"()%/+-]*\Z| *\Z")


def is_safe_url(url: str) -> bool:
    """http, https and mailto links, and relative ones (no scheme, not protocol-relative)."""
    url = URL_INVISIBLE.sub("", url).strip()
    if url.startswith(("//", "\\\\", "/\\", "\\/")):
        return False
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return False
    if scheme:
        return scheme.lower() in SAFE_SCHEMES
    # "javascript&colon;" and friends never reach here decoded: markdown-it decodes
    # entities before validateLink, and a colon before any slash means a scheme.
    head = url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" not in head


# markdown-it is imported on first use: the committed digest (what the pre-commit hook
# writes) needs it only for sections that hold link syntax.
@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    md.add_render_rule("image", _image_as_link)
    md.add_render_rule("link_open", _link_open)
    return md


def _image_as_link(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    # No remote assets: an image becomes a link to it, labelled with its alt text.
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escape(src)}" rel="nofollow noopener noreferrer">{escape(alt)}</a>'


def _link_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if urlsplit(href).scheme.lower() in ("http", "https"):
        token.attrSet("rel", "nofollow noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


@cache
def _blocks(html: bool = True) -> MarkdownIt:
    """Block structure only (headings, fences, code blocks): linear in the text, no inline
    rules. With `html` (as a Git host renders Markdown) a line like `<div>` opens an HTML
    block that swallows what follows; without (as the digest's pages render it, _parser) it
    is text, and a heading after it is a heading."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": html}).enable(["table", "strikethrough"])
    md.core.ruler.disable("inline")
    return md


@cache
def _inline() -> MarkdownIt:
    """Inline rules only, HTML recognised (so a tag is dropped from a heading's plain text)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["strikethrough"])


# A line of words that markdown-it writes as it is inside a paragraph: it starts with a
# letter, ends with no space (two would make a line break) and holds no character that
# starts syntax or that HTML escapes (`"` is escaped differently by markdown-it and markupsafe).
_PROSE_LINE = re.compile(r"[A-Za-z](?:[A-Za-z0-9 .,:;!?'()%/+-]*[A-Za-z0-9.,:;!?'()%/+-])?\Z")


def _prose_html(text: str) -> str | None:
    """What markdown-it renders for `text` when it is only paragraphs of plain words (most
    sections of a check-in: "A good week."), without importing it; None for anything else."""
    lines = text.split("\n")
    if not all(_PROSE_LINE.match(line) or not line.strip(" ") for line in lines):
        return None
    paragraphs, current = [], []
    for line in [*lines, ""]:
        if line.strip(" "):
            current.append(line)
        elif current:
            paragraphs.append("<p>" + "\n".join(current) + "</p>\n")
            current = []
    return "".join(paragraphs)


@lru_cache(maxsize=16384)
def render_html(text: str, heading_level: int = 4) -> Markup:
    """Partner Markdown as HTML; headings start at `heading_level` so they sit under the page's."""
    if markdown_too_big(text):
        return Markup(f"<p>{escape(too_long(text))}</p>")
    plain = _prose_html(for_markup(text))
    if plain is not None:
        return Markup(plain)
    md = _parser()
    tokens = md.parse(for_markup(text))
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) - 1 + heading_level)
            token.tag = f"h{level}"
    return Markup(md.renderer.render(tokens, md.options, {}))


def split_sections(body: str) -> list[tuple[str, str]]:
    """A check-in body as (heading, text) pairs, text before any heading under "".

    What is a heading (level 1 or 2, at the top level) is decided by markdown-it's block
    parser, with the rules the pages render with: an indented `  ## Reflection` or a
    setext heading starts a section, a `##` inside fenced code does not. A body too long
    to parse is one section holding only a notice, so nothing private can slip through."""
    if markdown_too_big(body):
        return [("", too_long(body))]
    lines = body.split("\n")
    spans = _sections(body, lines)
    sections: list[tuple[str, list[str]]] = [("", lines[: spans[0][0] if spans else len(lines)])]
    sections += [(title, lines[after:end]) for _, after, end, title in spans]
    return [(title, "\n".join(chunk).strip("\n")) for title, chunk in sections
            if title or "\n".join(chunk).strip()]


def _sections(body: str, lines: list[str]) -> list[tuple[int, int, int, str]]:
    """(heading's line, line after it, line after the section, title) of each section of
    `body` (split into `lines`): from a level 1 or 2 heading at the top level to the next."""
    starts = _plain_starts(lines)
    if starts is None:
        starts = _parsed_starts(body)
    return [(first, after, starts[n + 1][0] if n + 1 < len(starts) else len(lines), title)
            for n, (first, after, title) in enumerate(starts)]


def hidden_sections(names: Collection[str]) -> frozenset[str]:
    """The section keys `names` (those under `digest.private`) hide."""
    return frozenset(map(section_key, names))


def drop_sections(body: str, hidden: Collection[str]) -> str:
    """`body` without the sections whose heading's `section_key` is in `hidden`, each from its
    heading to the next heading (split_sections' headings), as written otherwise. A body too
    long to parse becomes the notice that stands for it (too_long), as in split_sections."""
    if not hidden:
        return body
    if markdown_too_big(body):
        return too_long(body)  # no section of it can be told apart: none of it is shown
    lines = body.split("\n")
    dropped = [(first, end) for first, _, end, title in _sections(body, lines) if section_key(title) in hidden]
    if not dropped:
        return body
    kept, at = [], 0
    for first, end in dropped:
        # A blank line where a section was: what follows still starts a block of its own (a
        # setext heading would otherwise read as the line before's continuation).
        kept += [*lines[at:first], ""]
        at = end
    return "\n".join(kept + lines[at:])


def _parsed_starts(body: str) -> list[tuple[int, int, str]]:
    """(first line, line after, title) of each level 1 or 2 heading at the top level."""
    starts = []
    # Headings as the pages render them (no raw HTML): a heading the page shows is a section
    # here too, so `digest.private` can hide it.
    tokens = _blocks(html=False).parse(body)
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.tag in ("h1", "h2") and token.map:
            starts.append((token.map[0], token.map[1], heading_text(tokens[i + 1].content)))
    return starts


def _plain_starts(lines: list[str]) -> list[tuple[int, int, str]] | None:
    """The level 1 and 2 headings of text made only of plain lines (see _PLAIN_LINE), as
    split_sections finds them; None when a line is anything else. Such a heading is one
    line, and a plain line can neither start a block nor underline a setext heading."""
    starts = []
    for n, line in enumerate(lines):
        heading = _PLAIN_HEADING.match(line)
        if heading is not None:
            if len(heading[1]) <= 2:
                starts.append((n, n + 1, " ".join(heading[2].split())))
        elif _PLAIN_LINE.match(line) is None:
            return None
    return starts


def is_plain(text: str) -> bool:
    """Whether `text` is only plain lines and headings (no emphasis, link, code, list, quote
    or HTML), so it reads the same as Markdown and as text."""
    return _plain_starts(text.split("\n")) is not None


def heading_text(source: str) -> str:
    """A heading's plain text as a reader sees it: emphasis, code marks, links and tags
    dropped, entities decoded (`## *Refl&#101;ction*` -> `Reflection`), whitespace folded.

    Section titles are compared with `digest.private` in this form, so no spelling of a
    private heading that renders the same can slip past it."""
    parts: list[str] = []

    def collect(children: list[Token]) -> None:
        for child in children:
            if child.type in ("text", "text_special", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
            elif child.children:
                collect(child.children)

    for token in _inline().parseInline(for_markup(source)):
        collect(token.children or [])
    return " ".join("".join(parts).split())


def section_key(title: str) -> str:
    """How a section title (plain text from split_sections) or a `digest.private` name is
    matched: case and whitespace folded, invisible format characters (a zero-width space, a
    soft hyphen: Unicode category Cf) left out, as they show nothing."""
    if not title.isascii():
        title = "".join(ch for ch in title if unicodedata.category(ch) != "Cf")
    return " ".join(title.split()).casefold()


def too_long(text: str) -> str:
    """What the digest shows instead of Markdown too long to parse quickly."""
    return (f"({len(text) // 1024} KiB of text, longer than the digest shows "
            f"({MAX_MARKDOWN_CHARS // 1024} KiB); read it in the journal)")


def md_text(value: Any) -> str:
    """One line of partner text for DIGEST.md, with every Markdown and HTML special escaped."""
    text = " ".join(for_markup(str(value)).split())
    text = _MD_INLINE.sub(r"\\\1", text)
    # `&` stays: an entity a partner typed decodes to plain text, which is harmless.
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return _MD_LEADING.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)


def md_block(text: str) -> str:
    """A partner's Markdown section for DIGEST.md, still Markdown but unable to carry HTML.

    `<` becomes `&lt;` outside code, so no tag, comment or autolink survives; a section
    with a link or image whose target is unsafe (or an image that would load from
    elsewhere) is shown as escaped text, line by line."""
    text = for_markup(text).strip("\n")
    if markdown_too_big(text):
        return md_text(too_long(text))
    if is_plain(text):
        return text  # no link, no code and no `<`: nothing to escape
    if _has_unsafe_target(text):
        return "  \n".join(md_text(line) for line in text.splitlines() if line.strip())
    return _escape_outside_fences(text)


def md_quote(text: str, indent: str = "") -> str:
    """A partner's Markdown section as a block quote for DIGEST.md, each line after `indent`."""
    return "\n".join(f"{indent}> {line}".rstrip() for line in md_block(text).splitlines())


@cache
def _permissive() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _has_unsafe_target(text: str) -> bool:
    # A link or image needs `[` (inline, reference or image syntax) or `<` (an autolink);
    # raw HTML is off and entities never make syntax, so text without either has none.
    if "[" not in text and "<" not in text:
        return False
    for token in _permissive().parse(text):
        for child in [token, *(token.children or [])]:
            href, src = child.attrGet("href"), child.attrGet("src")
            if href is not None and not is_safe_url(str(href)):
                return True
            if src is not None and (not is_safe_url(str(src)) or _is_remote(str(src))):
                return True
    return False


def _is_remote(url: str) -> bool:
    return bool(urlsplit(url).scheme) or url.startswith("//")


def _escape_outside_fences(text: str) -> str:
    # Inside code blocks (fenced or indented) every renderer shows `<` as it is; elsewhere,
    # including inline code, `&lt;` is the safe spelling (inside a code span it shows as
    # typed: harmless). Which lines are code is markdown-it's decision, never a pattern
    # of ours: "```x`" is no fence (a backtick fence's info string has no backticks).
    lines = text.split("\n")
    raw = [False] * len(lines)
    unclosed: str | None = None
    for token in _blocks().parse(text):
        if token.type in ("fence", "code_block") and token.map:
            start, end = token.map
            for n in range(start, min(end, len(lines))):
                raw[n] = True
            if token.type == "fence":
                raw[start] = False  # the opening line is not code: its info string is rendered
                last = lines[end - 1].strip() if end - 1 > start else ""
                closed = bool(last) and set(last) == {token.markup[0]} and len(last) >= len(token.markup)
                unclosed = None if closed or end < len(lines) else token.markup
    out = [line if raw[n] else line.replace("<", "&lt;") for n, line in enumerate(lines)]
    if unclosed is not None:
        out.append(unclosed)  # close a fence left open, so it cannot swallow what follows
    return "\n".join(out)
