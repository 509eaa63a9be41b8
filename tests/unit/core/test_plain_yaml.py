"""core/plain_yaml reads exactly what ruamel.yaml reads, types and key order included, or
declines: over every test input, the real-world corpus and generated documents."""

from __future__ import annotations

import ast
import random
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from journal.core import plain_yaml
from journal.core.entries import _FAST, EntryProblem, decode, load_yaml, split_front_matter
from tests.support.journals import PROJECT

CORPUS = PROJECT.parent / "shared" / "corpus"


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _agrees(text: str) -> bool:
    """Whether plain_yaml declines `text` or reads what ruamel.yaml reads; True when it read it."""
    fast = plain_yaml.load(text)
    if fast is None:
        return False
    assert _same(fast, _FAST.load(text)), text
    assert _same(load_yaml(text, 1), fast)
    return True


def _yaml_of(text: str) -> Iterator[str]:
    """The YAML of a file's text: its front matter when it has one, and the text itself."""
    yield text
    try:
        yield split_front_matter(text)[0]
    except EntryProblem:
        pass


def _test_inputs() -> Iterator[str]:
    """Every file under tests/ and example-repo/, and every multi-line string in the tests' code."""
    for folder in (PROJECT / "tests", PROJECT / "example-repo"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".md", ".yaml", ".yml") and path.is_file():
                try:
                    yield decode(path.read_bytes())
                except EntryProblem:
                    continue
    for path in sorted((PROJECT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" in node.value:
                yield node.value


def test_test_inputs_read_the_same() -> None:
    read = sum(_agrees(y) for text in _test_inputs() for y in _yaml_of(text))
    assert read > 50  # the plain shape is the common one


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus is not beside this checkout")
def test_real_world_corpus_reads_the_same() -> None:
    paths = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".md", ".markdown", ".html"))
    read = 0
    for path in paths:
        try:
            text = decode(path.read_bytes())
        except EntryProblem:
            continue
        read += sum(_agrees(y) for y in _yaml_of(text))
    assert len(paths) > 1000 and read > 0


def test_benchmark_journals_read_the_same_and_nearly_all_take_the_fast_path() -> None:
    sys.path.insert(0, str(PROJECT / "benchmarks"))
    from synth import journal_files, reply_files

    files = journal_files(members=3, years=1)
    files.update(reply_files(files, partners=2))
    entries = [split_front_matter(t)[0] for p, t in files.items() if p.endswith(".md")]
    assert sum(_agrees(y) for y in entries) == len(entries) - 1  # all but the contract (`due: sunday 21:00`)


# Scalars YAML reads as something other than the text (numbers, booleans, null, dates) or
# cannot read plainly, beside plain words: every one must come out as ruamel.yaml reads it.
SCALARS = ["Run 3 times", "What made them work?", "a  b", "Keep going, really", "x", "member-00-goal-0",
           "true", "True", "TRUE", "false", "null", "Null", "NULL", "~", "yes", "No", "on", "OFF", "y", "n",
           "0", "7", "-5", "-0", "012", "0x1f", "0o17", "1_000", "1e3", "1.5", ".inf", ".NaN", "+3",
           "2026-11-29", "2026-1-5", "2026-13-45", "2026-11-29T10:00:00", "2026-W48", "2026-W5", "12h", "2 days",
           "a: b", "a #b", "a,b", "[a]", "{a: b}", "- a", "? a", "a -", "a=b", "a/b", "(a)", "a;b", "a\\b", "ü",
           "a:b", "a ", " a", "", "@a", "`a`", "%a", "!a", "&a", "*a", "|", ">", "'a'", '"a"', "a\tb", "<<", "=",
           "a\x0bb", "a\x1bb", "a\x7fb"]
KEYS = ["member", "week", "to", "_from", "per_miss", "a-b", "member", "week", "to",
        "true", "No", "on", "1", "2026-W48", "a b", "é", "y"]


def _document(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 6)):
        key, shape = rng.choice(KEYS), rng.randrange(7)
        # Half plain words and numbers, so that many documents take the fast path at all.
        pick = lambda: rng.choice(SCALARS if rng.random() < 0.5 else SCALARS[:5] + ["0", "7", "2026-W48"])  # noqa: E731
        if shape == 0:
            lines.append(f"{key}: {pick()}")
        elif shape == 1:
            lines.append(f"{key}: [{', '.join(pick() for _ in range(rng.randint(0, 3)))}]")
        elif shape == 2:
            lines.append(f"{key}: {{{', '.join(f'{rng.choice(KEYS)}: {pick()}' for _ in range(rng.randint(0, 3)))}}}")
        elif shape == 3:
            lines.append(f"{key}:" + rng.choice(["", " ", "  "]))
            for _ in range(rng.randint(0, 3)):
                item = pick() if rng.random() < 0.4 else f"{{{rng.choice(KEYS)}: {pick()}, {rng.choice(KEYS)}: {pick()}}}"
                lines.append(rng.choice(["  - ", "  - ", "- ", "    - ", "  -"]) + item + rng.choice(["", "", " "]))
        elif shape == 4:
            lines.append("")
        elif shape == 5:
            lines.append(f"{key}: {pick()}\n  {pick()}")  # a continuation line
        else:
            lines.append(f"{key}: {pick()}" + rng.choice([" ", "  ", " # note", ""]))
    return "\n".join(lines) + "\n"


def test_generated_documents_read_the_same() -> None:
    rng = random.Random(19)
    read = 0
    for _ in range(6000):
        text = _document(rng)
        try:
            _FAST.load(text)
        except Exception:  # noqa: BLE001 - what ruamel.yaml refuses, plain_yaml must decline
            assert plain_yaml.load(text) is None, text
            continue
        read += _agrees(text)
    assert read > 200
