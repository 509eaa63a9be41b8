"""The markup-free fast path of split_sections and md_block agrees with markdown-it."""

from __future__ import annotations

import random

import pytest

from journal.digest import markdown

PLAIN = [
    "## Wins\nA good week.\n## Obstacles\nRain.\n## Strategies\nRun early.\n",
    "Before any heading.\n\n# Title one\nText, with: punctuation (and %) - fine!\n\n## Two  \n\n   \nEnd",
    "### Deeper\nStays inside.\n## Wins\nx\n###### Six\n",
    "",
    "\n\n",
    "Just text",
]
MARKUP = [
    "Wins\n===\ntext",  # setext heading
    "Text\n---\nmore",
    "  ## Indented\nstill a heading",
    "```\n## not a heading\n```\n## Real",
    "- item\n## After list",
    "1. one\n## H",
    "## *Refl&#101;ction*\ntext",
    "## Wins ##\nclosing hashes",
    "#Wins\nno space",
    "> quoted\n## H",
    "<div>\n## H\n</div>",
    "## Wins\n\ttabbed",
    "####### seven\n",
]


def _parsed(body: str) -> list[tuple[str, str]]:
    lines = body.split("\n")
    starts = markdown._parsed_starts(body)
    sections = [("", lines[: starts[0][0] if starts else len(lines)])]
    for n, (_, after, title) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        sections.append((title, lines[after:end]))
    return [(t, "\n".join(c).strip("\n")) for t, c in sections if t or "\n".join(c).strip()]


@pytest.mark.parametrize("body", PLAIN)
def test_plain_bodies_take_the_fast_path_and_split_as_the_parser_does(body: str) -> None:
    assert markdown.is_plain(body)
    assert markdown.split_sections(body) == _parsed(body)
    assert markdown.md_block(body) == markdown._escape_outside_fences(body.strip("\n"))


@pytest.mark.parametrize("body", MARKUP)
def test_bodies_with_markup_go_to_the_parser(body: str) -> None:
    assert not markdown.is_plain(body)
    assert markdown.split_sections(body) == _parsed(body)


def test_random_plain_looking_bodies_agree_with_the_parser() -> None:
    # Lines drawn from pieces that are plain, nearly plain or markup, in random orders.
    pieces = ["## Wins", "# Top", "### Sub", "Text line.", "", "   ", "Words: 3 (ok)!", "---", "===",
              "- list", "  ## Indented", "```", "Wins ##", "## Wins #", "a < b", "[x](y)", "1) one", "## 2026"]
    rng = random.Random(17)
    for _ in range(2000):
        body = "\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert markdown.split_sections(body) == _parsed(body), body
        if markdown.is_plain(body):
            assert markdown.md_block(body) == markdown._escape_outside_fences(markdown.for_markup(body).strip("\n"))


@pytest.mark.parametrize("body", [*PLAIN, *MARKUP])
def test_dropping_a_section_leaves_the_other_sections_as_split_sections_finds_them(body: str) -> None:
    # What a reply's body shows with a section hidden (digest.private): the other sections,
    # by split_sections' own reading, and nothing of the hidden one.
    for title, _ in markdown.split_sections(body):
        if not title:
            continue
        key = markdown.section_key(title)
        kept = markdown.split_sections(markdown.drop_sections(body, {key}))
        assert kept == [s for s in markdown.split_sections(body) if markdown.section_key(s[0]) != key], body
    assert markdown.drop_sections(body, set()) is body
    assert markdown.drop_sections(body, {"no such heading"}) == body


def test_dropping_random_sections_agrees_with_split_sections() -> None:
    pieces = ["## Wins", "# Reflection", "## reflection ", "### Sub", "Text line.", "", "---", "===", "- list",
              "```", "Secret: 3", "> quoted", "  ## Reflection"]
    rng = random.Random(29)
    for _ in range(1000):
        body = "\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))
        kept = markdown.split_sections(markdown.drop_sections(body, {"reflection"}))
        assert kept == [s for s in markdown.split_sections(body) if markdown.section_key(s[0]) != "reflection"], body


@pytest.mark.parametrize("body", ["<div>\n## Secret\nMK\n", "<!--\n## Secret\nMK\n-->\n", "## Se\u200bcret\nMK\n",
                                  "## \u00adSecret\nMK\n"])
def test_a_heading_the_page_shows_is_a_section_digest_private_can_hide(body: str) -> None:
    # The pages render without raw HTML (a `<div>` line is text, and the heading after it a
    # heading), and a zero-width space or soft hyphen shows nothing: the heading is "Secret".
    assert "MK" not in markdown.drop_sections(body, {markdown.section_key("secret")})
    assert "<h" in str(markdown.render_html(body)) or "Se\u200bcret" in body or "\u00ad" in body


def test_a_body_too_long_to_read_shows_only_its_notice_when_a_section_may_be_hidden() -> None:
    body = "Hi.\n\n## Secret\nMK\n\n## Public\n" + "filler text. " * 4000
    assert markdown.drop_sections(body, {"secret"}) == markdown.too_long(body)
    assert markdown.drop_sections(body, set()) is body
