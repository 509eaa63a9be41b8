"""The data behind every digest page (and what digest.json holds): where everyone stands,
check-ins, goals, wins, prompts and what is coming up, with nothing private in it.

The overview is plain JSON-able data, not dataclasses, on purpose: it is written out as
digest.json as it is, and each page's slice of it is hashed to tell which pages a
rebuild has to render again. Partner text stays raw here; templates escape it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from journal.core import agenda, build_model, layout, periods
from journal.core.humanize import countdown, human_moment, human_zoned, period_title, span
from journal.core.model import Cadence, Checkin, Contract, Goal
from journal.core.recalibration import (
    LOW_COMPLETION,
    LOW_COMPLETION_RUN,
    REPEAT_WINDOW,
    commitment_key,
    completion,
    low_completion_run,
    repeated_misses,
)
from journal.core.schema import DEFAULTS, parse_date
from journal.core.states import (
    CHECKED_IN_LABEL,
    STATE_LABEL,
    STATUS_LABEL,
    State,
    committed_local,
    current_period,
    pending_words,
    period_state,
)
from journal.core.streaks import EARLY, LATE_RUN, MISSED, PAUSED, PENDING, MemberReport
from journal.digest import progress
from journal.digest.markdown import hidden_sections, section_key, split_sections
from journal.digest.overview_cache import OverviewCache
from journal.digest.privacy import PrivacyRules
from journal.standing import Standing, figures
from journal.store import zone_rules

STREAK_MILESTONES = (4, 8, 12, 26, 52)
UPCOMING_DAYS = 28
RECENT_DONE_DAYS = 28
_SHOWN_SECTIONS = ("wins", "obstacles", "strategies")


def build_overview(standing: Standing, private: PrivacyRules, ids: dict[int, str] | None = None) -> dict[str, Any]:
    """The overview of `standing` with `private` left out. `ids`, when given, receives for
    each check-in and goal dict (by its id()) the hash of the inputs it was made from."""
    journal = standing.journal
    now = standing.now
    today = now.date()
    title = build_model.journal_config(journal).title
    goals_visible = {gid: g for gid, g in build_model.goals(journal, private.fields).items()
                     if layout.is_slug(gid) and not g.private}
    contracts_visible = {slug: c for slug, c in build_model.contracts(journal).items()
                         if layout.is_slug(slug) and not c.private}
    reports = [r for r in standing.reports if layout.is_slug(r.member) and r.member in standing.members]
    names = {r.member: standing.members[r.member].name for r in reports}
    ctx = _Context(standing, private, set(goals_visible), names)
    ctx.ids = ids
    workspace = standing.workspace
    ctx.cache = OverviewCache(workspace.cache_dir if workspace is not None else None,
                              (sorted(private.fields), sorted(goals_visible),
                               # the zones' rules, not only their names: a tz database update moves local times
                               zone_rules.fingerprint(str(m.tz.key) for m in standing.members.values())),
                              Path(__file__))

    checkins = []
    members = []
    for report in reports:
        own = ctx.checkins_of(report)
        checkins.extend(own)
        members.append(_member(ctx, report, own, contracts_visible))
    checkins.sort(key=lambda c: (_desc(c["period"]), list(names).index(c["member"])))
    by_goal: dict[str, list[dict[str, Any]]] = {}
    for c in checkins:
        for gid in {*c["metrics"], *(i["goal"] for i in c["commitments"] + c["outcomes"] if i["goal"])}:
            by_goal.setdefault(gid, []).append(c)
    judged = {m["id"]: m["periods"] for m in members}
    goals = [ctx.goal(g, by_goal.get(gid, []), judged) for gid, g in goals_visible.items()]
    for m in members:
        m["goals"] = [g["id"] for g in goals if m["id"] in g["owners"]]
    # Only a shallow clone's digest names what it cannot know (others stay as they were).
    shallow = {"shallow": standing.shallow} if standing.shallow else {}
    return {
        **shallow,
        "title": title or "Journal",
        "now": now.isoformat(),
        "today": today.isoformat(),
        "members": members,
        "pacts": _pacts(standing, contracts_visible, names),
        "wins": _wins(ctx, members, checkins, goals, standing),
        "upcoming": _upcoming(journal, today, goals_visible, contracts_visible),
        "goals": goals,
        "periods": _periods(members, checkins),
        "checkins": checkins,
    }


class _Context:
    def __init__(self, standing: Standing, private: PrivacyRules, goals: set[str], names: dict[str, str]) -> None:
        self.standing, self.private, self.goals, self.names = standing, private, goals, names
        self.hidden_sections = hidden_sections(private.fields)
        self.cache = OverviewCache(None, (), Path(__file__))
        self.keys: dict[str, str] = {}  # member -> the key of their check-ins (see checkins_of)
        self.ids: dict[int, str] | None = None  # id() of a check-in or goal dict -> the key of its inputs

    def checkins_of(self, report: MemberReport) -> list[dict[str, Any]]:
        """The member's check-ins as the digest shows them, newest first: made from their
        entries, how each period was judged, their zone and local date (and what `cache` shares)."""
        member = self.standing.members[report.member]
        today = self.standing.now.astimezone(member.tz).date()
        entries = self.standing.journal.checkins.get(report.member, [])
        judged = {p.period: (p.status, p.at, p.due) for p in report.periods}  # `at` is shown in `due`'s zone

        def inputs(period: str, e: Any) -> tuple[str, ...]:
            # A check-in's own inputs: its entry and how its period was judged.
            return (period, e.path, e.yaml_text, e.body, repr(judged.get(period)))

        key = self.cache.texts_key(("checkins", report.member, member.tz.key, today),
                                   (text for period, e in entries for text in inputs(period, e)))
        self.keys[report.member] = key
        found = self.cache.piece(f"checkins {report.member}", key, lambda: self._checkins_of(report, member, today))
        if self.ids is not None and len({period for period, _ in entries}) == len(entries):
            # Page keys name each check-in by its own inputs, so one new check-in changes no other page.
            own = {period: self.cache.texts_key(("checkin", report.member, member.tz.key), inputs(period, e))
                   for period, e in entries}
            for c in found:
                self.ids[id(c)] = own[c["period"]]
        return found

    def goal(self, goal: Goal, checkins: list[dict[str, Any]], judged: dict[str, list[dict[str, Any]]]
             ) -> dict[str, Any]:
        """_goal, read back while the goal's entry, the check-ins naming it (by their members'
        keys), its owners' judged periods and the date are the same."""
        entry = self.standing.journal.goals.get(goal.id)
        owners = [o for o in goal.owners if o in self.names]
        key = self.cache.key(("goal", goal.id, (entry.path, entry.yaml_text, entry.body) if entry else None,
                              self.standing.now.date(), list(self.names.items()),
                              sorted({(c["member"], self.keys.get(c["member"])) for c in checkins}),
                              [(o, [(p["period"], p["status"]) for p in judged.get(o, [])]) for o in owners]))
        found = self.cache.piece(f"goal {goal.id}", key, lambda: _goal(self, goal, checkins, judged))
        if self.ids is not None:
            self.ids[id(found)] = key
        return found

    def _checkins_of(self, report: MemberReport, member: Any, today: dt.date) -> list[dict[str, Any]]:
        by_period = {p.period: p for p in report.periods}
        found = []
        for period, entry in self.standing.journal.checkins.get(report.member, []):
            cadence = periods.cadence_of(period)
            record = build_model.checkin(entry, self.private.fields)
            if cadence is None or record.private or periods.key_start(period, cadence) > today:
                continue
            found.append(self.checkin(report.member, period, record, by_period.get(period), member.tz))
        found.sort(key=lambda c: c["period"], reverse=True)
        return found

    def goal_ref(self, value: Any) -> str | None:
        return value if isinstance(value, str) and value in self.goals else None

    def checkin(self, member: str, period: str, c: Checkin, status: Any, tz: Any) -> dict[str, Any]:
        outcomes = [{"commitment": o.commitment, "goal": self.goal_ref(o.goal), "status": o.status_text,
                     "note": o.note} for o in c.outcomes]
        commitments = [{"commitment": i.commitment, "goal": self.goal_ref(i.goal), "note": i.note}
                       for i in c.commitments]
        values = {g: v for g, v in sorted(c.metrics.items()) if self.goal_ref(g)}
        sections = [{"title": title, "text": text} for title, text in split_sections(c.body)
                    if section_key(title) not in self.hidden_sections and text.strip()]
        return {
            "member": member,
            "period": period,
            "title": period_title(period),
            "status": status.status if status is not None else None,
            "at": _minutes(committed_local(status.at, status.due, tz)) if status is not None else None,
            "outcomes": outcomes,
            "done": completion(o["status"] for o in outcomes),
            "metrics": values,
            "commitments": commitments,
            "ask": c.ask,
            "energy": c.energy,
            "sections": sections,
        }


