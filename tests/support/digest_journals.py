"""The scripted journals the digest tests build: a two-partner history and a hostile one."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from journal.digest import build as digest_build
from journal.digest.markdown import is_safe_url


def checkin(member: str, week: str, *, outcomes: list[tuple[str, str, str | None]] = (),  # type: ignore[assignment]
            metrics: dict[str, float] | None = None, commitments: list[tuple[str, str | None]] = (),  # type: ignore[assignment]
            extra: str = "", body: str = "## Wins\nRan.\n") -> str:
    def goal(g: str | None) -> str:
        return f", goal: {g}" if g else ""

    lines = [f"member: {member}", f"week: {week}"]
    lines.append("outcomes:" + ("".join(f"\n  - {{commitment: {json.dumps(c)}{goal(g)}, status: {s}}}"
                                        for c, s, g in outcomes) or " []"))
    if metrics:
        lines.append("metrics: {" + ", ".join(f"{k}: {v}" for k, v in metrics.items()) + "}")
    lines.append("commitments:" + ("".join(f"\n  - {{commitment: {json.dumps(c)}{goal(g)}}}" for c, g in commitments)
                                   or " []"))
    return "---\n" + "\n".join(lines) + "\n" + extra + "---\n" + body


NOW = "2026-11-25T12:00:00+00:00"

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "digest"

# Owned and snapshotted elsewhere (tests of the feed and the calendar), or bookkeeping.
NOT_GOLDEN = {"feed.xml", "calendar.ics", digest_build.MANIFEST}

CONFIG = """\
title: Alice & Bob — spring half marathon
members:
  alice: {name: Alice Moreno, emails: [alice@example.org], timezone: Europe/Berlin}
  bob: {name: Bob Okafor, emails: [bob@example.com], timezone: America/New_York}
digest: {out: site, branch: gh-pages, private: [energy, reflection]}
"""

PACT = """\
---
title: Half marathon training pact
parties: [alice, bob]
effective: 2026-10-19
until: 2027-04-12
cadence: weekly
due: sunday 21:00
grace: 12h
style: {alice: tough-love, bob: grace}
stakes: {per_miss: 5, currency: EUR, to: Médecins Sans Frontières}
review_every: 4 weeks
notice: 7 days
pauses:
  - {member: bob, from: 2026-12-21, to: 2027-01-03, reason: family holidays}
---
We check in every Sunday evening and answer each other within a day.
"""

BERLIN = """\
---
title: Berlin half marathon under 2:00
owner: alice
status: active
started: 2026-10-19
deadline: 2027-04-05
measure: {metric: km, per: week, target: 30}
milestones:
  - {title: First 15 km long run, due: 2026-11-15, done: 2026-11-14}
  - {title: Half distance test run, due: 2026-12-06}
  - {title: 10 km race under 55 min, due: 2027-01-31}
tags: [running]
---
Sub-2:00 means 5:41 per km. Build to 30 km a week by December.
"""

STRENGTH = """\
---
title: Strength training twice a week
owner: bob
status: active
started: 2026-10-19
deadline: 2027-03-01
measure: {metric: sessions, per: week, target: 2}
milestones:
  - {title: Deadlift 80 kg, due: 2026-12-13}
