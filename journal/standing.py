"""Where everyone stands: the committed journal plus its history -> streak reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from journal.core import build_model, model
from journal.core.pauses import NO_PAUSES, Excused
from journal.core.replies import (
    RESPONSE_LABEL,
    Posted,
    Responses,
    Tally,
    Thread,
    judge,
    judge_thread,
    thread_window,
    waiting_on,
)
from journal.core.journal_index import Journal
from journal.core.schema import member_zone
from journal.core.states import STATE_LABEL, State, committed_local, member_state
from journal.core.streaks import Filing, MemberReport, pact_streak
from journal.core.thread_json import ThreadText, thread_text
from journal.errors import UnknownMember
from journal.store.commits import when
from journal.store.history_events import stamp_columns
from journal.store.reply_columns import ReplyColumns
from journal.store.standings_cache import StandingsCache
from journal.store.workspace import Snapshot, Workspace, workspace_of


@dataclass(frozen=True)
class Staged:
    """Entries about to be committed (the pre-commit hook's view), counted as if the commit
    being made had brought them: at `at` (the commit's time), by `email` (its committer)."""

    at: dt.datetime
    email: str
    checkins: frozenset[tuple[str, str]] = frozenset()  # (member, period)
    replies: frozenset[tuple[str, str, str]] = frozenset()  # (author, partner answered, period)


@dataclass(frozen=True)
class Standing:
    now: dt.datetime
    root: Path
    journal: Journal
    members: dict[str, model.Member]
    reports: tuple[MemberReport, ...]
    pacts: tuple[tuple[str, int], ...]
    warnings: tuple[str, ...]
    me: str | None  # the member whose email is git's user.email
    workspace: Workspace | None = None  # where it was computed from: for ids that name the journal
    shallow: str = ""  # non-empty in a shallow clone: which periods are unknown, for every output
    responses: Responses = Responses((), {}, {})  # replies, judged from the history


def load_journal(start: Workspace | Path, source: str = "auto") -> Snapshot:
    """The journal's entries as the working tree, HEAD or the index holds them (see Workspace.snapshot).

    Streaks always come from the history; the source only decides the entries' content."""
    return workspace_of(start).snapshot(source)


def compute_standing(start: Workspace | Path, now: dt.datetime, only: str | None = None, source: str = "auto",
                     pending: Staged | None = None, *, threads: bool = True,
                     renders: Mapping[str, ThreadRender] | None = None) -> Standing:
    """Everyone's standing as of `now`, from the workspace's entries (of `source`) and history.
    `pending` holds the check-ins and replies about to be committed (the pre-commit hook's
    view), counted as if they were. With `threads` False the responses are judged only when
    some reply exists: for a caller that shows threads only then (the digest). `renders` name
    ways of writing a thread out (see JSON_TEXT), given each thread and the members' zones: each
    thread carries them in `kept`, and a cache keeps them with it; each is given the thread,
    the members' zones (`zones`) and the names under `digest.private` (`hidden`)."""
    from journal.store.identity import member_for_email, user_email

    workspace = workspace_of(start)
    snap = workspace.snapshot(source)
    repo, journal, warnings = snap.repo, snap.journal, list(snap.warnings)
    members = build_model.members(journal)
    if only is not None and only not in members:
        raise UnknownMember.of(only, members)
    history = workspace.history()
    terms, skipped = build_model.contract_terms(journal, history.pauses if history else {})
    # Closed periods keep the terms committed when they closed; open ones follow `terms`.
    in_force = build_model.terms_in_force(terms, history.contracts if history else {})
    if not members:  # every figure needs the roster: an empty report must say why (`memebrs:`, `members: {}`)
        warnings.append("journal.yaml: no usable `members:` roster, so no one is reported; run `journal check`")
    warnings += skipped + list(history.warnings if history else []) + [
        f"journal.yaml: {mid}'s timezone is not a zone this machine knows; {mid}'s times are in "
        f"{members[mid].tz.key} (see `journal check`)" for mid in build_model.unknown_zones(journal)]
    # Without a single reply no thread has anything in it, no verdict disputes an outcome, and
    # the digest shows none of them: judging every check-in's thread would be wasted.
    any_reply = bool(history is not None and history.replies) or bool(pending is not None and pending.replies)
    member_zones = {mid: m.tz for mid, m in members.items()}
    # What a published rendering leaves out: the names under `digest.private` (in the thread
    # keys already, with the rest of journal.yaml).
    hidden = frozenset(build_model.journal_config(journal).digest.private)
    responses = _responses(journal, history, now, pending, workspace.cache_dir,
                           {name: partial(render, zones=member_zones, hidden=hidden)
                            for name, render in (renders or {}).items()},
                           snap.token, Excused.of(terms, member_zones)) \
        if threads or any_reply else Responses((), {}, {})
    disputed = responses.disputed()
    # One member's new check-in re-judges that member: the others' reports are read back.
    cache = StandingsCache(workspace.cache_dir, in_force, history.cut if history else None,
                           history.grafts if history else frozenset())
    reports = []
    for mid, member in members.items():
        filings = {}
        if history is not None:
            for (who, period), f in history.filings.items():
                if who == mid:
                    filings[period] = Filing(period, f.at, f.commit, member.owns_email(f.author_email))
        for who, period in pending.checkins if pending else ():
            if who == mid and period not in filings:
                filings[period] = Filing(period, pending.at, "staged", member.owns_email(pending.email))

        def outcomes(mid: str = mid) -> dict[str, tuple[tuple[str, str], ...]]:
            return {period: tuple((text, "missed" if i in disputed.get((mid, period), ()) else status)
                                  for i, (text, status) in enumerate(found))
                    for period, found in build_model.outcomes(journal, mid).items()}
        # The outcomes are read from the member's check-ins and the disputes: the cache keys on
        # those and reads the outcomes only for a report it has to compute.
        basis = ([(period, e.path, e.yaml_text) for period, e in journal.checkins.get(mid, [])],
                 sorted((period, sorted(i)) for (who, period), i in disputed.items() if who == mid))
        zones = [(at, member_zone(z[mid])) for at, z in (history.zones if history else ()) if mid in z]
        reports.append(cache.report(mid, member.tz, [t for t in terms if mid in t.parties], filings,
                                    outcomes, now, zones=zones,
                                    cut=history.cut if history else None,
                                    grafts=history.grafts if history else frozenset(), terms=in_force,
                                    basis=basis))
    by_id = {r.member: r for r in reports}
    # With --member, only the pacts that member is a party to.
    pacts = tuple((t.slug, pact_streak(t, by_id)) for t in terms if only is None or only in t.parties)
    me = member_for_email(members, user_email(workspace.root, repo))
    shown = tuple(r for r in reports if only is None or r.member == only)
    shallow = history.warnings[0] if history is not None and history.cut is not None and history.warnings else ""
    return Standing(now, snap.root, journal, members, shown, pacts, tuple(warnings), me, workspace,
                    shallow=shallow, responses=responses)


def _responses(journal: Journal, history: Any, now: dt.datetime, pending: Staged | None = None,
               folder: Path | None = None, renders: Mapping[str, Callable[[Thread], Any]] | None = None,
               token: str | None = None, excused: Excused = NO_PAUSES) -> Responses:
    """Threads and responder figures from the committed check-ins and replies (see core/replies),
    with the staged ones (`pending`) as if committed at its time; an entry the history brought
    but the journal no longer holds has nothing to show. With a cache `folder` (and nothing
    staged), threads whose inputs are unchanged are read back (store/thread_cache.py), and
    the threads carry the `renders` asked for, kept with them; `token` names the journal's
    entries (Snapshot.token), so that the threads' keys can be read back too. `excused` are
    the pauses that excuse a partner from replying (core/pauses.py)."""
    if history is None:
        return Responses((), {}, {})
    filed = {key: f.at for key, f in history.filings.items()}
    if pending is None and folder is not None:
        # Threads read back need no reply's time: the replies' are made only if one is judged again.
        return _kept_responses(journal, history, filed, lambda: stamp_columns(history.replies), now, folder,
                               renders or {}, token, excused)
    posted = {key: (a.at, a.commit) for key, a in history.replies.items()}
    if pending is not None:
        for key in pending.checkins:
            filed.setdefault(key, pending.at)
        for key in pending.replies:
            posted.setdefault(key, (pending.at, "staged"))
    checkins = {}
    for (member, period), at in filed.items():
        entry = journal.checkin(member, period)
        if entry is not None:
            checkins[(member, period)] = (build_model.checkin(entry), at)
    replies = {}
    written = journal.replies
    for (author, to, period), (at, commit) in posted.items():
        entry = written.get((period, to, author))
        if entry is not None:
            replies[(author, to, period)] = Posted(build_model.reply(entry), at, commit)
    return judge(build_model.contracts(journal), checkins, replies, now, excused)


def _kept_responses(journal: Journal, history: Any, filed: dict[tuple[str, str], dt.datetime],
                    posted: Callable[[], Sequence[Sequence[Any]]], now: dt.datetime,
                    folder: Path, renders: Mapping[str, Callable[[Thread], Any]], token: str | None,
                    excused: Excused = NO_PAUSES) -> Responses:
    """`judge`'s answer, thread by thread, reading back the threads whose inputs are unchanged:
    only the replies of a thread judged again are read (core/lazy_entry.LazyEntry). With the
    snapshot's content `token`, the threads' keys themselves are read back while the entries
    and the history are those they were made from (store/thread_plan.py). `posted()` gives the
    history's replies as columns (history_events.stamp_columns: names, commit, POSIX time,
    offset), asked for only when some key is made: a time is made an object only for a thread
    judged again."""
    from journal.store import zone_rules
    from journal.store.thread_cache import ThreadCache, kept_stamp, missing
    from journal.store.thread_plan import ThreadPlan

    contracts = build_model.contracts(journal)
    config = journal.config
    # The zones' rules too (store/zone_rules.py): the kept texts hold local times.
    rules = zone_rules.fingerprint(str(m.tz.key) for m in build_model.members(journal).values())
    # The pauses that count too: when each was committed decides whether it had notice.
    shared = "\0".join((config.head.digest if config is not None else "-", rules, excused.text(),
                        *(f"{e.path}\0{e.head.digest}" for _, e in sorted(journal.contracts.items()))))
    plan = ThreadPlan(folder, shared, token, history.head, history.grafts, _PLAN_CODE) if token else None
    columns: list[ReplyColumns] = []  # the replies the history brought and the journal holds, made on first use

    def held() -> ReplyColumns:
        if not columns:
            columns.append(ReplyColumns(posted(), journal.replies))
        return columns[0]

    def replied(member: str, period: str) -> list[tuple[str, Any, dt.datetime, str]]:
        """The replies to a check-in, each with its time as the history gives it (when())."""
        return sorted(((a, e, when(*t), c) for a, e, t, c in held().replies(member, period)),
                      key=lambda a: (a[0], a[2], a[3]))

    def again(member: str, period: str) -> tuple[Thread | None, dt.datetime | None]:
        entry, at = journal.checkin(member, period), filed[(member, period)]
        assert entry is not None  # a row names a check-in the journal holds
        shown = [Posted(build_model.reply(e), t, c) for _, e, t, c in replied(member, period) if t <= now]
        return judge_thread(contracts, member, period, build_model.checkin(entry), at, shown, first, now, excused)

    kept = plan.get(now) if plan is not None else None
    if kept is not None:
        first_text, rows, figures = kept
        first = None if first_text == "-" else dt.datetime.fromisoformat(first_text)
        cache = ThreadCache(folder, f"{shared}\0{first_text}", renders)
        threads = []
        for member, period, key in rows:
            thread = cache.get(key, now, lambda member=member, period=period: again(member, period)[0])
            if missing(thread):
                break  # judged again below, with every key made afresh
            if thread is not None:
                threads.append(thread)
        else:
            cache.save()
            return _figured(plan, cache, contracts, threads, figures)
    # The replies' parts of the thread keys, and the first reply, a column at a time.
    replies = held()
    first_row = replies.first(kept_stamp(now) // 1_000_000)  # in whole seconds, as the instants are
    first = when(*first_row) if first_row is not None else None
    first_text = first.isoformat() if first else "-"
    cache = ThreadCache(folder, f"{shared}\0{first_text}", renders)
    threads, rows, by_key = [], [], {}
    for (member, period), at in sorted(filed.items()):
        entry = journal.checkin(member, period)
        if entry is None or at > now:
            continue
        key = cache.key(member, period, entry.head.digest, at, replies.parts(member, period))
        rows.append((member, period, key))
        thread = cache.get(key, now, lambda member=member, period=period: again(member, period)[0])
        if missing(thread):
            thread, due = again(member, period)
            times = [t for _, _, t, _ in replied(member, period)]
            thread = cache.put(key, thread, thread_window(at, due, times, now))
        by_key[key] = thread
        if thread is not None:
            threads.append(thread)
    tally = _rebased(plan.base(now), rows, by_key, cache, contracts, now) if plan is not None else None
    cache.save()
    if plan is not None:
        plan.put(now, [*map(kept_stamp, filed.values()), *(t * 1_000_000 for t in replies.instants)],
                 first_text, rows)
    return _figured(plan, cache, contracts, threads, None, tally)


def _rebased(base: Any, rows: list[tuple[str, str, str]], by_key: Mapping[str, Thread | None], cache: Any,
             contracts: Mapping[str, model.Contract], now: dt.datetime) -> Tally | None:
    """The tally of the threads of `rows` (`by_key`: each row's thread), from the `base` plan's
    (its rows and tally, ThreadPlan.base): its threads no longer among the rows taken out (as
    the cache keeps them at `now`), the new ones put in. None without a base, when one of the
    threads taken out is no longer kept, or when so much changed that adding all up is as quick."""
    if base is None:
        return None
    before, plain = base
    old = {key: (member, period) for member, period, key in before}
    gone = [key for key in old if key not in by_key]
    new = [key for key in by_key if key not in old]
    if len(gone) + len(new) > max(32, len(rows) // 8):
        return None
    tally = Tally.restore(contracts, plain)
    if tally is None:
        return None
    try:
        for key in gone:
            answers = cache.kept_answers(key, now)
            if answers is None:
                return None
            tally.add(*old[key], answers, -1)
        for key in new:
            thread = by_key[key]
            if thread is not None:
                tally.add(thread.member, thread.period, thread.answers())
    except ValueError:  # a base that does not add up: made afresh
        return None
    return tally


def _figured(plan: Any, cache: Any, contracts: Mapping[str, model.Contract], threads: list[Thread],
             figures: Any, tally: Tally | None = None) -> Responses:
    """The threads with their figures: `figures` as the plan kept them, else those of `tally`
    (the threads' answers summed up already), else made; made ones are kept."""
    if figures is not None:
        return Responses(tuple(threads), *figures)
    made = None
    if tally is not None:
        try:
            made = tally.figures()
        except ValueError:  # a rebased tally that does not add up: every thread summed up again
            pass
    if made is None:
        tally = Tally.of(contracts, threads)
        made = tally.figures()
    if plan is not None:
        plan.save(cache.window, made, tally.plain())
    return Responses(tuple(threads), *made)


# The code that makes the rows a ThreadPlan keeps (besides thread_cache's own, in the keys).
_PLAN_CODE = (__name__, "journal.core.journal_index", "journal.core.replies", "journal.core.pauses",
              "journal.core.build_model", "journal.store.thread_cache", "journal.store.reply_columns")


def _made_for(journal: Journal, member: str, period: str) -> Any:
    """The check-in whose commitments were made for `period`: the member's check-in of the
    period just before it; None when there is none (commitments made weeks ago, before a gap,
    were for a period long past)."""
    from journal.core import periods

    cadence = periods.cadence_of(period)
    return journal.checkin(member, periods.prev_key(period, cadence)) if cadence is not None else None


def waiting_for_reply(s: Standing) -> list[dict[str, Any]]:
    """Your partners' latest asks you have not answered: (partner, period, ask, due, overdue)."""
    if s.me is None:
        return []
    latest = {member: items[-1][0] for member, items in s.journal.checkins.items() if items}
    mine = s.members.get(s.me)
    return [{"member": t.member, "period": t.period, "ask": t.ask,
             "due": iso(r.due.astimezone(mine.tz)) if mine is not None else iso(r.due),
             "timezone": mine.tz.key if mine is not None else None,
             "overdue": r.state != "waiting"}
            for t, r in waiting_on(s.responses, s.me, latest)]


def responses_json(s: Standing, texts: bool = False) -> dict[str, Any]:
    """Threads, responder figures and pact reply streaks, as `streaks --json` and digest.json carry
    them. With `texts`, a thread whose text a cache kept is that text (core/thread_json.ThreadText)."""
    zones = {mid: m.tz for mid, m in s.members.items()}
    return {
        "responders": {m: f.as_json() for m, f in s.responses.responders.items()},
        "pact_reply_streaks": dict(s.responses.pact_streaks),
        "threads": [ThreadText(t.kept["json"]) if texts and type(t.kept.get("json")) is str else thread_json(t, zones)
                    for t in s.responses.threads],
    }


def thread_json(t: Thread, zones: Mapping[str, Any]) -> dict[str, Any]:
    """One thread as `streaks --json` carries it, its times in the zone of who they belong to."""
    stamps: dict[int, str | None] = {}  # a reply's time is in the thread and in its author's response

    def zoned(moment: dt.datetime, who: str | None) -> str | None:
        zone = zones.get(who or "")
        return (moment.astimezone(zone) if zone is not None else moment).isoformat()

    def posted_at(p: Posted) -> str | None:
        found = stamps.get(id(p))
        if found is None:
            found = stamps[id(p)] = zoned(p.at, p.reply.author)
        return found

    return {
        "member": t.member, "period": t.period, "ask": t.ask, "filed": zoned(t.filed, t.member),
        "referee": t.referee, "verdicts": list(t.verdicts),
        "responses": [{"partner": r.partner, "state": r.state, "label": RESPONSE_LABEL[r.state],
                       "due": zoned(r.due, r.partner),
                       "at": (posted_at(r.posted) if r.posted.reply.author == r.partner
                              else zoned(r.posted.at, r.partner)) if r.posted else None,
                       "commit": r.posted.commit if r.posted else None} for r in t.responses],
        "replies": [{"author": p.reply.author, "at": posted_at(p), "commit": p.commit,
                     "answer": p.reply.answer, "kudos": p.reply.kudos,
                     "verdicts": [{"verdict": v.verdict.value if v.verdict else None, "note": v.note}
                                  for v in p.reply.verdicts],
                     "body": p.reply.body} for p in t.replies],
    }


#: A way of writing a thread out (see compute_standing): the thread and the members' zones -> plain data.
ThreadRender = Callable[..., Any]


def thread_json_text(thread: Thread, zones: Mapping[str, Any], hidden: frozenset[str] = frozenset()) -> str:
    """A thread's `streaks --json` text (core/thread_json), for `compute_standing(renders=JSON_TEXT)`.
    `hidden` is not used: `streaks --json` is this machine's, not published."""
    return thread_text(thread_json(thread, zones))


#: The renderings `journal streaks --json` keeps with each thread.
JSON_TEXT: Mapping[str, ThreadRender] = {"json": thread_json_text}


def iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def figures(r: MemberReport) -> dict[str, Any]:
    """A member's headline numbers, as every report (JSON, digest) names them."""
    return {"current": r.current, "longest": r.longest, "score": r.score, "on_time_rate": r.on_time_rate,
            "completion": r.completion, "owed": r.owed, "flags": list(r.flags)}


def streaks_json(s: Standing, texts: bool = False) -> dict[str, Any]:
    """`streaks --json`'s data; with `texts`, threads a cache kept the text of are that text
    (for cli/streaks_text, which writes them as they are)."""
    return {
        "now": iso(s.now),
        "members": [{
            "member": r.member,
            "name": s.members[r.member].name,
            **figures(r),
            "counts": r.counts,
            "periods": [{"period": p.period, "status": p.status, "commit": p.commit,
                         "at": iso(committed_local(p.at, p.due, s.members[r.member].tz)),
                         "due": iso(p.due), "flags": list(p.flags)} for p in r.periods],
        } for r in s.reports],
        "contracts": [{"contract": slug, "pact_streak": n} for slug, n in s.pacts],
        "shallow": s.shallow or None,
        "responses": responses_json(s, texts),
        "warnings": list(s.warnings),
    }


def status_json(s: Standing) -> dict[str, Any]:
    from journal.core.agenda import upcoming

    people = []
    for r in s.reports:
        member = s.members[r.member]
        p, state = member_state(r, s.now)
        entry: dict[str, Any] = {"member": r.member, "name": member.name, "period": p.period if p else None,
                                 "state": STATE_LABEL[state], "timezone": member.tz.key}
        if p is not None and state is State.CHECKED_IN:
            # In the member's zone (not the committer's offset), with the verdict it got.
            entry.update(at=iso(committed_local(p.at, p.due, member.tz)), status=p.status)
        elif p is not None and state is State.DUE:
            entry.update(due=iso(p.due.astimezone(member.tz)), seconds_left=int((p.due - s.now).total_seconds()))
        elif p is not None and state is State.OVERDUE:
            entry.update(due=iso(p.due.astimezone(member.tz)), grace_until=iso(p.closes.astimezone(member.tz)))
        entry["commitments"] = build_model.commitments(_made_for(s.journal, r.member, p.period) if p else None)
        people.append(entry)
    today = s.now.date()
    soon = [{"date": str(u.day), "kind": u.kind, "title": u.title, "source": u.source}
            for u in upcoming(s.journal, today, days=14)]
    return {"now": iso(s.now), "me": s.me, "members": people, "upcoming": soon, "shallow": s.shallow or None,
            "waiting_for_your_reply": waiting_for_reply(s), "warnings": list(s.warnings)}
