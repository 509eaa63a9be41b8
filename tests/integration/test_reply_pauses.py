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