---
Stronger legs for the long runs.
"""

SECRET_GOAL = """\
---
title: PRIVATE-GOAL-TITLE
owner: alice
status: active
private: true
---
PRIVATE-GOAL-BODY
"""

TWO_RUNS = "Two strength sessions, Tuesday and Friday"

STRETCH = "Stretch 10 minutes every morning"

def path(member: str, week: str) -> str:
    return f"checkins/2026/{week}-{member}.md"

ALICE_RUNS = ("Three runs, long run 12 km on Sunday", "berlin-half")

BOB_PLAN = [(TWO_RUNS, "strength"), (STRETCH, None)]

@pytest.fixture
def history(commit, tmp_path: Path) -> Path:
    """Two partners over five weeks: alice 4 in a row (one late, one private), bob missing
    W44 and missing his stretching three times, with an ask, obstacles and strategies."""
    commit({"journal.yaml": CONFIG, "contracts/pact.md": PACT, "goals/berlin-half.md": BERLIN,
            "goals/strength.md": STRENGTH, "goals/secret-goal.md": SECRET_GOAL}, "2026-10-12T10:00:00+02:00")
    commit({path("bob", "2026-W43"): checkin("bob", "2026-W43", metrics={"strength": 1}, commitments=BOB_PLAN)},
           "2026-10-25T20:00:00-04:00", "bob")
    commit({path("alice", "2026-W44"): checkin(
        "alice", "2026-W44", metrics={"berlin-half": 21}, commitments=[ALICE_RUNS],
        extra="private: true\n", body="## Wins\nPRIVATE-CHECKIN-TEXT\n")}, "2026-11-01T18:00:00+01:00")
    commit({path("alice", "2026-W45"): checkin(
        "alice", "2026-W45", outcomes=[(ALICE_RUNS[0], "done", "berlin-half")], metrics={"berlin-half": 24},
        commitments=[ALICE_RUNS])}, "2026-11-08T18:00:00+01:00")
    commit({path("bob", "2026-W45"): checkin(
        "bob", "2026-W45", outcomes=[(TWO_RUNS, "missed", "strength"), (STRETCH, "missed", None)],
        metrics={"strength": 0}, commitments=BOB_PLAN)}, "2026-11-08T19:00:00-05:00", "bob")
    commit({path("alice", "2026-W46"): checkin(
        "alice", "2026-W46", outcomes=[(ALICE_RUNS[0], "partial", "berlin-half")], metrics={"berlin-half": 27.5},
        commitments=[ALICE_RUNS])}, "2026-11-16T08:00:00+01:00")
    commit({path("bob", "2026-W46"): checkin(
        "bob", "2026-W46", outcomes=[(TWO_RUNS, "partial", "strength"), (STRETCH, "missed", None)],
        metrics={"strength": 1}, commitments=BOB_PLAN)}, "2026-11-15T20:00:00-05:00", "bob")
    commit({path("alice", "2026-W47"): checkin(
        "alice", "2026-W47", outcomes=[(ALICE_RUNS[0], "done", "berlin-half")], metrics={"berlin-half": 31},
        commitments=[("Three runs, long run 14 km on Sunday", "berlin-half")], extra="energy: 4\n",
        body="## Wins\n**Longest run ever**: 15 km, and it felt [easy](https://example.org/run).\n\n"
             "## Reflection\nPRIVATE-REFLECTION\n")}, "2026-11-22T10:00:00+01:00")
    # alice commits bob's check-in for him: counted, flagged.
    commit({path("bob", "2026-W47"): checkin(
        "bob", "2026-W47", outcomes=[(TWO_RUNS, "done", "strength"), (STRETCH, "missed", None)],
        metrics={"strength": 2}, commitments=BOB_PLAN, extra="ask: Can you text me on Tuesday mornings?\n",
        body="## Wins\nTwo sessions!\n## Obstacles\nLate shifts all week.\n## Strategies\n"
             "- Train at lunch\n- Lay out the kit the night before\n")}, "2026-11-22T12:00:00-05:00", "alice")
    return tmp_path / "repo"

def build(run: Callable[..., object], repo: Path, *args: str | Path) -> Path:
    result = run("-C", repo, "digest", "--now", NOW, *args)
    assert result.code == 0, result  # type: ignore[attr-defined]
    return repo / "site" if "--out" not in args else Path(args[list(args).index("--out") + 1])

def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_golden(files: dict[str, bytes], golden: Path, expected: dict[str, bytes],
                  request: pytest.FixtureRequest) -> None:
    """`files` (path -> bytes) equal `expected`, the golden copies under `golden`; with
    --update-golden, `golden` is written afresh from `files` and the test skipped."""
    if request.config.getoption("--update-golden"):
        shutil.rmtree(golden, ignore_errors=True)
        for rel, data in files.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_bytes(data)
        pytest.skip("golden files rewritten")
    assert sorted(files) == sorted(expected), "the file list changed; rerun with --update-golden"
    for rel, data in files.items():
        if data != expected[rel]:
            diff = "\n".join(list(difflib.unified_diff(expected[rel].decode().splitlines(), data.decode().splitlines(),
                                                       f"golden/{rel}", f"built/{rel}", lineterm=""))[:60])
            pytest.fail(f"{rel} differs from its golden copy (rerun with --update-golden if intended):\n{diff}")

EVIL = ('<script>alert(1)</script><img src=x onerror=alert(2)><iframe src="javascript:alert(3)"></iframe>'
        '<a href="javascript:alert(4)" onclick="alert(5)">x</a><svg onload=alert(6)>')

EVIL_MD = (EVIL + "\n\n[a](javascript:alert(7)) [b](JaVaScRiPt:alert(8)) [c](javascript&#58;alert(9)) "
           "![d](javascript:alert(10)) [e](data:text/html,x) [f](vbscript:x) <javascript:alert(11)> "
           "![g](https://tracker.example/pixel.png)\n\n<!-- comment --><style>body{}</style>\n\n[ref]\n\n"
           "[ref]: javascript:alert(12)\n")

ALLOWED_TAGS = {"html", "head", "body", "meta", "title", "link", "header", "nav", "main", "footer", "section",
                "article", "div", "p", "a", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em",
                "code", "pre", "span", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "details",
                "summary", "time", "blockquote", "hr", "br", "s", "del",
                "svg", "g", "rect", "path", "circle", "line", "text", "style", "img"}

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

def assert_inert(html: str, where: str, *, style_ok: bool = False) -> None:
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS and (tag != "style" or style_ok), f"{where}: <{tag}> came through"
        if tag == "link":
            assert dict(attrs).get("rel") in ("stylesheet", "alternate"), where
        for name, value in attrs:
            assert not name.startswith("on"), f"{where}: event handler {name}={value!r}"
            assert name not in ("srcdoc", "action", "formaction", "xlink:href"), f"{where}: {name}"
            # Table alignment is the only style markdown-it itself writes.
            assert name != "style" or re.fullmatch(r"text-align:(left|right|center)", value or ""), f"{where}: {value}"
            if name in ("href", "src"):
                squashed = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
                assert not squashed.startswith(("javascript:", "vbscript:", "data:")), f"{where}: {name}={value!r}"
                assert is_safe_url(value or ""), f"{where}: {name}={value!r}"
                assert tag != "img" or re.fullmatch(r"charts/[a-z0-9-]+\.svg", value or ""), f"{where}: {value}"

def _q(text: str) -> str:
    return json.dumps(text)

@pytest.fixture
def hostile(commit, tmp_path: Path) -> Path:
    """Hostile text in every free-text field and body section a partner can write."""
    e = _q(EVIL)
    config = (f"title: {e}\nmembers:\n  alice: {{name: {e}, emails: [alice@example.org], timezone: Europe/Berlin}}\n"
              f"  bob: {{name: {_q('Bob <b onmouseover=alert(1)>')}, emails: [bob@example.com]}}\n")
    contract = (f"---\ntitle: {e}\nparties: [alice, bob]\neffective: 2026-11-02\nstyle: {{alice: grace}}\n"
                f"stakes: {{per_miss: 5, currency: {e}, to: {e}}}\nreview_every: 4 weeks\n"
                f"pauses:\n  - {{member: bob, from: 2026-12-21, to: 2027-01-03, reason: {e}}}\n---\n{EVIL_MD}")
    goal = (f"---\ntitle: {e}\nowner: alice\nstatus: active\nstarted: 2026-11-02\ndeadline: 2026-12-20\n"
            f"measure: {{metric: {e}, per: week, target: 30}}\n"
            f"milestones:\n  - {{title: {e}, due: 2026-11-15, done: 2026-11-14}}\n  - {{title: {e}, due: 2026-12-06}}\n"
            f"tags: [{e}]\n---\n{EVIL_MD}")
    body = "".join(f"## {h}\n{EVIL_MD}\n" for h in ("Wins", "Obstacles", "Strategies", "Reflection", EVIL))
    def evil_checkin(member: str, week: str) -> str:
        return (f"---\nmember: {member}\nweek: {week}\n"
                f"outcomes:\n  - {{commitment: {e}, goal: evil, status: missed, note: {e}}}\n"
                f"metrics: {{evil: 12}}\ncommitments:\n  - {{commitment: {e}, goal: evil, note: {e}}}\n"
                f"ask: {e}\n---\n{EVIL_MD}\n{body}")
    commit({"journal.yaml": config, "contracts/pact.md": contract, "goals/evil.md": goal}, "2026-10-20T10:00:00+02:00")
    for week, when in (("2026-W45", "2026-11-08T18:00:00+01:00"), ("2026-W46", "2026-11-15T18:00:00+01:00"),
                       ("2026-W47", "2026-11-22T18:00:00+01:00")):
        commit({path("alice", week): evil_checkin("alice", week), path("bob", week): evil_checkin("bob", week)}, when)
    return tmp_path / "repo"
