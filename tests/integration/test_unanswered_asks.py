"""An ask whose window closed without a reply reads "unanswered" in every digest output, as
`journal status` and `journal streaks --json` judge it; an ask still in its window waits."""

from __future__ import annotations

import json
from pathlib import Path

from journal.exitcodes import EXIT_OK
from tests.support.journals import git
from tests.support.replies import ci, replies_history

# Monday: alice's W47 check-in (Sunday evening) is a day into its two-day window; her W46
# one, replaced by it, closed unanswered a week ago; bob's W46 (Sunday in New York) waits.
NOW = "2026-11-23T12:00:00+00:00"


def _history(commit, tmp_path: Path) -> Path:
    repo = replies_history(commit, tmp_path)
    commit(dict([ci("alice", "2026-W47", "Hold me to the taper")]), "2026-11-22T18:00:00+01:00", "alice")
    return repo


def test_a_replaced_ask_reads_unanswered_everywhere_and_an_open_one_waits(run, commit, tmp_path: Path) -> None:
    repo = _history(commit, tmp_path)
    site = tmp_path / "site"
    assert run("-C", repo, "digest", "--out", site, "--now", NOW).code == EXIT_OK
    assert run("-C", repo, "digest", "--markdown-only", "--now", NOW).code == EXIT_OK

    # What status and streaks say: W46 of alice unanswered by bob, her W47 waiting for him.
    streaks = json.loads(run("-C", repo, "streaks", "--json", "--now", NOW).out)
    states = {(t["member"], t["period"]): {r["partner"]: r["state"] for r in t["responses"]}
              for t in streaks["responses"]["threads"]}
    assert states[("alice", "2026-W46")] == {"bob": "unanswered"}
    assert states[("alice", "2026-W47")] == {"bob": "waiting"}
    git(repo, "config", "user.email", "bob@example.com")
    status = json.loads(run("-C", repo, "status", "--json", "--now", NOW).out)
    assert [(w["member"], w["period"], w["overdue"]) for w in status["waiting_for_your_reply"]] == \
        [("alice", "2026-W47", False)]  # the replaced W46 ask no longer waits for bob

    expected = [
        "**Alice Moreno**, 2026-W47: Hold me to the taper — waiting for Bob Okafor",
        "**Bob Okafor**, 2026-W46: Push me on sleep — waiting for Alice Moreno",
        "**Alice Moreno**, 2026-W46: Check my Sunday plan — unanswered by Bob Okafor",
    ]
    for text in ((site / "DIGEST.md").read_text(), (repo / "digest" / "README.md").read_text()):
        asks = text[text.index("## Unanswered asks"):text.index("## As partners")]
        assert [line.removeprefix("- ") for line in asks.splitlines()[2:5]] == expected
        assert "overdue" not in asks

    index = (site / "index.html").read_text()
    shown = index[index.index('<h2 id="unanswered">'):]
    shown = shown[:shown.index("</section>")]
    assert "<strong>Alice Moreno</strong>, 2026-W46: Check my Sunday plan — unanswered by Bob Okafor</li>" in shown
    assert "<strong>Alice Moreno</strong>, 2026-W47: Hold me to the taper — waiting for Bob Okafor</li>" in shown
    assert "overdue" not in shown

    data = json.loads((site / "digest.json").read_text())
    asks = {(u["member"], u["period"]): u for u in data["unanswered"]}
    assert asks[("alice", "2026-W46")] == {"member": "alice", "period": "2026-W46", "ask": "Check my Sunday plan",
                                          "partners": ["bob"], "unanswered": ["bob"], "waiting": []}
    assert asks[("alice", "2026-W47")]["waiting"] == ["bob"] and asks[("alice", "2026-W47")]["unanswered"] == []
    assert not any("overdue" in u for u in data["unanswered"])
    # The thread on alice's page says the same as the list.
    assert "Bob Okafor: unanswered" in (site / "members" / "alice.html").read_text()
