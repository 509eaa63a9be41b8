"""Creating a journal (`init`) and new entries from templates (`new`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from journal.core import build_model, layout, periods
from journal.core.build_model import members as members_of
from journal.core.entries import EntryProblem, load_yaml
from journal.core.humanize import human_zoned
from journal.core.model import Cadence, Member, OutcomeStatus
from journal.core.journal_index import Journal
from journal.core.rules import load_entries
from journal.core.schema import iana_zone
from journal.core.text_safety import escape_yaml_unsafe
from journal.errors import EntryExists, JournalError, UnknownMember
from journal.store import paths
from journal.store.atomic import write_new
from journal.store.identity import member_for_email, user_email
from journal.store.templating import sandboxed_environment
from journal.store.workspace import open_repository
from journal.store.worktree import journal_paths, read_worktree

GITIGNORE = """# journal build output and caches
/site/
/.site.*
.journal-cache/
# what a killed `journal new` or build leaves beside the file it was writing
.*.tmp
*.md.tmp
__pycache__/
*.swp
*~
"""


def slugify(text: str, what: str, hint: str) -> str:
    """The slug a new entry's file is named by, made from its title `text`.

    Raises JournalError, with `hint`, when the title holds no letter or digit that survives
    (`!!!`, or a title written wholly in a non-Latin script): a made-up name such as
    `entry` would hide the title's loss and collide with the next such title."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].rstrip("-")
    if not slug:
        raise JournalError(f"{what} title '{text}' has no letter or digit (a-z, 0-9) "
                           "to name its file by", hint=hint)
    return slug


