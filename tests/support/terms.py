"""A two-member journal for settings read from the history: Alice in Tokyo, Bob in New York,
under a weekly pact from Monday 2026-11-09 (2026-W46), due Sunday 21:00 with 12 hours'
grace and 5 a miss, no pauses; and a contract whose `pauses` the history walk tests fill."""

from __future__ import annotations

from tests.support.journals import CONTRACT

PACT = CONTRACT.replace("effective: 2026-09-07", "effective: 2026-11-09").replace(
    "pauses:\n  - {member: bob, from: 2026-12-21, to: 2027-01-03, reason: family holidays}\n", "")
CONFIG = ("title: Alice & Bob\nmembers:\n"
          "  alice: {name: Alice Moreno, emails: [alice@example.org], timezone: Asia/Tokyo}\n"
          "  bob: {name: Bob Okafor, emails: [bob@example.com], timezone: America/New_York}\n"
          "digest: {commit: false}\n")

PAUSABLE = """---
title: Pact
parties: [alice, bob]
effective: 2026-09-07
cadence: weekly
due: sunday 21:00
pauses:{pauses}
---
Our pact.
"""


def pausable(*pauses: str) -> str:
    """PAUSABLE with each of `pauses` (a flow mapping) as an item, or `pauses: []`."""
    return PAUSABLE.format(pauses="".join(f"\n  - {p}" for p in pauses) or " []")
