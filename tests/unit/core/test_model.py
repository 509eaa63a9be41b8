"""The typed model: the builder's defaults and fallbacks, and that nothing above core reads
front matter itself."""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import FrozenInstanceError

import pytest

from journal.core import build_model, entries, periods
from journal.core.model import Cadence, GoalStatus, OutcomeStatus
from journal.core.journal_index import Journal
from journal.core.schema import DEFAULTS
from tests.support.journals import CONFIG, CONTRACT, GOAL, PROJECT, checkin

MINIMAL_CONTRACT = "---\ntitle: Pact\nparties: [alice]\neffective: 2026-09-07\n---\n"


def entry(path: str, kind: str, text: str) -> entries.Entry:
    return entries.parse(path, kind, text.encode())


def test_a_full_journal_becomes_records() -> None:
    journal = Journal({
        "journal.yaml": entry("journal.yaml", "config", CONFIG),
        "contracts/pact.md": entry("contracts/pact.md", "contract", CONTRACT),
        "goals/berlin-half.md": entry("goals/berlin-half.md", "goal", GOAL),
        "checkins/2026/2026-W47-alice.md": entry("checkins/2026/2026-W47-alice.md", "checkin",
                                                 checkin(outcomes="[{commitment: Run, status: partial}]")),
    })
    config = build_model.journal_config(journal)
    assert config.title == "Alice & Bob" and config.digest.private == ("energy",)
    assert config.members["bob"].tz.key == "America/New_York" and config.digest.commit == "digest"
    pact = build_model.contracts(journal)["pact"]
    assert (pact.cadence, pact.due, pact.grace, pact.usable) == (Cadence.WEEKLY, (6, dt.time(21)),
                                                                 dt.timedelta(hours=12), True)
    assert pact.stakes is not None and pact.stakes.per_miss == 5.0 and pact.style == {"alice": "tough-love",
                                                                                       "bob": "grace"}
    assert pact.pauses[0].member == "bob" and pact.review_every == dt.timedelta(weeks=4)
    goal = build_model.goals(journal)["berlin-half"]
    assert (goal.owners, goal.status, goal.active) == (("alice",), GoalStatus.ACTIVE, True)
    assert [m.done for m in goal.milestones] == [dt.date(2026, 11, 14), None]
    c = build_model.checkins(journal, "alice")[0]
    assert c.period == "2026-W47" and c.outcomes[0].status is OutcomeStatus.PARTIAL
    assert c.metrics == {"berlin-half": 27.5} and c.commitments[0].goal == "berlin-half"
    with pytest.raises(FrozenInstanceError):
        c.member = "bob"  # type: ignore[misc]


def test_the_schema_owns_the_defaults() -> None:
    pact = build_model.contract("pact", entry("contracts/pact.md", "contract", MINIMAL_CONTRACT))
    d = DEFAULTS["contract"]
    assert pact.cadence == d["cadence"] == Cadence.WEEKLY
    assert pact.due == periods.parse_due(d["due.weekly"], "weekly")
    assert pact.grace == dt.timedelta(0) and pact.notice == dt.timedelta(days=7)
    daily = build_model.contract("d", entry("contracts/d.md", "contract", MINIMAL_CONTRACT.replace(
        "---\n", "---\ncadence: daily\n", 1)))
    assert daily.due == periods.parse_due(d["due.daily"], "daily") == (None, dt.time(21))
    assert build_model.config({"title": "x"}).digest.commit == DEFAULTS["config"]["digest.commit"]
    assert build_model.config({"digest": {"commit": False}}).digest.commit is None


def test_unusable_fields_fall_back_in_the_builder() -> None:
    broken = MINIMAL_CONTRACT.replace("effective: 2026-09-07", "effective: someday\ncadence: hourly\n"
                                      "grace: forever\nnotice: soon\nstakes: {per_miss: lots}\n"
                                      "pauses: [{member: bob, from: x, to: 2026-10-01}, 7]")
    c = build_model.contract("pact", entry("contracts/pact.md", "contract", broken))
    assert (c.effective, c.cadence, c.due, c.usable) == (None, None, None, False)
    assert c.grace == dt.timedelta(0) and c.notice == dt.timedelta(days=7)
    assert c.stakes is not None and c.stakes.per_miss is None and c.pauses == ()
    unlisted = entry("contracts/p.md", "contract", MINIMAL_CONTRACT.replace("[alice]", "alice"))
    c = build_model.contract("p", unlisted)
    assert (c.effective, c.parties_listed, c.usable) == (dt.date(2026, 9, 7), False, False)
    assert build_model.contract_terms(Journal({"contracts/p.md": unlisted}), {}) == (
        [], ["contracts/p.md: skipped (needs valid effective, cadence and parties; run `journal check`)"])
    g = build_model.goal("g", None, data={"title": ["x"], "owner": 5, "status": "someday",
                                          "milestones": [{"title": "M", "done": "yes"}, "text"]})
    assert (g.title, g.owners, g.status, g.active) == ("g", (), None, False)
    assert [(m.title, m.done, m.done_given) for m in g.milestones] == [("M", None, True)]
    k = build_model.checkin(None, data={"member": 3, "week": "٢٠٢٦-W٤٨", "energy": True, "metrics": {"g": "x"},
                                        "outcomes": [{"status": "done"}, {"commitment": "Run", "status": "?"}]})
    assert (k.member, k.period, k.energy, k.metrics) == (None, None, None, {})
    assert [(o.commitment, o.status, o.status_text) for o in k.outcomes] == [("Run", None, "?")]
    config = build_model.config({"members": {"alice": {"timezone": "Mars/Olympus", "emails": "a@b"}, 5: {}}})
    assert list(config.members) == ["alice"] and config.members["alice"].tz.key == "UTC"
    assert config.members["alice"].emails == () and config.members["alice"].name == "alice"


def test_hidden_fields_are_absent_from_records() -> None:
    text = checkin(extra="energy: 4\nask: Call me\n")
    k = build_model.checkin(entry("checkins/2026/2026-W47-alice.md", "checkin", text), frozenset({"energy", "ask"}))
    assert (k.energy, k.ask) == (None, None) and k.commitments


def _front_matter_reads(path) -> list[int]:
    """Lines reading front matter directly: `<x>.data.get(...)` or `<x>.data[...]`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        target = node.value if isinstance(node, (ast.Attribute, ast.Subscript)) else None
        if isinstance(target, ast.Attribute) and target.attr == "data" and (
                isinstance(node, ast.Subscript) or node.attr == "get"):  # type: ignore[union-attr]
            found.append(node.lineno)
    return found


def test_nothing_above_core_reads_front_matter() -> None:
    package = PROJECT / "journal"
    found = {str(p.relative_to(package)): lines for p in sorted(package.rglob("*.py"))
             if p.relative_to(package).parts[0] != "core" and (lines := _front_matter_reads(p))}
    assert found == {}, "read records from core/build_model instead of entry.data"
