"""Pure reply arithmetic: check-ins and the replies the history brought -> threads and figures.

Decisions, in one place:
* A check-in is asked of every other party of the contracts in force for its period (its
  own `contract:` when it names one), but not of a party that a pause announced with
  notice excuses from that period under the contract (core/pauses.py). It is answered by
  the commit that first brought the partner's reply into the history, measured from the
  commit that first brought the check-in: *in time* within `respond_within` (the shortest of those contracts; the
  window ends on a whole minute, `respond_by`), *late* after it, *unanswered* once the window closed with no reply,
  else *waiting*.
* A journal expects replies from its first one on: check-ins whose window closed before the
  first reply entered the history ask nothing of anyone, so a journal that never used
  replies has no unanswered asks (and `status` no overdue reply).
* Response times are instants: zones only change how a time is shown (a reply committed
  Monday 01:00 UTC is Sunday evening in New York, and just as fast).
* A referee (`referee:` of a contract in force) judges outcomes: each outcome is
  `confirmed` or `disputed` by the referee's verdict, or `unverified` when no verdict came
  within the window. Disputed outcomes count as missed for completion. Without a referee,
  verdicts are shown and change no figure.
* The pact reply streak runs over the periods in which a party checked in: a period counts
  when every answer it needed came in time, breaks on a late or missing one, and waits
  (is skipped) while answers are still due.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from journal.core import periods
from journal.core.model import Checkin, Contract, Reply, Verdict
from journal.core.pauses import NO_PAUSES, Excused

MICROSECOND = dt.timedelta(microseconds=1)  # a timedelta // MICROSECOND: whole microseconds

IN_TIME = "in_time"
LATE = "late"
UNANSWERED = "unanswered"
WAITING = "waiting"
RESPONSE_STATES = (IN_TIME, LATE, UNANSWERED, WAITING)
#: How `status`, the hooks and the digest word a response state.
RESPONSE_LABEL = {IN_TIME: "answered in time", LATE: "answered late", UNANSWERED: "unanswered",
                  WAITING: "waiting for a reply"}

CONFIRMED, DISPUTED, UNVERIFIED = Verdict.CONFIRMED.value, Verdict.DISPUTED.value, "unverified"


@dataclass(frozen=True)
class Posted:
    """A reply as the history first brought it."""

    reply: Reply
    at: dt.datetime  # author time, with the author's own offset
    commit: str


@dataclass(frozen=True)
class Response:
    """What one partner did about one check-in."""

    partner: str
    state: str  # one of RESPONSE_STATES
    asked: dt.datetime  # when the check-in entered the history
    due: dt.datetime
    posted: Posted | None  # the reply, when it is in the history by `now`

    @property
    def took(self) -> dt.timedelta | None:
        """How long after the check-in the reply came (None while there is none); a reply
        committed together with the check-in took no time."""
        return None if self.posted is None else max(self.posted.at - self.asked, dt.timedelta(0))


@dataclass(frozen=True)
class Thread:
    """One check-in with its replies: the digest's thread and `status`'s waiting list."""

    member: str
    period: str
    ask: str | None
    filed: dt.datetime
    responses: tuple[Response, ...]
    replies: tuple[Posted, ...]  # every reply in the history, partners' and others', by time
    referee: str | None
    verdicts: tuple[str, ...]  # per outcome under a referee: confirmed | disputed | unverified; () without
    # Ways of writing the thread out that a cache kept with it, by name (store/thread_cache.py):
    # "json" its `streaks --json` text, "digest" the digest's thread and that thread's hash.
    kept: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def answers(self) -> list[tuple[str, str, int | None]]:
        """(partner, state, how long their reply took, in whole microseconds) per response: all
        the figures read (a number, not a timedelta: 13,000 of them are summed up per run)."""
        return [(r.partner, r.state, None if r.took is None else r.took // MICROSECOND) for r in self.responses]

    def reply_times(self) -> list[tuple[str | None, float]]:
        """(author, POSIX time) of each reply, in `replies`' order: what a feed picks the newest by."""
        return [(p.reply.author, p.at.timestamp()) for p in self.replies]

    def window(self) -> dt.timedelta | None:
        """How long partners (and the referee) had to answer: the `respond_within` the thread
        was judged by, read from its responses' due time (less what `respond_by` rounded it up
        by: a duration is whole minutes); None when it asked no partner."""
        if not self.responses:
            return None
        span = self.responses[0].due - self.filed
        return span - dt.timedelta(seconds=span.seconds % 60, microseconds=span.microseconds)

    def referee_silent(self) -> bool:
        """Whether the referee replied without a verdict (the digest then shows none)."""
        return any(p.reply.author == self.referee and not p.reply.verdicts for p in self.replies)


