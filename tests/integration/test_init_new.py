"""`journal init` and `journal new`: what they write, and what they refuse to touch."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pygit2
import pytest
from ruamel.yaml import YAML

from journal.core.schema import iana_zone
from tests.support.journals import checkin, git


def _yaml(text: str) -> dict:
    return YAML(typ="safe").load(text.split("---\n")[1] if text.startswith("---") else text)


def test_init_creates_repo_config_contract_and_folders(run, tmp_path: Path) -> None:
    target = tmp_path / "new" / "journal"
    result = run("init", target, "--member", "alice", "--member", "mary-jane", "--title", "Spring goals")
    assert result.code == 0, result
    assert pygit2.discover_repository(str(target)) is not None
    config = _yaml((target / "journal.yaml").read_text())
    assert config["title"] == "Spring goals"
    assert config["members"]["mary-jane"] == {"name": "Mary Jane", "emails": [], "timezone": "UTC"}
    contract = _yaml((target / "contracts/pact.md").read_text())
    assert contract["parties"] == ["alice", "mary-jane"]
    assert contract["cadence"] == "weekly" and contract["due"] == "sunday 21:00" and contract["grace"] == "12h"
    assert contract["effective"].weekday() == 0
    assert (target / "goals").is_dir() and (target / "checkins").is_dir()
    assert "/site/" in (target / ".gitignore").read_text()
    assert run("-C", target, "check").code == 0


def test_init_without_a_git_address_says_so_and_how_to_set_one(run, tmp_path: Path) -> None:
    # The tests' git has no user.email (tests/conftest.py): the first member's emails stay
    # empty, which would make every commit of theirs count for nobody.
    result = run("init", tmp_path / "j", "--member", "alice", "--member", "bob")
    assert result.code == 0
    assert "warning: git has no usable user.email here: alice's emails in journal.yaml is left empty" in result.err
    assert "git config --global user.email" in result.err
    (tmp_path / "k").mkdir()
    git(tmp_path / "k", "init", "-q")
    git(tmp_path / "k", "config", "user.email", "alice@example.org")
    again = run("init", tmp_path / "k", "--member", "alice")
    assert again.code == 0 and "user.email" not in again.err
    assert _yaml((tmp_path / "k" / "journal.yaml").read_text())["members"]["alice"]["emails"] == ["alice@example.org"]


def test_init_refuses_existing_journal_and_changes_nothing(run, journal_dir: Path) -> None:
    before = {p: p.read_bytes() for p in journal_dir.rglob("*") if p.is_file()}
    result = run("init", journal_dir, "--member", "zed")
    assert result.code == 1
    assert "already exists" in result.err
    assert {p: p.read_bytes() for p in journal_dir.rglob("*") if p.is_file()} == before
    assert not (journal_dir / ".git").exists()


@pytest.mark.parametrize("member", ["../../x", "Alice", "bob smith", "a" * 65])
def test_init_rejects_member_ids_that_are_not_slugs(run, tmp_path: Path, member: str) -> None:
    result = run("init", tmp_path / "j", "--member", member)
    # A malformed value, as the README's exit codes name it: 2, with the option named.
    assert result.code == 2 and f"Invalid value for '--member': '{member}' is not an id" in result.err
    # An id that is one in lower case is offered as such; the others get an example.
    assert ("e.g. 'alice'" in result.err) == (member == "Alice"), result.err
    assert not (tmp_path / "j").exists()


def test_init_names_a_member_listed_twice_and_how_to_fix_it(run, tmp_path: Path) -> None:
    result = run("init", tmp_path / "dup", "--member", "alice", "--member", "bob", "--member", "alice")
    assert result.code == 1
    assert result.err == ("Error: member 'alice' is listed twice; nothing changed\n"
                          "hint: give each partner one --member, e.g. --member alice --member bob\n")
    assert not (tmp_path / "dup").exists()


def test_new_contract_over_an_existing_slug_points_at_slug(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    before = (journal_dir / "contracts/pact.md").read_bytes()
    result = run("-C", journal_dir, "new", "contract", "Another pact", "--slug", "pact", "--party", "alice")
    assert result.code == 1
    assert result.err == ("Error: contracts/pact.md already exists; nothing written\n"
                          "hint: edit the existing file, or pass another --slug (or, without --slug, "
                          "give the contract another title)\n")
    assert (journal_dir / "contracts/pact.md").read_bytes() == before


def test_new_checkin_prefills_outcomes_from_previous_commitments(run, journal_dir: Path) -> None:
    result = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--week", "2026-W48")
    assert result.code == 0, result
    path = journal_dir / "checkins/2026/2026-W48-alice.md"
    assert result.out.strip() == str(path)
    data = _yaml(path.read_text())
    assert data["outcomes"] == [{"commitment": "Three runs", "goal": "berlin-half", "status": None}]
    assert "berlin-half" in data["metrics"]
    # The empty status must be filled in before the entry passes.
    check = run("-C", journal_dir, "check", path)
    assert check.code == 1 and "[required]" in check.out


def test_new_checkin_defaults_to_git_user_and_current_week_in_member_zone(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    git(journal_dir, "config", "user.email", "Bob@Example.com")
    # Monday 03:00 UTC is still Sunday evening of week 47 in New York.
    result = run("-C", journal_dir, "new", "checkin", "--now", "2026-11-23T03:00:00+00:00")
    assert result.code == 0, result
    assert (journal_dir / "checkins/2026/2026-W47-bob.md").exists()


def test_new_checkin_never_overwrites(run, journal_dir: Path) -> None:
    path = journal_dir / "checkins/2026/2026-W47-alice.md"
    before = path.read_bytes()
    result = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--week", "2026-W47")
    assert result.code == 1
    assert "checkins/2026/2026-W47-alice.md already exists" in result.err
    assert path.read_bytes() == before


def test_new_checkin_unknown_member_is_an_error(run, journal_dir: Path) -> None:
    result = run("-C", journal_dir, "new", "checkin", "--member", "zed")
    assert result.code == 1 and "unknown member 'zed'" in result.err
    close = run("-C", journal_dir, "new", "goal", "x", "--owner", "bobb")
    assert close.code == 1 and "unknown member 'bobb' (did you mean 'bob'?)" in close.err
    assert "members are listed under `members:` in journal.yaml: alice, bob" in close.err
    party = run("-C", journal_dir, "new", "contract", "X", "--slug", "x", "--party", "alice", "--party", "bobb")
    assert party.code == 1 and "unknown member 'bobb' (did you mean 'bob'?)" in party.err, party
    to = run("-C", journal_dir, "new", "reply", "--member", "alice", "--to", "bobb")
    assert to.code == 1 and "unknown member 'bobb' (did you mean 'bob'?)" in to.err, to


def test_new_checkin_without_a_git_email_says_how_to_set_one(run, journal_dir: Path) -> None:
    # The tests' git has no user.email (tests/conftest.py).
    result = run("-C", journal_dir, "new", "checkin")
    assert result.code == 1 and "cannot tell who you are: git has no user.email here" in result.err
    assert "git config user.email" in result.err


def test_new_checkin_with_daily_date(run, journal_dir: Path) -> None:
    # A member's periods follow their earliest contract (as streaks judge them): a daily
    # one that began before the weekly pact makes bob's check-ins daily.
    (journal_dir / "contracts/daily.md").write_text(
        "---\ntitle: Daily\nparties: [bob]\neffective: 2026-09-01\ncadence: daily\ndue: \"21:00\"\n---\n")
    result = run("-C", journal_dir, "new", "checkin", "--member", "bob", "--date", "2026-11-20")
    assert result.code == 0, result
    assert _yaml((journal_dir / "checkins/2026/2026-11-20-bob.md").read_text())["date"] == dt.date(2026, 11, 20)
    weekly = run("-C", journal_dir, "new", "checkin", "--member", "bob", "--week", "2026-W48")
    assert weekly.code != 0 and "--date" in weekly.err


def test_new_goal_and_contract_are_valid_entries(run, journal_dir: Path) -> None:
    assert run("-C", journal_dir, "new", "goal", "Read 12 books: 2027!", "--owner", "bob",
               "--deadline", "2027-12-31").code == 0
    goal = _yaml((journal_dir / "goals/read-12-books-2027.md").read_text())
    assert goal["title"] == "Read 12 books: 2027!" and goal["owner"] == "bob"
    assert run("-C", journal_dir, "new", "contract", "Work circle", "--party", "alice").code == 0
    assert _yaml((journal_dir / "contracts/work-circle.md").read_text())["parties"] == ["alice"]
    result = run("-C", journal_dir, "check")
    assert result.code == 0, result


def test_new_goal_refuses_a_deadline_before_it_starts(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    before = sorted(p for p in journal_dir.rglob("*") if ".git" not in p.parts)
    now = ["--now", "2026-11-23T09:00:00+01:00"]
    result = run("-C", journal_dir, "new", "goal", "W3", "--owner", "alice", "--deadline", "2020-01-01", *now)
    assert result.code == 1 and result.out == ""
    assert result.err == ("Error: deadline 2020-01-01 is before the goal starts (2026-11-23, today for alice); "
                          "nothing written\nhint: give a --deadline on or after 2026-11-23, or leave it out\n")
    assert sorted(p for p in journal_dir.rglob("*") if ".git" not in p.parts) == before
    made = run("-C", journal_dir, "new", "goal", "W3", "--owner", "alice", "--deadline", "2026-11-23", *now)
    assert made.code == 0, made
    assert run("-C", journal_dir, "check").code == 0


def test_new_goal_ids_drop_letters_with_no_ascii_form(run, journal_dir: Path) -> None:
    # As the README says: `é` loses its accent, `ß`, `Ø`, `Ł` and `æ` are dropped, not spelled out.
    git(journal_dir, "init", "-q")
    assert run("-C", journal_dir, "new", "goal", "Café Straße Øresund Łódź Cæsar", "--owner", "alice").code == 0
    assert (journal_dir / "goals/cafe-strae-resund-odz-csar.md").is_file()


def test_new_refuses_a_title_that_names_no_file(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    before = sorted(p for p in journal_dir.rglob("*") if ".git" not in p.parts)
    goal = run("-C", journal_dir, "new", "goal", "!!!", "--owner", "alice")
    assert goal.code == 1 and goal.out == ""
    assert goal.err == ("Error: goal title '!!!' has no letter or digit (a-z, 0-9) to name its file by\n"
                        "hint: give a title with letters or digits, or pass the goal's id with --id ID "
                        "(e.g. --id reading)\n")
    contract = run("-C", journal_dir, "new", "contract", "— ? —")
    assert contract.code == 1 and "Traceback" not in contract.err
    assert contract.err.startswith("Error: contract title '— ? —' has no letter or digit (a-z, 0-9)")
    assert "hint: give a title with letters or digits" in contract.err
    assert sorted(p for p in journal_dir.rglob("*") if ".git" not in p.parts) == before
    # The id the hint names is the way out for a goal.
    assert run("-C", journal_dir, "new", "goal", "!!!", "--id", "shout", "--owner", "alice").code == 0
    assert _yaml((journal_dir / "goals/shout.md").read_text())["title"] == "!!!"
    # And --slug for a contract: a title in any script, a file named as the partners choose.
    assert "or pass the contract's id with --slug SLUG" in contract.err
    made = run("-C", journal_dir, "new", "contract", "Пакт чтения", "--slug", "reading-pact", "--party", "alice")
    assert made.code == 0, made
    assert _yaml((journal_dir / "contracts/reading-pact.md").read_text())["title"] == "Пакт чтения"
    bad = run("-C", journal_dir, "new", "contract", "Pact", "--slug", "../escape")
    assert bad.code == 2 and "Invalid value for '--slug': '../escape' is not an id" in bad.err
    assert not (journal_dir.parent / "escape.md").exists()


def test_repository_templates_override_packaged_ones(run, journal_dir: Path) -> None:
    (journal_dir / "templates/entries").mkdir(parents=True)
    (journal_dir / "templates/entries/goal.md.j2").write_text(
        "---\ntitle: {{ title | yaml }}\nowner: {{ owner }}\nstatus: active\ntags: [custom]\n---\n")
    assert run("-C", journal_dir, "new", "goal", "Swim", "--owner", "alice").code == 0
    assert _yaml((journal_dir / "goals/swim.md").read_text())["tags"] == ["custom"]


def test_new_round_trips_hostile_commitment_text(run, journal_dir: Path) -> None:
    hostile = 'He said: "#1 — {x: [y]}" \\ & *alias, 3 times'
    (journal_dir / "checkins/2026/2026-W47-alice.md").write_text(
        checkin(commitments=f"\n  - commitment: '{hostile}'"))
    assert run("-C", journal_dir, "new", "checkin", "--member", "alice", "--week", "2026-W48").code == 0
    data = _yaml((journal_dir / "checkins/2026/2026-W48-alice.md").read_text())
    assert data["outcomes"][0]["commitment"] == hostile


def test_new_refuses_while_git_holds_the_index_lock(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    (journal_dir / ".git/index.lock").write_text("")
    before = sorted(p for p in journal_dir.rglob("*") if ".git" not in p.parts)
    result = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--week", "2026-W48")
    assert result.code == 1 and "git is busy" in result.err and "index.lock" in result.err
    assert sorted(p for p in journal_dir.rglob("*") if ".git" not in p.parts) == before


def test_init_installs_the_hooks_and_fills_in_your_email(run, tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\temail = alice@example.org\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    pygit2.settings.search_path[pygit2.enums.ConfigLevel.GLOBAL] = str(tmp_path)
    (tmp_path / ".gitconfig").write_text(config.read_text())
    result = run("init", tmp_path / "j", "--member", "alice", "--member", "bob")
    assert result.code == 0, result
    assert "pre-commit: installed" in result.out
    assert run("-C", tmp_path / "j", "hooks", "status").code == 0
    members = _yaml((tmp_path / "j" / "journal.yaml").read_text())["members"]
    assert members["alice"]["emails"] == ["alice@example.org"] and members["bob"]["emails"] == []
    assert run("-C", tmp_path / "j", "check").code == 0


def test_init_no_hooks_leaves_the_hooks_alone(run, tmp_path: Path) -> None:
    result = run("init", tmp_path / "j", "--member", "alice", "--no-hooks")
    assert result.code == 0, result
    assert "installed" not in result.out
    assert run("-C", tmp_path / "j", "hooks", "status").code == 1
    assert _yaml((tmp_path / "j" / "journal.yaml").read_text())["members"]["alice"]["emails"] == []


def test_init_leaves_out_an_email_that_would_fail_the_check(run, tmp_path: Path) -> None:
    pygit2.settings.search_path[pygit2.enums.ConfigLevel.GLOBAL] = str(tmp_path)
    (tmp_path / ".gitconfig").write_text("[user]\n\temail = not an address\n")
    assert run("init", tmp_path / "j", "--member", "alice", "--no-hooks").code == 0
    assert _yaml((tmp_path / "j" / "journal.yaml").read_text())["members"]["alice"]["emails"] == []
    assert run("-C", tmp_path / "j", "check").code == 0


def test_init_writes_no_machine_zone_that_check_would_refuse(tmp_path: Path) -> None:
    # TZ naming a folder of the zone database stopped init with "Is a directory"; `localtime`
    # and `posixrules` were written into journal.yaml, where `journal check` refuses them.
    for tz in ("America", "localtime", "posixrules"):
        target = tmp_path / tz
        made = subprocess.run([sys.executable, "-m", "journal", "init", str(target), "--member", "ann", "--member", "ben",
                               "--no-hooks"], capture_output=True, text=True, env={**os.environ, "TZ": tz})
        assert made.returncode == 0 and "Traceback" not in made.stderr, (tz, made.stderr)
        zones = {m["timezone"] for m in _yaml((target / "journal.yaml").read_text())["members"].values()}
        assert zones and all(iana_zone(z) is not None for z in zones), (tz, zones)


def test_members_given_in_one_option_are_told_to_repeat_it(run, tmp_path: Path) -> None:
    result = run("-C", tmp_path, "init", "j", "--member", "alice,bob")
    assert result.code == 2
    assert "'alice,bob' is not an id: give each its own --member, e.g. --member alice --member bob" in result.err
    assert not (tmp_path / "j").exists()


def test_your_member_is_found_by_the_global_config_git_config_global_names(run, journal_dir: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # git reads $GIT_CONFIG_GLOBAL instead of ~/.gitconfig; libgit2 does not: journal took
    # ~/.gitconfig's address, and wrote the check-in of whoever that was.
    git(journal_dir, "init", "-q")
    mine = tmp_path / "bob.gitconfig"
    mine.write_text("[user]\n\temail = bob@example.com\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(mine))
    assert git(journal_dir, "config", "user.email").stdout.strip() == "bob@example.com"  # as git answers
    result = run("-C", journal_dir, "new", "checkin", "--week", "2026-W48", "--now", "2026-11-25T12:00:00+00:00")
    assert result.code == 0, result
    assert result.out.strip().endswith("2026-W48-bob.md")
    # The repository's own address still comes first, as in git, through its includes too.
    included = tmp_path / "alice.gitconfig"
    included.write_text("[user]\n\temail = alice@example.org\n")
    git(journal_dir, "config", f"includeIf.gitdir:{journal_dir}/.git.path", str(included))
    assert git(journal_dir, "config", "user.email").stdout.strip() == "alice@example.org"
    again = run("-C", journal_dir, "new", "checkin", "--week", "2026-W48", "--now", "2026-11-25T12:00:00+00:00")
    assert again.out.strip().endswith("2026-W48-alice.md")
