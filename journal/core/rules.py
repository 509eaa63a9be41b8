"""Rules over one entry and across entries; returns Problems, never prints."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from journal.core import layout, periods
from journal.core import problems as P
from journal.core.entries import Entry, read_entry
from journal.core.journal_index import Journal
from journal.core.problems import Problem
from journal.core.reply_groups import Kept, judged_by_group
from journal.core.schema import (
    checkin_period,
    checkin_period_key,
    due_any_cadence,
    email_key,
    member_zone,
    parse_date,
    valid_week,
    validate,
)

_NUMBER_WORDS = ("once twice thrice one two three four five six seven eight nine ten eleven twelve "
                 "fifteen twenty thirty forty fifty hundred half dozen daily nightly every each weekly "
                 "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
                 "weekday weekdays weekend morning mornings evening evenings tonight tomorrow noon midnight").split()
_MEASURABLE = re.compile(r"\d|\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.I)


@dataclass(frozen=True)
class CheckResult:
    problems: list[Problem]
    entries: int


def is_vague(commitment: str) -> bool:
    """A commitment with no number, time or day in it cannot be checked next week."""
    return _MEASURABLE.search(commitment) is None


def _norm(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def load_entries(files: Mapping[str, bytes]) -> tuple[dict[str, Entry], list[Problem]]:
    entries: dict[str, Entry] = {}
    problems: list[Problem] = []
    for path, data in files.items():
        kind = layout.entry_kind(path)
        if kind is None:
            continue
        result = read_entry(path, kind, data)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            entries[path] = result
    return entries, problems


def check_files(files: Mapping[str, bytes], only: Iterable[str] | None = None) -> CheckResult:
    """Check every journal file in `files` (path -> bytes), reporting on `only` if given."""
    entries, problems = load_entries(files)
    return check_entries(entries, problems, [p for p in files if layout.entry_kind(p) is not None], only)


#: An entry's own judgment as plain data (what a cache keeps): its problems as
#: (line, column, severity, code, message) and its references as (kind, value, keypath).
Local = tuple[list[tuple[int, int, str, str, str]], list[tuple[str, str, tuple[str | int, ...]]]]


def local_key(entry: Entry) -> str | None:
    """What an entry's own judgment (`local_rules`) is a function of, hashed: its kind, path
    and front matter as written. None for journal.yaml, whose time zones are judged against
    this machine's zone data, so its judgment is not the text's alone."""
    if entry.kind == "config":
        return None
    text = f"{entry.kind}\0{entry.path}\0{entry.yaml_line}\0{entry.yaml_text}"
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def local_rules(entry: Entry) -> Local:
    """The rules that read this entry alone (the schema, its file name, dates in order),
    with the names it refers to. Nothing here may look at another entry: a cached result
    of this, keyed by `local_key`, stands in for running it again."""
    problems, refs = validate(entry)
    out = _Out(entry, problems)
    if entry.kind == "checkin":
        _checkin_name_rules(out)
    elif entry.kind == "reply":
        _reply_name_rules(out)
    elif entry.kind == "goal":
        _goal_rules(out)
    elif entry.kind == "contract":
        _contract_rules(out)
    elif entry.kind == "config":
        _config_rules(out)
    if entry.kind in ("goal", "contract"):
        stem = PurePosixPath(entry.path).stem
        if not layout.is_slug(stem):
            out.add((), P.PATH, f"file name '{stem}' is not an id (lowercase letters, digits and dashes, "
                                f"at most {layout.MAX_ID})")
    return ([(p.line, p.column, p.severity, p.code, p.message) for p in out.problems],
            [(r.kind, r.value, r.keypath) for r in refs])


def check_entries(entries: Mapping[str, Entry], read_problems: list[Problem], paths: Iterable[str],
                  only: Iterable[str] | None = None, goal_ids: Iterable[str] = (),
                  known: MutableMapping[str, Local] | None = None, kept: Kept | None = None) -> CheckResult:
    """The rules over parsed entries; `paths` are all journal files, `only` those to report on.

    `known` holds entries' own judgments by `local_key` (a cache): those found there are
    not judged again, and those judged here are added to it. The rules across entries run
    every time, over the plain data, except for replies found in `kept.groups` (a whole
    check only): their problems are a function of the inputs the group's key names."""
    paths = set(paths)
    journal = Journal(entries, goal_ids, unreadable=paths - entries.keys())
    problems = list(read_problems)
    wanted = set(only) if only is not None else None
    judged: set[str] = set()
    if wanted is None and kept is not None and kept.groups is not None:
        judged = judged_by_group(entries, journal.checkins, [e.path for e in journal.contracts.values()],
                                 journal.unreadable, kept, lambda path: check_entry(entries[path], journal), problems)
    for path, entry in entries.items():
        if (wanted is None or path in wanted) and path not in judged:
            problems.extend(check_entry(entry, journal, known))
    if wanted is not None:
        problems = [p for p in problems if p.path in wanted]
        count = len(wanted & paths)
    else:
        count = len(paths)
    return CheckResult(P.sort_problems(problems), count)