def _member(ctx: _Context, r: MemberReport, own: list[dict[str, Any]],
            contracts: dict[str, Contract]) -> dict[str, Any]:
    standing = ctx.standing
    member = standing.members[r.member]
    tz = member.tz
    mine = [c for c in contracts.values() if r.member in c.parties]
    style = next((c.style[r.member] for c in mine if c.style.get(r.member)), None)
    stakes = next((c.stakes for c in mine if c.stakes is not None), None)
    now_period = current_period(r, standing.now)
    recent = _recent(own, now_period.period if now_period else None)
    latest = recent[0] if recent else None
    sections = {s["title"].casefold(): s["text"] for s in (latest["sections"] if latest else [])}
    return {
        "id": r.member,
        "name": member.name,
        "timezone": tz.key,
        "style": style,
        **figures(r),
        "currency": stakes.currency if stakes else None,
        "counts": dict(sorted(r.counts.items())),
        "state": _state(r, standing.now, tz, now_period),
        "periods": _cells(r, tz, standing.now),
        "latest": latest["period"] if latest else None,
        "commitments": latest["commitments"] if latest else [],
        "ask": latest["ask"] if latest else None,
        "obstacles": sections.get("obstacles", ""),
        "strategies": sections.get("strategies", ""),
        "prompts": _prompts(ctx, r, own, mine, now_period),
        "checkin_count": len(own),
    }


