"""The journal's index of replies (core/journal_index.Journal.replies), made a column at a time:
the same index a row at a time would make."""

from __future__ import annotations

from journal.core.entries import Entry, read_entry
from journal.core.journal_index import Journal


def _reply(path: str, author: object, to: object, period: object) -> Entry:
    text = f"---\nauthor: {author}\nto: {to}\nperiod: {period}\n---\nSeen.\n"
    entry = read_entry(path, "reply", text.encode())
    assert isinstance(entry, Entry)
    return entry


def test_the_replies_index_holds_every_reply_that_names_its_three_and_only_those() -> None:
    good = _reply("replies/2026/2026-W47-bob-to-alice.md", "bob", "alice", "2026-W47")
    daily = _reply("replies/2026/2026-11-20-carol-to-alice.md", "carol", "alice", "2026-11-20")
    bad_author = _reply("replies/2026/2026-W47-x-to-alice.md", "Not A Slug", "alice", "2026-W47")
    bad_period = _reply("replies/2026/2026-W47-dan-to-alice.md", "dan", "alice", "someday")
    no_to = _reply("replies/2026/2026-W47-erin-to-alice.md", "erin", "[alice]", "2026-W47")
    journal = Journal({e.path: e for e in (good, bad_author, daily, bad_period, no_to)})
    assert journal.replies == {("2026-W47", "alice", "bob"): good, ("2026-11-20", "alice", "carol"): daily}
    only_good = Journal({e.path: e for e in (good, daily)})
    assert only_good.replies == {("2026-W47", "alice", "bob"): good, ("2026-11-20", "alice", "carol"): daily}


def test_a_later_file_naming_the_same_three_is_the_one_indexed() -> None:
    first = _reply("replies/2026/2026-W47-bob-to-alice.md", "bob", "alice", "2026-W47")
    second = _reply("replies/2026/2026-W48-bob-to-alice.md", "bob", "alice", "2026-W47")
    assert Journal({e.path: e for e in (first, second)}).replies == {("2026-W47", "alice", "bob"): second}
    assert Journal({}).replies == {}
