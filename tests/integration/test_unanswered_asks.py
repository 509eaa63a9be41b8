"""An ask whose window closed without a reply reads "unanswered" in every digest output, as
`journal status` and `journal streaks --json` judge it; an ask still in its window waits."""

from __future__ import annotations

import json
from pathlib import Path

from journal.exitcodes import EXIT_OK
from tests.support.journals import git
from tests.support.replies import ci, replies_history, reply

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


def _asks(text: str, heading: str, end: str) -> list[str]:
    """The lines of the Asks list between `heading` and `end`."""
    shown = text[text.index(heading):]
    return [line.strip() for line in shown[:shown.index(end)].splitlines() if line.strip().startswith(("<li>", "- "))]


def test_the_asks_list_marks_each_ask_answered_or_not(run, commit, tmp_path: Path) -> None:
    repo = _history(commit, tmp_path)
    # Bob asks in partner text that must stay text; alice answers within the two days.
    commit(dict([ci("bob", "2026-W47", 'Text me <b>Tuesday</b> & "early"?')]), "2026-11-22T11:00:00-05:00", "bob")
    commit(dict([reply("alice", "bob", "2026-W47")]), "2026-11-22T20:00:00+01:00", "alice")
    # Bob answers alice's W47 (due Tuesday 17:00 UTC) on Wednesday: late.
    commit(dict([reply("bob", "alice", "2026-W47")]), "2026-11-25T10:00:00-05:00", "bob")
    bob_asks = "<strong>Bob Okafor</strong> asks: Text me &lt;b&gt;Tuesday&lt;/b&gt; &amp; &#34;early&#34;? "
    seen = {}
    for now, alice_ask in (
            (NOW, "waiting for a reply"),  # Monday: inside bob's window
            ("2026-11-25T12:00:00+00:00", "unanswered"),  # the window closed, his reply not yet in
            ("2026-11-26T12:00:00+00:00", "answered late")):
        site = tmp_path / f"site-{now[:10]}"
        assert run("-C", repo, "digest", "--out", site, "--now", now).code == EXIT_OK
        index = (site / "index.html").read_text()
        assert _asks(index, '<h2 id="asks">', "</section>") == [
            f'<li><strong>Alice Moreno</strong> asks: Hold me to the taper <span class="meta">— Bob Okafor: '
            f"{alice_ask}</span></li>",
            f'<li>{bob_asks}<span class="meta">— Alice Moreno: answered in time</span></li>',
        ]
        assert "<b>Tuesday" not in index
        markdown = (site / "DIGEST.md").read_text()
        lines = _asks(markdown, "## Asks", "\n## ")
        assert lines[0] == f"- **Alice Moreno** asks: Hold me to the taper — Bob Okafor: {alice_ask}"
        assert lines[1].endswith(" — Alice Moreno: answered in time")
        members = {m["id"]: m for m in json.loads((site / "digest.json").read_text())["members"]}
        seen[now] = members["alice"]["ask_responses"]
        assert [r["label"] for r in members["bob"]["ask_responses"]] == ["answered in time"]
    # The same states and words as the thread and the unanswered asks.
    assert [[(r["partner"], r["state"]) for r in found] for found in seen.values()] == \
        [[("bob", "waiting")], [("bob", "unanswered")], [("bob", "late")]]
    assert "Bob Okafor: answered late" in (tmp_path / "site-2026-11-26" / "members" / "alice.html").read_text()
