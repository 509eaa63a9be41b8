"""The one builder from entries to the typed model (core/model), and its fallback policy.

Entries reach the builder validated or not (the digest reads HEAD, which `--no-verify`
may have filled with anything), so every field has one rule here for when it is
unusable: wrong-typed text becomes "" (titles: the entry's id), wrong-typed lists and
mappings lose their unusable items, unparseable dates and durations fall back to the
schema's DEFAULTS or None. Nothing above core reads front matter; it reads these records.

`hidden` names fields treated as absent: the digest's `digest.private` list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeVar

from journal.core import layout, periods
from journal.core.entries import Entry
from journal.core.model import (
    Cadence,
    Checkin,
    Commitment,
    Config,
    Contract,
    DigestSettings,
    Goal,
    GoalStatus,
    Measure,
    Member,
    Milestone,
    Outcome,
    OutcomeStatus,
    Pause,
    Reply,
    Stakes,
    Verdict,
    VerdictItem,
    stem,
)
from journal.core.journal_index import Journal
from journal.core.journal_index import checkin_key as checkin_key  # (member, period) of a check-in, for the layers above
from journal.core.schema import DEFAULTS, checkin_period, member_zone, parse_date, parse_number
from journal.core.streaks import ContractTerms, TermsInForce
from journal.core.streaks import Pause as StreakPause

E = TypeVar("E")
PauseKey = tuple[str, str, str, str]  # (contract, member, from, to)
NO_FIELDS: frozenset[str] = frozenset()


# --- the fallback policy, field type by field type --------------------------------------


def text(value: Any) -> str:
    """Text as written; "" for nothing, a list or a mapping (numbers read as their digits)."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)


def number(value: Any) -> float | None:
    """A finite number of sane size (see schema.parse_number); None otherwise."""
    return parse_number(value)


