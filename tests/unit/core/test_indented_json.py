"""indented_json is json.dumps(indent=2, ensure_ascii=False), byte for byte, only faster."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from journal.core.text_safety import indented_json

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
KEYS = st.text() | st.integers() | st.booleans() | st.none()  # json.dumps turns non-text keys into text
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner)
                      | st.dictionaries(st.text(), inner, max_size=5)
                      | st.dictionaries(KEYS, inner, max_size=3), max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_the_same_bytes_as_the_standard_library(value: object) -> None:
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_edges_the_standard_library_writes_in_its_own_way() -> None:
    for value in ({}, [], {"a": []}, {"a": {}}, [[[]]], {"x": [1, {"y": [None, "z\u2028"]}]}, "only text", 3):
        assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)