def _recent(own: list[dict[str, Any]], current: str | None) -> list[dict[str, Any]]:
    """The member's check-ins for the current or the previous period, newest first."""
    if current is None or (cadence := periods.cadence_of(current)) is None:
        return []
    floor = periods.prev_key(current, cadence)
    return [c for c in own if c["period"] >= floor and len(c["period"]) == len(current)]


def _state(r: MemberReport, now: dt.datetime, tz: Any, current: Any = None) -> dict[str, Any]:
    """The member's state as of `now`; `current` is their current period (states.current_period)
    when the caller has found it already: it scans years of periods."""
    p = current if current is not None else current_period(r, now)
    state = period_state(p, now)
    if p is None:
        return {"state": state.value, "period": None, "text": STATE_LABEL[state]}
    out: dict[str, Any] = {"period": p.period, "state": state.value}
    if state is State.CHECKED_IN:
        word = CHECKED_IN_LABEL[p.status]
        at = _minutes(committed_local(p.at, p.due, tz))
        out.update(at=at, text=f"{word} {human_moment(at)}" if at else word)
    elif state is State.DUE:
        left = int((p.due - now).total_seconds())
        due = _local(p.due, tz)
        # Each time labelled with the offset of the member's zone it is shown in.
        out.update(due=due, seconds_left=left, text=f"due in {span(left)} ({human_moment(due)})")
    elif state is State.OVERDUE:
        due, closes = _local(p.due, tz), _local(p.closes, tz)
        out.update(due=due, grace_until=closes,
                   text=f"overdue since {human_moment(due)} (counts as late until {human_moment(closes)})")
    else:
        out["text"] = STATE_LABEL[state]
    return out


def _cells(r: MemberReport, tz: Any, now: dt.datetime) -> list[dict[str, Any]]:
    """The member's periods as the heatmap draws them; each commit time is converted once, to
    the zone the period was judged in (core/states.committed_local), for both its text and its
    label (years of periods per member)."""
    cells = []
    for p in r.periods:
        local = committed_local(p.at, p.due, tz)
        cells.append({"period": p.period, "status": p.status, "at": _minutes(local),
                      "flags": list(p.flags), "label": _cell_label(p, local, now)})
    return cells


def _cell_label(p: Any, local: dt.datetime | None, now: dt.datetime) -> str:
    words = STATUS_LABEL.get(p.status, p.status) + (" (does not count)" if p.status == EARLY else "")
    if p.status == PENDING:  # not due yet, or overdue: the label alone cannot say which
        words += f", {pending_words(p, now)}"
    text = f"{p.period}: {words}"
    if local is not None:
        text += f", committed {human_zoned(local)}"
    if p.flags:
        text += f" [{', '.join(p.flags)}]"
    return text


