"""`journal streaks` and `journal status` over real, scripted git histories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.exitcodes import EXIT_OVERDUE
from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin, git

PACT = CONTRACT.replace("effective: 2026-09-07", "effective: 2026-11-02")


def c(member: str, week: str) -> tuple[str, str]:
    return f"checkins/2026/{week}-{member}.md", checkin(member, week, outcomes="[]")


@pytest.fixture
def history(commit, tmp_path: Path) -> Path:
    commit({"journal.yaml": CONFIG, "contracts/pact.md": PACT, "goals/berlin-half.md": GOAL},
           "2026-10-20T10:00:00+02:00")
    commit(dict([c("alice", "2026-W45")]), "2026-11-08T18:00:00+01:00", "alice")
    # Sunday 20:30 in New York is Monday 01:30 UTC: still bob's week 45, on time.
    commit(dict([c("bob", "2026-W45")]), "2026-11-08T20:30:00-05:00", "bob")
    # Monday 08:00 in Berlin: after Sunday 21:00, within 12 h grace -> late.
    commit(dict([c("alice", "2026-W46")]), "2026-11-16T08:00:00+01:00", "alice")
    commit(dict([c("alice", "2026-W47")]), "2026-11-22T10:00:00+01:00", "alice")
    # Alice commits bob's check-in for him: counted, flagged.
    commit(dict([c("bob", "2026-W47")]), "2026-11-22T12:00:00-05:00", "alice")
    # Four check-ins in one night cannot fake a streak: W46 for bob filed late is a miss.
    commit(dict([c("bob", "2026-W46")]), "2026-11-22T12:05:00-05:00", "bob")
    return tmp_path / "repo"


def test_streaks_json_judges_each_period_by_commit_time(run, history: Path) -> None:
    result = run("-C", history, "streaks", "--json", "--now", "2026-11-25T12:00:00+00:00")
    assert result.code == 0, result
    data = json.loads(result.out)
    assert data["now"] == "2026-11-25T12:00:00+00:00"
    alice, bob = data["members"]
    assert [(p["period"], p["status"]) for p in alice["periods"]] == [
        ("2026-W45", "on_time"), ("2026-W46", "late"), ("2026-W47", "on_time"), ("2026-W48", "pending")]
    assert (alice["current"], alice["longest"], alice["owed"]) == (3, 3, 0)
    assert [(p["period"], p["status"]) for p in bob["periods"]] == [
        ("2026-W45", "on_time"), ("2026-W46", "missed"), ("2026-W47", "on_time"), ("2026-W48", "pending")]
    assert (bob["current"], bob["longest"], bob["owed"]) == (1, 1, 5)
    assert "committed-by-other" in bob["flags"]
    assert bob["periods"][1]["commit"] is not None  # the late filing is shown, still missed
    assert set(alice["counts"]) == {"on_time", "late", "missed", "paused", "pending", "early"}
    assert data["contracts"] == [{"contract": "pact", "pact_streak": 1}]


def test_streaks_table_and_heatmap(run, history: Path) -> None:
    result = run("-C", history, "streaks", "--now", "2026-11-25T12:00:00+00:00")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0].split() == ["member", "current", "longest", "score", "on-time", "completion", "owed", "flags"]
    assert lines[1].split()[:3] == ["alice", "3", "3"]
    assert lines[2].split()[:3] == ["bob", "1", "1"] and "committed-by-other" in lines[2]
    assert "alice   #+#." in lines and "bob     #x#." in lines
    assert "pact streak of pact: 1" in result.out


def test_streaks_for_one_member_and_unknown_member(run, history: Path) -> None:
    data = json.loads(run("-C", history, "streaks", "--json", "--member", "bob", "--now", "2026-11-25").out)
    assert [m["member"] for m in data["members"]] == ["bob"]
    result = run("-C", history, "streaks", "--member", "zed")
    assert result.code == 1 and "unknown member 'zed'" in result.err and "(did you mean" not in result.err
    close = run("-C", history, "streaks", "--member", "bobb")
    assert close.code == 1 and "unknown member 'bobb' (did you mean 'bob'?)" in close.err
    assert "journal.yaml: alice, bob" in close.err  # the ids there are


def test_status_exits_with_the_overdue_code_when_you_are_overdue(run, history: Path) -> None:
    git(history, "config", "user.email", "ALICE@example.org")
    # Sunday 21:30 in Berlin: alice is past due; bob has 5.5 h left in New York.
    result = run("-C", history, "status", "--now", "2026-11-29T20:30:00+00:00")
    assert result.code == EXIT_OVERDUE == 4, result
    assert "Alice Moreno (alice), 2026-W48: OVERDUE since 2026-11-29 21:00" in result.out
    # Alice reads it: her own times unnamed, Bob's named by his zone.
    assert "(counts as late until 2026-11-30 09:00)" in result.out
    assert "Bob Okafor (bob), 2026-W48: due in 5h 30m (2026-11-29 21:00 America/New_York)" in result.out
    assert "    - Three runs" in result.out
    git(history, "config", "user.email", "bob@example.com")
    assert run("-C", history, "status", "--now", "2026-11-29T20:30:00+00:00").code == 0


def test_the_heatmap_tells_a_pending_period_not_yet_due_from_an_overdue_one(run, history: Path, tmp_path: Path) -> None:
    # Sunday 21:30 in Berlin: alice's 2026-W48 is overdue (a check-in now counts as late), bob's
    # is still due in New York. Both are pending; the cells said "not yet due" for both.
    site = tmp_path / "site"
    assert run("-C", history, "digest", "--now", "2026-11-29T20:30:00+00:00", "--out", site).code == 0
    members = {m["id"]: m for m in json.loads((site / "digest.json").read_text())["members"]}
    alice, bob = (next(p for p in members[m]["periods"] if p["period"] == "2026-W48") for m in ("alice", "bob"))
    assert alice["status"] == bob["status"] == "pending"
    assert alice["label"] == ("2026-W48: pending, overdue since Sun 29 Nov 2026 21:00 UTC+01:00, "
                              "counts as late until Mon 30 Nov 2026 09:00 UTC+01:00")
    assert bob["label"] == "2026-W48: pending, due Sun 29 Nov 2026 21:00 UTC-05:00"
    page = (site / "members" / "alice.html").read_text()
    assert "<title>2026-W48: pending, overdue since Sun 29 Nov 2026 21:00 UTC+01:00," in page
    assert "not yet due" not in page
    # The text heatmap's key names the mark the same way.
    assert ". pending," in run("-C", history, "streaks", "--now", "2026-11-29T20:30:00+00:00").out


def test_at_the_due_time_itself_a_period_is_due_not_overdue(run, history: Path, tmp_path: Path) -> None:
    # A check-in committed at the due time counts as on time: at that instant nobody is overdue.
    git(history, "config", "user.email", "alice@example.org")
    due = "2026-11-29T20:00:00+00:00"  # Sunday 21:00 in Berlin
    result = run("-C", history, "status", "--now", due)
    assert result.code == 0, result
    assert "OVERDUE" not in result.out
    site = tmp_path / "site"
    assert run("-C", history, "digest", "--now", due, "--out", site).code == 0
    alice = json.loads((site / "digest.json").read_text())["members"][0]
    assert alice["state"]["state"] == "due"
    assert alice["periods"][-1]["label"] == "2026-W48: pending, due Sun 29 Nov 2026 21:00 UTC+01:00"
    after = run("-C", history, "status", "--now", "2026-11-29T20:00:01+00:00")
    assert after.code == EXIT_OVERDUE and "OVERDUE since" in after.out


def test_status_json_lists_checked_in_and_upcoming(run, history: Path) -> None:
    result = run("-C", history, "status", "--json", "--now", "2026-11-22T19:00:00+00:00")
    data = json.loads(result.out)
    alice, bob = data["members"]
    assert alice["state"] == "checked in" and alice["at"].startswith("2026-11-22T10:00:00+01:00")
    assert bob["state"] == "checked in"
    assert {"date": "2026-11-30", "kind": "review", "title": "Half marathon training pact", "source": "pact"} in data["upcoming"]


def test_status_lists_the_commitments_made_for_the_period_and_none_from_weeks_before(run, history: Path) -> None:
    # Alice's W47 check-in commits to "Three runs" for W48; nothing of hers was made for W50.
    def alice(now: str) -> dict:
        return json.loads(run("-C", history, "status", "--json", "--now", now).out)["members"][0]

    w48 = alice("2026-11-25T12:00:00+00:00")
    assert w48["period"] == "2026-W48" and w48["commitments"] == ["Three runs"]
    w50 = alice("2026-12-09T12:00:00+00:00")
    assert w50["period"] == "2026-W50" and w50["commitments"] == []
    text = run("-C", history, "status", "--now", "2026-12-09T12:00:00+00:00").out
    assert "Three runs" not in text


def test_status_in_a_repository_without_commits(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    result = run("-C", journal_dir, "status", "--now", "2026-11-25T12:00:00+00:00")
    assert result.code == 0, result
    assert "no commits yet" in result.err


def _pause_history(commit, announced: str) -> None:
    contract = PACT.replace("from: 2026-12-21, to: 2027-01-03", "from: 2026-11-16, to: 2026-11-22")
    commit({"journal.yaml": CONFIG, "contracts/pact.md": PACT.replace(
        "pauses:\n  - {member: bob, from: 2026-12-21, to: 2027-01-03, reason: family holidays}\n", "pauses: []\n"),
        "goals/berlin-half.md": GOAL}, "2026-10-20T10:00:00+02:00")
    commit({"contracts/pact.md": contract}, announced, "bob")


@pytest.mark.parametrize("announced,status,flag", [
    ("2026-11-01T10:00:00-05:00", "paused", False),          # two weeks' notice
    ("2026-11-13T10:00:00-05:00", "missed", True),           # three days' notice: not enough
])
def test_pause_counts_only_with_notice_from_history(run, commit, tmp_path: Path, announced: str, status: str,
                                                    flag: bool) -> None:
    _pause_history(commit, announced)
    data = json.loads(run("-C", tmp_path / "repo", "streaks", "--json", "--member", "bob",
                          "--now", "2026-11-25T12:00:00+00:00").out)
    w46 = next(p for p in data["members"][0]["periods"] if p["period"] == "2026-W47")
    assert w46["status"] == status
    assert ("pause-without-notice" in w46["flags"]) is flag


def test_daily_cadence_end_to_end(run, commit, tmp_path: Path) -> None:
    daily = PACT.replace("cadence: weekly", "cadence: daily").replace("due: sunday 21:00", "due: '21:00'")
    commit({"journal.yaml": CONFIG, "contracts/pact.md": daily, "goals/berlin-half.md": GOAL},
           "2026-10-20T10:00:00+02:00")
    day = checkin("alice", "x", outcomes="[]").replace("week: x", "date: 2026-11-03")
    commit({"checkins/2026/2026-11-03-alice.md": day}, "2026-11-03T20:00:00+01:00", "alice")
    data = json.loads(run("-C", tmp_path / "repo", "streaks", "--json", "--member", "alice",
                          "--now", "2026-11-04T12:00:00+00:00").out)
    assert [(p["period"], p["status"]) for p in data["members"][0]["periods"]] == [
        ("2026-11-02", "missed"), ("2026-11-03", "on_time"), ("2026-11-04", "pending")]


def test_empty_repository_has_no_history_and_no_crash(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    result = run("-C", journal_dir, "streaks", "--json", "--now", "2026-11-25T12:00:00+00:00")
    assert result.code == 0, result
    data = json.loads(result.out)
    assert all(p["commit"] is None for m in data["members"] for p in m["periods"])


def test_a_missed_last_period_of_an_ended_contract_is_missed_everywhere(run, commit, tmp_path: Path) -> None:
    """Bug 2: status said "OVERDUE since … (counts as late until …)" long after the grace,
    and exited 0, while the digest said "missed"; every report now reads one state."""
    ended = PACT.replace("until: 2027-04-12", "until: 2026-11-15")  # the pact's last week is W46
    commit({"journal.yaml": CONFIG, "contracts/pact.md": ended, "goals/berlin-half.md": GOAL},
           "2026-10-20T10:00:00+02:00")
    commit(dict([c("alice", "2026-W45")]), "2026-11-08T18:00:00+01:00", "alice")
    commit(dict([c("bob", "2026-W45")]), "2026-11-08T18:00:00-05:00", "bob")
    commit(dict([c("bob", "2026-W46")]), "2026-11-15T18:00:00-05:00", "bob")
    repo, now = tmp_path / "repo", "2026-12-02T12:00:00+00:00"
    git(repo, "config", "user.email", "alice@example.org")

    status = run("-C", repo, "status", "--now", now)
    assert status.code == 0, status
    assert "Alice Moreno (alice), 2026-W46: missed" in status.out
    assert "OVERDUE" not in status.out and "counts as late" not in status.out
    data = json.loads(run("-C", repo, "status", "--json", "--now", now).out)
    assert [(m["member"], m["period"], m["state"]) for m in data["members"]] == [
        ("alice", "2026-W46", "missed"), ("bob", "2026-W46", "checked in")]
    assert "grace_until" not in data["members"][0]

    streaks = json.loads(run("-C", repo, "streaks", "--json", "--member", "alice", "--now", now).out)
    assert streaks["members"][0]["periods"][-1]["status"] == "missed"

    site = tmp_path / "site"
    assert run("-C", repo, "digest", "--out", site, "--now", now).code == 0
    digest = json.loads((site / "digest.json").read_text())
    states = {m["id"]: (m["state"]["state"], m["state"]["text"]) for m in digest["members"]}
    assert states["alice"] == ("missed", "missed")


def test_a_timezone_no_zone_database_knows_is_said_not_silently_read_as_utc(run, history: Path) -> None:
    (history / "journal.yaml").write_text(CONFIG.replace("Europe/Berlin", "Mars/Olympus"))
    for command in (("status",), ("streaks",), ("status", "--json")):
        result = run("-C", history, *command, "--now", "2026-11-25T12:00:00+00:00")
        assert result.code in (0, 4) and "Traceback" not in result.err
        said = result.err + result.out
        assert "alice's timezone is not a zone this machine knows; alice's times are in UTC" in said, command
