"""Rules over one entry and across entries, each with a case that trips it."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.core.rules import check_files, is_vague
from journal.core.suggestions import ZONE_SUGGESTIONS
from tests.support.bad_inputs import BAD
from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin

BASE = {
    "journal.yaml": CONFIG,
    "contracts/pact.md": CONTRACT,
    "goals/berlin-half.md": GOAL,
    "checkins/2026/2026-W47-alice.md": checkin(),
}


def problems(changes: dict[str, str]) -> list[tuple[str, int, int, str, str]]:
    files = {k: v.encode() for k, v in {**BASE, **changes}.items()}
    return [(p.path, p.line, p.column, p.severity, p.code) for p in check_files(files).problems]


def codes(changes: dict[str, str]) -> list[str]:
    return [p[4] for p in problems(changes)]


def test_base_journal_is_clean() -> None:
    assert problems({}) == []


W48 = "checkins/2026/2026-W48-alice.md"
DATED = "checkins/2026/2026-11-29-alice.md"
DAILY = CONTRACT.replace("cadence: weekly", "cadence: daily").replace("due: sunday 21:00", "due: 21:00")


def w48(member: str = "alice", week: str = "2026-W48", **kw: str) -> str:
    """A follow-up check-in that reports on W47's commitment, so only the case's rule trips."""
    kw.setdefault("outcomes", "[{commitment: Three runs, status: done}]")
    return checkin(member, week, **kw)

# name: (changed files, expected (path, line, col, severity, code) list)
CASES = {
    "unknown key with hint": ({W48: w48(week="2026-W48", extra="outcome: []\n")},
                              [(W48, 8, 1, "error", "schema")]),
    "missing required member": ({W48: w48(week="2026-W48").replace("member: alice\n", "")},
                                [(W48, 2, 1, "error", "required")]),
    "wrong type": ({W48: w48(week="2026-W48", extra="energy: lots\n")},
                   [(W48, 8, 9, "error", "type")]),
    "energy out of range": ({W48: w48(week="2026-W48", extra="energy: 9\n")}, [(W48, 8, 9, "error", "type")]),
    "invalid date": ({"goals/berlin-half.md": GOAL.replace("deadline: 2027-04-05", "deadline: 2027-02-30")},
                     [("goals/berlin-half.md", 6, 11, "error", "date")]),
    "invalid ISO week": ({"checkins/2026/2026-W54-alice.md": w48(week="2026-W54")},
                         [("checkins/2026/2026-W54-alice.md", 3, 7, "error", "week")]),
    "id not a slug": ({W48: w48(week="2026-W48").replace("member: alice", "member: ../../x")},
                      [(W48, 2, 9, "error", "slug")]),
    "id too long to name a file": ({W48: w48(week="2026-W48").replace("member: alice", "member: " + "a" * 65)},
                                   [(W48, 2, 9, "error", "slug")]),
    "unknown member": ({"checkins/2026/2026-W48-zed.md": w48(member="zed")},
                       [("checkins/2026/2026-W48-zed.md", 2, 9, "error", "reference")]),
    "unknown goal in metrics": ({W48: w48(week="2026-W48").replace("{berlin-half: 27.5}", "{berlin: 27.5}")},
                                [(W48, 5, 11, "error", "reference")]),
    "unknown contract": ({W48: w48(week="2026-W48", extra="contract: work\n")},
                         [(W48, 8, 11, "error", "reference")]),
    "goal owner not a member": ({"goals/berlin-half.md": GOAL.replace("owner: alice", "owner: [alice, zed]")},
                                [("goals/berlin-half.md", 3, 16, "error", "reference")]),
    "file name disagrees with member": ({"checkins/2026/2026-W48-bob.md": w48(week="2026-W48")},
                                        [("checkins/2026/2026-W48-bob.md", 2, 9, "error", "path")]),
    "file name disagrees with week": ({W48: w48(week="2026-W49")}, [(W48, 3, 7, "error", "path")]),
    "wrong year folder": ({"checkins/2025/2026-W48-alice.md": w48(week="2026-W48")},
                          [("checkins/2025/2026-W48-alice.md", 2, 1, "error", "path")]),
    "file name not a check-in name": ({"checkins/2026/notes.md": w48(week="2026-W48")},
                                      [("checkins/2026/notes.md", 2, 1, "error", "path")]),
    "not party to the contract": ({W48: w48(week="2026-W48", extra="contract: solo\n"),
                                   "contracts/solo.md": CONTRACT.replace("parties: [alice, bob]", "parties: [bob]")
                                   .replace("style: {alice: tough-love, bob: grace}\n", "")},
                                  [(W48, 8, 11, "error", "party")]),
    "a dated check-in under a weekly contract": ({DATED: checkin(week="2026-W48").replace("week: 2026-W48", "date: 2026-11-29")},
                                                 [(DATED, 3, 7, "warning", "cadence")]),
    "a weekly check-in under a daily contract": ({"contracts/pact.md": DAILY},
                                                 [("checkins/2026/2026-W47-alice.md", 3, 7, "warning", "cadence")]),
    "a weekly check-in before a daily one: a change of cadence": (
        {"contracts/pact.md": DAILY, "checkins/2026/2026-11-30-alice.md": checkin(week="x").replace("week: x", "date: 2026-11-30")},
        []),
    "a week written where the date goes": ({DATED: checkin(week="2026-11-29")}, [(DATED, 3, 7, "error", "week")]),
    "missing outcome": ({W48: w48(week="2026-W48", outcomes="[]")}, [(W48, 4, 1, "warning", "outcome")]),
    "vague commitment": ({W48: w48(week="2026-W48", outcomes="[{commitment: Three runs, status: done}]",
                                       commitments="\n  - {commitment: Run more}")},
                         [(W48, 7, 18, "warning", "vague")]),
    "milestone outside goal": ({"goals/berlin-half.md": GOAL.replace("due: 2027-01-31", "due: 2027-05-01")},
                               [("goals/berlin-half.md", 10, 43, "error", "milestone")]),
    "pause outside contract": ({"contracts/pact.md": CONTRACT.replace("to: 2027-01-03", "to: 2027-05-03")},
                               [("contracts/pact.md", 14, 25, "error", "pause")]),
    "pause ends before it starts": ({"contracts/pact.md": CONTRACT.replace("to: 2027-01-03", "to: 2026-12-01")},
                                    [("contracts/pact.md", 14, 41, "error", "pause")]),
    "neither week nor date": ({W48: w48(week="2026-W48").replace("week: 2026-W48\n", "")},
                              [(W48, 2, 1, "error", "required")]),
    "member list in config is not a mapping": ({"journal.yaml": "title: x\nmembers: [alice, bob]\n"},
                                               [("journal.yaml", 2, 10, "error", "type")]),
    "bad time zone": ({"journal.yaml": CONFIG.replace("Europe/Berlin", "Mars/Olympus")},
                      [("journal.yaml", 3, 70, "error", "type")]),
    "an email under two members": ({"journal.yaml": CONFIG.replace("emails: [bob@example.com]",
                                                                     "emails: [bob@example.com, Alice@Example.org]")},
                                   [("journal.yaml", 4, 53, "error", "duplicate-email")]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule(name: str) -> None:
    changes, expected = CASES[name]
    found = problems(changes)
    for item in expected:
        assert item in found, (name, found)
    assert len(found) == len(expected), found


def test_did_you_mean_hint_in_message() -> None:
    files = {k: v.encode() for k, v in {**BASE, W48: w48(week="2026-W48", extra="outcome: []\n")}.items()}
    messages = [p.message for p in check_files(files).problems]
    assert "unknown key 'outcome' (did you mean 'outcomes'?)" in messages


@pytest.mark.parametrize(("written", "meant"), [("Done", "done"), ("donee", "done"), ("missd", "missed"),
                                              ("PARTIAL", "partial")])
def test_a_value_of_a_list_of_choices_in_another_case_or_misspelt_names_the_one_meant(written: str, meant: str) -> None:
    files = {k: v.encode() for k, v in {**BASE, W48: w48(outcomes=f"[{{commitment: Three runs, status: {written}}}]")}.items()}
    messages = [p.message for p in check_files(files).problems]
    assert (f"outcomes[1].status: expected one of done, partial, missed, found '{written}' "
            f"(did you mean '{meant}'?)") in messages


@pytest.mark.parametrize(("written", "meant"), [("Done", "achieved"), ("finished", "achieved"), ("On hold", "paused"),
                                              ("abandoned", "dropped"), ("Activ", "active")])
def test_a_goal_status_in_other_words_names_the_one_meant(written: str, meant: str) -> None:
    files = {k: v.encode() for k, v in {**BASE, "goals/berlin-half.md": GOAL.replace("status: active",
                                                                                     f"status: {written}")}.items()}
    messages = [p.message for p in check_files(files).problems]
    assert (f"status: expected one of active, achieved, paused, dropped, found '{written}' "
            f"(did you mean '{meant}'?)") in messages, messages


@pytest.mark.parametrize(("written", "meant"), [("skipped", "missed"), ("Half done", "partial")])
def test_an_outcome_status_in_other_words_names_the_one_meant(written: str, meant: str) -> None:
    files = {k: v.encode() for k, v in {**BASE, W48: w48(outcomes=f"[{{commitment: Three runs, status: {written}}}]")}.items()}
    messages = [p.message for p in check_files(files).problems]
    assert f"found '{written}' (did you mean '{meant}'?)" in " ".join(messages), messages


def test_a_value_far_from_every_choice_gets_no_guess() -> None:
    files = {k: v.encode() for k, v in {**BASE, W48: w48(outcomes="[{commitment: Three runs, status: yes}]")}.items()}
    messages = [p.message for p in check_files(files).problems]
    assert any(m.startswith("outcomes[1].status: expected one of") and "did you mean" not in m for m in messages), messages


@pytest.mark.parametrize(("written", "meant"), [("Europe/Berlinn", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"),
                                              ("Berlin", "Europe/Berlin"), ("new york", "America/New_York")])
def test_a_misspelt_time_zone_names_the_zone_meant(written: str, meant: str) -> None:
    config = CONFIG.replace("timezone: Europe/Berlin", f"timezone: {written}")
    assert config != CONFIG
    messages = [p.message for p in check_files({**{k: v.encode() for k, v in BASE.items()},
                                                "journal.yaml": config.encode()}).problems]
    assert any(m.endswith(f"found '{written}' (did you mean '{meant}'?)") for m in messages), messages


@pytest.mark.parametrize("name", ["W48-alice.md", "2026-W48_alice.md", "alice-2026-W48.md", "2026-w48-alice.md"])
def test_a_check_in_file_name_of_another_shape_is_told_where_it_belongs(name: str) -> None:
    files = {k: v.encode() for k, v in {**BASE, f"checkins/2026/{name}": w48()}.items()}
    messages = [p.message for p in check_files(files).problems]
    assert ("check-in file name must be <YYYY-Www or YYYY-MM-DD>-<member>.md: this one belongs at "
            "checkins/2026/2026-W48-alice.md") in messages


def test_a_commitment_written_as_plain_text_is_shown_how_to_write_it() -> None:
    files = {k: v.encode() for k, v in {**BASE, W48: w48(commitments="\n  - Four runs by Sunday")}.items()}
    messages = [p.message for p in check_files(files).problems]
    assert ("commitments[1]: expected a mapping, found 'Four runs by Sunday' "
            "(write it as `commitment: Four runs by Sunday`)") in messages


@pytest.mark.parametrize(("written", "number"), [("27 km", "27"), ("'2,5'", "2.5"), ("3 sessions", "3"), ("1.5h", "1.5"),
                                               ("'10,000 steps'", "10000"), ("'27'", "27")])
def test_a_metric_written_with_its_unit_is_told_to_give_the_number_alone(written: str, number: str) -> None:
    files = {k: v.encode() for k, v in {**BASE, W48: w48().replace("{berlin-half: 27.5}", f"{{berlin-half: {written}}}")}.items()}
    messages = [p.message for p in check_files(files).problems]
    assert any(m.startswith("metrics.berlin-half: expected a number") and m.endswith(f"(write the number alone: {number})")
               for m in messages), messages


def test_notes_kept_among_the_goals_are_told_every_file_there_is_a_goal() -> None:
    files = {k: v.encode() for k, v in {**BASE, "goals/README.md": "# Our goals\nSee below.\n"}.items()}
    messages = [p.message for p in check_files(files).problems]
    assert ("no front matter: the first line must be ---; every .md file in goals/ is read as a goal "
            "(keep notes elsewhere)") in messages


def test_a_day_in_a_week_named_file_is_offered_both_ways_out_and_a_day_under_week_is_one_problem() -> None:
    w50 = "checkins/2026/2026-W50-alice.md"
    dated = w48(week="2026-W50").replace("week: 2026-W50", "date: 2026-12-09")
    messages = [p.message for p in check_files({k: v.encode() for k, v in {**BASE, w50: dated}.items()}).problems]
    assert ("file name says period '2026-W50' but the entry says '2026-12-09': if the entry is right, it belongs at "
            "checkins/2026/2026-12-09-alice.md; if the file name is right, write `week: 2026-W50` instead of `date:`"
            ) in messages
    # `week:` holding a day: the schema's error alone, no path built from a value it refuses.
    misweek = w48(week="2026-W50").replace("week: 2026-W50", "week: 2026-12-09")
    found = [(p.code, p.message) for p in check_files({k: v.encode() for k, v in {**BASE, w50: misweek}.items()}).problems]
    assert [code for code, _ in found] == ["week"], found


def test_a_roster_of_many_misspelt_zones_gets_a_bounded_number_of_suggestions() -> None:
    # Each suggestion searches the zone database's names: 23,000 members took 87 s to check.
    many = "".join(f"  m{i}: {{name: M, emails: [m{i}@example.org], timezone: Europe/Berlinn}}\n" for i in range(300))
    config = CONFIG.replace("members:\n", "members:\n" + many)
    messages = [p.message for p in check_files({**{k: v.encode() for k, v in BASE.items()},
                                                "journal.yaml": config.encode()}).problems]
    zones = [m for m in messages if "found 'Europe/Berlinn'" in m]
    assert len(zones) == 300
    assert sum("(did you mean 'Europe/Berlin'?)" in m for m in zones) == ZONE_SUGGESTIONS


@pytest.mark.parametrize("city", ["Pacific", "Eastern", "Samoa"])
def test_a_city_two_zones_are_named_after_gets_no_guess(city: str) -> None:
    config = CONFIG.replace("timezone: Europe/Berlin", f"timezone: {city}")
    messages = [p.message for p in check_files({**{k: v.encode() for k, v in BASE.items()},
                                                "journal.yaml": config.encode()}).problems]
    assert any(f"found '{city}'" in m and "did you mean" not in m for m in messages), messages


@pytest.mark.parametrize("written", ["'1e3x'", "lots", "'12/20'"])
def test_a_metric_that_begins_with_no_number_gets_no_guess(written: str) -> None:
    files = {k: v.encode() for k, v in {**BASE, W48: w48().replace("{berlin-half: 27.5}", f"{{berlin-half: {written}}}")}.items()}
    messages = [p.message for p in check_files(files).problems]
    assert any(m.startswith("metrics.berlin-half: expected a number") and "number alone" not in m for m in messages)


@pytest.mark.parametrize("offset", ["GMT+1", "UTC-05:00", "Etc/UTC+1"])
def test_a_utc_offset_as_a_zone_is_never_told_an_etc_zone(offset: str) -> None:
    # Etc/GMT+1 is an hour behind UTC (POSIX signs): "GMT+1" was told to write it.
    config = CONFIG.replace("timezone: Europe/Berlin", f"timezone: '{offset}'")
    messages = [p.message for p in check_files({**{k: v.encode() for k, v in BASE.items()},
                                                "journal.yaml": config.encode()}).problems]
    found = [m for m in messages if f"found '{offset}'" in m]
    assert found and not any("did you mean 'Etc/" in m for m in found), found


def test_outcome_matching_ignores_case_and_spacing() -> None:
    text = w48(week="2026-W48", outcomes="[{commitment: '  three   RUNS', status: partial}]")
    assert codes({W48: text}) == []


@pytest.mark.parametrize("text,vague", [
    ("Run more", True), ("Be better at stretching", True), ("Three runs", False),
    ("Run 12 km", False), ("Long run on Sunday", False), ("Write every morning", False),
])
def test_vague_commitments(text: str, vague: bool) -> None:
    assert is_vague(text) is vague


@pytest.mark.parametrize("name", list(BAD))
def test_every_bad_input_through_the_cli_is_one_line_exit_one_nothing_written(run, journal_dir: Path, name: str) -> None:
    data, code, line, column = BAD[name]
    (journal_dir / W48).write_bytes(data)
    before = {p: p.read_bytes() for p in journal_dir.rglob("*") if p.is_file()}
    result = run("-C", journal_dir, "check")
    assert result.code == 1
    assert result.out == f"{W48}:{line}:{column}: error: " + result.out.split(": error: ", 1)[1]
    assert result.out.count("\n") == 1 and result.out.endswith(f"[{code}]\n")
    assert "Traceback" not in result.err
    assert {p: p.read_bytes() for p in journal_dir.rglob("*") if p.is_file()} == before


def test_symlink_out_of_the_journal_is_refused(run, journal_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(w48(week="2026-W48"))
    (journal_dir / W48).symlink_to(secret)
    result = run("-C", journal_dir, "check")
    assert result.code == 1
    assert result.out == f"{W48}:1:1: error: symlinked entries are refused; commit the file itself [symlink]\n"


ARABIC_WEEK = "٢٠٢٦-W٤٨"  # 2026-W48 in Arabic-Indic digits
ARABIC_PATH = f"checkins/2026/{ARABIC_WEEK}-alice.md"


@pytest.mark.parametrize("path,week,expected", [
    # Bug 1: `\d` took these digits, so check passed what the period arithmetic cannot read.
    (ARABIC_PATH, ARABIC_WEEK, [(ARABIC_PATH, 2, 1, "error", "path"), (ARABIC_PATH, 3, 7, "error", "week")]),
    (W48, ARABIC_WEEK, [(W48, 3, 7, "error", "week")]),
    (ARABIC_PATH, "2026-W48", [(ARABIC_PATH, 2, 1, "error", "path")]),
])
def test_a_week_in_non_ascii_digits_is_refused(path: str, week: str, expected: list[tuple]) -> None:
    found = problems({path: w48(week=week, outcomes="[]")})
    assert [p for p in found if p[3] == "error"] == expected
    if week == ARABIC_WEEK:  # an unreadable period is reported once, not compared with others
        assert [p for p in found if p[3] == "warning"] == []


def test_a_date_in_non_ascii_digits_is_refused() -> None:
    path = "checkins/2026/2026-11-24-alice.md"
    day = w48(week="x").replace("week: x", "date: ٢٠٢٦-١١-٢٤")
    assert (path, 3, 7, "error", "date") in problems({path: day})


def test_previous_checkin_is_the_latest_earlier_one_of_the_same_cadence() -> None:
    from journal.core.journal_index import Journal
    from journal.core.rules import load_entries

    weeks = ["2026-W40", "2026-W47", "2026-W44", "2026-W45", "2027-W01"]
    files = {**BASE, **{f"checkins/{w[:4]}/{w}-alice.md": checkin(week=w) for w in weeks}}
    entries, _ = load_entries({k: v.encode() for k, v in files.items()})
    journal = Journal(entries)
    found = {w: journal.previous_checkin("alice", w) for w in [*weeks, "2026-W01", "2026-W46", "2030-W01"]}
    # The answer a plain scan over every check-in gives, for each of them.
    for period, entry in found.items():
        earlier = sorted(w for w in weeks if w < period)
        assert (entry.data["week"] if entry else None) == (earlier[-1] if earlier else None), period
    assert journal.previous_checkin("alice", "2026-11-20") is None  # a date never follows a week
    assert journal.previous_checkin("bob", "2026-W47") is None


def test_a_check_in_of_another_cadence_is_told_how_to_name_its_period() -> None:
    files = {k: v.encode() for k, v in {**BASE, DATED: checkin(week="x").replace("week: x", "date: 2026-11-29")}.items()}
    found = [p.message for p in check_files(files).problems]
    assert found == ["a daily check-in, but 'pact' is weekly: it counts for nothing; "
                     "name the period with week: 2026-W48"], found


def test_a_date_that_names_no_day_says_why() -> None:
    files = {k: v.encode() for k, v in {**BASE, "goals/berlin-half.md": GOAL.replace("deadline: 2027-04-05",
                                                                                    "deadline: 2027-02-30")}.items()}
    found = [p.message for p in check_files(files).problems]
    assert any(m.endswith("found '2027-02-30' (no such day: February 2027 has 28 days)") for m in found), found
    # Wherever a date is read: a reply's period too.
    reply = ("---\nauthor: bob\nto: alice\nperiod: 2027-02-30\nanswer: Yes.\n---\nGo on.\n").encode()
    found = [p.message for p in check_files({**{k: v.encode() for k, v in BASE.items()},
                                             "replies/2027/2027-02-30-bob-to-alice.md": reply}).problems]
    assert "period: expected a period: an ISO week YYYY-Www (01-52, or 53 in long years) or a date YYYY-MM-DD, " \
           "found '2027-02-30' (no such day: February 2027 has 28 days)" in found, found


def test_a_check_in_whose_period_is_not_its_file_names_says_where_it_belongs() -> None:
    files = {k: v.encode() for k, v in {**BASE, W48: w48(week="2026-W49")}.items()}
    found = [p.message for p in check_files(files).problems if p.code == "path"]
    assert found == ["file name says period '2026-W48' but the entry says '2026-W49': if the entry is right, "
                     "it belongs at checkins/2026/2026-W49-alice.md"], found