def stray_problems(paths: Iterable[str]) -> list[Problem]:
    """A warning for each file in an entry folder that looks written as an entry but is none
    (core/layout.is_stray): nothing reads it, so nothing in it counts (see `stray_reason`)."""
    return [Problem(path, 1, 1, P.WARNING, P.NOT_AN_ENTRY, f"not read as an entry: {stray_reason(path)}")
            for path in paths]


def stray_reason(path: str) -> str:
    """Why a stray (core/layout.is_stray) is no entry. The advice names no file to move it to:
    one may be there already, or be refused for its name."""
    top, _, rest = path.partition("/")
    if "/" in rest and top in (layout.GOALS, layout.CONTRACTS):  # goals/2026/swim.md
        kind = next(kind for kind, folder in layout.FOLDER_OF.items() if folder == top)
        return f"{top}/ holds no folders; a {kind} is {top}/<id>.md"
    return "entries end in .md, in lowercase"  # swim.MD, swim.markdown


def too_early_problems(config: Entry | None, checkins: Iterable[Entry], at: datetime) -> list[Problem]:
    """An error for each check-in whose period has not begun at `at` (aware), the author time
    of the commit about to bring it, in its member's zone as `config` (journal.yaml) names it
    (core/periods.not_begun): that commit would make it count as too early, for good, so the
    pre-commit hook blocks it (`--no-verify` commits it all the same). The zone is the
    member's now; a zone changed since is not looked at."""
    roster = config.data.get("members") if config is not None else None
    if not isinstance(roster, dict):
        return []
    problems = []
    for entry in checkins:
        member, period = entry.data.get("member"), checkin_period(entry.data)
        info = roster.get(member) if isinstance(member, str) else None
        if not isinstance(period, str) or not isinstance(info, dict):
            continue
        if periods.not_begun(period, at, member_zone(info.get("timezone"))):
            line, column = entry.position(("week" if "week" in entry.data else "date",))
            problems.append(Problem(entry.path, line, column, P.ERROR, P.TOO_EARLY,
                                    periods.too_early_words(period, member)))
    return problems


def check_entry(entry: Entry, journal: Journal, known: MutableMapping[str, Local] | None = None) -> list[Problem]:
    """One entry's problems: its own (from `known` when there, see check_entries) and those
    against the rest of the journal."""
    key = local_key(entry) if known is not None else None
    found = known.get(key) if known is not None and key is not None else None
    if found is None:
        found = local_rules(entry)
        if known is not None and key is not None:
            known[key] = found
    own, refs = found
    out = _Out(entry, [Problem(entry.path, *p) for p in own])
    for kind, value, keypath in refs:
        _check_ref(out, kind, value, keypath, journal)
    if entry.kind == "checkin":
        _checkin_rules(out, journal)
    elif entry.kind == "reply":
        _reply_rules(out, journal)
    return out.problems


class _Out:
    def __init__(self, entry: Entry, problems: list[Problem]) -> None:
        self.entry, self.problems = entry, problems

    def add(self, keypath: tuple[str | int, ...], code: str, message: str, *, key: bool = False,
            severity: str = P.ERROR) -> None:
        line, col = self.entry.position(keypath, key=key)
        self.problems.append(Problem(self.entry.path, line, col, severity, code, message))