def _prompts(ctx: _Context, r: MemberReport, own: list[dict[str, Any]], contracts: list[Contract],
             now_period: Any) -> list[dict[str, str]]:
    """Recalibration prompts: an observation, then a question for the next conversation."""
    prompts = []
    with_outcomes = [c for c in reversed(own) if c["done"] is not None]  # oldest first
    last = with_outcomes[-LOW_COMPLETION_RUN:]
    if low_completion_run([c["done"] for c in with_outcomes]):
        prompts.append({
            "kind": "low-completion",
            "observation": f"Completion has been under {LOW_COMPLETION:.0%} for {LOW_COMPLETION_RUN} check-ins "
                           f"running ({', '.join(c['period'] for c in last)}).".replace("%", " %"),
            "question": "Are the commitments the right size — what would make the next ones doable?"})
    window = [[(o["commitment"], o["status"]) for o in c["outcomes"]] for c in with_outcomes]
    shown: dict[str, str] = {}
    for text, status in (pair for outcomes in window[-REPEAT_WINDOW:] for pair in outcomes):
        if status == "missed":
            shown.setdefault(commitment_key(text), text)  # as first written in the window
    for key, n in repeated_misses(window).items():
        prompts.append({
            "kind": "repeated-miss",
            "observation": f"“{shown[key]}” was missed {n} times in the last {REPEAT_WINDOW} check-ins.",
            "question": "Is it still the right commitment, or does it need a different shape or more support?"})
    closed = [p for p in r.periods if p.status not in (PENDING, PAUSED)]
    if len(closed) >= 2 and all(p.status == MISSED for p in closed[-2:]):
        prompts.append({
            "kind": "missed-run",
            "observation": f"The check-ins for {closed[-2].period} and {closed[-1].period} were both missed.",
            "question": "What got in the way, and what would make checking in easier?"})
    if "late-streak" in r.flags:
        prompts.append({
            "kind": "late-streak",
            "observation": f"The last {LATE_RUN} check-ins came in after the due time.",
            "question": "Would a different due time fit the week better?"})
    if "review-due" in r.flags and now_period is not None and (cadence := periods.cadence_of(now_period.period)):
        first = periods.key_start(now_period.period, cadence)
        end = first + periods.period_days(cadence) - dt.timedelta(days=1)
        for contract in contracts:
            for day in agenda.review_dates(contract, first, end):
                prompts.append({
                    "kind": "review",
                    "observation": f"The review of “{contract.title}” falls on {day.isoformat()}.",
                    "question": "What is working in the pact, and what should change?"})
    return prompts


