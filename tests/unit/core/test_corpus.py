"""Robustness over ~1,900 real-world front-matter files kept beside the project (not in it)."""

from __future__ import annotations

import pytest

from journal.core.rules import check_files
from tests.support.journals import PROJECT

CORPUS = PROJECT.parent / "shared" / "corpus" / "frontmatter"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus is not beside this checkout")
def test_checker_reads_every_real_world_file_and_places_every_problem_inside_it() -> None:
    paths = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".md", ".markdown", ".html"))
    assert len(paths) > 1000
    # Present each file as a check-in so the whole rule set runs over it.
    files = {f"checkins/2026/2026-W{i % 52 + 1:02d}-m{i}.md": p.read_bytes() for i, p in enumerate(paths)}
    result = check_files(files)
    assert result.entries == len(files)
    by_path: dict[str, int] = {}
    for problem in result.problems:
        by_path[problem.path] = by_path.get(problem.path, 0) + 1
        data = files[problem.path]
        lines = data.replace(b"\r\n", b"\n").split(b"\n")
        assert 1 <= problem.line <= len(lines), problem
        assert 1 <= problem.column <= max(len(lines[problem.line - 1]), 0) + 1, problem
    # Not journal entries: every one of them has something to say.
    assert len(by_path) == len(files)
