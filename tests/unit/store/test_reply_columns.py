"""The replies as columns (store/reply_columns.py) give what one pass over them, reply by reply,
gives: each check-in's key parts (ThreadCache.posted_text, sorted), its replies, the first
reply at or before a time, and every reply's instant. Replies the journal no longer holds,
equal times in other offsets and times no datetime can hold included."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from journal.store.history_events import instant, instants
from journal.store.reply_columns import ReplyColumns
from journal.store.thread_cache import ThreadCache

NAMES = st.sampled_from(["alice", "bob", "carol"])
PERIODS = st.sampled_from(["2026-W47", "2026-W48"])
# Ordinary times, equal ones, and ones past what a datetime holds (instant() counts those as the epoch).
TIMES = st.sampled_from([0, 1_700_000_000, 1_700_000_000, 1_700_003_600, -70_000_000_000, 300_000_000_000])
POSTED = st.dictionaries(st.tuples(NAMES, NAMES, PERIODS),
                         st.tuples(st.sampled_from(["c1", "c2", "c3"]), TIMES, st.sampled_from([0, 60, -300])))


def _entry(digest: str) -> SimpleNamespace:
    return SimpleNamespace(head=SimpleNamespace(digest=digest))


def _one_pass(posted: dict, written: dict, limit: float) -> tuple[dict, dict, tuple[int, int] | None]:
    """What the key pass did before the columns, reply by reply."""
    parts: dict = {}
    found: dict = {}
    earliest, first = None, None
    for (author, to, period), (commit, time, offset) in posted.items():
        entry = written.get((period, to, author))
        if entry is not None:
            at = instant(time, offset)
            if at <= limit and (earliest is None or at < earliest):
                earliest, first = at, (time, offset)
            parts.setdefault((to, period), []).append(ThreadCache.posted_text(author, entry.head.digest, commit))
            found.setdefault((to, period), []).append((author, entry, (time, offset), commit))
    return parts, found, first


@given(POSTED, st.data(), st.sampled_from([-1e12, 0.0, 1_700_000_000.0, 1_800_000_000.0, 1e13]))
def test_the_columns_give_what_one_pass_gives(posted: dict, data: st.DataObject, limit: float) -> None:
    held = data.draw(st.lists(st.sampled_from(sorted(posted)), unique=True)) if posted else []
    written = {(period, to, author): _entry(f"d-{author}-{to}-{period}") for author, to, period in held}
    columns = ReplyColumns(tuple(map(list, zip(*((*key, *value) for key, value in posted.items())))), written)
    parts, found, first = _one_pass(posted, written, limit)
    assert columns.first(limit) == first
    assert columns.instants == [instant(time, offset) for _, time, offset in posted.values()]
    for member in ("alice", "bob", "carol"):
        for period in ("2026-W47", "2026-W48"):
            assert columns.parts(member, period) == sorted(parts.get((member, period), []))
            assert columns.replies(member, period) == found.get((member, period), [])


@given(st.lists(st.tuples(TIMES, st.sampled_from([0, 60, -300]))))
def test_the_instants_of_a_column_are_each_times_instant(rows: list[tuple[int, int]]) -> None:
    times, offsets = [t for t, _ in rows], [o for _, o in rows]
    assert instants(times, offsets) == [instant(t, o) for t, o in rows]
