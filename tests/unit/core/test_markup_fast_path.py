"""for_markup returns plain printable ASCII as it is, and everything else as its rule says."""

from __future__ import annotations

import random

from journal.core.text_safety import _SEPARATORS_AS_LINE_FEEDS, MARKUP_UNSAFE, for_markup


def _rule(text: str) -> str:
    return MARKUP_UNSAFE.sub("", text).translate(_SEPARATORS_AS_LINE_FEEDS)


def test_the_fast_path_agrees_with_the_rule_on_random_text() -> None:
    rng = random.Random(5)
    for _ in range(50_000):
        text = "".join(chr(rng.choice([rng.randint(0, 0x7f), rng.randint(0x80, 0x206f)]))
                       for _ in range(rng.randint(0, 6)))
        assert for_markup(text) == _rule(text), repr(text)


def test_controls_in_ascii_text_are_still_removed() -> None:
    assert for_markup("on\x1b[31m time\x7f") == "on[31m time"
    assert for_markup("tab\tand\nline") == "tab\tand\nline"
    assert for_markup(3) == "3"
