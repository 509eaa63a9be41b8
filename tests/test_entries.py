"""Reading one entry: every kind of bad input gives one located problem, never a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from journal.entries import MAX_BYTES, load_front_matter, read_entry
from journal.problems import Problem
from tests.conftest import checkin

OK = checkin().encode()
BOMB = b"---\na: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
    b"%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n" % ((98 + i, 98 + i) + (97 + i,) * 9) for i in range(9)
) + b"---\n"

# name: (file bytes, expected code, line, column)
BAD = {
    "not utf-8": (b"---\nmember: caf\xe9\n---\n", "encoding", 2, 12),
    "utf-16": ("---\nmember: alice\n---\n".encode("utf-16"), "encoding", 1, 1),
    "empty file": (b"", "empty", 1, 1),
    "only whitespace": (b"  \n\n", "empty", 1, 1),
    "no front matter": (b"# Week 47\nI ran.\n", "front-matter", 1, 1),
    "front matter never closed": (b"---\nmember: alice\nweek: 2026-W47\n", "front-matter", 1, 1),
    "unclosed flow sequence": (b"---\nmember: alice\ncommitments: [a, b\nweek: 2026-W47\n---\n", "syntax", 4, 5),
    "tab indentation": (b"---\nmember: alice\noutcomes:\n\t- x\n---\n", "syntax", 4, 1),
    "bad indentation": (b"---\nmember: alice\n  week: 2026-W47\n---\n", "syntax", 3, 7),
    "duplicate key": (b"---\nmember: alice\nweek: 2026-W47\nmember: bob\n---\n", "duplicate-key", 4, 1),
    "python object tag": (b"---\nmember: !!python/object/apply:os.system ['touch /tmp/pwned']\n---\n", "yaml-tag", 2, 9),
    "local tag": (b"---\nmember: !alice x\n---\n", "yaml-tag", 2, 9),
    "alias bomb": (BOMB, "yaml-alias", 3, 8),
    "plain alias": (b"---\nmember: &m alice\nask: *m\n---\n", "yaml-alias", 3, 6),
    "list front matter": (b"---\n- member: alice\n---\n", "not-mapping", 2, 1),
    "scalar front matter": (b"---\njust some words\n---\n", "not-mapping", 2, 1),
    "empty front matter": (b"---\n---\nbody\n", "not-mapping", 1, 1),
    "too deep": (b"---\nask: " + b"[" * 40 + b"]" * 40 + b"\n---\n", "syntax", 2, 1),
    "too large": (b"---\nask: x\n---\n" + b"x" * MAX_BYTES, "size", 1, 1),
    "nul byte": (b"---\nask: x\x00\n---\n", "encoding", 2, 1),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_gives_one_located_problem(name: str) -> None:
    data, code, line, column = BAD[name]
    result = read_entry("checkins/2026/2026-W47-alice.md", "checkin", data)
    assert isinstance(result, Problem), result
    assert (result.code, result.line, result.column) == (code, line, column), result
    assert result.severity == "error"


def test_object_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    data = f"---\nmember: !!python/object/apply:os.system ['touch {marker}']\n---\n".encode()
    assert isinstance(read_entry("x.md", "checkin", data), Problem)
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly() -> None:
    start = time.process_time()
    for _ in range(20):
        read_entry("x.md", "checkin", BOMB)
    # Generous bound: expanding the bomb would take minutes and gigabytes.
    assert time.process_time() - start < 5


def test_bom_and_crlf_work_and_keep_positions() -> None:
    data = b"\xef\xbb\xbf" + OK.replace(b"\n", b"\r\n")
    entry = read_entry("x.md", "checkin", data)
    assert not isinstance(entry, Problem), entry
    assert entry.data["member"] == "alice"
    assert entry.position(("week",)) == (3, 7)
    assert entry.body.startswith("## Wins")


def test_dates_stay_text_so_the_schema_can_place_bad_ones() -> None:
    entry = read_entry("x.md", "checkin", b"---\ndate: 2027-02-30\n---\n")
    assert not isinstance(entry, Problem)
    assert entry.data["date"] == "2027-02-30"
    assert entry.position(("date",)) == (2, 7)


def test_position_of_nested_items_and_keys() -> None:
    entry = read_entry("x.md", "checkin", OK)
    assert not isinstance(entry, Problem)
    assert entry.position(("commitments", 0, "goal")) == (7, 36)
    assert entry.position(("metrics",), key=True) == (5, 1)
    assert entry.position(("nonexistent",)) == (2, 1)


def test_load_front_matter_returns_none_for_unreadable_text() -> None:
    assert load_front_matter("---\nmember: alice\n---\n") == {"member": "alice"}
    assert load_front_matter("no front matter") is None
    assert load_front_matter("---\n- a\n---\n") is None
