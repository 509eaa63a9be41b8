"""The Atom feed (`feed.xml`): the newest check-ins, replies and milestones reached, an entry each."""

from __future__ import annotations

import datetime as dt
import heapq
import math
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from journal.core import build_model, periods
from journal.core.entries import Entry
from journal.core.model import Checkin, Goal, Milestone
from journal.core.text_safety import for_xml
from journal.digest.markdown import drop_sections, hidden_sections
from journal.digest.privacy import PrivacyRules
from journal.digest.threads import kept_hash, kept_latest, kept_times
from journal.standing import Standing

ATOM = "http://www.w3.org/2005/Atom"
GENERATOR = "journal"
#: How many items feed.xml holds, the newest. A feed tells readers what is new, as blog
#: engines cap theirs (WordPress and Jekyll's feed keep 10): 100 is more than a week of a
#: ten-member journal with every check-in answered, so a reader polling weekly misses
#: nothing, and a rebuild writes 100 entries, not five years of them. The site's pages
#: keep everything (RFC 4287 asks no feed to be complete).
FEED_ITEMS = 100


@dataclass(frozen=True, order=True)
class FeedItem:
    updated: dt.datetime
    id: str
    title: str
    link: str
    authors: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class _Candidate:
    """An item not built yet: its time (a POSIX timestamp), what names it in its id, how to
    build it given that id, and (`mark`, None: the item itself) what it is built from, as
    plain data: what the feed's key holds in its place."""

    at: float
    names: tuple[str, ...]
    make: Callable[[str], FeedItem]
    mark: Callable[[], Any] | None = None


def plain_text(value: Any, *, one_line: bool = False) -> str:
    """Partner text made inert for a feed or calendar: unsafe characters removed, and with
    `one_line` every run of whitespace (newlines included) folded into one space."""
    text = for_xml(str(value).replace("\r\n", "\n").replace("\r", "\n"))
    return " ".join(text.split()) if one_line else text.strip()


#: The namespace of a journal with no commit yet: its ids change once the first commit is made.
UNCOMMITTED = "uncommitted"


def journal_namespace(standing: Standing) -> uuid.UUID:
    """The namespace of every id in the feed and calendar: the journal's first commit.

    Never editable text such as the title, so fixing a typo keeps every id, and two
    journals with the same title still have ids of their own."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"journal:{(standing.workspace.first_commit if standing.workspace else None) or UNCOMMITTED}")


def content_id(namespace: uuid.UUID, *parts: str) -> str:
    """The id of one item of a journal: its kind and what names it (entry and period)."""
    return str(uuid.uuid5(namespace, "/".join(parts)))


def page_link(folder: str, name: str) -> str:
    return f"{folder}/{quote(name, safe='')}.html"


def feed_items(standing: Standing, private: PrivacyRules, limit: int = FEED_ITEMS) -> list[FeedItem]:
    """The newest `limit` items of the feed, newest first (items of the same second by id).

    Items are chosen by their times before any is built, so only the ones kept cost an id,
    a summary and a typed check-in; ties at the cut are settled by id, as the order is."""
    return [c.make(ident) for ident, c in _newest(standing, private, limit)]


def feed_plan(standing: Standing, private: PrivacyRules, limit: int = FEED_ITEMS) -> tuple[list[Any], Callable[[], bytes]]:
    """feed.xml as (its key, how to make its bytes): the key names its newest items by what
    each is built from (the entry's text hash, its time, its author's name), so a rebuild
    that keeps the feed builds none of them, and reads no reply."""
    ranked = _newest(standing, private, limit)
    marks = []
    for ident, c in ranked:
        mark = c.mark() if c.mark is not None else None
        if mark is None:  # nothing stands for the item: the item itself
            item = c.make(ident)
            mark = [item.updated.isoformat(), item.title, item.link, list(item.authors), item.summary]
        marks.append([ident, c.at, mark])
    key = [str(journal_namespace(standing)), _journal_title(standing), sorted(private.fields), marks,
           None if ranked else standing.now.isoformat()]
    return key, lambda: feed_document(standing, [c.make(ident) for ident, c in ranked])


def _newest(standing: Standing, private: PrivacyRules, limit: int) -> list[tuple[str, _Candidate]]:
    """The newest `limit` candidates with their ids, newest first (those of the same second by id)."""
    space = journal_namespace(standing)
    candidates = _checkin_candidates(standing, private) + _milestone_candidates(standing, private)
    # Replies are most of a journal's items (five to a check-in): only those at least as new
    # as the `limit`-th newest other item can be among the newest `limit`, and only they
    # are made candidates.
    candidates += _reply_candidates(standing, _cut(candidates, limit), private.fields)
    if len(candidates) > limit:
        cut = _cut(candidates, limit)
        candidates = [c for c in candidates if c.at >= cut]
    ranked = sorted(((-c.at, content_id(space, *c.names), c) for c in candidates), key=lambda x: x[:2])[:limit]
    return [(ident, c) for _, ident, c in ranked]


def _cut(candidates: list[_Candidate], limit: int) -> float:
    """The time of the `limit`-th newest candidate (-inf when there are fewer)."""
    if len(candidates) < limit:
        return -math.inf
    return heapq.nlargest(limit, (c.at for c in candidates))[-1]


def render_feed(standing: Standing, private: PrivacyRules) -> bytes:
    """feed.xml of `standing`: its newest FEED_ITEMS items."""
    return feed_document(standing, feed_items(standing, private))


def feed_document(standing: Standing, items: list[FeedItem]) -> bytes:
    """The Atom document holding `items` (newest first), as feed.xml's bytes."""
    space = journal_namespace(standing)
    title = _journal_title(standing)
    feed = ET.Element("feed", xmlns=ATOM)
    ET.SubElement(feed, "id").text = f"urn:uuid:{space}"
    ET.SubElement(feed, "title").text = title
    ET.SubElement(feed, "subtitle").text = "Check-ins, replies and milestones reached"
    # The newest entry's time, not the build time, so a rebuild changes nothing.
    ET.SubElement(feed, "updated").text = _stamp(items[0].updated if items else standing.now)
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = title
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href="index.html")
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href="feed.xml")
    ET.SubElement(feed, "generator").text = GENERATOR
    for item in items:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = f"urn:uuid:{item.id}"
        ET.SubElement(entry, "title", type="text").text = item.title
        ET.SubElement(entry, "updated").text = _stamp(item.updated)
        for name in item.authors:
            ET.SubElement(ET.SubElement(entry, "author"), "name").text = name
        ET.SubElement(entry, "link", rel="alternate", type="text/html", href=item.link)
        if item.summary:
            ET.SubElement(entry, "summary", type="text").text = item.summary
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _journal_title(standing: Standing) -> str:
    title = build_model.journal_config(standing.journal).title
    return plain_text(title, one_line=True) if title.strip() else "journal"


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _name(standing: Standing, member: str) -> str:
    found = standing.members.get(member)
    return plain_text(found.name if found else member, one_line=True)


