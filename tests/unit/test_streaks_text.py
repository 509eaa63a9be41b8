"""`streaks --json`'s fast writer gives json.dumps(indent=2, ensure_ascii=False)'s bytes (then made
terminal-safe as safe_json does), for threads of the usual shape and for anything else."""

from __future__ import annotations

import contextlib
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from journal.cli.output import echo_json
from journal.cli.streaks_text import streaks_pieces, streaks_text
from journal.core.text_safety import escape_json_raw

TEXT = st.text() | st.sampled_from(["", "a\u2028b\u202e", "quote \" back\\slash", "tab\tnew\nline", "é 🙂"])
SCALAR = st.none() | TEXT
RESPONSE = st.fixed_dictionaries({k: SCALAR for k in ("partner", "state", "label", "due", "at", "commit")})
VERDICT = st.fixed_dictionaries({"verdict": SCALAR, "note": SCALAR})
REPLY = st.fixed_dictionaries({"author": SCALAR, "at": SCALAR, "commit": SCALAR, "answer": SCALAR,
                               "kudos": SCALAR | st.integers() | st.booleans() | st.floats(),
                               "verdicts": st.lists(VERDICT, max_size=3), "body": TEXT})
THREAD = st.fixed_dictionaries({"member": SCALAR, "period": SCALAR, "ask": SCALAR, "filed": SCALAR,
                                "referee": SCALAR, "verdicts": st.lists(SCALAR, max_size=3),
                                "responses": st.lists(RESPONSE, max_size=3), "replies": st.lists(REPLY, max_size=3)})
# Threads of another shape (an extra key, a nested value where a scalar is expected) are
# written the standard way.
ODD = st.dictionaries(st.text(max_size=3), st.none() | st.integers() | st.lists(st.integers(), max_size=2), max_size=3)
OTHER = st.recursive(st.none() | st.integers() | TEXT | st.floats(),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=10)


def _data(threads: list[object], other: object) -> dict[str, object]:
    return {"now": "2026-11-25T12:00:00+00:00", "members": [{"member": "alice", "periods": [other]}],
            "contracts": [], "shallow": None,
            "responses": {"responders": {"alice": {"counts": {"late": 1}}}, "pact_reply_streaks": {},
                          "threads": threads},
            "warnings": [other]}


@settings(max_examples=300, deadline=None)
@given(st.lists(THREAD | ODD, max_size=4), OTHER)
def test_the_same_bytes_as_the_standard_library(threads: list[object], other: object) -> None:
    data = _data(threads, other)
    assert streaks_text(data) == escape_json_raw(json.dumps(data, indent=2, ensure_ascii=False))


def test_edges() -> None:
    for data in ({}, {"responses": {}}, {"responses": {"threads": []}}, {"responses": {"threads": [{}]}},
                 {"a": 1, "responses": {"threads": [[]], 1: 2}}, _data([], None)):
        assert streaks_text(data) == escape_json_raw(json.dumps(data, indent=2, ensure_ascii=False))


@settings(max_examples=100, deadline=None)
@given(st.lists(THREAD | ODD, max_size=4), OTHER, st.integers(1, 200))
def test_printed_in_batches_as_one_text(threads: list[object], other: object, batch: int) -> None:
    """The CLI prints the pieces as they come, in batches: what it prints is the text and a line break."""
    data = _data(threads, other)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        echo_json(streaks_pieces(data), batch=batch)
    assert out.getvalue() == streaks_text(data) + "\n"