def _check_ref(out: _Out, kind: str, value: str, keypath: tuple[str | int, ...], journal: Journal) -> None:
    if kind == "member":
        if out.entry.kind == "config" or not journal.roster_ok or value in journal.members:
            return
        known: Iterable[str] = journal.members
    elif kind == "goal":
        if value in journal.goal_ids or f"goals/{value}.md" in journal.unreadable:
            return
        known = journal.goal_ids
    else:
        if value in journal.contracts or f"contracts/{value}.md" in journal.unreadable:
            return
        known = journal.contracts
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    where = {"member": "journal.yaml members", "goal": "goals/", "contract": "contracts/"}[kind]
    is_key = kind == "goal" and keypath[:1] == ("metrics",) or keypath[:1] == ("style",)
    out.add(keypath, P.REFERENCE, f"unknown {kind} '{value}'{hint}; not in {where}", key=is_key)


def _checkin_name_rules(out: _Out) -> None:
    data, path = out.entry.data, out.entry.path
    member = data.get("member")
    period = checkin_period(data)
    name = layout.parse_checkin_name(path)
    # A readable period, under the key of its kind (`week: 2026-12-09` is the schema's error).
    cadence = periods.cadence_of(period)
    readable = (isinstance(member, str) and layout.is_slug(member) and cadence is not None
                and (cadence == periods.WEEKLY) == (checkin_period_key(data) == "week"))
    if name is None:
        # Where it belongs, when its front matter says (W52-alice.md, 2026-W52_alice.md).
        where = f": this one belongs at {layout.checkin_path(period, member)}" if readable else ""
        out.add((), P.PATH, f"check-in file name must be <YYYY-Www or YYYY-MM-DD>-<member>.md{where}")
    elif readable:
        # An unreadable period is the schema's error (week/date); comparing it would only echo it.
        if name.member != member:
            out.add(("member",), P.PATH, f"file name says member '{name.member}' but the entry says '{member}'")
        if name.period != period:
            field = checkin_period_key(data)
            where = f": if the entry is right, it belongs at {layout.checkin_path(period, member)}" \
                if name.member == member else ""
            named = periods.cadence_of(name.period)
            if named not in (None, cadence):
                # A week in the name, a day in the entry (or the other way): the contract's
                # cadence decides which is right (a `cadence` warning says so when the entry is not).
                other = "week" if named == periods.WEEKLY else "date"
                where += f"; if the file name is right, write `{other}: {name.period}` instead of `{field}:`"
            out.add((field,), P.PATH, f"file name says period '{name.period}' but the entry says '{period}'{where}")
        elif path != layout.checkin_path(period, member) and name.member == member:
            out.add((), P.PATH, f"check-in belongs at {layout.checkin_path(period, member)}")


def _checkin_rules(out: _Out, journal: Journal) -> None:
    data = out.entry.data
    member = data.get("member")
    period = checkin_period(data)
    if not isinstance(member, str) or member not in journal.members:
        return
    contract = data.get("contract")
    if isinstance(contract, str) and contract in journal.contracts:
        if member not in journal.parties(contract):
            out.add(("contract",), P.PARTY, f"'{member}' is not a party to contract '{contract}'")
    elif contract is None and journal.contracts and not any(member in journal.parties(c) for c in journal.contracts):
        out.add(("member",), P.PARTY, f"'{member}' is not a party to any contract; add them to a contract's parties")
    _cadence_rule(out, journal, member, period)
    _commitment_rules(out, journal, member, period)


def _cadence_rule(out: _Out, journal: Journal, member: str, period: Any) -> None:
    """A check-in's period is of the cadence of a contract it can count under (its own
    `contract:`, else every contract the member is a party to): a dated check-in under weekly
    contracts only, or a weekly one under daily contracts only, counts for nothing. A
    warning, and only for a check-in later than the member's latest of the contracts'
    cadence: the check-ins filed before a contract's cadence changed are as they were."""
    cadence = periods.cadence_of(period)
    field = checkin_period_key(out.entry.data)
    if cadence != (periods.WEEKLY if field == "week" else periods.DAILY):
        return  # none, or a date under `week:` (a week under `date:`): the schema says what is wrong
    contract = out.entry.data.get("contract")
    if contract is not None:
        if not isinstance(contract, str) or contract not in journal.contracts:
            return  # the reference rule says what is wrong with it
        slugs = [contract]
    else:
        slugs = [c for c in sorted(journal.contracts) if member in journal.parties(c)]
    cadences = {slug: c for slug in slugs
                if (c := journal.contracts[slug].data.get("cadence")) in (periods.WEEKLY, periods.DAILY)}
    if not cadences or cadence in cadences.values():
        return
    other = next(iter(cadences.values()))
    begins = periods.key_start(period, cadence)
    latest = journal.latest_period(member, other)
    if latest is not None and periods.key_start(latest, other) >= begins:
        return  # filed before a later check-in of the contracts' cadence: before a change of cadence
    if other == periods.WEEKLY:
        week = periods.date_key(begins, periods.WEEKLY)
        fix = f"; name the period with week: {week}" if valid_week(week) else ""
    else:
        fix = "; name the period with date: YYYY-MM-DD"
    named = ", ".join(f"'{slug}'" for slug in cadences)
    out.add((field,), P.CADENCE, f"a {cadence} check-in, but {named} {'is' if len(cadences) == 1 else 'are'} "
            f"{other}: it counts for nothing{fix}", severity=P.WARNING)