def _checkin_candidates(standing: Standing, private: PrivacyRules) -> list[_Candidate]:
    filed = {(r.member, p.period): p.at for r in standing.reports for p in r.periods if p.at is not None}
    found, seen = [], set()
    for member, entries in sorted(standing.journal.checkins.items()):
        for period, entry in entries:
            if not private.visible(entry) or (member, period) in seen:
                continue
            seen.add((member, period))
            # A check-in appears once the history holds it: as of `now`, by its commit time.
            when = filed.get((member, period))
            if when is not None:
                found.append(_Candidate(when.timestamp(), ("checkin", member, period),
                                        partial(_checkin_item, standing, private, member, period, entry, when),
                                        partial(_entry_mark, standing, member, entry, when)))
    return found


def _entry_mark(standing: Standing, author: str, entry: Entry, when: dt.datetime) -> Any:
    """What a check-in's item is built from besides the code and the private fields (in the
    feed's key): its entry's text hash, its time and its author's name."""
    return ["checkin", entry.head.digest, when.isoformat(), _name(standing, author)]


def _checkin_item(standing: Standing, private: PrivacyRules, member: str, period: str, entry: Entry,
                  when: dt.datetime, ident: str) -> FeedItem:
    return FeedItem(
        updated=when,
        id=ident,
        title=plain_text(f"{member} checked in for {period}", one_line=True),
        # The member's page, at the check-in's own article.
        link=f"{page_link('members', member)}#{quote(f'{member}-{period}', safe='')}",
        authors=(_name(standing, member),),
        summary=_checkin_summary(build_model.checkin(entry, private.fields)),
    )


def _checkin_summary(checkin: Checkin) -> str:
    lines: list[str] = []
    if checkin.outcomes:
        lines.append("Outcomes:")
        lines += [f"- {plain_text(o.commitment, one_line=True)}: {plain_text(o.status_text or '?', one_line=True)}"
                  for o in checkin.outcomes]
    if checkin.commitments:
        lines.append("Commitments for the coming period:")
        lines += [f"- {plain_text(c.commitment, one_line=True)}" for c in checkin.commitments]
    if checkin.ask is not None and checkin.ask.strip():
        lines.append(f"Ask: {plain_text(checkin.ask, one_line=True)}")
    return "\n".join(lines)


