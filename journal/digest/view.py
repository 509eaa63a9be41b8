"""The digest's one view of the journal, built once, with privacy applied while it is built.

Every writer (pages, DIGEST.md, digest.json, feed, calendar, charts, the committed
digest) reads a `DigestView` and nothing else, so what is private is decided here, once:
entries with `private: true` are gone from its journal, fields named in `digest.private`
are gone from every entry, and the overview carries no key named after such a field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from journal.core.entries import Entry
from journal.core.journal_index import Journal
from journal.digest.overview import build_overview
from journal.digest.privacy import PrivacyRules
from journal.digest.thread_texts import ThreadTexts
from journal.digest.threads import add_threads, public_responses, thread_key
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
    ids: dict[int, str] = field(default_factory=dict)
    # The check-ins' threads, left off them until an output that may show them is made.
    texts: ThreadTexts = field(default_factory=lambda: ThreadTexts(None))

    def fill(self, checkins: Iterable[dict[str, Any]] | None = None) -> None:
        """Put the threads left off `checkins` (None: off every check-in) on: call before an
        output shows them (writers.py says where)."""
        self.texts.fill(self.ids, checkins)

    def thread_id(self, checkin: dict[str, Any]) -> str | None:
        """The hash of `checkin`'s thread (None: it has none), whether it is on yet or not."""
        named = self.texts.named(checkin)
        if named is not None:
            return named
        thread = checkin.get("thread")
        return None if thread is None else thread_key(self.ids, thread)

    def names(self, checkin: dict[str, Any]) -> list[str]:
        """The keys `checkin` has, "thread" included while its thread is left off: sorted."""
        names = [*checkin]
        if self.texts.named(checkin) is not None:
            names.append("thread")
        names.sort()
        return names


def build_view(standing: Standing, *, page_ids: bool = True, texts: ThreadTexts | None = None) -> DigestView:
    """The digest's view of `standing`, with `private: true` entries and `digest.private`
    fields left out of everything it holds; `page_ids` names its check-ins and goals by
    the hash of their inputs (for the site's page keys; the committed digest has no pages)
    and leaves the threads kept with their hash off the check-ins until `fill` (kept in
    `texts`, by default under the workspace's git folder)."""
    private = PrivacyRules.from_journal(standing.journal)
    journal = _public_journal(standing.journal, private)
    public = replace(standing, journal=journal,
                     responses=public_responses(standing.responses, journal, standing.journal))
    ids: dict[int, str] = {}
    if texts is None:
        texts = ThreadTexts(standing.workspace.cache_dir if standing.workspace is not None else None)
    overview = build_overview(public, private, ids if page_ids else None)
    add_threads(overview, public, ids if page_ids else None, texts.leave, private.fields)
    hidden = private.fields & _FIELD_KEYS
    if hidden:
        # A field withheld leaves no trace, its name included (not even `"energy": null`).
        for item in [*overview["checkins"], *overview["members"]]:
            for key in hidden:
                item.pop(key, None)
    view = DigestView(public, private, overview, ids, texts)
    if not page_ids:
        view.fill()
    return view


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