@dataclass(frozen=True)
class ResponderFigures:
    """A member as a responder: the relationship figure beside the outcome figures."""

    member: str
    counts: Mapping[str, int]
    in_time_rate: float | None  # of the settled asks (in time, late, unanswered); None without any
    median_response: dt.timedelta | None

    def as_json(self) -> dict[str, object]:
        """The figures as `streaks --json` and digest.json carry them (hours to one decimal)."""
        median = self.median_response
        return {"counts": dict(self.counts), "answered_in_time_rate": self.in_time_rate,
                "median_response_hours": None if median is None else round(median.total_seconds() / 3600, 1)}


@dataclass(frozen=True)
class Responses:
    threads: tuple[Thread, ...]
    responders: Mapping[str, ResponderFigures]
    pact_streaks: Mapping[str, int]  # contract slug -> current run of periods answered in time

    def disputed(self) -> dict[tuple[str, str], frozenset[int]]:
        """(member, period) -> indexes of outcomes the referee disputed."""
        return {(t.member, t.period): frozenset(i for i, v in enumerate(t.verdicts) if v == DISPUTED)
                for t in self.threads if DISPUTED in t.verdicts}


def _in_force(contract: Contract, member: str, period: str) -> bool:
    cadence = periods.cadence_of(period)
    if not contract.usable or member not in contract.parties or contract.cadence is None \
            or contract.cadence.value != cadence or contract.effective is None:
        return False
    begins = periods.key_start(period, cadence)
    return _first_start(contract.effective, cadence) <= begins and (contract.until is None or begins <= contract.until)


@lru_cache(maxsize=1024)
def _first_start(effective: dt.date, cadence: str) -> dt.date:
    """The start of a contract's first period: asked once per check-in and contract."""
    return periods.key_start(periods.date_key(effective, cadence), cadence)


def judge(contracts: Mapping[str, Contract], checkins: Mapping[tuple[str, str], tuple[Checkin, dt.datetime]],
          replies: Mapping[tuple[str, str, str], Posted], now: dt.datetime, excused: Excused = NO_PAUSES) -> Responses:
    """Every committed check-in's thread as of `now`; `checkins` maps (member, period) to the
    record and the time its check-in first entered the history, `replies` (author, to, period)
    to the reply as the history first brought it, `excused` the pauses that count (core/pauses).
    Nothing after `now` is seen."""
    by_checkin: dict[tuple[str, str], list[Posted]] = {}
    for (author, to, period), posted in replies.items():
        if posted.at <= now:
            by_checkin.setdefault((to, period), []).append(posted)
    first = min((p.at for found in by_checkin.values() for p in found), default=None)
    threads = []
    for (member, period), (record, filed) in sorted(checkins.items()):
        if filed > now:
            continue
        thread, _ = judge_thread(contracts, member, period, record, filed, by_checkin.get((member, period), []),
                                 first, now, excused)
        if thread is not None:
            threads.append(thread)
    return responses_of(contracts, threads)


def judge_thread(contracts: Mapping[str, Contract], member: str, period: str, record: Checkin, filed: dt.datetime,
                 posted: list[Posted], first: dt.datetime | None, now: dt.datetime,
                 excused: Excused = NO_PAUSES) -> tuple[Thread | None, dt.datetime | None]:
    """One check-in's thread as `judge` makes it, and its due time: `posted` are the replies
    to it in the history by `now`, `first` the first reply in the journal's history by `now`,
    `excused` the pauses that count. (None, None) when no contract in force asks anything of
    the check-in."""
    terms = [c for slug, c in sorted(contracts.items())
             if _in_force(c, member, period) and (record.contract is None or record.contract == slug)]
    if not terms:
        return None, None
    due = respond_by(filed, min(c.respond_within for c in terms))
    # By time, then commit, then author (two replies in one commit): one order whoever calls.
    posted = sorted(posted, key=lambda p: (p.at, p.commit, p.reply.author or ""))
    by_author = {p.reply.author: p for p in posted}
    expected = first is not None and due >= first
    # A partner is asked under each contract that does not pause them for the period.
    partners = sorted({p for c in terms for p in c.parties
                       if p != member and not excused.covers(c.slug, p, period)}) if expected else []
    responses = tuple(_response(partner, by_author.get(partner), filed, due, now) for partner in partners)
    # A referee is not excused: verdicts are not replies owed, and a dispute counts whenever it comes.
    referee = next((c.referee for c in terms if c.referee is not None and c.referee != member), None)
    verdicts = _verdicts(len(record.outcomes), by_author.get(referee) if referee else None, due, now) \
        if referee and expected else ()
    return Thread(member, period, record.ask, filed, responses, tuple(posted), referee, verdicts), due


