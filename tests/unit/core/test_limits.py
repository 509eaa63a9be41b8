"""core.limits: nesting measured before any YAML parser runs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.core.limits import _scan, yaml_nesting_line


@pytest.mark.parametrize("text, line", [
    ("a: " + "[" * 30_000 + "]" * 30_000 + "\n", 0),
    ("a: " + "{b: " * 100 + "}" * 100 + "\n", 0),
    ("a:\n" + "- " * 100 + "x\n", 1),
    ("a:\n  b: [\n" + "    [\n" * 70 + "]" * 72 + "\n", 63),
    ("".join(" " * i + f"k{i}:\n" for i in range(80)), 64),
])
def test_deep_nesting_is_found_without_parsing(text: str, line: int) -> None:
    assert yaml_nesting_line(text) == line


@pytest.mark.parametrize("text", [
    "title: a[b] {c}\nmembers:\n  alice: {name: 'A [[[[', emails: [a@b.c]}\n",
    "note: \"" + "[" * 500 + "\"\n",
    "note: plain" + "[" * 500 + "\n",
    "text: |\n" + "".join(" " * (2 + i) + "art\n" for i in range(200)),
    "# " + "[" * 500 + "\na: 1\n",
    "a: [[[[1]]]]\n",
])
def test_ordinary_yaml_passes(text: str) -> None:
    assert yaml_nesting_line(text) is None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.sampled_from(["k: v", "- x", "- - y", "? q", "k: [a, {b: c}]", "k: [[", "]]",
                                                               "k: |", "# [[[", "k: '[{'", "- {a: [b, [c]]}"])),
                max_size=30),
       st.integers(1, 40))
def test_the_quick_bound_never_changes_the_answer(lines: list[tuple[int, str]], limit: int) -> None:
    """The character count that lets most texts skip the scan is an upper bound of it."""
    text = "".join(" " * indent + line + "\n" for indent, line in lines)
    assert yaml_nesting_line(text, limit) == _scan(text, limit)
