"""The history cache checks a reply's key by its (author, partner) pair once and its period on
its own, a check-in's by its member once and its period on its own: the same answer as
reading the whole file name back, for any texts."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from journal.core.layout import CheckinName, ReplyName, parse_checkin_name, parse_reply_name
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
    event = (1, 0, COMMIT, "replies/x.md", "N", "n@example.org")
    replies = tuple((value,) for value in (author, to, period, *event))
    kept = _found([((),) * 8, ((),) * 7, {}, replies, {}, ((), ())]) is not None
    assert kept == (parse_reply_name(f"{period}-{author}-to-{to}.md") == ReplyName(period, author, to))


@settings(max_examples=500, deadline=None)
@given(PERIOD, ID)
@example("2026-W47", "a")
@example("2026-11-30", "a-b")
@example("2026-W47-a", "b")
@example("2026-W47", "a/2026-W47-a")
def test_a_cached_checkin_key_is_kept_exactly_when_its_file_name_reads_back(period: str, member: str) -> None:
    event = (1, 0, COMMIT, "checkins/x.md", "N", "n@example.org")
    filings = tuple((value,) for value in (member, period, *event))
    kept = _found([filings, ((),) * 7, {}, ((),) * 9, {}, ((), ())]) is not None
    assert kept == (parse_checkin_name(f"{period}-{member}.md") == CheckinName(period, member))
