"""Right answers under real Git and real calendars: verdicts follow the journal as it stood,
shallow clones say what they cannot know."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.journals import CONTRACT, GOAL, checkin, git

NOW = "2026-11-25T12:00:00+00:00"
PACT = CONTRACT.replace("effective: 2026-09-07", "effective: 2026-11-09").replace(
    "pauses:\n  - {member: bob, from: 2026-12-21, to: 2027-01-03, reason: family holidays}\n", "")


def _config(alice: str, bob: str) -> str:
    return ("title: Alice & Bob\nmembers:\n"
            f"  alice: {{name: Alice Moreno, emails: [alice@example.org], timezone: {alice}}}\n"
            f"  bob: {{name: Bob Okafor, emails: [bob@example.com], timezone: {bob}}}\n"
            "digest: {commit: false}\n")


def _two_weeks_each(commit) -> None:
    """Alice (Tokyo) files first thing Monday her time, Bob (New York) Sunday evening his."""
    commit({"journal.yaml": _config("Asia/Tokyo", "America/New_York"), "contracts/pact.md": PACT,
            "goals/berlin-half.md": GOAL}, "2026-11-01T10:00:00+00:00")
    for week, monday, sunday in (("2026-W46", "2026-11-09", "2026-11-15"), ("2026-W47", "2026-11-16", "2026-11-22")):
        commit({f"checkins/2026/{week}-alice.md": checkin("alice", week)}, f"{monday}T02:00:00+09:00", "alice")
        commit({f"checkins/2026/{week}-bob.md": checkin("bob", week)}, f"{sunday}T20:00:00-05:00", "bob")


def _weeks(data: dict, member: str) -> dict[str, str]:
    report = next(m for m in data["members"] if m["member"] == member)
    return {p["period"]: p["status"] for p in report["periods"]}


def test_closed_periods_keep_the_verdict_of_the_zones_in_force_when_they_closed(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    # Both move: in Los Angeles Alice's Monday 02:00 filings would be early, in Berlin Bob's late.
    commit({"journal.yaml": _config("America/Los_Angeles", "Europe/Berlin")}, "2026-11-24T09:00:00+00:00")
    repo = tmp_path / "repo"
    for _ in range(2):  # the second run reads the history from its cache
        data = json.loads(run("-C", repo, "streaks", "--json", "--now", NOW).out)
        assert _weeks(data, "alice") == {"2026-W46": "on_time", "2026-W47": "on_time", "2026-W48": "pending"}
        assert _weeks(data, "bob") == {"2026-W46": "on_time", "2026-W47": "on_time", "2026-W48": "pending"}
        assert data["contracts"] == [{"contract": "pact", "pact_streak": 2}]
    # The open week already follows the new zone.
    status = json.loads(run("-C", repo, "status", "--json", "--now", NOW).out)
    bob = next(m for m in status["members"] if m["member"] == "bob")
    assert bob["due"] == "2026-11-29T21:00:00+01:00"


def test_a_period_closing_after_the_move_is_judged_in_the_new_zone(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    commit({"journal.yaml": _config("America/Los_Angeles", "Europe/Berlin")}, "2026-11-24T09:00:00+00:00")
    # Sunday 20:00 in New York is Monday 02:00 in Berlin: past Bob's due and grace there.
    commit({"checkins/2026/2026-W48-bob.md": checkin("bob", "2026-W48")}, "2026-11-29T20:00:00-05:00", "bob")
    data = json.loads(run("-C", tmp_path / "repo", "streaks", "--json", "--now", "2026-12-02T12:00:00+00:00").out)
    assert _weeks(data, "bob")["2026-W48"] == "late"


def test_a_shallow_clone_leaves_periods_before_the_cut_unknown_and_says_so(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    commit({"checkins/2026/2026-W48-alice.md": checkin("alice", "2026-W48")}, "2026-11-23T02:00:00+09:00", "alice")
    commit({"checkins/2026/2026-W48-bob.md": checkin("bob", "2026-W48")}, "2026-11-24T20:00:00-05:00", "bob")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{tmp_path / 'repo'}", str(shallow))

    full = json.loads(run("-C", tmp_path / "repo", "streaks", "--json", "--now", NOW).out)
    assert full["shallow"] is None
    assert _weeks(full, "bob") == {"2026-W46": "on_time", "2026-W47": "on_time", "2026-W48": "on_time"}

    data = json.loads(run("-C", shallow, "streaks", "--json", "--now", NOW).out)
    # Alice's W48 is in the commit the clone was cut at: when it was filed is unknown too.
    assert _weeks(data, "alice") == {}
    assert _weeks(data, "bob") == {"2026-W48": "on_time"}
    for member in data["members"]:
        assert member["owed"] == 0 and member["flags"] == []
    assert "periods before 2026-11-23 are unknown" in data["shallow"]

    text = run("-C", shallow, "streaks", "--now", NOW)
    assert text.code == 0 and "history is shallow" in text.err
    status = run("-C", shallow, "status", "--now", NOW)
    assert "history is shallow" in status.err
    assert json.loads(run("-C", shallow, "status", "--json", "--now", NOW).out)["shallow"] == data["shallow"]

    out = tmp_path / "site"
    assert run("-C", shallow, "digest", "--out", out, "--now", NOW).code == 0
    for page in ("index.html", "members/alice.html", "DIGEST.md"):
        assert "Incomplete history" in (out / page).read_text(encoding="utf-8"), page
    assert "Incomplete history" not in (out / "digest.json").read_text(encoding="utf-8")
    assert json.loads((out / "digest.json").read_text(encoding="utf-8"))["shallow"] == data["shallow"]


def test_the_committed_digest_of_a_shallow_clone_says_so(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    commit({"journal.yaml": _config("Asia/Tokyo", "America/New_York").replace("{commit: false}", "{commit: digest}")},
           "2026-11-24T09:00:00+00:00")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{tmp_path / 'repo'}", str(shallow))
    assert run("-C", shallow, "digest", "--markdown-only", "--now", NOW).code == 0
    readme = (shallow / "digest/README.md").read_text(encoding="utf-8")
    assert "Incomplete history" in readme and "EUR" not in readme.split("## Where everyone stands")[1].split("##")[0]


# --- the calendar a member lives in ----------------------------------------------------------


def test_new_checkin_during_grace_writes_the_open_unfiled_week(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    # Monday 05:00 in Berlin: Alice's week 48 (due Sunday 21:00, grace 12h) is open until 09:00.
    monday_early = "2026-11-30T05:00:00+01:00"
    result = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--now", monday_early)
    assert result.code == 0, result
    assert result.out.strip().endswith("checkins/2026/2026-W48-alice.md")
    assert "2026-W48 is still open" in result.err and "--week 2026-W49" in result.err
    assert "week: 2026-W48" in (journal_dir / "checkins/2026/2026-W48-alice.md").read_text(encoding="utf-8")
    # With week 48 filed, the next one is this week's.
    again = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--now", monday_early)
    assert again.out.strip().endswith("checkins/2026/2026-W49-alice.md") and again.err == ""
    # After the grace, week 48 is over: Bob's current week is written with no word.
    bob = run("-C", journal_dir, "new", "checkin", "--member", "bob", "--now", "2026-11-30T10:00:00-05:00")
    assert bob.out.strip().endswith("checkins/2026/2026-W49-bob.md") and bob.err == ""


def test_new_checkin_for_a_closed_period_says_it_counts_as_missed(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    now = "2026-11-30T10:00:00+01:00"
    late = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--week", "2026-W46", "--now", now)
    assert late.code == 0 and late.out.strip().endswith("checkins/2026/2026-W46-alice.md"), late
    assert "2026-W46 closed for alice at Mon 16 Nov 2026 09:00 UTC+01:00" in late.err
    assert late.err.rstrip().endswith("counts as missed"), late  # a week named: no advice on another
    # A week a pause holds is the pause's to judge, with its notice, which the history tells.
    paused = run("-C", journal_dir, "new", "checkin", "--member", "bob", "--week", "2026-W52",
                 "--now", "2027-01-20T12:00:00+00:00")
    assert paused.code == 0 and "counts as missed, unless a pause announced with notice excuses it" in paused.err
    # A day whose grace ended before the day did, under a daily contract: the next day has not
    # begun, so the note says when it does rather than offer a check-in that would be too early.
    contract = journal_dir / "contracts" / "pact.md"
    contract.write_text(contract.read_text().replace("cadence: weekly", "cadence: daily")
                        .replace("due: sunday 21:00", 'due: "21:00"').replace("grace: 12h", "grace: 2h"))
    day = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--now", "2026-12-02T23:30:00+01:00")
    assert day.out.strip().endswith("checkins/2026/2026-12-02-alice.md"), day
    assert "2026-12-02 closed for alice at Wed 2 Dec 2026 23:00 UTC+01:00" in day.err
    assert "2026-12-03 begins Thu 3 Dec 2026 00:00 UTC+01:00: check in for it from then" in day.err
    # While open, no such word.
    open_day = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--now", "2026-12-03T22:59:00+01:00")
    assert open_day.code == 0 and "closed" not in open_day.err, open_day


def test_new_checkin_at_the_instant_grace_ends_still_writes_the_open_week(run, journal_dir: Path) -> None:
    # A check-in committed at `closes` itself counts (as late): week 48 is still the one to file
    # at 09:00 sharp in Berlin, and this week's from the instant after.
    git(journal_dir, "init", "-q")
    at_close = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--now", "2026-11-30T09:00:00+01:00")
    assert at_close.out.strip().endswith("checkins/2026/2026-W48-alice.md"), at_close
    (journal_dir / "checkins/2026/2026-W48-alice.md").unlink()
    after = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--now", "2026-11-30T09:00:00.000001+01:00")
    assert after.out.strip().endswith("checkins/2026/2026-W49-alice.md"), after


def test_new_checkin_with_a_date_for_a_weekly_member_writes_that_week(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    result = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--date", "2026-11-30")
    assert result.code == 0, result
    assert result.out.strip().endswith("checkins/2026/2026-W49-alice.md")
    assert "weekly" in result.err
    assert not (journal_dir / "checkins/2026/2026-11-30-alice.md").exists()


def test_a_week_the_year_lacks_is_named_as_out_of_range(run, journal_dir: Path) -> None:
    result = run("-C", journal_dir, "new", "checkin", "--member", "alice", "--week", "2027-W53")
    assert result.code != 0
    assert "week 53 is out of range for 2027: 2027 has weeks W01 to W52" in result.err
    assert "not an ISO week" not in result.err
    assert "out of range" not in run("-C", journal_dir, "new", "checkin", "--member", "alice", "--week", "2026-W53").err


def test_new_contract_starts_in_the_week_the_members_are_in(run, journal_dir: Path) -> None:
    git(journal_dir, "init", "-q")
    config = (journal_dir / "journal.yaml").read_text(encoding="utf-8")
    (journal_dir / "journal.yaml").write_text(config.replace("Europe/Berlin", "Pacific/Auckland"), encoding="utf-8")
    # Sunday 20:00 UTC is Monday 09:00 in Auckland: Alice's new week has begun.
    result = run("-C", journal_dir, "new", "contract", "Reading pact", "--now", "2026-11-29T20:00:00+00:00")
    assert result.code == 0, result
    assert "effective: 2026-11-30" in (journal_dir / "contracts/reading-pact.md").read_text(encoding="utf-8")


def test_status_shows_a_checkin_in_the_members_zone_with_its_verdict(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    # Bob's laptop commits in UTC: 04:22 Monday UTC is 23:22 Sunday in New York, late.
    commit({"checkins/2026/2026-W48-bob.md": checkin("bob", "2026-W48")}, "2026-11-30T04:22:00+00:00", "bob")
    repo = tmp_path / "repo"
    git(repo, "config", "user.email", "alice@example.org")  # Alice (Tokyo) reads it
    result = run("-C", repo, "status", "--now", "2026-11-30T05:00:00+00:00")
    assert "Bob Okafor (bob), 2026-W48: checked in late, 2026-11-29 23:22 America/New_York" in result.out
    bob = next(m for m in json.loads(run("-C", repo, "status", "--json", "--now", "2026-11-30T05:00:00+00:00").out)
               ["members"] if m["member"] == "bob")
    assert bob["at"] == "2026-11-29T23:22:00-05:00" and bob["status"] == "late"
    assert bob["timezone"] == "America/New_York"
    git(repo, "config", "user.email", "bob@example.com")  # Bob reads his own line: no zone named
    own = run("-C", repo, "status", "--now", "2026-11-30T05:00:00+00:00")
    assert "Bob Okafor (bob), 2026-W48: checked in late, 2026-11-29 23:22\n" in own.out


def test_status_says_a_checkin_committed_before_its_week_does_not_count(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    # Bob files W49 a week ahead: too early to count, which status says when W49 comes.
    commit({"checkins/2026/2026-W49-bob.md": checkin("bob", "2026-W49")}, "2026-11-26T20:00:00-05:00", "bob")
    repo = tmp_path / "repo"
    git(repo, "config", "user.email", "alice@example.org")
    result = run("-C", repo, "status", "--now", "2026-12-02T12:00:00+00:00")
    assert ("Bob Okafor (bob), 2026-W49: checked in too early (it does not count), 2026-11-26 20:00 America/New_York"
            in result.out), result.out
    assert result.code == 0


def test_streaks_json_gives_a_periods_commit_time_in_the_members_zone_as_status_does(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    # Committed in UTC on Monday; Bob lives in New York, where it was Sunday evening.
    commit({"checkins/2026/2026-W48-bob.md": checkin("bob", "2026-W48")}, "2026-11-30T04:22:00+00:00", "bob")
    data = json.loads(run("-C", tmp_path / "repo", "streaks", "--json", "--member", "bob",
                          "--now", "2026-11-30T05:00:00+00:00").out)
    w48 = next(p for p in data["members"][0]["periods"] if p["period"] == "2026-W48")
    assert w48["at"] == "2026-11-29T23:22:00-05:00" and w48["status"] == "late"
    assert w48["due"].endswith("-05:00")  # the deadline, in the same zone
    # Bob moves to Berlin: his closed weeks keep the zone they were judged in, both times in it.
    commit({"journal.yaml": _config("Asia/Tokyo", "Europe/Berlin")}, "2026-12-02T06:00:00+00:00")
    data = json.loads(run("-C", tmp_path / "repo", "streaks", "--json", "--member", "bob",
                          "--now", "2026-12-02T07:00:00+00:00").out)
    w48 = next(p for p in data["members"][0]["periods"] if p["period"] == "2026-W48")
    assert w48["at"] == "2026-11-29T23:22:00-05:00" and w48["due"].endswith("-05:00")
    # The digest gives the same time in the same zone: its heatmap cell and its check-in.
    built = run("-C", tmp_path / "repo", "digest", "--now", "2026-12-02T07:00:00+00:00")
    assert built.code == 0, built.err
    digest = json.loads((tmp_path / "repo/site/digest.json").read_text(encoding="utf-8"))
    bob = next(m for m in digest["members"] if m["id"] == "bob")
    assert next(p for p in bob["periods"] if p["period"] == "2026-W48")["at"] == "2026-11-29T23:22-05:00"
    checkin_w48 = next(c for c in digest["checkins"] if (c["member"], c["period"]) == ("bob", "2026-W48"))
    assert checkin_w48["at"] == "2026-11-29T23:22-05:00"


# --- error positions -------------------------------------------------------------------------

# Per kind of problem: a file, with ^ where the problem must be reported (key or value).
POSITIONED = {
    "required": ("checkins/2026/2026-W48-alice.md",
                 "---\nmember: alice\nweek: 2026-W48\noutcomes:\n  - commitment: Three runs\n    goal: berlin-half\n"
                 "    ^status:\n    note: \"\"\n  - commitment: Stretch\n    status: done\n"
                 "commitments:\n  - {commitment: Three runs on Monday}\n---\n"),
    "enum": ("checkins/2026/2026-W48-alice.md",
             "---\nmember: alice\nweek: 2026-W48\noutcomes:\n  - commitment: Three runs\n    status: ^dunno\n"
             "commitments: []\n---\n"),
    "reference": ("checkins/2026/2026-W48-alice.md",
                  "---\nmember: alice\nweek: 2026-W48\noutcomes: []\n"
                  "commitments:\n  - commitment: Three runs on Monday\n    goal: ^nope\n---\n"),
    "week": ("checkins/2026/2026-W48-alice.md",
             "---\nmember: alice\nweek: ^2026-W60\noutcomes: []\ncommitments: []\n---\n"),
    "vague": ("checkins/2026/2026-W48-alice.md",
              "---\nmember: alice\nweek: 2026-W48\noutcomes: []\ncommitments:\n  - {commitment: ^Run more}\n---\n"),
    "duplicate-key": ("checkins/2026/2026-W48-alice.md",
                      "---\nmember: alice\nweek: 2026-W48\n^member: alice\noutcomes: []\ncommitments: []\n---\n"),
    "date": ("goals/reading.md", "---\ntitle: Reading\nowner: alice\nstatus: active\nstarted: ^2026-13-01\n---\n"),
}


def test_every_problem_points_at_the_key_or_value_it_is_about(run, journal_dir: Path) -> None:
    for code, (rel, marked) in POSITIONED.items():
        before, _, _ = marked.partition("^")
        line, column = before.count("\n") + 1, len(before.rpartition("\n")[2]) + 1
        path = journal_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(marked.replace("^", ""), encoding="utf-8")
        result = run("-C", journal_dir, "check")
        reports = [r for r in result.out.splitlines() if r.startswith(f"{rel}:") and r.endswith(f"[{code}]")]
        assert reports, (code, result.out)
        assert reports[0].split(":")[1:3] == [str(line), str(column)], (code, reports[0], marked)
        path.unlink()


# --- ids YAML would read as something else ---------------------------------------------------

ODD_IDS = ("1e3", "yes", "null", "0x1f", "123", "true", "2026-11-30")


def test_ids_yaml_would_misread_are_written_so_they_read_back(run, tmp_path: Path) -> None:
    target = tmp_path / "x"
    members = [a for m in ("alice", *ODD_IDS) for a in ("--member", m)]
    assert run("init", target, *members).code == 0
    for member in ODD_IDS:
        made = run("-C", target, "new", "checkin", "--member", member, "--now", "2026-12-02T10:00:00+00:00")
        assert made.code == 0, made
    assert run("-C", target, "new", "goal", "Read", "--owner", "1e3").code == 0
    assert run("-C", target, "new", "contract", "Side pact", "--party", "null", "--party", "0x1f").code == 0
    result = run("-C", target, "check")
    assert result.code == 0, result
    git(target, "add", "-A")
    data = json.loads(run("-C", target, "streaks", "--json", "--now", "2026-12-02T10:00:00+00:00").out)
    assert [m["member"] for m in data["members"]] == ["alice", *ODD_IDS]


def test_a_hand_written_id_read_as_a_number_says_how_to_quote_it(run, journal_dir: Path) -> None:
    (journal_dir / "goals/reading.md").write_text(
        "---\ntitle: Reading\nowner: 1e3\nstatus: active\nstarted: 2026-11-30\n---\n", encoding="utf-8")
    (journal_dir / "checkins/2026/2026-W48-alice.md").write_text(
        "---\nmember: alice\nweek: 2026-W48\noutcomes: []\ncommitments:\n  - {commitment: Run 3 times, goal: 0x1f}\n---\n",
        encoding="utf-8")
    config = (journal_dir / "journal.yaml").read_text(encoding="utf-8")
    (journal_dir / "journal.yaml").write_text(config.replace("  bob:", "  null:"), encoding="utf-8")
    out = run("-C", journal_dir, "check").out
    assert "goals/reading.md:3:8: error: owner: expected a member id or a list of them, found '1000.0' " \
           "(YAML reads 1e3 as a number; to mean the text, quote it: \"1e3\")" in out
    assert "(YAML reads 0x1f as a number; to mean the text, quote it: \"0x1f\")" in out
    assert "journal.yaml:4:3: error: members key" in out and "(YAML reads null as null, no value; " in out