def _reply_name_rules(out: _Out) -> None:
    """The file name agrees with the front matter."""
    data, path = out.entry.data, out.entry.path
    author, to, period = data.get("author"), data.get("to"), data.get("period")
    name = layout.parse_reply_name(path)
    readable = layout.is_slug(author) and layout.is_slug(to) and periods.cadence_of(period) is not None
    if name is None:
        where = f": this one belongs at {layout.reply_path(period, author, to)}" if readable else ""
        out.add((), P.PATH, f"reply file name must be <YYYY-Www or YYYY-MM-DD>-<author>-to-<member>.md{where}")
    elif readable:
        for field, said in (("period", name.period), ("author", name.author), ("to", name.to)):
            if said != data[field]:
                out.add((field,), P.PATH, f"file name says {field} '{said}' but the entry says '{data[field]}'")
        if (name.period, name.author, name.to) == (period, author, to) and path != layout.reply_path(period, author, to):
            out.add((), P.PATH, f"reply belongs at {layout.reply_path(period, author, to)}")


def _reply_rules(out: _Out, journal: Journal) -> None:
    """The two members differ and share a contract, the check-in exists, verdicts line up
    with its outcomes and kudos names one of them."""
    data = out.entry.data
    author, to, period = data.get("author"), data.get("to"), data.get("period")
    if not layout.is_slug(author) or not layout.is_slug(to) or periods.cadence_of(period) is None \
            or author not in journal.members or to not in journal.members:
        return  # the schema or the member references already say what is wrong
    if author == to:
        out.add(("to",), P.PARTY, "a reply answers a partner's check-in, not your own")
        return
    if journal.contracts and not journal.shares_contract(author, to):
        out.add(("to",), P.PARTY, f"'{author}' and '{to}' share no contract (as parties, or '{author}' as its referee)")
    checkin = journal.checkin(to, period)
    named = layout.checkin_path(period, to)
    if checkin is None and (named in journal.unreadable or named in journal.entries):
        # The file is there, but cannot be read, or names another member or period: its own
        # problem says what is wrong with it, and "which does not exist" would be false.
        return
    if checkin is None:
        out.add(("period",), P.REFERENCE, f"'{to}' has no check-in for {period}: this reply answers "
                f"{layout.checkin_path(period, to)}, which does not exist")
        return
    ask, answer = checkin.data.get("ask"), data.get("answer", False)
    if isinstance(ask, str) and ask.strip() and (answer is None or isinstance(answer, str) and not answer.strip()):
        # `journal new reply` leaves the key for the answer: left empty, the ask goes unanswered.
        out.add(("answer",), P.ANSWER, f"the answer to {to}'s ask is empty: answer it, or remove `answer:`",
                key=True, severity=P.WARNING)
    outcomes = checkin.data.get("outcomes")
    count = sum(isinstance(o, dict) for o in outcomes) if isinstance(outcomes, list) else 0
    verdicts = data.get("verdicts")
    if isinstance(verdicts, list) and len(verdicts) != count:
        out.add(("verdicts",), P.OUTCOME, f"{len(verdicts)} verdict(s) for {count} outcome(s) in "
                f"{PurePosixPath(checkin.path).name}: give one per outcome, in the same order")
    kudos = data.get("kudos")
    if isinstance(kudos, int) and not isinstance(kudos, bool) and kudos > count:
        out.add(("kudos",), P.OUTCOME, f"kudos names outcome {kudos}, but the check-in has {count}")


