"""render_html writes paragraphs of plain words without markdown-it, byte for byte as
markdown-it does, and hands everything else to it."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from journal.digest import markdown
from tests.support.journals import PROJECT


def _parser_html(text: str) -> str:
    md = markdown._parser()
    return md.renderer.render(md.parse(markdown.for_markup(text)), md.options, {})


@pytest.mark.parametrize("text", ["A good week.", "Rain.\n", "Line one\nline two", "One.\n\n  \nTwo (50%), a/b +1 -2 it's!",
                                  "", "\n\n", "x"])
def test_plain_paragraphs_take_the_fast_path_and_match_the_parser(text: str) -> None:
    assert markdown._prose_html(markdown.for_markup(text)) is not None
    assert str(markdown.render_html(text)) == _parser_html(text)


@pytest.mark.parametrize("text", ["Ends with two  \nbreak", "1. one", "- item", "Wins\n===", "a *b*", "a_b_",
                                  'say "hi"', "a & b", "  indented", "Tab\there", "ünïcode", "# Heading", "a\\b"])
def test_anything_else_goes_to_the_parser(text: str) -> None:
    assert markdown._prose_html(markdown.for_markup(text)) is None
    assert str(markdown.render_html(text, 1)) == _parser_html(text)  # headings kept at their level


def test_random_texts_agree_with_the_parser() -> None:
    rng = random.Random(17)
    alphabet = "Aab .,:;!?'()%/+-1 \n\"#*_=>&<\t"
    fast = 0
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        plain = markdown._prose_html(markdown.for_markup(text))
        if plain is not None:
            fast += 1
            assert plain == _parser_html(text), repr(text)
    assert fast > 1000  # the fast path was exercised


def test_plain_sections_do_not_import_markdown_it() -> None:
    probe = ("import sys; from journal.digest.markdown import render_html; "
             "render_html('A good week.\\n\\nRun early.'); print('markdown_it' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=PROJECT)
    assert out.stdout.strip() == "False"
