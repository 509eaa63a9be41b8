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

from journal.core import build_model, layout
from journal.core.build_model import members as members_of
from journal.core.model import Cadence, Member
from journal.core.rules import Journal, load_entries
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


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "entry"


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
    for name in candidates:
        if name and ".." not in name and not name.startswith("/"):
            try:
                zoneinfo.ZoneInfo(name)
                return name
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return "UTC"


def yaml_quote(value: Any) -> str:
    """A YAML double-quoted scalar that reads back as exactly `value`.

    JSON's string syntax is valid YAML; characters YAML refuses to see raw are escaped,
    everything else stays readable for the person who edits the file next."""
    text = json.dumps(str(value), ensure_ascii=False)
    return escape_yaml_unsafe(text)


def _environment(root: Path | None) -> SandboxedEnvironment:
    env = sandboxed_environment(root, autoescape=False, keep_trailing_newline=True)
    env.filters["yaml"] = yaml_quote
    env.filters["yamlcomment"] = lambda v: " ".join(str(v).split())
    return env


def render(root: Path | None, name: str, **context: Any) -> str:
    return _environment(root).get_template(f"entries/{name}").render(**context)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def init_journal(target: Path, members: list[str], title: str | None, now: dt.datetime) -> list[Path]:
    """Create a journal in `target`; returns the files written. Refuses an existing journal."""
    import pygit2

    if (target / layout.CONFIG).exists():
        raise JournalError(f"{target / layout.CONFIG} already exists; nothing changed",
                           hint="this folder already holds a journal")
    bad = [m for m in members if not layout.is_slug(m)]
    if bad:
        raise JournalError(f"member id '{bad[0]}' is not a slug", hint="use lowercase letters, digits and dashes, e.g. alice")
    if len(set(members)) != len(members):
        raise JournalError("a member is listed twice")
    target.mkdir(parents=True, exist_ok=True)
    if open_repository(target) is None:
        pygit2.init_repository(str(target), initial_head="main")
    zone = machine_timezone()
    # Whoever starts the journal is most likely its first member: their commits count
    # from the first one when their address is already in the roster.
    email = user_email(target)
    if email is None or not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
        email = None  # a malformed address would only make the first `journal check` fail
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
            raise UnknownMember(f"no member has the email '{email}'" if email else "cannot tell who you are",
                                hint="pass --member ID (--owner ID for a goal), or add your git user.email to your member's emails in journal.yaml")
    if member not in ctx.members:
        raise UnknownMember(f"unknown member '{member}'")
    return member


def member_zone(ctx: Context, member: str) -> zoneinfo.ZoneInfo:
    return ctx.members[member].tz


def _is_daily(ctx: Context, member: str) -> bool:
    # A member's periods follow their earliest contract's cadence (see core.streaks), so a
    # later daily contract beside weekly ones must not turn their next check-in daily.
    mine = sorted((c.effective, slug, c.cadence) for slug, c in build_model.contracts(ctx.journal).items()
                  if member in c.parties and c.usable)
    return bool(mine) and mine[0][2] is Cadence.DAILY


def _write(root: Path, rel: str, text: str) -> Path:
    from journal.store.workspace import ensure_idle

    ensure_idle(root)
    path = root / rel
    try:
        paths.write_new(root, rel, text)
    except FileExistsError:
        raise EntryExists(f"{rel} already exists; nothing written") from None
    return path


def new_checkin(root: Path, member: str | None, week: str | None, date: dt.date | None, now: dt.datetime) -> Path:
    ctx = load_context(root, member)
    member = paths.require_slug(resolve_member(ctx, member), "member id")
    if week is None and date is None:
        local = now.astimezone(member_zone(ctx, member)).date()
        if _is_daily(ctx, member):
            date = local
        else:
            year, number, _ = local.isocalendar()
            week = f"{year}-W{number:02d}"
    period = week if week is not None else str(date)
    previous = ctx.journal.previous_checkin(member, period)
    carried = [{"commitment": c.commitment, "goal": c.goal if layout.is_slug(c.goal) else None}
               for c in (build_model.checkin(previous).commitments if previous else ())]
    goals = [{"id": g.id, "metric": f"{g.measure.metric} this {g.measure.per or 'week'}"}
             for g in build_model.goals(ctx.journal).values()
             if member in g.owners and g.active and g.measure is not None]
    text = render(root, "checkin.md.j2", member=member, week=week, date=date, previous=carried, goals=goals)
    return _write(root, layout.checkin_path(period, member), text)


def new_goal(root: Path, title: str, goal_id: str | None, owner: str | None, deadline: dt.date | None,
             now: dt.datetime) -> Path:
    ctx = load_context(root, member="")
    owner = resolve_member(ctx, owner)
    goal_id = goal_id or slugify(title)
    if not layout.is_slug(goal_id):
        raise JournalError(f"goal id '{goal_id}' is not a slug", hint="use lowercase letters, digits and dashes")
    started = now.astimezone(member_zone(ctx, owner)).date()
    text = render(root, "goal.md.j2", title=title, owner=owner, started=started, deadline=deadline)
    return _write(root, f"{layout.GOALS}/{goal_id}.md", text)


def new_contract(root: Path, title: str, parties: list[str], now: dt.datetime) -> Path:
    ctx = load_context(root, member="")
    parties = parties or sorted(ctx.members)
    for party in parties:
        if party not in ctx.members:
            raise UnknownMember(f"unknown member '{party}'")
    text = render(root, "contract.md.j2", title=title, parties=parties, effective=monday(now.date()))
    return _write(root, f"{layout.CONTRACTS}/{slugify(title)}.md", text)
