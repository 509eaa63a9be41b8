"""Replies in the digest: each check-in's thread, unanswered asks, responder figures.

The view (digest/view.py) has already left private replies out and dropped the fields
named in `digest.private`, so this only arranges what is there. A journal without any
reply gains no keys at all: its digest is exactly what it was before replies existed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Collection, Mapping
from typing import Any

from journal.core import build_model
from journal.core.replies import RESPONSE_LABEL, UNANSWERED, UNVERIFIED, WAITING, Posted, Responses, Thread
from journal.core.journal_index import Journal
from journal.digest.keys import content_key
from journal.digest.markdown import drop_sections, hidden_sections
from journal.standing import Standing
from journal.store.thread_cache import kept_moment

UNANSWERED_SHOWN = 10  # the overview lists the most recent asks still open


def public_responses(responses: Responses, journal: Journal, original: Journal | None = None) -> Responses:
    """`responses` over the public journal: threads of check-ins it no longer holds are gone,
    replies it no longer holds are gone, and every record is read again from the public
    entries (so a field named in `digest.private` is gone from replies and asks too).

    The referee's verdicts on a thread are left out when the referee's reply, or its
    `verdicts`, is private. Figures (rates, streaks, completion) still count every reply, as
    they count private check-ins: privacy hides text, not whether a period was kept.

    `original` is the journal the responses were judged from: a record whose public entry
    is still that journal's entry (nothing private in it) is kept as it is, not read again.
    When every entry is (`journal` holds `original`'s entries, all of them), only the rule on
    a referee's reply without verdicts is left to apply, and no reply is read for it."""
    if original is not None and _same_entries(journal, original):
        return dataclasses.replace(responses, threads=tuple(
            dataclasses.replace(t, verdicts=(), kept={}) if t.verdicts and t.referee_silent() else t
            for t in responses.threads))
    done: dict[int, Posted | None] = {}
    public_replies, original_replies = journal.replies, original.replies if original is not None else None

    def public(posted: Posted) -> Posted | None:
        if id(posted) in done:  # a reply is both in its thread and in its author's response
            return done[id(posted)]
        r = posted.reply
        key = (r.period or "", r.to or "", r.author or "")
        entry = public_replies.get(key)
        if entry is None:
            found = None
        elif original_replies is not None and original_replies.get(key) is entry:
            found = posted
        else:
            found = dataclasses.replace(posted, reply=build_model.reply(entry))
        done[id(posted)] = found
        return found

    threads = []
    for t in responses.threads:
        entry = journal.checkin(t.member, t.period)
        if entry is None:
            continue
        shown = tuple(p for p in map(public, t.replies) if p is not None)
        answers = tuple(r if r.posted is None or public(r.posted) is r.posted
                        else dataclasses.replace(r, posted=public(r.posted)) for r in t.responses)
        same = original is not None and original.checkin(t.member, t.period) is entry
        # The referee's verdicts are read from their reply: when that reply (or its verdicts)
        # is private, the line that would repeat them is left out too.
        by_referee = [p for p in shown if p.reply.author == t.referee]
        hidden = (any(p.reply.author == t.referee for p in t.replies) and not by_referee) \
            or any(not p.reply.verdicts for p in by_referee)
        threads.append(dataclasses.replace(t, ask=t.ask if same else build_model.checkin(entry).ask,
                                           replies=shown, responses=answers,
                                           verdicts=() if hidden else t.verdicts, kept={}))
    return dataclasses.replace(responses, threads=tuple(threads))


def _same_entries(journal: Journal, original: Journal) -> bool:
    if journal is original:  # the view found nothing private (see view._public_journal)
        return True
    entries, before = journal.entries, original.entries
    return len(entries) == len(before) and all(before.get(path) is entry for path, entry in entries.items())


def add_threads(overview: dict[str, Any], standing: Standing, ids: dict[int, str] | None = None,
                leave: Callable[..., None] | None = None, hidden: Collection[str] = ()) -> None:
    """Put threads on the overview's check-ins, figures on its members, and its open asks. A
    thread kept with the digest's record (see DIGEST_THREAD) is named in `ids` by its hash;
    given `leave`, its digest form is left to it (check-in, hash, thread, zones), to be put on
    when a file that shows it is made (see thread_texts.ThreadTexts). `hidden` are the names
    under `digest.private` (digest_form)."""
    threads = {(t.member, t.period): t for t in standing.responses.threads}
    if not any(t.reply_times() for t in threads.values()):  # the summaries: no thread's replies are read
        return
    zones = {mid: m.tz for mid, m in standing.members.items()}
    for c in overview["checkins"]:
        thread = threads.get((c["member"], c["period"]))
        if thread is None:
            continue
        named = kept_hash(thread)
        if named is None:
            c["thread"] = _thread(thread, zones, hidden)
        elif leave is not None:
            leave(c, named, thread, zones, hidden)
        else:
            c["thread"] = shown = _thread(thread, zones, hidden)
            if ids is not None:
                ids[id(shown)] = named
    for m in overview["members"]:
        figures = standing.responses.responders.get(m["id"])
        if figures is not None:
            m["responses"] = figures.as_json()
        # The overview's Asks list shows each member's latest ask: beside it, what each partner
        # did about that check-in, as its thread says (nothing when it asked no partner).
        asked = threads.get((m["id"], m["latest"])) if m.get("ask") else None
        if asked is not None and asked.responses:
            m["ask_responses"] = _responses(asked, zones)
    listed = {(c["member"], c["period"]) for c in overview["checkins"]}
    open_asks = []
    # Newest first, and only until the overview has the asks it shows: not every thread's answers.
    for t in sorted(threads.values(), key=lambda t: t.filed, reverse=True):
        if len(open_asks) == UNANSWERED_SHOWN:
            break
        if not t.ask or (t.member, t.period) not in listed:
            continue
        owing = [(partner, state) for partner, state, _ in t.answers() if state in (UNANSWERED, WAITING)]
        if owing:
            # Each partner by the state core/replies.py judged, as `status` and `streaks` take it:
            # a window that closed is "unanswered", never "waiting (overdue)".
            open_asks.append({"member": t.member, "period": t.period, "ask": t.ask,
                              "partners": [partner for partner, _ in owing],
                              UNANSWERED: [partner for partner, state in owing if state == UNANSWERED],
                              WAITING: [partner for partner, state in owing if state == WAITING]})
    overview["unanswered"] = open_asks
    overview["pact_reply_streaks"] = dict(standing.responses.pact_streaks)


def thread_key(ids: Mapping[int, str], thread: dict[str, Any]) -> str:
    """The hash a page's key names a digest thread by: kept with it (`ids`), else made here."""
    return ids.get(id(thread)) or content_key("thread", thread)


def digest_thread(thread: Thread, zones: Mapping[str, Any], hidden: Collection[str] = ()) -> list[Any]:
    """What a cache keeps with a thread for the digest (DIGEST_THREAD): the hash of its digest
    form (kept by that hash in thread_texts, read only when a file showing it is made), the
    time of its newest reply (None without), each reply's author and time as written, and the
    partners still owing a reply with its due time. A warm build keys its pages, picks the
    feed's newest replies and writes the calendar's reply events from these alone."""
    return kept_value(thread, content_key("thread", _thread(thread, zones, hidden)))


def kept_value(thread: Thread, named: str) -> list[Any]:
    """digest_thread's record of `thread`, whose digest form hashes to `named`."""
    # The lists as JSON text: one object each to read back, where a warm build reads them
    # for a handful of threads.
    times = json.dumps([[p.reply.author, p.at.isoformat()] for p in thread.replies])
    owed = json.dumps([[r.partner, r.due.isoformat()] for r in thread.responses if r.state in (UNANSWERED, WAITING)])
    return [named, max((p.at.timestamp() for p in thread.replies), default=None), times, owed]


#: The name the digest's record of a thread is kept under (store/thread_cache.py keeps it
#: in `thread-<name>.bin`, by the thread's inputs, not by this code): numbered, and the number
#: goes up whenever digest_thread writes anything else, so no record of another shape is
#: read as one (a record that is not of this shape is never trusted: the thread is read).
KEPT = "digest-2"
#: The rendering the digest keeps with each thread (see standing.compute_standing).
DIGEST_THREAD = {KEPT: digest_thread}


def _kept(thread: Thread) -> list[Any] | None:
    found = thread.kept.get(KEPT)
    return found if type(found) is list and len(found) == 4 else None


def kept_hash(thread: Thread) -> str | None:
    """The hash of the thread's digest form, when a cache kept it with the thread."""
    found = _kept(thread)
    return found[0] if found is not None and type(found[0]) is str and len(found[0]) == 64 else None


def kept_latest(thread: Thread) -> tuple[bool, float | None]:
    """(whether it was kept, the time of the thread's newest reply or None)."""
    found = _kept(thread)
    if found is None or not (found[1] is None or type(found[1]) is float):
        return False, None
    return True, found[1]


def kept_times(thread: Thread) -> list[tuple[str | None, dt.datetime]] | None:
    """(author, time) of each of the thread's replies as kept with it, in its replies' order."""
    found = _kept(thread)
    try:
        return [(_author(author), kept_moment(at)) for author, at in json.loads(found[2])] if found is not None else None
    except (TypeError, ValueError):
        return None


def kept_owed(thread: Thread) -> list[tuple[str, dt.datetime]] | None:
    """(partner, due time) of each reply still owed on the thread, as kept with it."""
    found = _kept(thread)
    try:
        return [(_partner(partner), kept_moment(due)) for partner, due in json.loads(found[3])] \
            if found is not None else None
    except (TypeError, ValueError):
        return None


def _author(name: Any) -> str | None:
    return None if name is None else _partner(name)


def _partner(name: Any) -> str:
    if type(name) is not str:
        raise TypeError("a record of another shape")
    return name


def digest_form(t: Thread, zones: Mapping[str, Any], hidden: Collection[str] = ()) -> dict[str, Any]:
    """The thread as the digest shows it (plain data): its referee, verdicts, responses and
    replies, each reply's body without the sections `hidden` names (`digest.private`: the
    names that hide a check-in's section of the same heading hide a reply's too)."""
    return _thread(t, zones, hidden)


def _local(moment: dt.datetime, who: str | None, zones: Mapping[str, Any]) -> str:
    """`moment` in `who`'s zone, to the minute."""
    zone = zones.get(who or "")
    return (moment.astimezone(zone) if zone is not None else moment).isoformat(timespec="minutes")


def _responses(t: Thread, zones: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each partner's response to the thread's check-in: its state, the words for it, and
    when the reply came (in the partner's zone; None without one)."""
    return [{"partner": r.partner, "state": r.state, "label": RESPONSE_LABEL[r.state],
             "at": _local(r.posted.at, r.partner, zones) if r.posted else None} for r in t.responses]


def _thread(t: Thread, zones: Mapping[str, Any], hidden: Collection[str] = ()) -> dict[str, Any]:
    window = t.window() if t.referee and UNVERIFIED in t.verdicts else None
    sections = hidden_sections(hidden)
    return {
        "referee": t.referee,
        "verdicts": list(t.verdicts),
        # Why an outcome is unverified: no verdict within this many seconds (None: not known).
        "respond_within_seconds": None if window is None else int(window.total_seconds()),
        "responses": _responses(t, zones),
        "replies": [{"author": p.reply.author, "at": _local(p.at, p.reply.author, zones), "answer": p.reply.answer,
                     "kudos": p.reply.kudos,
                     "verdicts": [{"verdict": v.verdict.value if v.verdict else None, "note": v.note}
                                  for v in p.reply.verdicts],
                     "body": drop_sections(p.reply.body, sections).strip()} for p in t.replies],
    }


def latest_checkins(overview: dict[str, Any]) -> list[dict[str, Any]]:
    """Each member's latest published check-in (as `status` and the calendar take it), in the
    roster's order: the overview's check-in dicts."""
    latest: dict[str, dict[str, Any]] = {}
    for c in overview["checkins"]:  # newest period first
        latest.setdefault(c["member"], c)
    return [c for c in map(latest.get, (m["id"] for m in overview["members"])) if c is not None]


def latest_threads(overview: dict[str, Any]) -> list[dict[str, Any]]:
    """The Markdown digests' threads: each member's latest published check-in
    (`latest_checkins`), when its thread is on it and has something in it. These are the
    overview's check-in dicts, so a template reads outcomes for kudos. A journal without
    replies has none."""
    return [c for c in latest_checkins(overview) if c.get("thread")
            and (c["thread"]["replies"] or c["thread"]["responses"])]
