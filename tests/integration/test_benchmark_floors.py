"""The benchmarks' fixed-choice floors: what the project's fixed choices cost before journal
does any work. The references must measure what journal itself cannot avoid: the front
matter journal reads (parsed by parse_entries.py without journal code), and imports each
command really makes (a floor holding more would excuse a slow command)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pygit2
import pytest

from journal.core.entries import decode, split_front_matter
from journal.core.layout import entry_kind
from tests.support.hooked_repos import ALICE, at, clone, make_origin
from tests.support.journals import PROJECT, checkin, git, write_journal

BENCHMARKS = PROJECT / "benchmarks"


def _load(name: str) -> ModuleType:
    """A benchmark module by its file (benchmarks/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


timing = _load("timing")
parse_entries = _load("parse_entries")

#: A journal with the files journal reads and files it does not, and texts at the edges of
#: its front matter rule: a byte-order mark, CRLF line ends, `...` closing the YAML.
FILES = {
    "checkins/2026/2026-W48-alice.md": "\ufeff" + checkin(week="2026-W48").replace("\n", "\r\n"),
    "checkins/2026/2026-W49-alice.md": checkin(week="2026-W49").replace("\n---\n## Wins", "\n...\n## Wins"),
    "replies/2026/2026-W47-bob-to-alice.md": "---\nauthor: bob\nto: alice\nperiod: 2026-W47\nanswer: Well done.\n---\nGo on.\n",
    "goals/old/berlin-half.md": "---\ntitle: not an entry (a goal folder has no subfolders)\n---\n",
    "notes/plan.md": "---\ntitle: not an entry\n---\n",
    "contracts/README.txt": "not an entry\n",
    "README.md": "# Our journal\n",
}


def _journal(tmp_path: Path, files: dict[str, str]) -> Path:
    """The sample journal with `files` added, committed without hooks."""
    root = write_journal(tmp_path / "j", files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start", env=ALICE)
    return root


def test_the_parse_reference_loads_the_front_matter_journal_loads(tmp_path: Path) -> None:
    root = _journal(tmp_path, FILES)
    repo = pygit2.Repository(str(root))
    entries = 0
    for item in repo.index:
        kind = entry_kind(item.path)
        assert parse_entries.is_entry(item.path) == (kind is not None), item.path
        if kind is None:
            continue
        entries += 1
        text = decode(repo[item.id].data)
        expected = text if kind == "config" else split_front_matter(text)[0]
        assert parse_entries.yaml_text(item.path, repo[item.id].data) == expected, item.path
    assert entries == 7  # journal.yaml, the contract, the goal, three check-ins and the reply

    # As the benchmark runs it: a process of its own, no journal code, printing what it loaded.
    result = subprocess.run([sys.executable, str(BENCHMARKS / "parse_entries.py"), str(root)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(entries)
    assert "journal" not in _imported(subprocess.run(
        [sys.executable, "-X", "importtime", str(BENCHMARKS / "parse_entries.py"), str(root)],
        capture_output=True, text=True).stderr)


@pytest.mark.parametrize("path", ["journal.yaml", "contracts/pact.md", "goals/g.md", "checkins/2026/2026-W47-a.md",
                                  "checkins/x.md", "replies/2026/2026-W47-b-to-a.md", "goals/sub/g.md",
                                  "contracts/sub/c.md", "checkins/", "checkins.md", "goals/g.txt", "notes/n.md",
                                  "sub/journal.yaml", "templates/checkin.md"])
def test_the_parse_reference_reads_the_files_journal_reads(path: str) -> None:
    assert parse_entries.is_entry(path) == (entry_kind(path) is not None)


def test_a_fixed_choice_floor_is_the_weighted_sum_of_its_references_round_by_round(capsys) -> None:  # type: ignore[no-untyped-def]
    floor = timing.Case("floor", ["true"], times=[0.20, 0.40, 0.25])
    commit_ = timing.Case("reference: git commit", ["true"], times=[0.02, 0.05, 0.03])
    needed = timing.Case('reference: python -c "import click, pygit2, ruamel.yaml, jinja2, markdown_it, icalendar"',
                         ["true"], times=[0.25, 0.45, 0.30])
    parse = timing.Case("reference: parse", ["true"], times=[1.80, 2.40, 2.00])
    fixed = timing.FixedFloor("git commit + imports + parse", ((commit_, 1), (needed, 1), (parse, 1), (floor, -1)))
    assert fixed.times == pytest.approx([1.87, 2.50, 2.08])
    case = timing.Case("the hook", ["true"], times=[4.0, 6.0, 5.0], target="target ≤ 3 ×", fixed=fixed)
    plain = timing.Case("another row", ["true"], times=[0.4, 0.8, 0.5])
    timing.report("title", [case, plain, needed], floor)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("title — medians of 3 interleaved rounds")
    # Medians: the floor 250 ms; the fixed floor 2,080 ms, its per-round ratios 9.35, 6.25, 8.32.
    assert lines[2].split()[-9:] == ["5000", "ms", "20.00", "×", "floor", "target", "≤", "3", "×"]
    assert lines[3].split() == ["└", "fixed-choice", "floor:", "git", "commit", "+", "imports", "+", "parse",
                                "2080", "ms", "8.32", "×", "floor"]
    # A row without a fixed-choice floor reads as before: one line, no sub-line.
    assert lines[4].split()[:2] == ["another", "row"] and lines[5].startswith("  reference: python -c")
    assert len(lines) == 6
    # However long a name, the times stay in one column.
    assert len({line.index(" ms") for line in lines[1:]}) == 1


def test_paired_cases_take_turns_running_first() -> None:
    """With `pairs`, a case and its counterpart swap places every other round: neither always
    runs straight after the floor (or after the other pair's writes)."""
    order: list[str] = []
    cases = [timing.Case(name, ["true"], prepare=lambda r, name=name: order.append(f"{r}{name}"))
             for name in ("a", "A", "b", "B")]
    floor = timing.Case("floor", ["true"], prepare=lambda r: order.append(f"{r}-"))
    timing.run_rounds(cases, 6, floor=floor, pairs=True)
    rounds = ["".join(step[1:] for step in order if step[0] == str(r)) for r in range(6)]
    assert rounds == ["-aAbB", "-AaBb", "-aAbB", "-AaBb", "-aAbB", "-AaBb"]
    assert all(len(case.times) == 6 for case in cases)
    with pytest.raises(ValueError):
        timing.run_rounds(cases[:3], 5, floor=floor, pairs=True)


def _imported(importtime: str) -> set[str]:
    """The modules a process imported, from its `-X importtime` report."""
    return {line.rsplit("|", 1)[1].strip() for line in importtime.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("command", [["check"], ["streaks"], ["digest", "--now", "2026-12-02T12:00:00+00:00"]])
def test_each_commands_fixed_imports_are_imports_it_makes(tmp_path: Path, command: list[str]) -> None:
    # A body with a link: the site renders partners' Markdown, what the digest needs markdown-it for.
    week = checkin(week="2026-W48") + "See [the plan](https://example.org/plan).\n"
    root = _journal(tmp_path, {"checkins/2026/2026-W48-alice.md": week})
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "journal", *command], cwd=root,
                            capture_output=True, text=True)
    assert result.returncode in (0, 4), result.stderr[-2000:]  # 4: someone is overdue
    imported = _imported(result.stderr)
    assert set(timing.FIXED_IMPORTS[command[0]]) <= imported, set(timing.FIXED_IMPORTS[command[0]]) - imported


def test_the_hooks_fixed_imports_are_imports_a_real_commit_makes(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    repo = clone(make_origin(tmp_path, run), tmp_path / "clone", run)
    # The hook's Python writes its import report to stderr, which `git commit` passes on.
    env = {**at("2026-11-22T10:00:00+01:00", ALICE), "PYTHONPROFILEIMPORTTIME": "1"}
    (repo / "checkins/2026").mkdir(parents=True)
    (repo / "checkins/2026/2026-W47-alice.md").write_text(checkin(), encoding="utf-8")
    git(repo, "add", "-A")
    result = git(repo, "commit", "-q", "-m", "check-in", env=env, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "digest/README.md" in git(repo, "show", "--name-only", "--format=", "HEAD").stdout
    imported = _imported(result.stderr)
    assert set(timing.FIXED_IMPORTS["hook"]) <= imported, set(timing.FIXED_IMPORTS["hook"]) - imported


def test_every_reference_import_runs(tmp_path: Path) -> None:
    for command in timing.FIXED_IMPORTS:
        case = timing.importing(command)
        assert case.name.startswith('reference: python -c "import ')
        result = subprocess.run(list(case.command), cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