def _commitment_rules(out: _Out, journal: Journal, member: str, period: Any) -> None:
    data = out.entry.data
    commitments = data.get("commitments")
    if isinstance(commitments, list):
        for i, c in enumerate(commitments):
            text = c.get("commitment") if isinstance(c, dict) else None
            if isinstance(text, str) and is_vague(text):
                out.add(("commitments", i, "commitment"), P.VAGUE,
                        f"commitment '{text}' has no number, time or day in it: make it measurable",
                        severity=P.WARNING)
    if periods.cadence_of(period) is None:
        return  # no period to follow on from; the schema reports the week or date
    previous = journal.previous_checkin(member, period)
    if previous is None or not isinstance(previous.data.get("commitments"), list):
        return
    outcomes = data.get("outcomes")
    reported = {_norm(o.get("commitment")) for o in outcomes if isinstance(o, dict)} if isinstance(outcomes, list) else set()
    for c in previous.data["commitments"]:
        text = c.get("commitment") if isinstance(c, dict) else None
        if isinstance(text, str) and _norm(text) not in reported:
            out.add(("outcomes",) if "outcomes" in data else ("member",), P.OUTCOME,
                    f"no outcome for last check-in's commitment '{text}' ({PurePosixPath(previous.path).name})",
                    key=True, severity=P.WARNING)


def _config_rules(out: _Out) -> None:
    """An email names one member: a commit's author is the member whose `emails` hold it
    (store/identity.py), so an address under two members would give one of them the other's
    commits. Compared as identity compares them (core/schema.email_key)."""
    members = out.entry.data.get("members")
    if not isinstance(members, dict):
        return
    owner: dict[str, object] = {}
    for member, fields in members.items():
        emails = fields.get("emails") if isinstance(fields, dict) else None
        for i, email in enumerate(emails if isinstance(emails, list) else ()):
            if not isinstance(email, str):
                continue
            first = owner.setdefault(email_key(email), member)
            if first != member:
                out.add(("members", member, "emails", i), P.DUPLICATE_EMAIL,
                        f"email '{email.strip()}' is also {first}'s: a commit's author must name one member")


def _goal_rules(out: _Out) -> None:
    data = out.entry.data
    started, deadline = parse_date(data.get("started")), parse_date(data.get("deadline"))
    if started and deadline and deadline < started:
        out.add(("deadline",), P.DATE, f"deadline {deadline} is before started {started}")
    milestones = data.get("milestones")
    if not isinstance(milestones, list):
        return
    for i, m in enumerate(milestones):
        due = parse_date(m.get("due")) if isinstance(m, dict) else None
        if due is None:
            continue
        if (started and due < started) or (deadline and due > deadline):
            out.add(("milestones", i, "due"), P.MILESTONE,
                    f"milestone due {due} lies outside the goal ({started or '…'} to {deadline or '…'})")


def _contract_rules(out: _Out) -> None:
    data = out.entry.data
    effective, until = parse_date(data.get("effective")), parse_date(data.get("until"))
    if effective and until and until < effective:
        out.add(("until",), P.DATE, f"until {until} is before effective {effective}")
    cadence, due = data.get("cadence", periods.WEEKLY), data.get("due")
    if isinstance(due, str):
        # Here, not in the schema, which sees no sibling: one problem, saying what is wrong
        # for this contract's cadence (any cadence's, while the cadence is itself wrong).
        try:
            if cadence in periods.CADENCES:
                periods.parse_due(due, cadence)
            else:
                due_any_cadence(due)
        except ValueError as exc:
            out.add(("due",), P.TYPE, f"due: {exc}")
    parties = data.get("parties")
    pauses = data.get("pauses")
    if not isinstance(pauses, list):
        return
    for i, pause in enumerate(pauses):
        if not isinstance(pause, dict):
            continue
        start, end = parse_date(pause.get("from")), parse_date(pause.get("to"))
        if start and end and end < start:
            out.add(("pauses", i, "to"), P.PAUSE, f"pause ends ({end}) before it starts ({start})")
        elif start and end and ((effective and start < effective) or (until and end > until)):
            out.add(("pauses", i, "from"), P.PAUSE,
                    f"pause {start} to {end} lies outside the contract ({effective or '…'} to {until or '…'})")
        who = pause.get("member")
        if isinstance(who, str) and isinstance(parties, list) and who not in parties:
            out.add(("pauses", i, "member"), P.PARTY, f"'{who}' is not a party to this contract")
