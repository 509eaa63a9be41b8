"""Replies over real, scripted git histories: checked, created, judged and shown by the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from journal.exitcodes import EXIT_OK, EXIT_OVERDUE, EXIT_PROBLEMS
from tests.support.journals import checkin, git
from tests.support.replies import CONFIG3, PACT, ci, replies_history, reply


@pytest.fixture
def history(commit, tmp_path: Path) -> Path:
    return replies_history(commit, tmp_path)


def _json(run, repo: Path, now: str = "2026-11-23T12:00:00+00:00") -> dict:
    result = run("-C", repo, "streaks", "--json", "--now", now)
    assert result.code == EXIT_OK, result
    return json.loads(result.out)["responses"]


def test_replies_check_clean(run, history: Path) -> None:
    result = run("-C", history, "check")
    assert result.code == EXIT_OK, result


def test_answered_in_time_late_and_unanswered_per_partner(run, history: Path) -> None:
    data = _json(run, history)
    states = {(t["member"], t["period"]): {r["partner"]: r["state"] for r in t["responses"]} for t in data["threads"]}
    assert states[("alice", "2026-W45")] == {"bob": "in_time"}
    assert states[("bob", "2026-W45")] == {"alice": "late"}
    assert states[("alice", "2026-W46")] == {"bob": "unanswered"}
    assert states[("bob", "2026-W46")] == {"alice": "waiting"}
    assert data["responders"]["bob"]["answered_in_time_rate"] == 0.5
    assert data["responders"]["alice"]["answered_in_time_rate"] == 0.0
    # alice checked in Sunday 17:00 UTC; bob answered Monday 01:00 UTC: eight hours.
    assert data["responders"]["bob"]["median_response_hours"] == 8.0
    assert data["pact_reply_streaks"] == {"pact": 0}


def test_at_the_respond_by_instant_a_reply_is_still_awaited_and_unanswered_the_instant_after(run, commit,
                                                                                             history: Path) -> None:
    # Bob's W46 check-in came 2026-11-22 15:00 UTC; alice has two days. A reply at that instant
    # counts as in time, so until then (and at it) her answer is awaited, and `status` is not
    # overdue; the next instant it is unanswered. Each run reads the thread the one before kept.
    git(history, "config", "user.email", "alice@example.org")

    def state(now: str) -> str:
        data = _json(run, history, now)
        return next(t for t in data["threads"] if (t["member"], t["period"]) == ("bob", "2026-W46"))["responses"][0]["state"]

    assert state("2026-11-24T15:00:00+00:00") == "waiting"
    assert run("-C", history, "status", "--now", "2026-11-24T15:00:00+00:00").code != EXIT_OVERDUE
    assert state("2026-11-24T15:00:00.000001+00:00") == "unanswered"
    assert state("2026-11-24T15:00:00+00:00") == "waiting"
    assert run("-C", history, "status", "--now", "2026-11-24T15:00:00.000001+00:00").code == EXIT_OVERDUE
    commit(dict([reply("alice", "bob", "2026-W46")]), "2026-11-24T15:00:00+00:00", "alice")
    assert state("2026-11-24T15:00:00+00:00") == "in_time"


def test_a_reply_due_centuries_on_turns_unanswered_to_the_microsecond_with_the_caches_kept(run, commit,
                                                                                         history: Path) -> None:
    # From the year 2514 on a float of seconds cannot tell a due time from the microsecond
    # after it: the caches keep their windows in whole microseconds, so a run at the instant
    # after, then one at the instant itself, each read what they should.
    commit({"contracts/pact.md": PACT.replace("until: 2027-04-12\n", ""),  # a pact without an end
            "checkins/2600/2600-W09-bob.md": ci("bob", "2600-W09")[1]},
           "@19886040000 +0000", "bob")  # 2600-03-01 12:00 UTC, as git takes a date past 2099

    def state(now: str) -> str:
        data = _json(run, history, now)
        return next(t for t in data["threads"] if (t["member"], t["period"]) == ("bob", "2600-W09"))["responses"][0]["state"]

    assert state("2600-03-03T12:00:00.000001+00:00") == "unanswered"
    assert state("2600-03-03T12:00:00+00:00") == "waiting"
    assert state("2600-03-03T12:00:00.000001+00:00") == "unanswered"


def _walk_threads(value: object) -> list[dict]:
    """Every thread record (a dict with `respond_within_seconds`) anywhere in digest.json."""
    if isinstance(value, dict):
        found = [value] if "respond_within_seconds" in value else []
        return found + [t for v in value.values() for t in _walk_threads(v)]
    if isinstance(value, list):
        return [t for v in value for t in _walk_threads(v)]
    return []


def test_the_respond_by_time_ends_on_a_whole_minute(run, commit, history: Path) -> None:
    # Alice's W48 check-in came at 17:00:37 UTC: two days on, her partners have until 17:01,
    # the minute every time is shown in and the digest's clock reads (not until 17:00:37, which
    # a digest built during that minute would already call unanswered).
    commit(dict([ci("alice", "2026-W48")]), "2026-11-29T18:00:37+01:00", "alice")

    def response(now: str) -> dict:
        data = _json(run, history, now)
        return next(t for t in data["threads"] if (t["member"], t["period"]) == ("alice", "2026-W48"))["responses"][0]

    assert response("2026-12-01T17:00:59+00:00")["state"] == "waiting"
    assert response("2026-12-01T17:00:59+00:00")["due"].startswith("2026-12-01T12:01:00-05:00")
    assert response("2026-12-01T17:01:00.000001+00:00")["state"] == "unanswered"
    # The window named for an outcome the referee left unverified is the contract's own.
    site = history.parent / "site-minute"
    assert run("-C", history, "digest", "--out", site, "--now", "2026-12-01T17:02:00+00:00").code == 0
    digest = json.loads((site / "digest.json").read_text(encoding="utf-8"))
    windows = {thread["respond_within_seconds"] for thread in _walk_threads(digest)}
    assert windows == {2 * 86400, None}, windows
    commit(dict([reply("bob", "alice", "2026-W48")]), "2026-12-01T17:00:50+00:00", "bob")
    assert response("2026-12-01T17:02:00+00:00")["state"] == "in_time"


def test_a_reply_committed_monday_utc_is_shown_sunday_in_new_york(run, history: Path) -> None:
    data = _json(run, history)
    thread = next(t for t in data["threads"] if (t["member"], t["period"]) == ("alice", "2026-W45"))
    at = thread["responses"][0]["at"]
    assert at.startswith("2026-11-08T20:00:00-05:00")  # Monday 01:00 UTC, Sunday in New York


def test_referee_dispute_counts_as_missed_for_completion(run, history: Path) -> None:
    data = _json(run, history)
    thread = next(t for t in data["threads"] if (t["member"], t["period"]) == ("alice", "2026-W45"))
    assert thread["referee"] == "carol"
    assert thread["verdicts"] == ["disputed", "confirmed"]
    unverified = next(t for t in data["threads"] if (t["member"], t["period"]) == ("alice", "2026-W46"))
    assert unverified["verdicts"] == ["unverified", "unverified"]
    streaks = json.loads(run("-C", history, "streaks", "--json", "--now", "2026-11-23T12:00:00+00:00").out)
    alice = next(m for m in streaks["members"] if m["member"] == "alice")
    # W45: done but disputed (so missed) + missed; W46: done + missed -> 1 of 4.
    assert alice["completion"] == 0.25


def test_without_referee_verdicts_change_no_figure(run, commit, history: Path) -> None:
    before = json.loads(run("-C", history, "streaks", "--json", "--now", "2026-11-23T12:00:00+00:00").out)
    commit({"contracts/pact.md": PACT.replace("referee: carol\n", "")}, "2026-11-22T11:00:00+00:00")
    after = json.loads(run("-C", history, "streaks", "--json", "--now", "2026-11-23T12:00:00+00:00").out)
    alice_before = next(m for m in before["members"] if m["member"] == "alice")
    alice_after = next(m for m in after["members"] if m["member"] == "alice")
    assert alice_after["completion"] > alice_before["completion"]
    thread = next(t for t in after["responses"]["threads"] if t["period"] == "2026-W45" and t["member"] == "alice")
    assert thread["referee"] is None and thread["verdicts"] == []
    assert {r["author"] for r in thread["replies"]} == {"bob", "carol"}  # still shown


def test_status_waits_for_your_reply_and_exits_overdue(run, history: Path) -> None:
    git(history, "config", "user.email", "alice@example.org")
    # Bob's W46 check-in came Sunday 15:00 UTC; by Monday noon alice is still in time.
    result = run("-C", history, "status", "--now", "2026-11-23T12:00:00+00:00")
    assert "waiting for your reply:" in result.out
    # In alice's own zone, as every time `status` shows (no zone named: her clock is the reader's).
    assert "bob, 2026-W46 (due 2026-11-24 16:00): Push me on sleep" in result.out
    # Two days later her reply is overdue: exit 4, and so says the JSON.
    result = run("-C", history, "status", "--json", "--now", "2026-11-25T12:00:00+00:00")
    assert result.code == EXIT_OVERDUE, result
    waiting = json.loads(result.out)["waiting_for_your_reply"]
    assert waiting == [{"member": "bob", "period": "2026-W46", "ask": "Push me on sleep",
                        "due": "2026-11-24T16:00:00+01:00", "timezone": "Europe/Berlin", "overdue": True}]


def test_a_moved_checkin_keeps_its_thread(run, commit, history: Path) -> None:
    before = _json(run, history)
    git(history, "mv", "checkins/2026/2026-W45-alice.md", "checkins/2026-W45-alice.md")
    commit({}, "2026-11-20T10:00:00+01:00", "alice", message="move")
    git(history, "mv", "checkins/2026-W45-alice.md", "checkins/2026/2026-W45-alice.md")
    commit({}, "2026-11-20T11:00:00+01:00", "alice", message="move back")
    assert _json(run, history)["threads"] == before["threads"]


def test_a_reply_merged_from_a_branch_counts_at_its_own_commit(run, commit, history: Path) -> None:
    git(history, "checkout", "-q", "-b", "bob-side")
    commit(dict([reply("bob", "alice", "2026-W46")]), "2026-11-16T09:00:00-05:00", "bob")
    git(history, "checkout", "-q", "main")
    commit({"notes.txt": "x"}, "2026-11-22T12:00:00+00:00", "alice")
    git(history, "merge", "-q", "--no-ff", "-m", "merge", "bob-side",
        env={"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org", "GIT_COMMITTER_NAME": "Alice",
             "GIT_COMMITTER_EMAIL": "alice@example.org", "GIT_AUTHOR_DATE": "2026-11-23T09:00:00+00:00",
             "GIT_COMMITTER_DATE": "2026-11-23T09:00:00+00:00"})
    data = _json(run, history, "2026-11-23T12:00:00+00:00")
    thread = next(t for t in data["threads"] if (t["member"], t["period"]) == ("alice", "2026-W46"))
    assert thread["responses"][0]["state"] == "in_time"


def test_new_reply_prefills_verdicts_ask_and_style_prompts(run, history: Path) -> None:
    git(history, "config", "user.email", "alice@example.org")
    result = run("-C", history, "new", "reply", "--now", "2026-11-23T12:00:00+00:00")
    assert result.code == EXIT_OK, result
    path = history / "replies/2026/2026-W46-alice-to-bob.md"
    text = path.read_text()
    assert "# bob asked: Push me on sleep" in text
    assert text.count("- verdict:") == 2
    # bob's style is grace: observation + a gentle question.
    assert "I noticed 'Stretch daily' did not happen. What would make it easier next time?" in text
    # The slots are for the partner to fill: check says where.
    result = run("-C", history, "check", path)
    assert result.code == EXIT_PROBLEMS
    assert "replies/2026/2026-W46-alice-to-bob.md:" in result.out and "verdicts[1].verdict is required" in result.out
    text = text.replace("  - verdict: ", "  - verdict: confirmed", 2)
    path.write_text(text.replace("- verdict:                     #", "- verdict: confirmed #"))
    # The answer left empty under the ask is a warning at its key, until it is written.
    result = run("-C", history, "check", path)
    assert result.code == EXIT_OK
    line = 1 + next(n for n, row in enumerate(path.read_text().splitlines()) if row.startswith("answer:"))
    assert f"replies/2026/2026-W46-alice-to-bob.md:{line}:1: warning: the answer to bob's ask is empty" in result.out
    path.write_text(path.read_text().replace("\nanswer:\n", "\nanswer: Bed by 23:00, as you said?\n"))
    result = run("-C", history, "check", path)
    assert result.code == EXIT_OK and "warning" not in result.out, result.out


def test_new_reply_tough_love_and_refusals(run, history: Path) -> None:
    git(history, "config", "user.email", "bob@example.com")
    result = run("-C", history, "new", "reply", "--to", "alice", "--week", "2026-W46")
    assert result.code == EXIT_OK, result
    text = (history / "replies/2026/2026-W46-bob-to-alice.md").read_text()
    assert "What got in the way, and what will you do differently this week?" in text
    again = run("-C", history, "new", "reply", "--to", "alice", "--week", "2026-W46")
    assert again.code == EXIT_PROBLEMS and "already exists" in again.err
    done = run("-C", history, "new", "reply")  # alice's latest check-in is answered now
    assert done.code == EXIT_PROBLEMS and "you have answered every partner's latest check-in" in done.err
    assert "pass --to ID and --week" in done.err
    none = run("-C", history, "new", "reply", "--to", "alice", "--week", "2026-W40")
    assert none.code == EXIT_PROBLEMS and "has no check-in for 2026-W40" in none.err and "hint:" in none.err
    assert "Traceback" not in none.err
    # Carol referees the pact and is no party to it: bob owes her no reply, and writing one
    # would only make a file `journal check` refuses.
    stranger = run("-C", history, "new", "reply", "--to", "carol", "--week", "2026-W46")
    assert stranger.code == EXIT_PROBLEMS and "'bob' and 'carol' share no contract" in stranger.err, stranger
    assert "one of your contracts: alice" in stranger.err
    assert not (history / "replies/2026/2026-W46-bob-to-carol.md").exists()


@pytest.mark.parametrize("name, text, message", [
    ("2026-W45-bob-to-alice.md", reply("bob", "bob", "2026-W45")[1], "not your own"),
    ("2026-W45-bob-to-alice.md", reply("bob", "alice", "2026-W44")[1], "file name says period '2026-W45'"),
    ("2026-W44-bob-to-alice.md", reply("bob", "alice", "2026-W44")[1],
     "'alice' has no check-in for 2026-W44: this reply answers checkins/2026/2026-W44-alice.md, which does not exist"),
    ("2026-W45-bob-to-alice.md", reply("bob", "alice", "2026-W45", verdicts=("confirmed",))[1],
     "1 verdict(s) for 2 outcome(s)"),
    ("2026-W45-bob-to-alice.md", reply("bob", "alice", "2026-W45", extra="kudos: 3\n")[1],
     "kudos names outcome 3"),
    ("2026-W45-bob-to-alice.md", reply("bob", "alice", "2026-W45", verdicts=("maybe", "confirmed"))[1],
     "expected one of confirmed, disputed"),
    ("2026-W45-bob-to-alice.md", reply("bob", "dave", "2026-W45")[1], "unknown member 'dave'"),
    ("bob-to-alice.md", reply("bob", "alice", "2026-W45")[1], "reply file name must be"),
])
def test_reply_rules_point_at_the_line(run, commit, history: Path, name: str, text: str, message: str) -> None:
    path = history / "replies/2026" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.iterdir():
        old.unlink()
    path.write_text(text)
    result = run("-C", history, "check", path)
    assert result.code == EXIT_PROBLEMS, result
    assert f"replies/2026/{name}:" in result.out and message in result.out, result.out
    line = result.out.split(f"{name}:", 1)[1].split(":")[0]
    assert line.isdigit()


@pytest.mark.parametrize(("old", "new"), [("week: 2026-W45", "week: 2026-W99"),
                                          ("week: 2026-W45", 'week: ""\ndate: 2026-11-08'),
                                          ("member: alice", "member: alicia"),  # there, but another member's
                                          ("week: 2026-W45", "week: 2026-W44")],  # or another period's
                         ids=["bad week", "empty week", "other member", "other week"])
def test_a_reply_to_a_check_in_that_cannot_be_read_is_not_told_it_does_not_exist(run, history: Path,
                                                                                  old: str, new: str) -> None:
    checkin_path = history / "checkins/2026/2026-W45-alice.md"
    good = checkin_path.read_text()
    assert old in good
    checkin_path.write_text(good.replace(old, new))
    broken = run("-C", history, "check")
    assert broken.code == EXIT_PROBLEMS
    assert "checkins/2026/2026-W45-alice.md:" in broken.out  # its own problem
    assert "which does not exist" not in broken.out and "2026-W45-bob-to-alice.md" not in broken.out, broken.out
    shutil.rmtree(history / ".git/journal")
    assert run("-C", history, "check").out == broken.out  # what a cold check says
    checkin_path.write_text(good)
    assert run("-C", history, "check").code == EXIT_OK


def test_replies_share_a_contract(run, commit, history: Path) -> None:
    commit({"journal.yaml": CONFIG3.replace("digest:", "  dave: {name: Dave}\ndigest:")}, "2026-11-22T13:00:00+00:00")
    path = history / "replies/2026/2026-W45-dave-to-alice.md"
    path.write_text(reply("dave", "alice", "2026-W45")[1].replace("author: dave", "author: dave"))
    result = run("-C", history, "check", path)
    assert result.code == EXIT_PROBLEMS and "'dave' and 'alice' share no contract" in result.out


def test_digest_shows_threads_unanswered_asks_figures_and_feed(run, history: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run("-C", history, "digest", "--out", out, "--now", "2026-11-23T12:00:00+00:00")
    assert result.code == EXIT_OK, result
    data = json.loads((out / "digest.json").read_text())
    alice = next(c for c in data["checkins"] if (c["member"], c["period"]) == ("alice", "2026-W45"))
    assert [r["author"] for r in alice["thread"]["replies"]] == ["bob", "carol"]
    assert alice["thread"]["verdicts"] == ["disputed", "confirmed"]
    assert [(u["member"], u["period"], u["unanswered"], u["waiting"]) for u in data["unanswered"]] == [
        ("bob", "2026-W46", [], ["alice"]), ("alice", "2026-W46", ["bob"], [])]
    bob = next(m for m in data["members"] if m["id"] == "bob")
    assert bob["responses"]["answered_in_time_rate"] == 0.5
    page = (out / "members/alice.html").read_text()
    assert "Replies" in page and "(referee)" in page and "Yes, Tuesday." in page
    assert "Answered in time" in (out / "members/bob.html").read_text()
    assert "Unanswered asks" in (out / "index.html").read_text()
    feed = (out / "feed.xml").read_text()
    assert "bob answered alice&apos;s 2026-W45 check-in" in feed or "bob answered alice's 2026-W45 check-in" in feed


def test_private_replies_and_fields_stay_out_of_the_digest(run, commit, history: Path, tmp_path: Path) -> None:
    path, text = reply("alice", "bob", "2026-W46", extra="private: true\n")
    commit({path: text, "journal.yaml": CONFIG3.replace("private: [energy]", "private: [energy, answer]")},
           "2026-11-22T18:00:00+00:00", "alice")
    out = tmp_path / "site"
    assert run("-C", history, "digest", "--out", out, "--now", "2026-11-23T12:00:00+00:00").code == EXIT_OK
    data = (out / "digest.json").read_text()
    assert "Yes, Tuesday." not in data and "Yes, Tuesday." not in (out / "feed.xml").read_text()
    parsed = json.loads(data)
    bob46 = next(c for c in parsed["checkins"] if (c["member"], c["period"]) == ("bob", "2026-W46"))
    assert bob46["thread"]["replies"] == []
    # The private reply still counts in streaks: it was answered, in time.
    streaks = _json(run, history)
    states = {(t["member"], t["period"]): {r["partner"]: r["state"] for r in t["responses"]} for t in streaks["threads"]}
    assert states[("bob", "2026-W46")] == {"alice": "in_time"}


def test_post_merge_summary_reports_a_reply(run, commit, history: Path) -> None:
    git(history, "config", "user.email", "bob@example.com")
    before = git(history, "rev-parse", "HEAD").stdout.strip()
    commit(dict([reply("alice", "bob", "2026-W46", verdicts=("confirmed", "confirmed"))]),
           "2026-11-23T09:00:00+01:00", "alice")
    git(history, "update-ref", "ORIG_HEAD", before)
    result = run("-C", history, "hooks", "run", "post-merge", "0", "--now", "2026-11-23T12:00+00:00")
    assert "alice answered your 2026-W46 ask; confirmed 2 of 2" in result.out + result.err, result


def test_pre_commit_hook_checks_a_reply_against_the_checkin_it_answers(run, commit, history: Path) -> None:
    assert run("-C", history, "hooks", "install").code == EXIT_OK
    # Only the reply is staged: the hook must still read alice's check-in to count its outcomes.
    commit(dict([reply("bob", "alice", "2026-W46")]), "2026-11-16T09:00:00-05:00", "bob")
    bad = history / "replies/2026/2026-W45-bob-to-alice.md"
    bad.write_text(reply("bob", "alice", "2026-W45", verdicts=("confirmed",))[1])
    git(history, "add", str(bad))
    refused = git(history, "commit", "-q", "-m", "reply", check=False,
                  env={"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com",
                       "GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"})
    assert refused.returncode != 0, refused
    assert "1 verdict(s) for 2 outcome(s)" in refused.stdout + refused.stderr


def test_pre_commit_hook_reports_on_the_reply_committed_not_on_files_nobody_touched(run, commit,
                                                                                     history: Path) -> None:
    # bob's W44 check-in has a vague commitment (a warning), committed before: a commit of a
    # reply alone says nothing about it, as a commit of a check-in alone says nothing.
    vague = checkin("bob", "2026-W44", commitments="\n  - {commitment: Be better}")
    commit({"checkins/2026/2026-W44-bob.md": vague}, "2026-11-01T18:00:00-05:00", "bob")
    assert "[vague]" in run("-C", history, "check").out
    assert run("-C", history, "hooks", "install").code == EXIT_OK
    path, text = reply("bob", "alice", "2026-W46")
    (history / path).write_text(text)
    git(history, "add", path)
    done = git(history, "commit", "-q", "-m", "reply", check=False,
               env={"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com",
                    "GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"})
    assert done.returncode == 0, done
    assert "2026-W44-bob.md" not in done.stdout + done.stderr


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_pre_commit_hook_checks_the_replies_to_a_check_in_it_edits_or_removes(run, commit, history: Path,
                                                                            change: str) -> None:
    # bob's reply to alice's W45 check-in confirms its two outcomes: a commit that leaves the
    # check-in one outcome, or takes it away, would make `journal check` refuse that reply.
    assert run("-C", history, "hooks", "install").code == EXIT_OK
    path = history / "checkins/2026/2026-W45-alice.md"
    if change == "edit":
        path.write_text(path.read_text().replace("\n  - {commitment: Stretch daily, status: missed}", ""))
        git(history, "add", str(path))
    else:
        git(history, "rm", "-q", str(path))
    path, text = reply("alice", "bob", "2026-W46")  # staged with it: a reply of alice's own
    (history / path).write_text(text)
    git(history, "add", path)
    env = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
           "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"}
    refused = git(history, "commit", "-q", "-m", "alice", check=False, env=env)
    assert refused.returncode != 0, refused
    said = refused.stdout + refused.stderr
    assert "replies/2026/2026-W45-bob-to-alice.md" in said
    assert ("2 verdict(s) for 1 outcome(s)" if change == "edit" else "does not exist") in said, said
    assert "2026-W45-carol-to-alice.md" in said  # the referee's reply answers it too


def test_an_unreadable_checkin_is_one_problem_not_also_one_for_each_reply_to_it(run, commit, tmp_path: Path) -> None:
    """The check-in's own problem says what is wrong; its replies (and goal references to an
    unreadable goal) are not also told that what they name does not exist."""
    repo = replies_history(commit, tmp_path)
    (repo / "checkins/2026/2026-W45-alice.md").write_bytes(b"---\nmember: alice\x00\n---\n")
    (repo / "goals/berlin-half.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    result = run("-C", repo, "check")
    assert result.code == 1
    lines = [line for line in result.out.splitlines() if ": error: " in line]
    assert [line.split(":", 1)[0] for line in lines] == ["checkins/2026/2026-W45-alice.md", "goals/berlin-half.md"]
