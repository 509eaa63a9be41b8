"""What the digest may publish: private entries are left out, private fields are dropped.

journal.digest.view applies these rules once, when it builds the view every writer reads;
over that view's public standing the checks the overview, feed and calendar still make
find nothing left to withhold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from journal.core.entries import Entry


@dataclass(frozen=True)
class PrivacyRules:
    """Check-in field names listed under `digest.private` in journal.yaml; an entry
    with `private: true` is never published at all."""

    fields: frozenset[str] = frozenset()

    @classmethod
    def from_journal(cls, journal: Any) -> PrivacyRules:
        config = getattr(journal, "config", None)
        digest = config.data.get("digest") if config is not None else None
        names = digest.get("private") if isinstance(digest, dict) else None
        if not isinstance(names, list):
            return cls()
        return cls(frozenset(str(n) for n in names if isinstance(n, str)))

    def visible(self, entry: Entry | None) -> bool:
        return entry is not None and entry.data.get("private") is not True

    def public_data(self, entry: Entry) -> dict[str, Any]:
        return {k: v for k, v in entry.data.items() if k not in self.fields}