def respond_by(filed: dt.datetime, window: dt.timedelta) -> dt.datetime:
    """When a reply to a check-in committed at `filed` is due: `window` (the contract's
    `respond_within`) after it, rounded up to a whole minute, in `filed`'s offset. Every time
    is shown to the minute, and a digest built without --now reads the clock as the minute's
    last second (digest/committed.minute_clock): a deadline within a minute would make it
    call a reply unanswered before `status` does."""
    due = filed + window
    if due.second or due.microsecond:
        due = due.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return due


def thread_window(filed: dt.datetime, due: dt.datetime | None, replied: list[dt.datetime],
                  now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The window [start, end) of instants around `now` in which `judge_thread`, given the same
    check-in, contracts, replies and first reply, makes the same thread: it compares `now` only
    with the check-in's time (`filed`), its `due` time and the times of the replies to it
    (`replied`, those after `now` included). None: unbounded on that side."""
    # A response is unanswered only once `now` is past `due` (a reply at it comes in time): that
    # comparison flips at the instant after it, the next a datetime holds.
    edges = [filed, *replied, *([due, due + periods.INSTANT] if due is not None else [])]
    start = max((e for e in edges if e <= now), default=None)
    end = min((e for e in edges if e > now), default=None)
    return start, end


def responses_of(contracts: Mapping[str, Contract], threads: list[Thread]) -> Responses:
    """The threads (in (member, period) order) with their responder figures and pact reply streaks."""
    return Responses(tuple(threads), *Tally.of(contracts, threads).figures())


def _response(partner: str, posted: Posted | None, asked: dt.datetime, due: dt.datetime,
              now: dt.datetime) -> Response:
    if posted is not None:
        state = IN_TIME if posted.at <= due else LATE
    else:
        # Unanswered only after `due`: a reply at that instant still comes in time.
        state = UNANSWERED if now > due else WAITING
    return Response(partner, state, asked, due, posted)


def _verdicts(outcomes: int, posted: Posted | None, due: dt.datetime, now: dt.datetime) -> tuple[str, ...]:
    given = posted.reply.verdicts if posted is not None else ()
    found = []
    for i in range(outcomes):
        verdict = given[i].verdict if i < len(given) else None
        if verdict is not None and posted is not None and (verdict is Verdict.DISPUTED or posted.at <= due):
            found.append(verdict.value)  # a dispute counts whenever it comes; a confirmation only in time
        else:
            found.append(UNVERIFIED if now > due or verdict is not None else "")
    return tuple(found)


Answers = list[tuple[str, str, int | None]]  # Thread.answers(): (partner, state, microseconds taken)


class Tally:
    """The responder figures and pact reply streaks of a set of threads, kept as sums of their
    answers (Thread.answers) so that a thread can be taken out as well as put in: a new reply
    changes the figures by what its own thread changes (store/thread_plan.py keeps a tally).
    Equal sets of threads give equal figures, in whatever order they were added or taken out."""

    def __init__(self, contracts: Mapping[str, Contract]) -> None:
        self.contracts = contracts
        self.counts: dict[str, dict[str, int]] = {}  # responder -> state -> answers
        self.took: dict[str, list[int]] = {}  # responder -> microseconds each reply took, in no order
        # Contract -> period -> [answers of its parties, in time, late or unanswered], for the
        # periods it is in force in: its reply streak.
        self.asked: dict[str, dict[str, list[int]]] = {}
        self._pacts: dict[str, list[tuple[str, Contract]]] = {}  # member -> the contracts they are party to
        self._holds: dict[tuple[str, str], bool] = {}  # (contract, period) -> in force then (parties aside)

    @classmethod
    def of(cls, contracts: Mapping[str, Contract], threads: Iterable[Thread]) -> Tally:
        """The tally of `threads`, each counted in once."""
        tally = cls(contracts)
        for t in threads:
            tally.add(t.member, t.period, t.answers())  # once per thread: a kept thread decodes them
        return tally

    def add(self, member: str, period: str, answers: Answers, sign: int = 1) -> None:
        """Count one thread's answers in (`sign` 1) or out (-1). Raises ValueError when taking
        out a reply time that is not counted in."""
        for partner, state, spent in answers:
            mine = self.counts.get(partner)
            if mine is None:
                mine = self.counts[partner] = dict.fromkeys(RESPONSE_STATES, 0)
            mine[state] += sign
            if spent is not None:
                if sign > 0:
                    self.took.setdefault(partner, []).append(spent)
                else:
                    self.took.get(partner, []).remove(spent)
        pacts = self._pacts.get(member)
        if pacts is None:
            pacts = self._pacts[member] = [(slug, c) for slug, c in sorted(self.contracts.items())
                                           if member in c.parties]
        for slug, contract in pacts:
            holds = self._holds.get((slug, period))
            if holds is None:
                holds = self._holds[(slug, period)] = _in_force(contract, member, period)
            if not holds:
                continue
            row = self.asked.setdefault(slug, {}).setdefault(period, [0, 0, 0])
            for partner, state, _ in answers:
                if partner in contract.parties:
                    row[0] += sign
                    if state == IN_TIME:
                        row[1] += sign
                    elif state == LATE or state == UNANSWERED:
                        row[2] += sign

    def figures(self) -> tuple[dict[str, ResponderFigures], dict[str, int]]:
        """(responder figures by member, pact reply streak by contract slug). Raises ValueError
        for a count below zero (a thread taken out that was never counted in)."""
        responders = {}
        for member, c in sorted(self.counts.items()):
            if min(c.values()) < 0:
                raise ValueError("a thread taken out that was not counted in")
            if not any(c.values()):
                continue  # every thread that asked them was taken out
            settled = c[IN_TIME] + c[LATE] + c[UNANSWERED]
            times = self.took.get(member)
            responders[member] = ResponderFigures(member, dict(c), c[IN_TIME] / settled if settled else None,
                                                  _span(statistics.median(times)) if times else None)
        streaks = {}
        for slug in sorted(self.contracts):
            run = 0
            for _, (answers, in_time, missed) in sorted(self.asked.get(slug, {}).items()):
                if min(answers, in_time, missed) < 0:
                    raise ValueError("a thread taken out that was not counted in")
                if missed:
                    run = 0
                elif answers and in_time == answers:
                    run += 1  # a period that asked nothing of anyone (before replies began) is skipped
            streaks[slug] = run
        return responders, streaks

    def plain(self) -> list[Any]:
        """The sums as plain data (for a cache), read back by `restore`."""
        return [self.counts, self.took, self.asked]

    @classmethod
    def restore(cls, contracts: Mapping[str, Contract], plain: Any) -> Tally | None:
        """The tally `plain()` gave, for the same contracts; None for anything of another shape."""
        if type(plain) is not list or len(plain) != 3 or not all(type(part) is dict for part in plain):
            return None
        counts, took, asked = plain
        if not all(type(m) is str and type(c) is dict and list(c) == list(RESPONSE_STATES)
                   and set(map(type, c.values())) <= {int} for m, c in counts.items()):
            return None
        if not all(type(m) is str and type(t) is list and set(map(type, t)) <= {int} for m, t in took.items()):
            return None
        if not all(type(slug) is str and type(rows) is dict
                   and all(type(p) is str and type(r) is list and len(r) == 3 and set(map(type, r)) <= {int}
                           for p, r in rows.items()) for slug, rows in asked.items()):
            return None
        tally = cls(contracts)
        tally.counts, tally.took, tally.asked = counts, took, asked
        return tally


def _span(microseconds: float) -> dt.timedelta:
    """A median of microseconds as a timedelta: half a microsecond (the mean of two middle
    values) rounds half to even, as the median of the timedeltas themselves would."""
    return dt.timedelta(microseconds=microseconds)


def waiting_on(responses: Responses, me: str, latest: Mapping[str, str]) -> list[tuple[Thread, Response]]:
    """The asks `me` has not answered yet, among each partner's latest check-in (`latest`:
    member -> their latest committed period); older asks stay unanswered in the figures."""
    return [(t, r) for t in responses.threads if latest.get(t.member) == t.period
            for r in t.responses if r.partner == me and r.state in (WAITING, UNANSWERED)]
