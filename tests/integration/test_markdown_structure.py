"""Headings and code in partner Markdown are what markdown-it says they are, not what a regex guesses."""

from __future__ import annotations

from journal.digest.markdown import md_block, split_sections


def test_sections_follow_the_markdown_parser() -> None:
    body = ("intro\n## Wins\nRan.\n\n  ## Reflection\nprivate\n\nObstacles\n---------\nrain\n\n"
            "```\n## not a heading\n```\n> ## quoted, not a section\n")
    assert split_sections(body) == [
        ("", "intro"), ("Wins", "Ran."), ("Reflection", "private"),
        ("Obstacles", "rain\n\n```\n## not a heading\n```\n> ## quoted, not a section")]


def test_a_fake_fence_does_not_unescape_what_follows() -> None:
    out = md_block("```x`\n<img src=x onerror=alert(1)>")
    assert "<img" not in out and "&lt;img" in out


def test_code_keeps_its_text_and_an_open_fence_is_closed() -> None:
    assert md_block("```\n<b>code</b>\n```\n<i>x</i>") == "```\n<b>code</b>\n```\n&lt;i>x&lt;/i>"
    assert md_block("    <indented code>\n\n<p>") == "    <indented code>\n\n&lt;p>"
    assert md_block("~~~~\n<b>open") == "~~~~\n<b>open\n~~~~"


def test_too_long_markdown_becomes_a_notice() -> None:
    body = "## Wins\n" + "[" * 100_000
    assert split_sections(body)[0][1].startswith("(97 KiB of text, longer than the digest shows")


def test_a_unicode_line_separator_cannot_close_a_fence_early() -> None:
    """U+2028 is no line ending to CommonMark but is one to str.splitlines: the quoted
    section must be read with the same lines as the parser read it, or the fence closes
    early and what follows is live HTML in DIGEST.md."""
    from markdown_it import MarkdownIt

    from journal.digest.markdown import md_quote

    for separator in ("\u2028", "\u2029"):
        body = f"```\nfoo{separator}```\n<img src=x onerror=alert(1)><script>alert(2)</script>\n```\n"
        html = MarkdownIt("commonmark", {"html": True}).render(md_quote(body, "  "))
        assert "<script" not in html and "<img" not in html, html
