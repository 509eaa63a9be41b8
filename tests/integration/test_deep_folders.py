"""A partner's commit of folders nested far deeper than any entry (1,100 levels, past
Python's recursion limit) is one located problem, not a crash of every command and hook:
the working tree, commit trees and the digest and template folders are walked with a
stack, not by recursion."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from journal.exitcodes import EXIT_PROBLEMS
from tests.support.hooked_repos import ALICE, BOB, at, two_goal_journal
from tests.support.journals import checkin, git

DEEP = "/".join(["a"] * 1100)
NOW = ["--now", "2026-09-20T12:00:00+02:00"]


@pytest.fixture
def repo(tmp_path: Path, run) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    journal = two_goal_journal(tmp_path / "journal", run)
    yield journal
    # pytest's own clean-up of old temporary folders (shutil.rmtree, recursive on 3.11)
    # would stop at this depth in a later run.
    _remove(journal)


def _make_folders(root: Path, rel: str) -> None:
    for part in rel.split("/"):  # Path.mkdir(parents=True) recurses too
        root = root / part
        root.mkdir(exist_ok=True)


def _remove(root: Path) -> None:
    """shutil.rmtree without recursion."""
    stack, folders = [root], []
    while stack:
        folder = stack.pop()
        folders.append(folder)
        for item in os.scandir(folder):
            if item.is_dir(follow_symlinks=False):
                stack.append(Path(item.path))
            else:
                os.unlink(item.path)
    for folder in reversed(folders):
        os.rmdir(folder)


def test_folders_nested_past_the_recursion_limit_are_a_problem_not_a_crash(repo: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    for folder in (f"checkins/{DEEP}", f"digest/{DEEP}", f"templates/{DEEP}"):
        _make_folders(repo, folder)
    (repo / f"checkins/{DEEP}/2026-W37-bob.md").write_text(checkin("bob", "2026-W37"), encoding="utf-8")
    (repo / f"digest/{DEEP}/README.md").write_text("a partner's file\n", encoding="utf-8")
    (repo / f"templates/{DEEP}/index.html.j2").write_text("{{ 1 }}\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "deep", env=at("2026-09-13T10:00:00+02:00", BOB))

    check = run("-C", repo, "check")
    assert check.code == EXIT_PROBLEMS, check.out + check.err
    assert f"checkins/{DEEP}/2026-W37-bob.md:" in check.out and "unexpected" not in check.err
    for args in (["streaks", "--json", *NOW], ["status", *NOW], ["digest", "--out", str(tmp_path / "site"), *NOW]):
        result = run("-C", repo, *args)
        assert result.code in (0, 1, 2, 4) and "unexpected" not in result.err, (args, result.err)

    # The hooks too: the next commit of a good check-in is checked and gets its digest.
    (repo / "checkins/2026").mkdir(exist_ok=True)
    (repo / "checkins/2026/2026-W38-alice.md").write_text(checkin("alice", "2026-W38"), encoding="utf-8")
    git(repo, "add", "checkins/2026/2026-W38-alice.md")
    done = git(repo, "commit", "-q", "-m", "w38", env=at("2026-09-20T10:00:00+02:00", ALICE), check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not regenerated" not in done.stderr and "unexpected" not in done.stderr, done.stderr
    assert (repo / f"digest/{DEEP}/README.md").read_text(encoding="utf-8") == "a partner's file\n"
