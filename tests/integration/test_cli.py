"""The CLI as a user drives it: exit codes, exact output, -C, help for every command."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from journal.cli import cli
from tests.support.journals import PROJECT, checkin, git


def test_check_clean_journal_exits_zero_with_summary(run, journal_dir: Path) -> None:
    result = run("-C", journal_dir, "check")
    assert result.code == 0, result
    assert result.out == ""
    assert result.err == "0 errors, 0 warnings in 4 entries\n"


def test_check_reports_compiler_style_lines_sorted_with_exit_one(run, journal_dir: Path) -> None:
    (journal_dir / "checkins/2026/2026-W48-alice.md").write_text(
        checkin(week="2026-W48", outcomes="\n  - {commitment: Three runs, status: donee}").replace("week:", "weeks: x\nweek:"))
    result = run("-C", journal_dir, "check")
    assert result.code == 1
    assert result.out.splitlines() == [
        "checkins/2026/2026-W48-alice.md:3:1: error: unknown key 'weeks' (did you mean 'week'?) [schema]",
        "checkins/2026/2026-W48-alice.md:6:38: error: outcomes[1].status: expected one of done, partial, missed, found 'donee' (did you mean 'done'?) [enum]",
    ]
    assert result.err == "2 errors, 0 warnings in 5 entries\n"


def test_check_reports_a_misspelt_period_key_once_at_the_key(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    week48 = checkin(week="2026-W48").replace("week: 2026-W48", "weeks: 2026-W48")
    week49 = checkin(week="2026-W49").replace("week: 2026-W49", "period: 2026-W49")
    week50 = checkin(week="2026-W50").replace("week: 2026-W50\n", "")  # no period at all
    week51 = checkin(week="2026-W51").replace("week: 2026-W51", "energi: 3")  # a typo, but not of the period
    for name, text in {"2026-W48": week48, "2026-W49": week49, "2026-W50": week50, "2026-W51": week51}.items():
        (journal_dir / f"checkins/2026/{name}-alice.md").write_text(text)
    result = run("-C", journal_dir, "check", *(f"checkins/2026/2026-W{n}-alice.md" for n in (48, 49, 50, 51)))
    assert result.code == 1
    period = "error: a check-in names its period with exactly one of week: YYYY-Www or date: YYYY-MM-DD [required]"
    expected = "member, week, date, contract, outcomes, metrics, commitments, energy, ask, private"
    assert result.out.splitlines() == [
        "checkins/2026/2026-W48-alice.md:3:1: error: unknown key 'weeks' (did you mean 'week'?) [schema]",
        f"checkins/2026/2026-W49-alice.md:3:1: error: unknown key 'period' (expected one of: {expected}) [schema]",
        f"checkins/2026/2026-W50-alice.md:2:1: {period}",
        f"checkins/2026/2026-W51-alice.md:2:1: {period}",
        "checkins/2026/2026-W51-alice.md:3:1: error: unknown key 'energi' (did you mean 'energy'?) [schema]",
    ]


def test_one_mistake_is_one_problem_a_misspelt_required_key_and_a_wrong_due(run, journal_dir: Path) -> None:
    # `memebrs:` is reported as the unknown key it is ("did you mean"), not also as members
    # missing; a due time wrong for the contract's cadence once, saying why.
    config = (journal_dir / "journal.yaml").read_text()
    (journal_dir / "journal.yaml").write_text(config.replace("members:", "memebrs:", 1))
    contract = (journal_dir / "contracts/pact.md").read_text()
    (journal_dir / "contracts/pact.md").write_text(contract.replace("due: sunday 21:00", "due: sundy 21:00"))
    result = run("-C", journal_dir, "check", "journal.yaml", "contracts/pact.md")
    assert result.code == 1
    assert result.out.splitlines() == [
        "contracts/pact.md:7:6: error: due: invalid due 'sundy 21:00': 'sundy' is not a weekday (monday ... sunday, "
        "or mon ... sun) [type]",
        "journal.yaml:2:1: error: unknown key 'memebrs' (did you mean 'members'?) [schema]",
    ]
    # A due right for no cadence, under a cadence that is itself wrong: each said once.
    (journal_dir / "contracts/pact.md").write_text(contract.replace("due: sunday 21:00", "due: 25:00")
                                                   .replace("cadence: weekly", "cadence: sometimes"))
    lines = run("-C", journal_dir, "check", "contracts/pact.md").out.splitlines()
    assert lines == ["contracts/pact.md:6:10: error: cadence: expected one of weekly, daily, found 'sometimes' [enum]",
                     "contracts/pact.md:7:6: error: due: invalid due '25:00': expected a 24-hour time HH:MM, "
                     "found '25:00' [type]"]


def test_a_journal_yaml_without_a_roster_is_said_not_shown_as_an_empty_report(run, journal_dir: Path) -> None:
    config = (journal_dir / "journal.yaml").read_text()
    roster = config[config.index("members:"):config.index("\n", config.index("bob:"))]
    for broken in (config.replace("members:", "memebrs:", 1), config.replace(roster, "members: {}"),
                   config.replace(roster, "members: {1: {name: One}}")):
        (journal_dir / "journal.yaml").write_text(broken)
        for args in (["status"], ["streaks"], ["digest"]):
            result = run("-C", journal_dir, *args)
            assert result.code == 0 and "Traceback" not in result.err, (args, result)
            assert "warning: journal.yaml: no usable `members:` roster, so no one is reported; run `journal check`" \
                in result.err, (args, broken, result.err)


def test_check_explains_a_comma_inside_a_flow_mapping(run, journal_dir: Path) -> None:
    """`{commitment: Run 3x, one of 10 km}` reads "one of 10 km" as a key: say why."""
    (journal_dir / "checkins/2026/2026-W48-alice.md").write_text(
        checkin(week="2026-W48", outcomes="\n  - {commitment: Run 3x, one of 10 km, status: done}"))
    result = run("-C", journal_dir, "check")
    assert result.code == 1
    assert "error: unknown key 'one of 10 km'" in result.out
    assert "inside `{...}` a comma starts a new key: put the value that holds the comma in quotes" in result.out


def test_check_json_has_the_same_fields(run, journal_dir: Path) -> None:
    (journal_dir / "goals/berlin-half.md").write_text("---\ntitle: x\nowner: carol\nstatus: active\n---\n")
    result = run("-C", journal_dir, "check", "--format", "json")
    assert result.code == 1
    assert json.loads(result.out) == [{
        "path": "goals/berlin-half.md", "line": 3, "column": 8, "severity": "error", "code": "reference",
        "message": "unknown member 'carol'; not in journal.yaml members",
    }]


def test_warnings_pass_unless_strict(run, journal_dir: Path) -> None:
    (journal_dir / "checkins/2026/2026-W48-alice.md").write_text(
        checkin(week="2026-W48", commitments="\n  - {commitment: Run more}"))
    result = run("-C", journal_dir, "check")
    assert result.code == 0
    assert "[vague]" in result.out and "[outcome]" in result.out
    assert run("-C", journal_dir, "check", "--strict").code == 1


def test_check_given_paths_reports_only_those_but_resolves_references(run, journal_dir: Path, monkeypatch) -> None:
    (journal_dir / "goals/other.md").write_text("---\ntitle: x\n---\n")
    monkeypatch.chdir(journal_dir / "checkins")
    result = run("check", "2026/2026-W47-alice.md")
    assert result.code == 0, result
    assert result.err == "0 errors, 0 warnings in 1 entry\n"
    assert run("check", "../goals/other.md").code == 1


def test_check_unknown_path_is_a_clear_error(run, journal_dir: Path) -> None:
    (journal_dir / "notes.txt").write_text("not an entry\n")
    result = run("-C", journal_dir, "check", "notes.txt")
    assert result.code == 1
    assert result.err.startswith("Error: not a journal entry: notes.txt\nhint: ")


def test_check_of_a_missing_file_says_there_is_no_such_file(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q", "-b", "main")
    result = run("-C", journal_dir, "check", "checkins/2026/2026-W50-alice.md")
    assert result.code == 2
    assert "Error: Invalid value for 'PATHS': no such file: checkins/2026/2026-W50-alice.md\n" in result.err
    assert "not a journal entry" not in result.err


def test_a_missing_folder_given_to_dash_c_is_named_as_missing(run, tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    result = run("-C", tmp_path / "nowhere", "status")
    assert result.code == 2
    assert f"Error: Invalid value for '-C': Directory '{tmp_path / 'nowhere'}' does not exist.\n" in result.err
    assert "journal.yaml" not in result.err


def test_outside_a_journal_says_how_to_start(run, tmp_path: Path) -> None:
    result = run("-C", tmp_path, "check")
    assert result.code == 1
    assert "Error: no journal.yaml" in result.err and "journal init" in result.err


def test_usage_error_exits_two(run, journal_dir: Path) -> None:
    assert run("-C", journal_dir, "check", "--format", "xml").code == 2
    assert run("-C", journal_dir, "new", "checkin", "--week", "2026-W54").code == 2
    no_day = run("-C", journal_dir, "new", "goal", "x", "--deadline", "2027-02-30")
    assert no_day.code == 2 and "'2027-02-30' is not a date YYYY-MM-DD (no such day: February 2027 has 28 days)" in no_day.err
    for now in ("2027-02-30", "2027-02-30T10:00"):
        late = run("-C", journal_dir, "status", "--now", now)
        assert late.code == 2 and f"'{now}' is not an ISO date or datetime" in late.err
        assert "(no such day: February 2027 has 28 days)" in late.err, late.err
    assert "no such day" not in run("-C", journal_dir, "status", "--now", "2026-11-22T25:00").err
    assert run("nonsense").code == 2


def test_unexpected_error_is_one_line_without_traceback(run, journal_dir: Path, monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("journal.core.rules.check_entries", boom)
    result = run("-C", journal_dir, "check")
    assert result.code == 3
    assert result.err == ("Error: unexpected RuntimeError: disk on fire\n"
                          "hint: rerun with --debug for the traceback, and report it\n")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix}{name} "))
    return found


def test_every_command_has_help_and_a_readme_section() -> None:
    readme = (PROJECT / "README.md").read_text()
    for name, command in _commands(cli):
        assert command.help and len(command.help) > 20, name
        assert f"journal {name}" in readme, f"README lacks a section on `journal {name}`"


def test_help_runs_for_every_command(run) -> None:
    for name, _ in _commands(cli):
        result = run(*name.split(), "--help")
        assert result.code == 0 and "Usage: journal" in result.out, name


def test_terminal_escapes_in_partner_text_are_never_printed_raw(run, journal_dir: Path) -> None:
    evil = "Run \\u001b]0;owned\\u0007 \\u009b31m"
    (journal_dir / "checkins/2026/2026-W47-alice.md").write_text(checkin(commitments=f'\n  - {{commitment: "{evil}"}}'))
    (journal_dir / "checkins/2026/2026-W48-alice.md").write_text(checkin(week="2026-W48"))
    for fmt in ("text", "json"):
        result = run("-C", journal_dir, "check", "--format", fmt)
        assert "Run " in result.out and "outcome" in result.out, result
        assert not any(c in result.out + result.err for c in ("\x1b", "\x07", "\x9b")), result


def test_check_refuses_a_week_in_arabic_indic_digits(run, journal_dir: Path) -> None:
    """Bug 1: such a check-in passed `journal check`, then `journal digest` failed (exit 3)."""
    week = "٢٠٢٦-W٤٨"
    path = f"checkins/2026/{week}-alice.md"
    (journal_dir / path).write_text(checkin("alice", week), encoding="utf-8")
    result = run("-C", journal_dir, "check")
    assert result.code == 1, result
    assert f"{path}:2:1: error: check-in file name must be <YYYY-Www or YYYY-MM-DD>-<member>.md [path]" in result.out
    assert f"{path}:3:7: error: week: expected an ISO week YYYY-Www" in result.out
    assert "Traceback" not in result.out + result.err


def test_check_reuses_the_parse_cache_and_ignores_a_corrupt_one(run, journal_dir: Path, monkeypatch) -> None:
    import journal.core.rules
    import journal.store.git
    from tests.support.journals import git

    git(journal_dir, "init", "-q")
    first = run("-C", journal_dir, "check")
    parsed: list[str] = []
    for module in (journal.core.rules, journal.store.git):
        original = module.read_entry
        monkeypatch.setattr(module, "read_entry", lambda path, *a, _o=original: parsed.append(path) or _o(path, *a))
    second = run("-C", journal_dir, "check")
    assert (second.code, second.out, second.err) == (first.code, first.out, first.err) == (0, "", first.err)
    assert parsed == []  # every entry came from the cache under the git folder
    (journal_dir / ".git" / "journal" / "entries.bin").write_text("{not marshal")
    third = run("-C", journal_dir, "check")
    assert (third.code, third.out, third.err) == (first.code, first.out, first.err)
    assert len(parsed) == 4


@pytest.mark.parametrize(("given", "meant"), [("2026-w51", "2026-W51"), ("2026W51", "2026-W51"), ("2026-W5", "2026-W05")])
def test_a_week_written_almost_right_is_told_the_week_meant(run, journal_dir: Path, given: str, meant: str) -> None:
    result = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--week", given)
    assert result.code == 2
    assert f"'{given}' is not an ISO week YYYY-Www from 1970 to 2999; did you mean {meant}?" in result.err
    # A year and a number alone may be a month: no guess.
    assert "did you mean" not in run("-C", journal_dir, "new", "checkin", "--week", "2026-12").err
