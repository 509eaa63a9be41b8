"""What the digest may publish: private entries are left out, private fields are dropped.

journal.digest.view applies these rules once, when it builds the view every writer reads;
over that view's public standing the checks the overview, feed and calendar still make
find nothing left to withhold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from journal.core import build_model
from journal.core.entries import Entry


@dataclass(frozen=True)
class PrivacyRules:
    """Check-in field names listed under `digest.private` in journal.yaml; an entry
    with `private: true` is never published at all."""

    fields: frozenset[str] = frozenset()

    @classmethod
    def from_journal(cls, journal: Any) -> PrivacyRules:
        return cls(frozenset(build_model.journal_config(journal).digest.private))

    def visible(self, entry: Entry | None) -> bool:
        return not build_model.is_private(entry)

    def public_data(self, entry: Entry) -> dict[str, Any]:
        """The entry's front matter without the fields listed under `digest.private`."""
        return {k: v for k, v in entry.data.items() if k not in self.fields}
