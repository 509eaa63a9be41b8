"""Outputs that keep every character partners write, keep their ids, keep file modes, and
repeat byte for byte (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin, git

NOW = "2026-11-25T12:00:00+00:00"
#: "I want" in Persian: the zero-width non-joiner keeps "می" and "خواهم" one word, unjoined.
PERSIAN = "می\u200cخواهم"
#: Man, woman, girl held together by zero-width joiners: one family, not three people.
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
#: A variation selector (the heart drawn as an emoji) and a right-to-left mark inside text.
HEART = "\u2764\ufe0f"
RLM_TEXT = "HELLO\u200fWORLD"
WRITING = f"{PERSIAN} run with the {FAMILY} {HEART} {RLM_TEXT}"


@pytest.fixture
def writing(commit, tmp_path: Path) -> Path:
    """A journal whose goal, milestones, commitments and outcomes hold joiners, selectors and marks."""
    text = json.dumps(WRITING, ensure_ascii=False)
    goal = (GOAL.replace("title: Berlin half marathon under 2:00", f"title: {text}")
            .replace("First 15 km long run", text).replace("10 km race under 55 min", text))
    commit({"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": goal},
           "2026-11-02T10:00:00+01:00")
    commitments = f"\n  - {{commitment: {text}, goal: berlin-half}}"
    commit({"checkins/2026/2026-W47-alice.md": checkin(
        "alice", "2026-W47", outcomes=f"[{{commitment: {text}, status: done}}]", commitments=commitments)},
        "2026-11-22T10:00:00+01:00")
    commit({"checkins/2026/2026-W48-alice.md": checkin("alice", "2026-W48", commitments=commitments)},
           "2026-11-24T10:00:00+01:00")
    return tmp_path / "repo"


def test_writing_characters_survive_every_output(writing: Path, run) -> None:
    assert run("-C", writing, "digest", "--now", NOW).code == 0
    assert run("-C", writing, "digest", "--markdown-only", "--now", NOW).code == 0
    site, committed = writing / "site", writing / "digest"
    outputs = {f"site/{p.relative_to(site).as_posix()}": p.read_text(encoding="utf-8")
               for p in sorted(site.rglob("*")) if p.suffix in (".xml", ".md", ".json", ".html", ".svg")}
    outputs |= {f"digest/{p.relative_to(committed).as_posix()}": p.read_text(encoding="utf-8")
                for p in sorted(committed.rglob("*")) if p.is_file()}
    # iCalendar folds long lines (RFC 5545 3.1); the text is whole once they are unfolded.
    outputs["site/calendar.ics"] = (site / "calendar.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    outputs["journal status"] = run("-C", writing, "status", "--now", NOW).out
    outputs["journal status --json"] = run("-C", writing, "status", "--json", "--now", NOW).out
    outputs["journal check"] = run("-C", writing, "check").out
    where_written = {"site/feed.xml", "site/DIGEST.md", "site/digest.json", "site/calendar.ics", "site/index.html",
                     "site/members/alice.html", "site/goals/berlin-half.html", "digest/README.md",
                     "site/charts/goal-berlin-half.svg", "digest/charts/goal-berlin-half.svg"}
    assert where_written <= outputs.keys()
    for where in where_written | {"journal status", "journal status --json", "journal check"}:
        for piece in (PERSIAN, FAMILY, HEART, RLM_TEXT):
            assert piece in outputs[where], f"{where} lost {piece!r}"
