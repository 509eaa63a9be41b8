"""Small things a newcomer trips on: help summaries, `check --json`, a colon inside `{…}`."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import click

from journal.cli import cli
from journal.exitcodes import EXIT_BROKEN_PIPE
from tests.support.journals import CONTRACT, checkin, git, write_journal


def _groups(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Group]]:
    found = [(path, group)]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _groups(command, (*path, name))
    return found


def test_help_shows_every_commands_summary_whole(run) -> None:
    for path, group in _groups(cli):
        result = run(*path, "--help")
        assert result.code == 0, result
        listing = result.out.split("Commands:", 1)[1]
        assert "..." not in listing, f"journal {' '.join(path)} --help cuts a summary:\n{listing}"
        for name in group.commands:
            assert f"\n  {name} " in listing


def test_check_accepts_json_like_streaks_and_status(run, journal_dir: Path) -> None:
    bad = journal_dir / "checkins/2026/2026-W48-alice.md"
    bad.write_text(checkin(week="2026-W48", extra="bogus: 1\n"))
    flag, option = run("-C", journal_dir, "check", "--json"), run("-C", journal_dir, "check", "--format", "json")
    assert flag.code == option.code == 1
    assert flag.out == option.out
    assert "schema" in [p["code"] for p in json.loads(flag.out)]


def test_a_colon_inside_a_flow_mapping_hints_to_quote(run, journal_dir: Path) -> None:
    path = journal_dir / "checkins/2026/2026-W48-alice.md"
    for value in ("Note: stretch first", "Run at 7:30 sharp: twice"):
        path.write_text(checkin(week="2026-W48", commitments=f"\n  - {{commitment: {value}, goal: berlin-half}}"))
        result = run("-C", journal_dir, "check", path)
        assert result.code == 1
        assert result.out.startswith("checkins/2026/2026-W48-alice.md:7:"), result.out
        assert "[syntax]" in result.out and "must be quoted" in result.out, result.out
    # The same colon in the block form is fine, and quoting fixes the flow form.
    path.write_text(checkin(week="2026-W48", commitments='\n  - {commitment: "Note: stretch first", goal: berlin-half}'))
    assert "must be quoted" not in run("-C", journal_dir, "check", path).out


def test_a_colon_inside_a_plain_value_hints_to_quote_it(run, journal_dir: Path) -> None:
    path = journal_dir / "checkins/2026/2026-W48-alice.md"
    path.write_text(checkin(week="2026-W48", extra="ask: Yes: Saturday morning?\n"))
    result = run("-C", journal_dir, "check", path)
    assert result.code == 1 and "[syntax]" in result.out
    assert 'a value holding ": " must be quoted, e.g. ask: "Note: three runs"' in result.out, result.out
    path.write_text(checkin(week="2026-W48", extra='ask: "Yes: Saturday morning?"\n'))
    assert run("-C", journal_dir, "check", path).code == 0


def test_a_repository_without_a_journal_says_to_init(run, tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    for command in ("status", "streaks", "digest"):
        result = run("-C", tmp_path, command)
        assert result.code == 1, result
        assert result.err.startswith("Error: no journal.yaml in ") and "journal init" in result.err


def test_a_closed_pipe_is_its_own_exit_code_not_problems_found(tmp_path: Path) -> None:
    # `journal streaks | true`: the reader is gone before the first line is written.
    root = write_journal(tmp_path / "j")
    git(root, "init", "-q")
    result = subprocess.run(f"{shlex.quote(sys.executable)} -m journal -C {shlex.quote(str(root))} streaks "
                            "--now 2026-11-25T12:00Z | true; echo ${PIPESTATUS[0]}",
                            shell=True, executable="/bin/bash", capture_output=True, text=True)
    assert result.stdout.strip() == str(EXIT_BROKEN_PIPE) == "141", result
    assert "Traceback" not in result.stderr and "Error" not in result.stderr


def test_streaks_for_one_member_lists_only_their_pacts(run, tmp_path: Path) -> None:
    other = CONTRACT.replace("parties: [alice, bob]", "parties: [alice]")
    root = write_journal(tmp_path / "j", {"contracts/solo.md": other})
    git(root, "init", "-q")
    assert "pact streak of solo" in run("-C", root, "streaks", "--now", "2026-11-25T12:00Z").out
    result = run("-C", root, "streaks", "--member", "bob", "--now", "2026-11-25T12:00Z")
    assert result.code == 0, result
    assert "pact streak of pact" in result.out and "solo" not in result.out
