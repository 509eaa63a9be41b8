"""Reading one entry: every kind of bad input gives one located problem, never a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.core.entries import load_front_matter, read_entry
from journal.core.problems import Problem
from tests.support.bad_inputs import BAD, BOMB
from tests.support.journals import checkin

OK = checkin().encode()



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


def test_a_tab_after_a_key_keeps_every_position() -> None:
    # libyaml (which reads entries) takes `key:<tab>value`; the pure scanner (which places
    # problems) refused it, and every problem of the file was put at 2:1.
    spaced = read_entry("x.md", "checkin", OK)
    tabbed = read_entry("x.md", "checkin", OK.replace(b"week: ", b"week:\t").replace(b"goal: ", b"goal:\t"))
    assert not isinstance(spaced, Problem) and not isinstance(tabbed, Problem), tabbed
    assert tabbed.data == spaced.data
    for keypath in (("week",), ("commitments", 0, "goal"), ("metrics",)):
        assert tabbed.position(keypath) == spaced.position(keypath) != (2, 1), keypath
    # A key with a tab in it is found too.
    text = OK.replace(b"week: ", b"week:\t").replace(b"---\n## Wins", b"my\tkey: 1\n---\n## Wins")
    keyed = read_entry("x.md", "checkin", text)
    assert not isinstance(keyed, Problem), keyed
    line = text.decode().split("\n").index("my\tkey: 1") + 1
    assert keyed.position(("my\tkey",), key=True) == (line, 1)


def test_load_front_matter_returns_none_for_unreadable_text() -> None:
    assert load_front_matter("---\nmember: alice\n---\n") == {"member": "alice"}
    assert load_front_matter("no front matter") is None
    assert load_front_matter("---\n- a\n---\n") is None


_SCALARS = ["yes", "no", "on", "off", "true", "False", "~", "null", "", "010", "0o10", "0x1f", "1_000", "1e3", ".inf",
            "-.Inf", ".nan", "2026-11-30", "2026-11-30 10:00:00", "12:30", "=", "<<", "'quoted'", '"dq"', "a b",
            "2026-W48", "+1", "-0", "0.5", "1:20", "ñ", "|-\n  block"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", "e"]), st.sampled_from(_SCALARS)), min_size=1,
                max_size=8, unique_by=lambda kv: kv[0]),
       st.sampled_from(["", "%YAML 1.1\n---\n", "%YAML 1.2\n---\n", "--- !!map\n"]),
       st.booleans())
def test_the_fast_loader_resolves_every_scalar_as_stock_ruamel_does(pairs, head: str, flow: bool) -> None:  # type: ignore[no-untyped-def]
    """The resolver that works out the YAML version once per document gives what the stock
    one gives, scalar by scalar, document after document (a directive included)."""
    from ruamel.yaml import YAML

    from journal.core.entries import _FAST, _Constructor

    stock = YAML(typ="safe", pure=False)
    stock.Constructor = _Constructor
    if flow:
        text = head + "{" + ", ".join(f"{k}: [{v}]" for k, v in pairs if "\n" not in v) + "}\n"
    else:
        text = head + "".join(f"{k}: {v}\n" for k, v in pairs)

    def load(yaml):  # type: ignore[no-untyped-def]
        try:
            return ("ok", yaml.load(text))
        except Exception as exc:  # noqa: BLE001 - both must fail alike
            return ("error", type(exc).__name__)

    first, second = load(_FAST), load(_FAST)
    expected = load(stock)
    assert repr(first) == repr(second) == repr(expected)  # repr: NaN == NaN, and 1 != True


def test_positions_of_many_keys_each_at_its_own_line() -> None:
    # Each key's position comes from a table made once per mapping, not a scan per key (40,000
    # unknown keys, each reported at its position, took minutes): the same answers as a scan.
    keys = "".join(f"k{i}: {i}\n" for i in range(3000))
    nested = "".join(f"  n{i}: [{i}, {i + 1}]\n" for i in range(50))
    entry = read_entry("x.md", "goal", f"---\ntitle: G\n{keys}inner:\n{nested}---\n".encode())
    assert not isinstance(entry, Problem)
    assert [entry.position((f"k{i}",), key=True) for i in (0, 1, 1500, 2999)] == [(3, 1), (4, 1), (1503, 1), (3002, 1)]
    assert entry.position(("k7",)) == (10, 5)
    assert entry.position(("inner", "n3", 1)) == (3007, 11)
    assert entry.position(("inner", "missing")) == (3004, 3)  # the nearest node that exists
    assert entry.position(("k1", "deeper")) == (4, 5)


def test_positions_of_keys_read_as_numbers_booleans_or_null_and_of_their_quoted_twins() -> None:
    text = '---\ntitle: G\n"1": a\n1: b\n"false": c\nfalse: d\n0x10: e\n1_000: f\nnull: g\n1.5: h\n---\n'
    entry = read_entry("x.md", "goal", text.encode())
    assert not isinstance(entry, Problem)
    found = {repr(k): entry.position((k,), key=True) for k in ("1", 1, "false", False, 16, 1000, None, 1.5)}
    assert found == {"'1'": (3, 1), "1": (4, 1), "'false'": (5, 1), "False": (6, 1), "16": (7, 1), "1000": (8, 1),
                     "None": (9, 1), "1.5": (10, 1)}


def test_positions_of_keys_yaml_reads_as_infinity_or_not_a_number() -> None:
    # Python's float() reads neither `.nan` nor `-.Inf`: these keys were reported at the front matter's first line.
    text = '---\ntitle: G\n.nan: a\n-.Inf: b\n.inf: c\n".nan": d\n---\n'
    entry = read_entry("x.md", "goal", text.encode())
    assert not isinstance(entry, Problem)
    nan = next(k for k in entry.data if isinstance(k, float) and k != k)
    assert entry.position((nan,), key=True) == (3, 1)
    assert entry.position((float("-inf"),), key=True) == (4, 1)
    assert entry.position((float("inf"),), key=True) == (5, 1)
    assert entry.position((".nan",), key=True) == (6, 1)


@pytest.mark.parametrize("key", ["!!float nan", "!!float -.nan", "!!float +.NaN", "!<tag:yaml.org,2002:float> nan"])
def test_a_key_tagged_as_not_a_number_is_found_where_it_is_written(key: str) -> None:
    entry = read_entry("x.md", "goal", f"---\ntitle: G\nother: 1\n{key}: a\n---\n".encode())
    assert not isinstance(entry, Problem)
    nan = next(k for k in entry.data if isinstance(k, float) and k != k)
    assert entry.position((nan,), key=True) == (4, 1)


def test_a_decimal_key_with_leading_zeros_is_found_where_it_is_written() -> None:
    # int(t, 0) refuses "0900", float() rounds 09007199254740993: the key was not found at all.
    entry = read_entry("x.md", "goal", b"---\ntitle: G\n0900: a\n09007199254740993: b\n---\n")
    assert not isinstance(entry, Problem)
    assert entry.position((900,), key=True) == (3, 1)
    assert entry.position((9007199254740993,), key=True) == (4, 1)


def test_a_yaml_directive_in_one_entry_moves_no_other_entrys_positions() -> None:
    """ruamel's pure loader keeps a `%YAML 1.1` directive's version for later documents; under
    1.1 `yes` is a boolean key, so another entry's problem would point at the wrong line."""
    text = b"---\ntitle: B\nstyle:\n  yes: grace\n  true: grace\n---\n"
    alone = read_entry("contracts/b.md", "contract", text)
    assert not isinstance(alone, Problem)
    expected = alone.position(("style", True), key=True)
    directive = read_entry("contracts/a.md", "contract", b"---\n%YAML 1.1\n--- # x\ntitle: A\nbogus: 1\n---\n")
    assert not isinstance(directive, Problem)
    directive.position(("bogus",))
    after = read_entry("contracts/b.md", "contract", text)
    assert not isinstance(after, Problem)
    assert after.position(("style", True), key=True) == expected == (5, 3)
