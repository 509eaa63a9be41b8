"""Property tests: whatever bytes a partner's editor writes, reading and checking never
raise, and every reported position lies inside the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from journal.core.entries import read_entry
from journal.core.problems import Problem
from journal.core.rules import check_files
from tests.support.journals import CONFIG, CONTRACT, GOAL, PROJECT, checkin

PATH = "checkins/2026/2026-W48-alice.md"
BASE = {"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
        "checkins/2026/2026-W47-alice.md": checkin()}
BAD = PROJECT / "tests" / "data" / "bad"


def assert_inside(problem: Problem, data: bytes) -> None:
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    assert 1 <= problem.line <= len(lines), problem
    assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1, problem


def check_one(data: bytes) -> list[Problem]:
    files = {k: v.encode() for k, v in BASE.items()} | {PATH: data}
    found = [p for p in check_files(files).problems if p.path == PATH]
    for p in found:
        assert_inside(p, data)
    return found


yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
    st.sampled_from(["2027-02-30", "2026-W54", "../../x", "!!python/object:os.system", "*a", "&a", "{", "[", "|",
                     "- ", ": ", "#", "'", '"', "\t", "@", "`", "%", "---", "..."]),
)
keys = st.one_of(st.sampled_from(["member", "week", "date", "outcomes", "commitments", "metrics", "energy",
                                  "ask", "contract", "private", "status", "commitment", "goal"]), st.text(max_size=10))


def _render(value: object, indent: int = 0) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        return "".join(f"\n{pad}{k}: {_render(v, indent + 2)}" for k, v in value.items()) or " {}"
    if isinstance(value, list):
        return "".join(f"\n{pad}- {_render(v, indent + 2).lstrip()}" for v in value) or " []"
    return str(value)


structured = st.recursive(yaml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)), max_leaves=12)

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    check_one(data)
    check_one(b"---\n" + data + b"\n---\n")


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    check_one(("---\n" + text + "\n---\nbody\n").encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.dictionaries(keys, structured, max_size=8))
# Found by this test: YAML breaks lines at NEL (U+0085) too, so its positions ran past ours.
@example(data={"0\x850000": None})
def test_structured_but_wrong_front_matter_never_raises(data: dict) -> None:
    text = "---" + _render(data) + "\n---\n## Wins\n"
    check_one(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=60, deadline=None,
          # `run` holds no state between calls; each example gets its own journal folder.
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=60))
def test_new_round_trips_any_commitment_text(run, tmp_path_factory, text: str) -> None:
    from tests.support.journals import write_journal

    root = write_journal(tmp_path_factory.mktemp("rt"))
    from journal.commands.scaffold import yaml_quote

    previous = checkin(commitments="\n  - commitment: " + yaml_quote(text))
    (root / "checkins/2026/2026-W47-alice.md").write_text(previous, encoding="utf-8")
    assert run("-C", root, "new", "checkin", "--member", "alice", "--week", "2026-W48").code == 0
    entry = read_entry(PATH, "checkin", (root / PATH).read_bytes())
    assert not isinstance(entry, Problem), entry
    assert entry.data["outcomes"][0]["commitment"] == text


def _corpus() -> list[Path]:
    return sorted(p for p in BAD.glob("*.md"))


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_bad_corpus_gives_its_expected_code(path: Path) -> None:
    """tests/data/bad/<code>--<what>.md: the worst inputs found, each with its expected code."""
    expected = path.name.split("--", 1)[0]
    data = path.read_bytes()
    codes = {p.code for p in check_one(data)}
    assert expected in codes, (path.name, codes)
