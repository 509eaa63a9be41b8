"""A mapping made on first read (store/history_events.Later) reads as the dict it makes, and
says whether it is empty without making it."""

from __future__ import annotations

from journal.store.history_events import Later


def test_a_later_mapping_is_made_once_on_first_read_and_reads_as_its_dict() -> None:
    made: list[int] = []

    def make() -> dict[str, int]:
        made.append(1)
        return {"a": 1, "b": 2}

    later = Later(2, make)
    assert bool(later) and made == []  # answered from its rows: not made
    assert later["a"] == 1 and later.get("c", 3) == 3 and "b" in later and len(later) == 2
    assert list(later) == ["a", "b"] and list(later.items()) == [("a", 1), ("b", 2)]
    assert list(later.keys()) == ["a", "b"] and list(later.values()) == [1, 2]
    assert later == {"a": 1, "b": 2} and later == Later(2, lambda: {"a": 1, "b": 2}) and later != {"a": 1}
    assert made == [1]
    assert not Later(0, dict) and Later(0, dict) == {}