def machine_timezone() -> str:
    """The IANA name of this machine's zone, or UTC when it cannot be told."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        link = os.readlink("/etc/localtime")
        candidates.append(link.split("zoneinfo/", 1)[-1])
    except OSError:
        pass
    try:
        candidates.append(Path("/etc/timezone").read_text().strip())
    except OSError:
        pass
    # The one reader of a zone name (core/schema.iana_zone): a name `journal check` refuses
    # (`TZ=localtime`, a folder such as `America`) is never written into journal.yaml.
    return next((name for name in candidates if iana_zone(name) is not None), "UTC")


def yaml_quote(value: Any) -> str:
    """A YAML double-quoted scalar that reads back as exactly `value`.

    JSON's string syntax is valid YAML; characters YAML refuses to see raw are escaped,
    everything else stays readable for the person who edits the file next."""
    text = json.dumps(str(value), ensure_ascii=False)
    return escape_yaml_unsafe(text)


def yaml_id(value: Any) -> str:
    """An id as YAML that reads back as the same text: plain when it does (`alice`), quoted
    when YAML would read the plain word as something else (`1e3`, `yes`, `null`, `0x1f`)."""
    text = str(value)
    try:
        plain = load_yaml(f"{text}: {text}\n", 1)
    except EntryProblem:
        plain = None
    return text if plain == {text: text} else yaml_quote(text)


def _environment(root: Path | None) -> SandboxedEnvironment:
    env = sandboxed_environment(root, autoescape=False, keep_trailing_newline=True)
    env.filters["yaml"] = yaml_quote
    env.filters["yamlid"] = yaml_id
    env.filters["yamlcomment"] = lambda v: " ".join(str(v).split())
    return env


def render(root: Path | None, name: str, **context: Any) -> str:
    return _environment(root).get_template(f"entries/{name}").render(**context)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def init_email(target: Path) -> str | None:
    """The address `journal init` fills in for the first member: git's user.email at `target`,
    or None when there is none or it is malformed (it would only make the first `journal
    check` fail)."""
    email = user_email(target)
    return email if email is not None and re.fullmatch(r"[^@\s]+@[^@\s]+", email) else None


def init_journal(target: Path, members: list[str], title: str | None, now: dt.datetime) -> list[Path]:
    """Create a journal in `target`; returns the files written. Refuses an existing journal."""
    import pygit2

    if (target / layout.CONFIG).exists():
        raise JournalError(f"{target / layout.CONFIG} already exists; nothing changed",
                           hint="this folder already holds a journal")
    bad = [m for m in members if not layout.is_slug(m)]
    if bad:
        raise JournalError(f"member id '{bad[0]}' is not a slug", hint="use lowercase letters, digits and dashes, e.g. alice")
    twice = next((m for i, m in enumerate(members) if m in members[:i]), None)
    if twice is not None:
        raise JournalError(f"member '{twice}' is listed twice; nothing changed",
                           hint=f"give each partner one --member, e.g. --member {twice} --member bob")
    outer = open_repository(target if target.exists() else target.parent)
    if outer is not None and outer.workdir is not None and Path(outer.workdir).resolve() != target.resolve():
        # The history walk, the hooks and the attributes all read the repository's top
        # folder: a journal below it would be judged wrongly and not checked on commit.
        raise JournalError(f"{target} is inside the Git repository at {Path(outer.workdir)}; "
                           "a journal must be the top folder of its own repository",
                           hint=f"create it outside that repository (e.g. `journal init ../{target.name}`) "
                                "and link to it, or run `journal init` at the repository's top folder")
    target.mkdir(parents=True, exist_ok=True)
    if outer is None:
        pygit2.init_repository(str(target), initial_head="main")
    zone = machine_timezone()
    # Whoever starts the journal is most likely its first member: their commits count
    # from the first one when their address is already in the roster.
    email = init_email(target)
    roster = [{"id": m, "name": m.replace("-", " ").title(), "timezone": zone, "email": email if i == 0 else None}
              for i, m in enumerate(members)]
    title = title or " & ".join(r["name"] for r in roster) + " — accountability journal"
    files = {
        layout.CONFIG: render(None, "journal.yaml.j2", title=title, members=roster),
        "contracts/pact.md": render(None, "contract.md.j2", title="Our accountability pact", parties=members,
                                    effective=monday(now.astimezone(zoneinfo.ZoneInfo(zone)).date())),
        f"{layout.GOALS}/.gitkeep": "",
        f"{layout.CHECKINS}/.gitkeep": "",
    }
    written = []
    for rel, text in files.items():
        path = target / rel
        if not path.exists():
            write_new(path, text)
            written.append(path)
    from journal.digest.committed import GITATTRIBUTES

    extras = {".gitignore": GITIGNORE, ".gitattributes": GITATTRIBUTES,
              "README.md": f"# {title}\n\nOur accountability journal, kept with `journal`. "
                           "Where everyone stands: [the digest](digest/README.md).\n"}
    for rel, text in extras.items():
        path = target / rel
        if not path.exists():
            write_new(path, text)
            written.append(path)
    return written


@dataclass(frozen=True)
class Context:
    root: Path
    journal: Journal

    @property
    def members(self) -> dict[str, Member]:
        return members_of(self.journal)


def load_context(root: Path, member: str | None = None) -> Context:
    """Parse what `new` needs: the roster, contracts, goals and one member's check-ins."""
    def wanted(path: str) -> bool:
        if layout.entry_kind(path) != "checkin":
            return True
        name = layout.parse_checkin_name(path)
        return member is None or (name is not None and name.member == member)

    files, _ = read_worktree(root, [p for p in journal_paths(root) if wanted(p)])
    entries, _ = load_entries(files)
    return Context(root, Journal(entries))


def resolve_member(ctx: Context, member: str | None) -> str:
    if member is None:
        email = user_email(ctx.root)
        member = member_for_email(ctx.members, email)
        if member is None:
            if not email:
                raise UnknownMember("cannot tell who you are: git has no user.email here",
                                    hint="run `git config user.email YOU@EXAMPLE.ORG` with an address listed under "
                                         "your member's emails in journal.yaml, or pass --member ID (--owner ID for a goal)")
            raise UnknownMember(f"no member has the email '{email}'",
                                hint="pass --member ID (--owner ID for a goal), or add your git user.email to your member's emails in journal.yaml")
    if member not in ctx.members:
        raise UnknownMember.of(member, ctx.members)
    return member


def member_zone(ctx: Context, member: str) -> zoneinfo.ZoneInfo:
    return ctx.members[member].tz


