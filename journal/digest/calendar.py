"""The iCalendar file (`calendar.ics`): check-in and reply due times, pauses, milestones, deadlines, reviews."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import uuid
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any

from journal.core import build_model, periods
from journal.core.model import Contract
from journal.core.recalibration import review_dates
from journal.core.replies import UNANSWERED, WAITING
from journal.core.streaks import ContractTerms
from journal.digest.feed import content_id, journal_namespace, numbered_milestones, plain_text
from journal.digest.privacy import PrivacyRules
from journal.digest.threads import kept_owed
from journal.standing import Standing
from journal.store.local_state import code_stamp

PRODID = "-//journal//progress digest//EN"
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Decisions:
# * A check-in's due time is a zero-length event at the due instant (RFC 5545: a DTSTART
#   without DTEND or DURATION), recurring weekly or daily in the member's own zone, so
#   daylight-saving changes keep it at the same wall-clock time.
# * Pauses are their own all-day events; the due reminders keep running through them,
#   because a pause committed without enough notice still leaves the period due.
# * Every event is TRANSPARENT: a reminder never blocks time in a partner's calendar.
# * Pause reasons and goal bodies stay out: the calendar names what and when, not why.
# * A reply is due once, at the end of its window (respond_within after the check-in was
#   committed), for each partner who has not answered a member's latest check-in, as
#   `journal status` lists them; once the reply is committed the event is gone. Older
#   unanswered asks stay in the figures, not in everyone's calendar.


def render_calendar(standing: Standing, private: PrivacyRules,
                    kept: Callable[[Callable[[], str]], str] | None = None,
                    kept_zone: Callable[[str, Callable[[], str]], str] | None = None,
                    kept_text: Callable[[str, Callable[[], str], Callable[[str], bool]], str] | None = None) -> bytes:
    """calendar.ics of `standing`, every event stamped with its `now`.

    `kept(make)`, when given, is the text `make()` returns, or the one kept for it: the part
    of the calendar made from contracts and goals (see `fixed_part`), which a new reply
    leaves as it was. `kept_zone(key, make)` is the same for one zone's VTIMEZONE, by
    `zone_key` (icalendar takes about 25 ms to work one out from the zone's rules), and
    `kept_text(key, make, valid)` for the calendar's own lines and each "reply due" event,
    by the hash of what each is made of (`valid` tells a kept text of the right shape). A
    build in which a reply only took an event out then imports no icalendar (about 65 ms).
    Without `kept` the calendar is rendered whole by icalendar; with it the parts are joined
    as icalendar joins them (the same bytes: tests compare them)."""
    space = journal_namespace(standing)
    stamp = standing.now.astimezone(dt.UTC)
    title = _title(standing)
    if kept is None:
        return _whole(_head(title), standing, private, space, stamp)
    text = kept_text or (lambda _key, make, _valid: make())

    def make() -> str:
        return fixed_part(standing, private, space, stamp)

    fixed = read_fixed(kept(make))
    if fixed is None:  # kept text of another shape (see read_fixed): made again
        fixed = json.loads(make())
    replies = _reply_events(standing, private, space)
    dates = [_day(f["dtstart"]) for f in replies]
    made = []
    for fields in replies:
        part = partial(_event_part, fields, stamp)
        found = read_part(text(_event_key(fields, stamp), part, lambda t: read_part(t) is not None))
        made.append(found if found is not None else read_part(part()))
    if fixed["first"] is not None:
        dates.append(dt.date.fromisoformat(fixed["first"]))
    first = min(dates, default=stamp.date())
    tzids = set(fixed["tzids"]).union(*(tzids for _, tzids in made)) - {"UTC"}
    zones = _zones(tzids, dt.date(first.year, 1, 1), kept_zone)
    end = b"END:VCALENDAR\r\n"
    head = text(_digest("head", title, ical_stamp()), lambda: _head(title).to_ical().decode(), _is_calendar).encode()
    return (head[:-len(end)] + b"".join(zones) + fixed["text"].encode()
            + b"".join(event.encode() for event, _ in made) + end)


def _head(title: str) -> Any:
    """An icalendar Calendar with the calendar's own properties and no component yet."""
    # Imported here: a rebuild that keeps the calendar only computes its key (reply_due_inputs),
    # and icalendar takes longer to import than that.
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", title)
    return cal


def _is_calendar(text: str) -> bool:
    return text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")


def _event_key(fields: dict[str, Any], stamp: dt.datetime) -> str:
    """What a "reply due" event is made of: its fields (the start with its zone), the build's
    time and the icalendar in use."""
    start = fields["dtstart"]
    return _digest("reply-due", *(f"{k}={v}" for k, v in fields.items() if k != "dtstart"),
                   start.isoformat(), str(getattr(start.tzinfo, "key", start.tzinfo)), stamp.isoformat(), ical_stamp())


def _event_part(fields: dict[str, Any], stamp: dt.datetime) -> str:
    """One event's VEVENT as icalendar writes it, with the zones it names, as JSON text."""
    return json.dumps(_vevents([fields], stamp))


def read_part(text: str) -> tuple[str, list[str]] | None:
    """_event_part's text read back as (VEVENT text, zones), or None when it is not of that shape."""
    found = _read_vevents(text)
    if found is None or not found["text"].startswith("BEGIN:VEVENT\r\n") \
            or not found["text"].endswith("END:VEVENT\r\n"):
        return None
    return found["text"], found["tzids"]


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@cache
def ical_stamp() -> str:
    """Which icalendar this is, without importing it (about 65 ms): a hash of its version
    file, found where the import would find it. Kept texts made by another icalendar are
    not used."""
    spec = importlib.util.find_spec("icalendar")
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    sources = () if origin is None else (origin, origin.parent / "_version.py", origin.parent / "version.py")
    return code_stamp(sources).hex()


def fixed_part(standing: Standing, private: PrivacyRules, space: uuid.UUID, stamp: dt.datetime) -> str:
    """The contract and goal events as JSON text: their VEVENTs as icalendar writes them,
    the zones they name and the date of the first. What they are made of is what
    writers._calendar keys them by: journal.yaml, contracts and goals, the privacy rules,
    the namespace and the build time."""
    events = _contract_events(standing, private, space) + _goal_events(standing, private, space)
    first = min((_day(f["dtstart"]) for f in events), default=None)
    return json.dumps({**_vevents(events, stamp), "first": first.isoformat() if first is not None else None})


def _vevents(events: list[dict[str, Any]], stamp: dt.datetime) -> dict[str, Any]:
    """`events` as icalendar writes them ("text": their VEVENTs) with the zones they name ("tzids")."""
    from icalendar import Calendar

    holder = Calendar()
    for fields in events:
        holder.add_component(_event(fields, stamp))
    return {"text": b"".join(c.to_ical() for c in holder.subcomponents).decode(),
            "tzids": sorted(holder.get_used_tzids())}


def _read_vevents(text: str) -> dict[str, Any] | None:
    """A kept text of `_vevents`' shape read back (JSON, with more keys), or None when it is
    not of that shape (a kept file damaged in a way its seal missed, or written by another
    version)."""
    try:
        found = json.loads(text)
    except ValueError:
        return None
    if not isinstance(found, dict) or type(found.get("text")) is not str \
            or not isinstance(found.get("tzids"), list) or not all(type(t) is str for t in found["tzids"]):
        return None
    return found


def read_fixed(text: str) -> dict[str, Any] | None:
    """fixed_part's text read back, or None when it is not of that shape."""
    found = _read_vevents(text)
    if found is None:
        return None
    first = found.get("first")
    if first is not None:
        try:
            dt.date.fromisoformat(first)
        except (TypeError, ValueError):
            return None
    return found


def _whole(cal: Any, standing: Standing, private: PrivacyRules, space: uuid.UUID, stamp: dt.datetime) -> bytes:
    events = (_contract_events(standing, private, space) + _goal_events(standing, private, space)
              + _reply_events(standing, private, space))
    starts = [f["dtstart"] for f in events]
    for fields in events:
        cal.add_component(_event(fields, stamp))
    # Zone rules from the year of the first event on: a much smaller file than from 1970.
    first = min((_day(d) for d in starts), default=stamp.date())
    cal.add_missing_timezones(first_date=dt.date(first.year, 1, 1))
    # icalendar adds the zones in the order of a set, which changes with PYTHONHASHSEED:
    # by name, so the same state gives the same bytes (the sort is stable for the events).
    cal.subcomponents.sort(key=lambda c: (0, str(c["tzid"])) if c.name == "VTIMEZONE" else (1, ""))
    return cal.to_ical()  # type: ignore[no-any-return]


def _event(fields: dict[str, Any], stamp: dt.datetime) -> Any:
    from icalendar import Event

    fields = dict(fields)
    event = Event()
    event.add("uid", fields.pop("uid"))
    event.add("dtstamp", stamp)
    for name, value in fields.items():
        event.add(name, value)
    event.add("transp", "TRANSPARENT")
    return event


def _day(moment: dt.date) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _zones(tzids: set[str], first: dt.date,
           kept: Callable[[str, Callable[[], str]], str] | None = None) -> list[bytes]:
    """The VTIMEZONEs of `tzids` from `first` on, by name, as add_missing_timezones makes
    them; each the text `kept` has for its `zone_key` when given (see render_calendar)."""
    texts = []
    for tzid in sorted(tzids):
        make = partial(_zone_text, tzid, first)
        texts.append(kept(zone_key(tzid, first), make) if kept is not None else make())
    return [text.encode() for text in texts if text]


def _zone_text(tzid: str, first: dt.date) -> str:
    """icalendar's VTIMEZONE of `tzid` from `first` on; "" for a zone icalendar does not
    know (left out, as add_missing_timezones does)."""
    from icalendar import Timezone

    try:
        zone = Timezone.from_tzid(tzid, first_date=first, last_date=Timezone.DEFAULT_LAST_DATE)
    except ValueError:
        return ""
    return zone.to_ical().decode()  # type: ignore[no-any-return]


def zone_key(tzid: str, first: dt.date) -> str:
    """What a zone's VTIMEZONE is made of, as a sha256 hex digest: its name, the first date,
    its rules in this machine's tz database (store/zone_rules.py) and the icalendar in use."""
    from journal.store.zone_rules import fingerprint

    return _digest("vtimezone", tzid, first.isoformat(), fingerprint([tzid]), ical_stamp())


def _title(standing: Standing) -> str:
    title = build_model.journal_config(standing.journal).title
    return plain_text(title, one_line=True) if title.strip() else "journal"


def _name(standing: Standing, member: str) -> str:
    found = standing.members.get(member)
    return plain_text(found.name if found else member, one_line=True)


def _all_day(day: dt.date) -> dict[str, Any]:
    return {"dtstart": day, "dtend": day + dt.timedelta(days=1)}


def _contract_events(standing: Standing, private: PrivacyRules, space: uuid.UUID) -> list[dict[str, Any]]:
    terms = {t.slug: t for t in build_model.contract_terms(standing.journal, {})[0]}
    events: list[dict[str, Any]] = []
    for slug, entry in sorted(standing.journal.contracts.items()):
        if not private.visible(entry) or slug not in terms:
            continue
        contract = build_model.contract(slug, entry, private.fields)
        title = plain_text(contract.title, one_line=True)
        t = terms[slug]
        for member in t.parties:
            if member in standing.members:
                events.append(_due_event(standing, t, member, title, space))
        if contract.pauses:  # not when digest.private hides them
            for p in t.pauses:
                if p.member in standing.members and p.start <= p.end:
                    events.append({"uid": content_id(space, "pause", slug, p.member, str(p.start)),
                                   "summary": f"{_name(standing, p.member)}: paused ({title})",
                                   "dtstart": p.start, "dtend": p.end + dt.timedelta(days=1)})
        review = _review_event(contract, title, space)
        if review is not None:
            events.append(review)
    return events


def _due_event(standing: Standing, t: ContractTerms, member: str, title: str, space: uuid.UUID) -> dict[str, Any]:
    zone = standing.members[member].tz
    weekday, clock = t.due
    # Wall-clock times, not instants: the recurrence rule keeps 21:00 at 21:00 across DST.
    first = dt.datetime.combine(_due_day(t, t.effective), clock, tzinfo=zone)
    rule: dict[str, Any] = {"freq": "weekly", "byday": _BYDAY[weekday]} if weekday is not None else {"freq": "daily"}
    if t.until is not None:
        last = dt.datetime.combine(_due_day(t, t.until), clock, tzinfo=zone)
        rule["until"] = last.astimezone(dt.UTC)
    when = f"{clock:%H:%M}" if weekday is None else f"{_DAYS[weekday]} {clock:%H:%M}"
    late = f"; it counts as late for {_duration(t.grace)} after that" if t.grace else ""
    return {
        "uid": content_id(space, "due", t.slug, member),
        "summary": f"{_name(standing, member)}: check-in due ({title})",
        "description": f"The {t.cadence} check-in under {title} is due {when} ({zone.key}){late}.",
        "dtstart": first,
        "rrule": rule,
    }


def _due_day(t: ContractTerms, day: dt.date) -> dt.date:
    """The local date of the due time of the period containing `day`."""
    start = periods.key_start(periods.date_key(day, t.cadence), t.cadence)
    return start + dt.timedelta(days=t.due[0] or 0)


def _duration(span: dt.timedelta) -> str:
    hours, rest = divmod(int(span.total_seconds()), 3600)
    if hours and rest == 0:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{int(span.total_seconds()) // 60} minutes"


def _review_event(contract: Contract, title: str, space: uuid.UUID) -> dict[str, Any] | None:
    """Reviews fall on effective + k × review_every, k ≥ 1 (as `journal status` lists them)."""
    effective, until, every = contract.effective, contract.until, contract.review_every
    if effective is None or every is None:
        return None
    # The first review comes from the one rule; the RRULE repeats it every `every` days.
    first = next(iter(review_dates(effective, every, until, effective, effective + every)), None)
    if first is None:
        return None
    weeks, days = divmod(every.days, 7)
    rule: dict[str, Any] = {"freq": "weekly", "interval": weeks} if days == 0 else {"freq": "daily", "interval": every.days}
    if until is not None:
        rule["until"] = until
    return {"uid": content_id(space, "review", contract.slug), "summary": f"Review: {title}",
            "description": f"Time to review and recalibrate {title} (every {plain_text(contract.review_every_text, one_line=True)}).",
            **_all_day(first), "rrule": rule}


def _goal_events(standing: Standing, private: PrivacyRules, space: uuid.UUID) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for goal_id, entry in sorted(standing.journal.goals.items()):
        goal = build_model.goal(goal_id, entry, private.fields)
        if not private.visible(entry) or not goal.active:
            continue
        title = plain_text(goal.title, one_line=True)
        deadline = goal.deadline
        if deadline is not None:
            events.append({"uid": content_id(space, "deadline", goal_id), "summary": f"Deadline: {title}",
                           **_all_day(deadline)})
        for number, m in numbered_milestones(goal):
            due = m.due
            if due is None or m.done_given:
                continue
            name = plain_text(m.title, one_line=True)
            events.append({"uid": content_id(space, "milestone", goal_id, number),
                           "summary": f"Milestone: {name} ({title})", **_all_day(due)})
    return events


def reply_due_inputs(standing: Standing, private: PrivacyRules) -> list[str]:
    """What the "reply due" events depend on beyond contracts and goals (the latest check-ins
    and the replies still owed to them), as text for a build's cache key."""
    return [f"{e['uid']}\0{e['summary']}\0{e['description']}\0{e['dtstart'].isoformat()}"
            for e in _reply_events(standing, private, uuid.UUID(int=0))]


def _reply_events(standing: Standing, private: PrivacyRules, space: uuid.UUID) -> list[dict[str, Any]]:
    """A "reply due" event per partner still owing a reply to a member's latest check-in."""
    latest = {member: items[-1][0] for member, items in standing.journal.checkins.items() if items}
    events: list[dict[str, Any]] = []
    for thread in standing.responses.threads:
        # Only a member's latest check-in counts: the others' entries are not even looked up.
        if latest.get(thread.member) != thread.period \
                or not private.visible(standing.journal.checkin(thread.member, thread.period)):
            continue
        whose = _name(standing, thread.member)
        ask = f" They ask: {plain_text(thread.ask, one_line=True)}" if thread.ask and "ask" not in private.fields else ""
        # The replies owed as the digest's record of the thread has them: its replies unread.
        owed = kept_owed(thread)
        if owed is None:
            owed = [(r.partner, r.due) for r in thread.responses if r.state in (WAITING, UNANSWERED)]
        for partner, due in owed:
            if partner not in standing.members:
                continue
            zone = standing.members[partner].tz
            events.append({
                "uid": content_id(space, "reply-due", partner, thread.member, thread.period),
                "summary": f"{_name(standing, partner)}: reply due to {whose} ({thread.period})",
                "description": f"{whose}'s {thread.period} check-in waits for your reply.{ask}",
                "dtstart": due.astimezone(zone),
            })
    return events
