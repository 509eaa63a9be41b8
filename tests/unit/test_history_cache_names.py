"""The history cache checks a reply's key by its (author, partner) pair once and its period on
its own: the same answer as reading the whole file name back, for any texts."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from journal.core.layout import ReplyName, parse_reply_name
from journal.store.history_cache import _found

ID = st.text(alphabet="abto0-", max_size=8)
PERIOD = st.sampled_from(["2026-W47", "2026-11-30", "2026-W4", "2026-1-30", "2026-W47-a", "", "2026-W47\n"]) \
    | st.text(alphabet="0123456789-W", max_size=11)
COMMIT = "a" * 40


@settings(max_examples=500, deadline=None)
@given(PERIOD, ID, ID)
@example("2026-W47", "a", "to-b")
@example("2026-11-30", "a-to", "b")
@example("2026-W47", "a-to-b", "c")
def test_a_cached_reply_key_is_kept_exactly_when_its_file_name_reads_back(period: str, author: str, to: str) -> None:
    line = {"head": COMMIT, "filings": [], "pauses": [], "zones": [], "terms": [], "raised": [],
            "replies": [[author, to, period, 1, 0, COMMIT, "replies/x.md", "N", "n@example.org"]]}
    kept = _found(line, ({}, {}, {}, {}, {}, {})) is not None
    assert kept == (parse_reply_name(f"{period}-{author}-to-{to}.md") == ReplyName(period, author, to))