def texts(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def mappings(value: Any) -> list[dict[Any, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _enum(kind: type[E], value: Any) -> E | None:
    # The table `kind(value)` looks in first (these enums have no `_missing_`), without the
    # call and the exception for an unknown value: read for every verdict and outcome.
    return kind._value2member_map_.get(value) if isinstance(value, str) else None  # type: ignore[attr-defined]


def _duration(value: Any, default: dt.timedelta | None) -> dt.timedelta | None:
    if value is None:
        return default
    try:
        return periods.parse_duration(str(value))
    except ValueError:
        return default


def _public(data: Mapping[str, Any], hidden: frozenset[str]) -> Mapping[str, Any]:
    return {k: v for k, v in data.items() if k not in hidden} if hidden else data


# --- one builder per kind ----------------------------------------------------------------


def config(data: Mapping[str, Any] | None) -> Config:
    """journal.yaml as a record (an empty one when there is no usable journal.yaml)."""
    data = data if isinstance(data, Mapping) else {}
    roster = data.get("members")
    members: dict[str, Member] = {}
    for mid, info in roster.items() if isinstance(roster, dict) else ():
        if not isinstance(mid, str):
            continue
        info = info if isinstance(info, dict) else {}
        name = info.get("name")
        members[mid] = Member(mid, name if isinstance(name, str) else mid, texts(info.get("emails")),
                              member_zone(info.get("timezone")))
    digest = data.get("digest") if isinstance(data.get("digest"), dict) else {}
    commit = digest.get("commit", DEFAULTS["config"]["digest.commit"])
    settings = DigestSettings(
        out=digest.get("out") if isinstance(digest.get("out"), str) else None,
        branch=digest.get("branch") if isinstance(digest.get("branch"), str) else None,
        private=texts(digest.get("private")),
        commit=None if commit is False or commit is None else str(commit),
    )
    title = data.get("title")
    return Config(title if isinstance(title, str) else "", members, settings)


def contract(slug: str, entry: Entry | None, hidden: frozenset[str] = NO_FIELDS, *,
             data: Mapping[str, Any] | None = None) -> Contract:
    """A contract as a record, from its entry (or from front matter alone, as history reads
    old blobs); `usable` says whether streaks can be judged under it."""
    data = _public(entry.data if entry is not None else (data or {}), hidden)
    defaults = DEFAULTS["contract"]
    raw_cadence = data.get("cadence", defaults["cadence"])
    cadence = _enum(Cadence, raw_cadence)
    due_text = data.get("due")
    due = None
    if cadence is not None:
        try:
            due = periods.parse_due(str(due_text or defaults[f"due.{cadence.value}"]), cadence.value)
        except ValueError:
            due = None
    stakes = data.get("stakes")
    style = data.get("style")
    return Contract(
        slug=slug, path=entry.path if entry is not None else "", title=text(data.get("title")) or slug,
        parties=texts(data.get("parties")), parties_listed=isinstance(data.get("parties"), list),
        effective=parse_date(data.get("effective")),
        until=parse_date(data.get("until")), cadence=cadence, due=due,
        due_text=text(due_text) or None,
        grace=_duration(data.get("grace"), periods.parse_duration(defaults["grace"])) or dt.timedelta(0),
        notice=_duration(data.get("notice"), periods.parse_duration(defaults["notice"])) or dt.timedelta(0),
        review_every=_duration(data.get("review_every"), None),
        style={m: s for m, s in style.items() if isinstance(m, str) and isinstance(s, str) and s}
        if isinstance(style, dict) else {},
        stakes=Stakes(number(stakes.get("per_miss")), text(stakes.get("currency")) or None,
                      text(stakes.get("to")) or None) if isinstance(stakes, dict) and stakes else None,
        pauses=tuple(_pauses(data.get("pauses"))),
        private=data.get("private") is True,
        cadence_text=text(data.get("cadence")),
        review_every_text=text(data.get("review_every")),
        respond_within=_duration(data.get("respond_within"), periods.parse_duration(
            defaults[f"respond_within.{(cadence or Cadence.WEEKLY).value}"])) or dt.timedelta(0),
        referee=data.get("referee") if layout.is_slug(data.get("referee")) else None,
    )


def _pauses(raw: Any) -> list[Pause]:
    found = []
    for item in mappings(raw):
        start, end, member = parse_date(item.get("from")), parse_date(item.get("to")), item.get("member")
        if start and end and isinstance(member, str):
            reason = item.get("reason")
            found.append(Pause(member, start, end, reason if isinstance(reason, str) else ""))
    return found


def goal(goal_id: str, entry: Entry | None, hidden: frozenset[str] = NO_FIELDS, *,
         data: Mapping[str, Any] | None = None) -> Goal:
    """A goal as a record, from its entry (or from front matter alone, as the hooks read blobs)."""
    data = _public(entry.data if entry is not None else (data or {}), hidden)
    owner = data.get("owner")
    measure = data.get("measure")
    status = data.get("status")
    return Goal(
        id=goal_id, path=entry.path if entry is not None else "", title=text(data.get("title")) or goal_id,
        owners=(owner,) if isinstance(owner, str) else texts(owner),
        status=_enum(GoalStatus, status), status_text=text(status),
        started=parse_date(data.get("started")), deadline=parse_date(data.get("deadline")),
        measure=Measure(text(measure.get("metric")), text(measure.get("per")) or None, number(measure.get("target")))
        if isinstance(measure, dict) else None,
        milestones=tuple(Milestone(text(m.get("title")), parse_date(m.get("due")), parse_date(m.get("done")),
                                   m.get("done") is not None)
                         for m in mappings(data.get("milestones"))),
        tags=texts(data.get("tags")),
        contract=data.get("contract") if layout.is_slug(data.get("contract")) else None,
        private=data.get("private") is True,
        body=entry.body if entry is not None else "",
    )


# checkin() of an entry, by (id of the entry, hidden fields): the standing, the threads, the
# overview and the feed each ask for every check-in of the journal. The entry is kept with
# its record, so an id reused by a later object is never mistaken for it.
_CHECKIN_RECORDS: dict[tuple[int, frozenset[str]], tuple[Entry, Checkin]] = {}
_MAX_CHECKIN_RECORDS = 65536


def checkin(entry: Entry | None, hidden: frozenset[str] = NO_FIELDS, *,
            data: Mapping[str, Any] | None = None, path: str = "") -> Checkin:
    """A check-in as a record; outcomes and commitments without a commitment text are dropped."""
    if entry is None or data is not None:
        return _checkin(entry, hidden, data=data, path=path)
    key = (id(entry), hidden)
    found = _CHECKIN_RECORDS.get(key)
    if found is not None and found[0] is entry:
        return found[1]
    if len(_CHECKIN_RECORDS) >= _MAX_CHECKIN_RECORDS:
        _CHECKIN_RECORDS.clear()
    record = _checkin(entry, hidden)
    _CHECKIN_RECORDS[key] = (entry, record)
    return record


def _checkin(entry: Entry | None, hidden: frozenset[str] = NO_FIELDS, *,
             data: Mapping[str, Any] | None = None, path: str = "") -> Checkin:
    data = _public(entry.data if entry is not None else (data or {}), hidden)
    period = checkin_period(data)
    metrics = data.get("metrics")
    energy = data.get("energy")
    ask = data.get("ask")
    return Checkin(
        path=entry.path if entry is not None else path,
        member=data.get("member") if isinstance(data.get("member"), str) else None,
        period=period if periods.cadence_of(period) is not None else None,
        contract=data.get("contract") if isinstance(data.get("contract"), str) else None,
        outcomes=tuple(Outcome(text(o["commitment"]), _ref(o.get("goal")), _enum(OutcomeStatus, o.get("status")),
                               text(o.get("status")), text(o.get("note")))
                       for o in mappings(data.get("outcomes")) if o.get("commitment") is not None),
        # Numbers as written (30 stays 30, not 30.0: digest.json shows them).
        metrics={g: v for g, v in metrics.items() if isinstance(g, str) and number(v) is not None}
        if isinstance(metrics, dict) else {},
        commitments=tuple(Commitment(text(c["commitment"]), _ref(c.get("goal")), text(c.get("note")))
                          for c in mappings(data.get("commitments")) if c.get("commitment") is not None),
        energy=energy if isinstance(energy, int) and not isinstance(energy, bool) else None,
        ask=text(ask) or None,
        private=data.get("private") is True,
        body=entry.body if entry is not None else "",
    )


def reply(entry: Entry | None, hidden: frozenset[str] = NO_FIELDS, *,
          data: Mapping[str, Any] | None = None, path: str = "") -> Reply:
    """A reply as a record; `hidden` fields (the digest's private list) read as absent."""
    data = _public(entry.data if entry is not None else (data or {}), hidden)
    period, kudos = data.get("period"), data.get("kudos")
    return Reply(
        path=entry.path if entry is not None else path,
        author=data.get("author") if layout.is_slug(data.get("author")) else None,
        to=data.get("to") if layout.is_slug(data.get("to")) else None,
        period=period if periods.cadence_of(period) is not None else None,
        answer=text(data.get("answer")) or None,
        kudos=kudos if isinstance(kudos, int) and not isinstance(kudos, bool) and kudos >= 1
        else (text(kudos) or None),
        verdicts=tuple(VerdictItem(_enum(Verdict, v.get("verdict")), text(v.get("note")))
                       for v in mappings(data.get("verdicts"))),
        private=data.get("private") is True,
        body=entry.body if entry is not None else "",
    )


def is_private(entry: Entry | None) -> bool:
    """`private: true`: the entry is never published (a missing entry counts as private)."""
    return entry is None or entry.head.private


def _ref(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def goal_id(entry: Entry) -> str:
    return stem(entry.path)


# --- a whole journal ---------------------------------------------------------------------


def journal_config(journal: Journal) -> Config:
    """The journal's Config (an empty one without a usable journal.yaml)."""
    return config(journal.config.data if journal.config is not None else None)


def members(journal: Journal) -> dict[str, Member]:
    """Member id -> Member, in roster order."""
    return dict(journal_config(journal).members)


def unknown_zones(journal: Journal) -> list[str]:
    """Ids of the members whose `timezone` names a zone this machine cannot load: `zone`
    reads them as UTC, which the commands must say."""
    roster = journal.config.data.get("members") if journal.config is not None else None
    found = []
    for mid, member in members(journal).items():
        raw = roster.get(mid) if isinstance(roster, dict) else None
        name = raw.get("timezone") if isinstance(raw, dict) else None
        if isinstance(name, str) and name and name != member.tz.key:
            found.append(mid)
    return found


def contracts(journal: Journal, hidden: frozenset[str] = NO_FIELDS) -> dict[str, Contract]:
    """Every contract by slug, sorted."""
    return {slug: contract(slug, entry, hidden) for slug, entry in sorted(journal.contracts.items())}


def goals(journal: Journal, hidden: frozenset[str] = NO_FIELDS) -> dict[str, Goal]:
    """Every goal by id, sorted."""
    return {gid: goal(gid, entry, hidden) for gid, entry in sorted(journal.goals.items())}


def checkins(journal: Journal, member: str, hidden: frozenset[str] = NO_FIELDS) -> list[Checkin]:
    """A member's check-ins, oldest period first."""
    return [checkin(entry, hidden) for _, entry in journal.checkins.get(member, [])]


def replies(journal: Journal, hidden: frozenset[str] = NO_FIELDS) -> list[Reply]:
    """Every reply whose file name can be read, by (period, partner, author)."""
    return [reply(entry, hidden) for _, entry in sorted(journal.replies.items())]


def contract_terms(journal: Journal, announced: Mapping[PauseKey, dt.datetime]) -> tuple[list[ContractTerms], list[str]]:
    """Every usable contract as ContractTerms; contracts too broken to use are named in warnings."""
    terms: list[ContractTerms] = []
    warnings: list[str] = []
    for slug, c in contracts(journal).items():
        if not c.parties_listed or c.effective is None or c.cadence is None:
            warnings.append(f"{c.path}: skipped (needs valid effective, cadence and parties; run `journal check`)")
            continue
        if c.due is None:
            warnings.append(f"{c.path}: skipped (invalid due; run `journal check`)")
            continue
        pauses = tuple(StreakPause(p.member, p.start, p.end, announced.get((slug, p.member, str(p.start), str(p.end))),
                                   p.reason) for p in c.pauses)
        terms.append(_terms(slug, c, pauses))
    return terms, warnings


def _terms(slug: str, c: Contract, pauses: tuple[StreakPause, ...]) -> ContractTerms:
    assert c.effective is not None and c.cadence is not None and c.due is not None  # callers check c.usable
    return ContractTerms(
        slug=slug, parties=c.parties, effective=c.effective, until=c.until, cadence=c.cadence.value,
        due=c.due, grace=c.grace, notice=c.notice,
        per_miss=c.stakes.per_miss or 0.0 if c.stakes is not None else 0.0,
        review_every=c.review_every, pauses=pauses,
    )


# What of a contract decides verdicts and stakes: the history keeps each committed version
# of these (pauses are read from today's contract, with the time each was announced).
TERMS_FIELDS = ("parties", "effective", "until", "cadence", "due", "grace", "notice", "stakes")


def terms_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The verdict terms of a contract's front matter, as written (of `stakes` only `per_miss`)."""
    found = {key: data[key] for key in TERMS_FIELDS if key in data}
    if "stakes" in found:
        stakes = found["stakes"]
        found["stakes"] = {"per_miss": stakes.get("per_miss")} if isinstance(stakes, dict) and stakes else None
    return found


def terms_in_force(today: list[ContractTerms], versions: Mapping[str, tuple[tuple[dt.datetime, Contract], ...]]
                   ) -> list[TermsInForce]:
    """Today's contracts through their committed history, oldest first (see streaks.TermsInForce).

    `versions` holds each contract's committed terms by slug, oldest first, from the author
    time it came in. A contract's first version also stands for the time before it; an
    unusable version leaves the one before in force. Empty when nothing was committed."""
    timelines: dict[str, list[tuple[dt.datetime | None, ContractTerms]]] = {}
    for t in today:
        # Pauses and review dates are today's (review-due is a flag of the current period).
        usable = [(at, replace(_terms(t.slug, c, t.pauses), review_every=t.review_every))
                  for at, c in versions.get(t.slug, ()) if c.usable]
        timelines[t.slug] = usable or [(None, t)]
    if not any(at is not None for timeline in timelines.values() for at, _ in timeline):
        return []
    instants = sorted({at.astimezone(dt.UTC) for timeline in timelines.values() for at, _ in timeline[1:]
                       if at is not None})
    found = []
    for since in [None, *instants]:
        in_force = []
        for timeline in timelines.values():
            chosen = timeline[0][1]
            for at, terms in timeline[1:]:
                if at is not None and since is not None and at <= since:
                    chosen = terms
            in_force.append(chosen)
        found.append(TermsInForce(since, tuple(in_force)))
    return found


def outcomes(journal: Journal, member: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """period -> ((commitment, status as written), ...) from the member's check-ins."""
    return {period: tuple((o.commitment, o.status_text) for o in checkin(entry).outcomes)
            for period, entry in journal.checkins.get(member, [])}


def commitments(entry: Entry | None) -> list[str]:
    """The commitment texts of a check-in (none for no check-in)."""
    return [c.commitment for c in checkin(entry).commitments] if entry is not None else []