def _goal(ctx: _Context, goal: Goal, checkins: list[dict[str, Any]],
          judged: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A goal with its values, its life period by period, milestones and related
    commitments; `checkins` are those that name the goal, newest first, and `judged` each
    member's periods."""
    gid, today = goal.id, ctx.standing.now.date()
    owners = [o for o in goal.owners if o in ctx.names]
    measure = goal.measure
    series: dict[str, dict[str, float]] = {}
    for c in checkins:
        if c["member"] in owners and gid in c["metrics"]:
            series.setdefault(c["period"], {})[c["member"]] = float(c["metrics"][gid])
    deadline = goal.deadline
    milestones = []
    for m in goal.milestones:
        due, done = m.due, m.done
        if done is not None and done > today:
            done = None  # not known yet as of now
        state = "done" if done else ("overdue" if due and due < today else "due")
        milestones.append({"title": m.title, "due": due.isoformat() if due else None,
                           "done": done.isoformat() if done else None, "state": state,
                           "countdown": countdown(due, today) if due and not done else None})
    milestones.sort(key=lambda m: (m["due"] or "", m["title"]))
    related = []
    for c in checkins:
        for kind, items in (("commitment", c["commitments"]), ("outcome", c["outcomes"])):
            for item in items:
                if item["goal"] == gid:
                    related.append({"period": c["period"], "member": c["member"], "kind": kind,
                                    "text": item["commitment"], "status": item.get("status"), "note": item["note"]})
    values = [{"period": p, "value": sum(v.values()), "members": dict(sorted(v.items()))}
              for p, v in sorted(series.items())]
    line = progress.timeline(values, [judged.get(o, []) for o in owners], goal.started, deadline)
    return {
        "id": gid,
        "title": goal.title,
        "owners": owners,
        "status": goal.status_text or DEFAULTS["goal"]["status"],
        "started": goal.started.isoformat() if goal.started else None,
        "deadline": deadline.isoformat() if deadline else None,
        "countdown": countdown(deadline, today) if deadline else None,
        "tags": list(goal.tags),
        "measure": {"metric": measure.metric, "per": measure.per, "target": measure.target} if measure else None,
        "series": values,
        "timeline": line,
        "reading": progress.reading(line, measure.target if measure else None, measure.metric if measure else "",
                                    measure.per if measure else None, milestones),
        "milestones": milestones,
        "related": related,
        "body": goal.body.strip(),
    }


def _pacts(standing: Standing, contracts: dict[str, Contract], names: dict[str, str]) -> list[dict[str, Any]]:
    found = []
    for slug, streak in standing.pacts:
        c = contracts.get(slug)
        if c is None:
            continue
        found.append({
            "contract": slug, "title": c.title, "streak": streak,
            "parties": [p for p in c.parties if p in names],
            "cadence": c.cadence_text or Cadence.WEEKLY.value, "due": c.due_text,
            "stakes": {"per_miss": c.stakes.per_miss, "currency": c.stakes.currency, "to": c.stakes.to}
            if c.stakes else None,
        })
    return found


def _wins(ctx: _Context, members: list[dict[str, Any]], checkins: list[dict[str, Any]],
          goals: list[dict[str, Any]], standing: Standing) -> list[dict[str, Any]]:
    wins: list[dict[str, Any]] = []
    latest = {(c["member"], c["period"]): c for c in checkins}
    for m in members:
        c = latest.get((m["id"], m["latest"])) if m["latest"] else None
        text = next((s["text"] for s in c["sections"] if s["title"].casefold() == "wins"), "") if c else ""
        if text.strip():
            wins.append({"kind": "checkin", "member": m["id"], "period": m["latest"], "text": text})
    for m in members:
        if m["current"] in STREAK_MILESTONES:
            wins.append({"kind": "streak", "member": m["id"], "streak": m["current"]})
    today = standing.now.date()
    for g in goals:
        for ms in g["milestones"]:
            done = parse_date(ms["done"])
            if done is not None and (today - done).days < RECENT_DONE_DAYS:
                wins.append({"kind": "milestone", "goal": g["id"], "goal_title": g["title"], "title": ms["title"],
                             "done": ms["done"], "owners": g["owners"]})
    return wins


def _upcoming(journal: Any, today: dt.date, goals: dict[str, Goal], contracts: dict[str, Contract]) -> list[dict[str, Any]]:
    found = []
    for u in agenda.upcoming(journal, today, days=UPCOMING_DAYS):
        if u.kind == "review":
            if u.source not in contracts:
                continue
            link, context = None, None
        else:
            if u.source not in goals:
                continue
            link, context = f"goals/{u.source}.html", goals[u.source].title
        found.append({"date": u.day.isoformat(), "kind": u.kind, "title": u.title, "source": u.source,
                      "goal_title": context, "link": link, "countdown": countdown(u.day, today)})
    return found


def _periods(members: list[dict[str, Any]], checkins: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys: dict[str, dict[str, str]] = {}
    for m in members:
        for p in m["periods"]:
            keys.setdefault(p["period"], {})[m["id"]] = p["status"]
    filed: dict[str, list[str]] = {}
    for c in checkins:
        keys.setdefault(c["period"], {})
        filed.setdefault(c["period"], []).append(c["member"])
    order = [m["id"] for m in members]
    return [{"period": key, "title": period_title(key),
             "statuses": {mid: keys[key][mid] for mid in order if mid in keys[key]},
             "checkins": sorted(filed.get(key, []), key=order.index)}
            for key in sorted(keys, key=_desc)]


# --- small formatting helpers, shared with the templates -------------------------------------

def _desc(key: str) -> tuple[int, ...]:
    # Newest first across weekly and daily keys: compare by the period's first day.
    cadence = periods.cadence_of(key)
    start = periods.key_start(key, cadence) if cadence else dt.date.min
    return (-start.toordinal(), -len(key))


def _local(moment: dt.datetime | None, tz: Any) -> str | None:
    return moment.astimezone(tz).isoformat(timespec="minutes") if moment is not None else None


def _minutes(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="minutes") if moment is not None else None
