"""The digest's one view of the journal, built once, with privacy applied while it is built.

Every writer (pages, DIGEST.md, digest.json, feed, calendar, charts, the committed
digest) reads a `DigestView` and nothing else, so what is private is decided here, once:
entries with `private: true` are gone from its journal, fields named in `digest.private`
are gone from every entry, and the overview carries no key named after such a field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from journal.core.entries import Entry
from journal.core.rules import Journal
from journal.digest.overview import build_overview
from journal.digest.privacy import PrivacyRules
from journal.digest.threads import add_threads, public_responses
from journal.standing import Standing

# Keys of the overview's check-ins and members that carry a check-in field of the same name.
_FIELD_KEYS = frozenset({"outcomes", "commitments", "metrics", "ask", "energy"})


@dataclass(frozen=True)
class DigestView:
    """What the digest may show: the public standing, the rules that made it, and the overview."""

    standing: Standing  # its journal holds public entries only, without private fields
    private: PrivacyRules
    overview: dict[str, Any]
    # id() of an overview check-in or goal dict -> the hash of the inputs it was made from,
    # so a page's key names them instead of hashing them again (see writers._pages).
    ids: Mapping[int, str] = field(default_factory=dict)


def build_view(standing: Standing, *, page_ids: bool = True) -> DigestView:
    """The digest's view of `standing`, with `private: true` entries and `digest.private`
    fields left out of everything it holds; `page_ids` names its check-ins and goals by
    the hash of their inputs (for the site's page keys; the committed digest has no pages)."""
    private = PrivacyRules.from_journal(standing.journal)
    journal = _public_journal(standing.journal, private)
    public = replace(standing, journal=journal,
                     responses=public_responses(standing.responses, journal, standing.journal))
    ids: dict[int, str] = {}
    overview = build_overview(public, private, ids if page_ids else None)
    add_threads(overview, public, ids if page_ids else None)
    hidden = private.fields & _FIELD_KEYS
    if hidden:
        # A field withheld leaves no trace, its name included (not even `"energy": null`).
        for item in [*overview["checkins"], *overview["members"]]:
            for key in hidden:
                item.pop(key, None)
    return DigestView(public, private, overview, ids)


def _public_journal(journal: Journal, private: PrivacyRules) -> Journal:
    if not private.fields and not any(entry.head.private for entry in journal.entries.values()):
        # Nothing to leave out (most journals): the journal itself, with the indexes it has
        # built already, not a copy of its 15,000 entries indexed again.
        return journal
    entries = {path: _public_entry(entry, private) for path, entry in journal.entries.items()
               if entry is journal.config or private.visible(entry)}
    return Journal(entries)


def _public_entry(entry: Entry, private: PrivacyRules) -> Entry:
    if not private.fields.intersection(entry.head.fields):  # the head: a reply is not read for this
        return entry
    return replace(entry, data=private.public_data(entry))
