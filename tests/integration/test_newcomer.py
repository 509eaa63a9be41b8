"""Small things a newcomer trips on: help summaries, `check --json`, a colon inside `{…}`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from journal.cli import cli
from tests.support.journals import checkin


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