def _is_daily(ctx: Context, member: str) -> bool:
    # A member's periods follow their earliest contract's cadence (see core.streaks), so a
    # later daily contract beside weekly ones must not turn their next check-in daily.
    mine = sorted((c.effective, slug, c.cadence) for slug, c in build_model.contracts(ctx.journal).items()
                  if member in c.parties and c.usable)
    return bool(mine) and mine[0][2] is Cadence.DAILY


def _write(root: Path, rel: str, text: str, other: str) -> Path:
    """Write a new entry; `other` says how to name a different one when it exists already."""
    from journal.store.workspace import ensure_idle

    ensure_idle(root)
    path = root / rel
    try:
        paths.write_new(root, rel, text)
    except FileExistsError:
        raise EntryExists(f"{rel} already exists; nothing written", hint=f"edit the existing file, or {other}") from None
    return path


@dataclass(frozen=True)
class NewCheckin:
    """The check-in written, and a note for the user when it is not the one they may expect."""

    path: Path
    note: str = ""


def _week_of(day: dt.date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def _open_unfiled_previous(ctx: Context, member: str, current: str, cadence: str, now: dt.datetime) -> str | None:
    """The period before `current` if it is still open (in its grace) and has no check-in yet."""
    previous = periods.prev_key(current, cadence)
    if any(p == previous for p, _ in ctx.journal.checkins.get(member, [])):
        return None
    closes = _closes(ctx, member, previous, cadence)
    return previous if closes is not None and now <= closes else None


def _closes(ctx: Context, member: str, key: str, cadence: str) -> dt.datetime | None:
    """When period `key` of `member` closes (due time plus grace): the latest close of the
    contracts in force for it; None when none is."""
    return max((p.closes for p in _periods_of(ctx, member, key, cadence)), default=None)


def _periods_of(ctx: Context, member: str, key: str, cadence: str) -> list[periods.Period]:
    """Period `key` of `member` as each contract in force for it makes it (its start, due
    time and close); [] when none is."""
    begins = periods.key_start(key, cadence)
    tz = member_zone(ctx, member)
    return [periods.make_period(key, cadence, tz, c.due, c.grace) for c in build_model.contracts(ctx.journal).values()
            if c.usable and member in c.parties and c.cadence is not None and c.cadence.value == cadence
            and c.due is not None and c.effective is not None and c.effective <= begins
            and (c.until is None or begins <= c.until)]


def _paused(ctx: Context, member: str, key: str, cadence: str) -> bool:
    """Whether a pause of `member`'s, in a contract of theirs, holds a day of period `key`
    (whether it excuses the period depends on its notice, which the history tells)."""
    begins = periods.key_start(key, cadence)
    last = begins + periods.period_days(cadence) - dt.timedelta(days=1)
    return any(p.member == member and p.start <= last and begins <= p.end
               for c in build_model.contracts(ctx.journal).values() if member in c.parties for p in c.pauses)


def new_checkin(root: Path, member: str | None, week: str | None, date: dt.date | None,
                now: dt.datetime) -> NewCheckin:
    """Write `member`'s check-in for `week` or `date`, by default the period to file now:
    the previous one while it is still open (in grace) and unfiled, else the current one."""
    ctx = load_context(root, member)
    member = paths.require_slug(resolve_member(ctx, member), "member id")
    daily = _is_daily(ctx, member)
    cadence = periods.DAILY if daily else periods.WEEKLY
    note = ""
    if daily and week is not None:
        raise JournalError(f"{member}'s contracts are daily: a check-in is for a day, not a week",
                           hint=f"pass --date YYYY-MM-DD (a day of {week})")
    if not daily and date is not None:
        # A day-named file would count for nothing under a weekly contract: write its week.
        week, note = _week_of(date), f"{member}'s contracts are weekly: writing the check-in of week {_week_of(date)}"
        date = None
    chosen = week is None and date is None  # the period is this command's choice, not the user's
    if chosen:
        local = now.astimezone(member_zone(ctx, member)).date()
        current = str(local) if daily else _week_of(local)
        earlier = _open_unfiled_previous(ctx, member, current, cadence, now)
        if earlier is not None:
            note = (f"{earlier} is still open and has no check-in: writing it "
                    f"(for {current}, pass {'--date' if daily else '--week'} {current})")
            current = earlier
        if daily:
            date = dt.date.fromisoformat(current)
        else:
            week = current
    period = week if week is not None else str(date)
    closes = _closes(ctx, member, period, cadence)
    if periods.not_begun(period, now, member_zone(ctx, member)):
        note = "; ".join(filter(None, (note, periods.too_early_words(period, member))))
    elif closes is not None and now > closes:
        # Written all the same (a late word is worth keeping), but not without saying so; when
        # it is the period of today's date, the next one has not begun: a check-in for it now
        # would count as too early. A pause may excuse it, as its notice decides.
        unless = ", unless a pause announced with notice excuses it" if _paused(ctx, member, period, cadence) else ""
        ahead = periods.next_key(period, cadence)
        following = _periods_of(ctx, member, ahead, cadence)
        then = (f"; {ahead} begins {human_zoned(min(p.start for p in following))}: check in for it from then"
                if chosen and following else "")
        note = "; ".join(filter(None, (note, (
            f"{period} closed for {member} at {human_zoned(closes)} (its grace has ended): a check-in for it "
            f"is shown but counts as missed{unless}{then}"))))
    previous = ctx.journal.previous_checkin(member, period)
    carried = [{"commitment": c.commitment, "goal": c.goal if layout.is_slug(c.goal) else None}
               for c in (build_model.checkin(previous).commitments if previous else ())]
    goals = [{"id": g.id, "metric": f"{g.measure.metric} this {g.measure.per or 'week'}"}
             for g in build_model.goals(ctx.journal).values()
             if member in g.owners and g.active and g.measure is not None]
    text = render(root, "checkin.md.j2", member=member, week=week, date=date, previous=carried, goals=goals)
    path = _write(root, layout.checkin_path(period, member), text, "give another --week (or --date, for a daily cadence)")
    return NewCheckin(path, note)


def new_goal(root: Path, title: str, goal_id: str | None, owner: str | None, deadline: dt.date | None,
             now: dt.datetime) -> Path:
    ctx = load_context(root, member="")
    owner = resolve_member(ctx, owner)
    goal_id = goal_id or slugify(title, "goal", hint="give a title with letters or digits, "
                                 "or pass the goal's id with --id ID (e.g. --id reading)")
    if not layout.is_slug(goal_id):
        raise JournalError(f"goal id '{goal_id}' is not a slug", hint="use lowercase letters, digits and dashes")
    started = now.astimezone(member_zone(ctx, owner)).date()
    if deadline is not None and deadline < started:
        # `journal check` refuses such a goal: better not to write it at all.
        raise JournalError(f"deadline {deadline} is before the goal starts ({started}, today for {owner}); "
                           "nothing written", hint=f"give a --deadline on or after {started}, or leave it out")
    text = render(root, "goal.md.j2", title=title, owner=owner, started=started, deadline=deadline)
    return _write(root, f"{layout.GOALS}/{goal_id}.md", text, "give the goal another --id")


def new_contract(root: Path, title: str, parties: list[str], now: dt.datetime, slug: str | None = None) -> Path:
    """Write contracts/<slug>.md (`slug` made from `title` unless given); its path.

    Raises JournalError for a slug that is not one, or a title that gives none."""
    slug = slug or slugify(title, "contract", hint="give a title with letters or digits, "
                                                   "or pass the contract's id with --slug SLUG (e.g. --slug reading-pact)")
    if not layout.is_slug(slug):
        raise JournalError(f"contract slug '{slug}' is not a slug", hint="use lowercase letters, digits and dashes")
    ctx = load_context(root, member="")
    parties = parties or sorted(ctx.members)
    for party in parties:
        if party not in ctx.members:
            raise UnknownMember.of(party, ctx.members)
    # The week that has begun for every party: in the zone where the date is latest, so no
    # party's first week under the contract is one already over.
    today = max(now.astimezone(member_zone(ctx, p)).date() for p in parties) if parties else now.date()
    text = render(root, "contract.md.j2", title=title, parties=parties, effective=monday(today))
    return _write(root, f"{layout.CONTRACTS}/{slug}.md", text,
                  "pass another --slug (or, without --slug, give the contract another title)")


#: Feedback is an observation and a question, never a verdict; the partner's `style` in
#: the contract decides how direct the question is.
PROMPTS: dict[str, dict[OutcomeStatus | None, str]] = {
    "tough-love": {
        OutcomeStatus.MISSED: "I noticed '{c}' was missed. What got in the way, and what will you do differently this week?",
        OutcomeStatus.PARTIAL: "I noticed '{c}' got partly done. What stopped the rest, and is the commitment still right?",
        OutcomeStatus.DONE: "I noticed '{c}' is done. What made it work, and can you raise the bar?",
        None: "I noticed no outcomes this time. What is the one thing you will commit to?",
    },
    "grace": {
        OutcomeStatus.MISSED: "I noticed '{c}' did not happen. What would make it easier next time?",
        OutcomeStatus.PARTIAL: "I noticed you made a start on '{c}'. What helped you get that far?",
        OutcomeStatus.DONE: "I noticed '{c}' is done. How does that feel, and what would you like to keep?",
        None: "I noticed no outcomes this time. What would you like support with?",
    },
}


def new_reply(root: Path, to: str | None, week: str | None, now: dt.datetime, author: str | None = None) -> Path:
    """Write your reply to a partner's check-in (default: the one partner whose latest check-in
    you have not answered), with verdict slots, the ask quoted and feedback prompts."""
    ctx = load_context(root)
    author = resolve_member(ctx, author)
    contracts = build_model.contracts(ctx.journal)
    partners = sorted({p for c in contracts.values() if author in c.parties or c.referee == author
                       for p in c.parties if p != author})
    if to is None:
        open_asks = [p for p in partners if (items := ctx.journal.checkins.get(p))
                     and (week or items[-1][0], p, author) not in ctx.journal.replies
                     and ctx.journal.checkin(p, week or items[-1][0]) is not None]
        if not partners:
            raise JournalError(f"'{author}' has no partner in any contract",
                               hint="a reply answers a partner in one of your contracts' `parties`")
        if not open_asks:
            raise JournalError(f"you have answered every partner's latest check-in{f' for {week}' if week else ''}",
                               hint=f"to add another reply, pass --to ID and --week (your partners: {', '.join(partners)})")
        if len(open_asks) > 1:
            raise JournalError(f"{len(open_asks)} partners wait for your reply: {', '.join(open_asks)}",
                               hint="pass --to ID to say whose check-in to answer")
        to = open_asks[0]
    if to not in ctx.members:
        raise UnknownMember.of(to, ctx.members)
    if to == author:
        raise JournalError("a reply answers a partner's check-in, not your own", hint="pass --to with a partner's id")
    if not ctx.journal.shares_contract(author, to):  # as `journal check` would refuse it
        raise JournalError(f"'{author}' and '{to}' share no contract (as parties, or '{author}' as its referee)",
                           hint=f"a reply answers a partner in one of your contracts: {', '.join(partners) or 'none'}")
    items = ctx.journal.checkins.get(to, [])
    period = week or (items[-1][0] if items else None)
    checkin = ctx.journal.checkin(to, period) if period else None
    if period is None or checkin is None:
        raise JournalError(f"'{to}' has no check-in{f' for {period}' if period else ''} to answer",
                           hint="reply once their check-in is in the journal (`git pull`)")
    record = build_model.checkin(checkin)
    style = next((c.style[to] for c in contracts.values() if to in c.parties and to in c.style), "grace")
    prompts = PROMPTS.get(style, PROMPTS["grace"])
    asked = [prompts[o.status if o.status is not None else OutcomeStatus.PARTIAL].format(c=" ".join(o.commitment.split()))
             for o in record.outcomes] or [prompts[None]]
    text = render(root, "reply.md.j2", author=author, to=to, period=period, ask=record.ask,
                  outcomes=[{"commitment": o.commitment, "status": o.status_text} for o in record.outcomes],
                  prompts=asked)
    rel = layout.reply_path(period, paths.require_slug(author, "member id"), paths.require_slug(to, "member id"))
    return _write(root, rel, text, "answer another check-in (--to, --week)")