def _reply_candidates(standing: Standing, floor: float = -math.inf, hidden: Collection[str] = ()) -> list[_Candidate]:
    """A reply per entry, at the commit that first brought it, for the replies no older than
    `floor`; the digest's view has already left private replies (and replies to private
    check-ins) out. A thread kept with the digest's record of it (threads.DIGEST_THREAD) is
    passed over by the time of its newest reply, and its replies' times are read from it."""
    found = []
    for thread in standing.responses.threads:
        kept, latest = kept_latest(thread)
        if kept and (latest is None or latest < floor):
            continue
        times = kept_times(thread) if kept else None
        pairs = thread.reply_times() if times is None else [(author, at.timestamp()) for author, at in times]
        for i, (author, at) in enumerate(pairs):
            if at < floor:
                continue
            # A kept thread's reply is named by the hash of the thread's digest form, which
            # holds everything of it the item shows but its exact time: that time beside it.
            named = kept_hash(thread) if times is not None else None
            mark = None if named is None else partial(_reply_mark, standing, named, i, author, times[i][1])
            found.append(_Candidate(at, ("reply", author or "", thread.member, thread.period),
                                    partial(_reply_item, standing, thread, i, hidden=hidden), mark))
    return found


def _reply_mark(standing: Standing, thread: str, index: int, author: str | None, at: dt.datetime) -> Any:
    return ["reply", thread, index, at.isoformat(), _name(standing, author or "")]


def _reply_item(standing: Standing, thread: Any, index: int, ident: str, *, hidden: Collection[str] = ()) -> FeedItem:
    # Only the items kept are made: a kept thread's replies are read for these alone.
    member, period, posted = thread.member, thread.period, thread.replies[index]
    reply, author = posted.reply, posted.reply.author or ""
    lines = [f"Answer: {plain_text(reply.answer, one_line=True)}"] if reply.answer else []
    if reply.kudos:
        lines.append(f"Kudos: {plain_text(reply.kudos, one_line=True)}")
    lines += [f"- outcome {n}: {v.verdict.value if v.verdict else '?'}"
              + (f" ({plain_text(v.note, one_line=True)})" if v.note else "")
              for n, v in enumerate(reply.verdicts, 1)]
    body = drop_sections(reply.body, hidden_sections(hidden))  # as the thread shows it (threads.digest_form)
    if body.strip():
        lines.append(plain_text(body))
    return FeedItem(
        updated=posted.at,
        id=ident,
        title=plain_text(f"{author} answered {member}'s {period} check-in", one_line=True),
        link=f"{page_link('members', member)}#{quote(f'{member}-{period}', safe='')}",
        authors=(_name(standing, author),),
        summary="\n".join(lines),
    )


def _milestone_candidates(standing: Standing, private: PrivacyRules) -> list[_Candidate]:
    # Few and cheap (a goal's milestones): each is made whole, then wrapped as a candidate.
    found = []
    for goal_id, entry in sorted(standing.journal.goals.items()):
        if not private.visible(entry):
            continue
        goal = build_model.goal(goal_id, entry, private.fields)
        owners = [plain_text(o, one_line=True) for o in goal.owners]
        zone = standing.members[owners[0]].tz if owners and owners[0] in standing.members else ZoneInfo("UTC")
        goal_title = plain_text(goal.title, one_line=True)
        for number, m in numbered_milestones(goal):
            done, title = m.done, plain_text(m.title, one_line=True)
            if done is None:
                continue
            when = periods.local_time(done, dt.time(0), zone)
            if when > standing.now:
                continue
            who = " & ".join(owners) or goal_id
            item = FeedItem(
                updated=when,
                id="",
                title=f"{who} reached a milestone: {title}",
                link=page_link("goals", goal_id),
                authors=tuple(_name(standing, o) for o in owners),
                summary=_milestone_summary(goal_title, m.due, done),
            )
            found.append(_Candidate(when.timestamp(), ("milestone", goal_id, number), partial(_with_id, item)))
    return found


def _with_id(item: FeedItem, ident: str) -> FeedItem:
    return replace(item, id=ident)


def numbered_milestones(goal: Goal) -> list[tuple[str, Milestone]]:
    """The goal's milestones with their place in its list, which names them in ids: a
    milestone keeps its id when its title or dates are edited."""
    return [(str(n), m) for n, m in enumerate(goal.milestones, 1)]


def _milestone_summary(goal: str, due: dt.date | None, done: dt.date) -> str:
    return f"Goal: {goal}\n" + (f"Due {due}, done {done}." if due else f"Done {done}.")
