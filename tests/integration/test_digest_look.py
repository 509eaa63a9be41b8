"""The overview's goal cards for every kind of goal, built through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.digest_journals import CONFIG, PACT, build, checkin, path

NO_MEASURE = """\
---
title: Read two books
owner: alice
status: active
started: 2026-10-19
milestones:
  - {title: First book, due: 2026-11-01, done: 2026-10-30}
---
"""

NO_MILESTONES = """\
---
title: Swim weekly
owner: bob
status: active
measure: {metric: laps, per: week}
---
"""

ACHIEVED = """\
---
title: Buy running shoes
owner: alice
status: achieved
---
"""


def test_every_kind_of_goal_gets_its_card_or_its_line(run, commit, tmp_path: Path) -> None:
    commit({"journal.yaml": CONFIG, "contracts/pact.md": PACT, "goals/read.md": NO_MEASURE,
            "goals/swim.md": NO_MILESTONES, "goals/shoes.md": ACHIEVED}, "2026-10-12T10:00:00+02:00")
    commit({path("bob", "2026-W45"): checkin("bob", "2026-W45", metrics={"swim": 12})}, "2026-11-08T19:00:00-05:00",
           "bob")
    site = build(run, tmp_path / "repo")
    index = (site / "index.html").read_text()
    goals = {g["id"]: g for g in json.loads((site / "digest.json").read_text())["goals"]}
    assert goals["read"]["reading"] == "1 of 1 milestones done"
    assert goals["swim"]["reading"] == "12 laps logged over 1 week"
    for gid in ("read", "swim"):  # active: a card with a chart and its reading
        card = index.split(f'id="goal-{gid}"')[1].split("</article>")[0]
        assert '<svg class="chart compact"' in card and goals[gid]["reading"] in card
        assert "Next milestone" not in card  # none open
    assert 'id="goal-shoes"' not in index and ">Buy running shoes</a> — Alice Moreno, achieved" in index
    assert "12 laps" in (site / "periods/2026-W45.html").read_text()  # a value logged carries its unit
