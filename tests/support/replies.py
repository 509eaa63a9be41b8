"""A three-member journal with replies over a scripted history (alice, bob, carol the referee)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin

CONFIG3 = CONFIG.replace(
    "digest:", "  carol: {name: Carol, emails: [carol@example.net], timezone: Europe/London}\ndigest:")
PACT = CONTRACT.replace("effective: 2026-09-07", "effective: 2026-11-02").replace(
    "review_every: 4 weeks", "review_every: 4 weeks\nrespond_within: 2 days\nreferee: carol")
OUTCOMES = "\n  - {commitment: Three runs, goal: berlin-half, status: done}\n  - {commitment: Stretch daily, status: missed}"


def ci(member: str, week: str, ask: str = "Ask me about the long run", extra: str = "") -> tuple[str, str]:
    """(path, text) of a check-in with two outcomes and an ask."""
    return (f"checkins/2026/{week}-{member}.md",
            checkin(member, week, outcomes=OUTCOMES, extra=f"ask: {ask}\n{extra}"))


def reply(author: str, to: str, week: str, *, verdicts: tuple[str, ...] = ("confirmed", "confirmed"),
          extra: str = "", body: str = "I noticed the runs. What made them work?\n") -> tuple[str, str]:
    """(path, text) of `author`'s reply to `to`'s check-in of `week`."""
    items = "".join(f"\n  - {{verdict: {v}, note: seen}}" for v in verdicts)
    return (f"replies/2026/{week}-{author}-to-{to}.md",
            f"---\nauthor: {author}\nto: {to}\nperiod: {week}\nanswer: Yes, Tuesday.\n"
            f"verdicts:{items or ' []'}\n{extra}---\n{body}")


def replies_history(commit: Callable[..., object], tmp_path: Path, pact: tuple[str, str] | None = None) -> Path:
    """W45: answered in time, late and by the referee (who disputes one outcome); W46: alice's
    check-in goes unanswered and bob's waits. Returns the repository. `pact` is a (text, time)
    alice commits the contract as after its first commit, before any check-in."""
    commit({"journal.yaml": CONFIG3, "contracts/pact.md": PACT, "goals/berlin-half.md": GOAL},
           "2026-10-20T10:00:00+02:00")
    if pact is not None:
        commit({"contracts/pact.md": pact[0]}, pact[1], "alice")
    # W45: alice checks in Sunday evening; bob answers Monday 01:00 UTC (Sunday evening in New York).
    commit(dict([ci("alice", "2026-W45")]), "2026-11-08T18:00:00+01:00", "alice")
    commit(dict([ci("bob", "2026-W45")]), "2026-11-08T19:00:00-05:00", "bob")
    commit(dict([reply("bob", "alice", "2026-W45")]), "2026-11-08T20:00:00-05:00", "bob")
    # Alice answers bob three days later: late. Carol, the referee, disputes alice's "done" run.
    commit(dict([reply("alice", "bob", "2026-W45")]), "2026-11-12T09:00:00+01:00", "alice")
    commit(dict([reply("carol", "alice", "2026-W45", verdicts=("disputed", "confirmed"))]),
           "2026-11-09T09:00:00+00:00", "carol")
    # W46: alice checks in, nobody answers; bob's check-in waits for alice.
    commit(dict([ci("alice", "2026-W46", "Check my Sunday plan")]), "2026-11-15T18:00:00+01:00", "alice")
    commit(dict([ci("bob", "2026-W46", "Push me on sleep")]), "2026-11-22T10:00:00-05:00", "bob")
    return tmp_path / "repo"
