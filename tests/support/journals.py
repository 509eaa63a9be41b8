"""Sample journals and a thin wrapper around the real `git`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

#: The project's checkout: README, example-repo, templates, tests/data.
PROJECT = Path(__file__).resolve().parents[2]


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"

def git(cwd: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(["git", *args], cwd=cwd, env=full_env, text=True, capture_output=True, check=check)

CONFIG = """\
title: Alice & Bob
members:
  alice: {name: Alice Moreno, emails: [alice@example.org], timezone: Europe/Berlin}
  bob: {name: Bob Okafor, emails: [bob@example.com], timezone: America/New_York}
digest: {out: site, branch: gh-pages, private: [energy]}
"""

CONTRACT = """\
---
title: Half marathon training pact
parties: [alice, bob]
effective: 2026-09-07
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
What each of us contributes.
"""

GOAL = """\
---
title: Berlin half marathon under 2:00
owner: alice
status: active
started: 2026-09-07
deadline: 2027-04-05
measure: {metric: km, per: week, target: 30}
milestones:
  - {title: First 15 km long run, due: 2026-11-15, done: 2026-11-14}
  - {title: 10 km race under 55 min, due: 2027-01-31}
tags: [running]
---
Why it matters.
"""

def checkin(member: str = "alice", week: str = "2026-W47", *, outcomes: str = "[]",
            commitments: str = "\n  - {commitment: Three runs, goal: berlin-half}", extra: str = "") -> str:
    return (f"---\nmember: {member}\nweek: {week}\noutcomes: {outcomes}\n"
            f"metrics: {{berlin-half: 27.5}}\ncommitments:{commitments}\n{extra}---\n## Wins\nRan.\n")

def write_journal(root: Path, files: dict[str, str] | None = None) -> Path:
    base = {
        "journal.yaml": CONFIG,
        "contracts/pact.md": CONTRACT,
        "goals/berlin-half.md": GOAL,
        "checkins/2026/2026-W47-alice.md": checkin(),
    }
    for rel, text in {**base, **(files or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root

AUTHORS = {"alice": ("Alice Moreno", "alice@example.org"), "bob": ("Bob Okafor", "bob@example.com"),
           "carol": ("Carol", "carol@example.net")}
