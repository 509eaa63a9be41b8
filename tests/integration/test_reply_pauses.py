"""A partner whom a pause announced with notice excuses from a period owes no reply to that
period's check-ins; a pause committed too late excuses nothing (over real, scripted histories)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from journal.exitcodes import EXIT_OK, EXIT_OVERDUE
from tests.support.journals import git
from tests.support.replies import PACT, replies_history

# Alice's week away: 2026-W46 (9 to 15 November), whose due date, Sunday the 15th, it holds.
AWAY = PACT.replace("{member: bob, from: 2026-12-21, to: 2027-01-03, reason: family holidays}",
                    "{member: alice, from: 2026-11-09, to: 2026-11-15, reason: a week away}")
NOW = "2026-11-25T12:00:00+00:00"


def _states(run, repo: Path) -> dict[tuple[str, str], dict[str, str]]:
    result = run("-C", repo, "streaks", "--json", "--now", NOW)
    assert result.code == EXIT_OK, result
    threads = json.loads(result.out)["responses"]["threads"]
    return {(t["member"], t["period"]): {r["partner"]: r["state"] for r in t["responses"]} for t in threads}


@pytest.mark.parametrize(("announced", "excused"), [("2026-10-30T10:00:00+01:00", True),  # ten days ahead
                                                   ("2026-11-05T10:00:00+01:00", False)])  # four: too late
def test_a_partner_paused_with_notice_owes_no_reply_for_the_period(run, commit, tmp_path: Path,
                                                                    announced: str, excused: bool) -> None:
    repo = replies_history(commit, tmp_path, pact=(AWAY, announced))
    git(repo, "config", "user.email", "alice@example.org")
    after = _states(run, repo)
    # Bob's W46 check-in asks nothing of alice while she is paused; bob still owes his reply,
    # and W45 is as it is without the pause (tests/integration/test_replies.py).
    assert after == {("alice", "2026-W45"): {"bob": "in_time"}, ("bob", "2026-W45"): {"alice": "late"},
                     ("alice", "2026-W46"): {"bob": "unanswered"},
                     ("bob", "2026-W46"): {} if excused else {"alice": "unanswered"}}
    status = run("-C", repo, "status", "--json", "--now", NOW)
    assert status.code == (EXIT_OK if excused else EXIT_OVERDUE), status
    assert [w["period"] for w in json.loads(status.out)["waiting_for_your_reply"]] == ([] if excused else ["2026-W46"])
    shutil.rmtree(repo / ".git" / "journal")
    assert _states(run, repo) == after  # what a run without caches judges



@pytest.mark.parametrize("field", ["notice: 7 days", "grace: 12h", "respond_within: 2 days", "review_every: 4 weeks"])
def test_a_duration_too_long_for_any_date_is_an_error_and_crashes_nothing(run, commit, tmp_path: Path,
                                                                          field: str) -> None:
    key = field.split(":")[0]
    huge = AWAY.replace(field, f"{key}: 99999999 weeks")
    repo = replies_history(commit, tmp_path, pact=(huge, "2026-10-30T10:00:00+01:00"))
    check = run("-C", repo, "check")
    assert check.code == 1 and "contracts/pact.md:" in check.out and "at most 10 years" in check.out, check.out
    for command in (["streaks", "--json"], ["status"], ["digest"]):
        result = run("-C", repo, *command, "--now", NOW)
        assert result.code in (EXIT_OK, EXIT_OVERDUE), (command, result)


@pytest.mark.parametrize("party", [False, True])
def test_a_referees_verdicts_are_not_excused_by_a_pause(run, commit, tmp_path: Path, party: bool) -> None:
    # carol referees; her pause over W45 is refused by check while she is no party, and excuses
    # her replies once she is one. Neither takes her dispute of alice's W45 run away.
    paused = PACT.replace("{member: bob, from: 2026-12-21, to: 2027-01-03, reason: family holidays}",
                          "{member: carol, from: 2026-11-02, to: 2026-11-08}")
    if party:
        paused = paused.replace("parties: [alice, bob]", "parties: [alice, bob, carol]")
    repo = replies_history(commit, tmp_path, pact=(paused, "2026-10-21T10:00:00+02:00"))
    result = run("-C", repo, "streaks", "--json", "--now", NOW)
    threads = {(t["member"], t["period"]): t for t in json.loads(result.out)["responses"]["threads"]}
    assert threads[("alice", "2026-W45")]["referee"] == "carol"
    assert threads[("alice", "2026-W45")]["verdicts"] == ["disputed", "confirmed"]
    partners = {r["partner"] for r in threads[("bob", "2026-W45")]["responses"]}
    assert partners == {"alice"}  # carol, a party paused for W45, owes bob no reply
