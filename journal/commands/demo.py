"""`journal demo`: the example journal replayed into a new Git repository, dated to look current."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

import pygit2
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from journal.core import layout, periods
from journal.errors import JournalError, NotAJournal
from journal.standing import Standing, compute_standing
from journal.store import resources

SCRIPT = "history.yaml"
MAIN = "main"
# The demo's own Git config makes whoever explores it this member, so `journal new
# checkin` and commits in the walkthrough are Alice's.
DEMO_USER = "alice"

# [0-9], not \d: only ASCII digits make a date. The look-arounds keep longer digit runs whole.
_DATE = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")
_WEEK = re.compile(r"(?<![0-9])([0-9]{4})-W([0-9]{2})(?![0-9])")


@dataclass(frozen=True)
class Author:
    name: str
    email: str
    tz: zoneinfo.ZoneInfo


@dataclass(frozen=True)
class Step:
    """One commit of the script: a plain commit (on `branch`, or main) or a merge of `merge`."""

    author: str
    at: dt.datetime  # the author's local wall-clock time, naive
    message: str
    files: tuple[tuple[str, str], ...]  # (path, text) as the script has them, not yet shifted
    branch: str | None = None
    merge: str | None = None


@dataclass(frozen=True)
class Script:
    anchor: str  # the newest ISO week of the script
    steps: tuple[Step, ...]
    authors: dict[str, Author]
    expect: dict[str, Any]


@dataclass(frozen=True)
class Demo:
    root: Path
    commits: tuple[str, ...]  # in the order the script made them
    weeks: int  # how far every date was moved
    anchor: str  # the script's newest week, moved
    hooks: tuple[str, ...]  # what `hooks.install` changed
    site: Path | None  # site/index.html
    standing: Standing


def create_demo(target: Path, now: dt.datetime, example: Traversable | None = None) -> Demo:
    """Replay the example's history into a new repository at `target`, moved by whole weeks
    so that its newest week is the last one that has ended for every member at `now`."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise JournalError(f"refusing to create the demo in {target}: it is not an empty folder",
                           hint="name a new folder, e.g. `journal demo journal-demo-2`")
    from journal.store.worktree import find_root

    try:
        around = find_root(target)
    except NotAJournal:
        around = None
    if around is not None:
        # A repository inside a journal: committed, it becomes a gitlink, and its files are
        # strays to `journal check` (as `journal init` refuses to make a journal there).
        raise JournalError(f"refusing to create the demo inside the journal at {around}",
                           hint="run it in a folder outside any journal, e.g. `journal demo ~/journal-demo`")
    script = load_script(example if example is not None else resources.example_repo())
    weeks = shift_weeks(script.anchor, now, (a.tz for a in script.authors.values()))
    target.mkdir(parents=True, exist_ok=True)
    repo = pygit2.init_repository(str(target), initial_head=MAIN)
    me = script.authors[DEMO_USER]
    repo.config["user.name"] = me.name
    repo.config["user.email"] = me.email
    commits = replay(repo, script, weeks)
    commits = commits[:-1] + (commit_digest(repo, target),)
    repo.checkout(f"refs/heads/{MAIN}", strategy=pygit2.enums.CheckoutStrategy.FORCE)

    from journal.githooks.install import install

    changed = install(target)
    site = _build_digest(target, now)
    return Demo(target, commits, weeks, shift_text(script.anchor, weeks), tuple(changed), site,
                compute_standing(target, now))


def commit_digest(repo: pygit2.Repository, root: Path) -> str:
    """Fold the committed digest into main's last commit, as the pre-commit hook would
    have staged it there; returns the commit that replaces the tip (the same if the
    journal commits no digest). Dated by that commit, so the demo stays reproducible."""
    from journal.digest.committed import regenerate
    from journal.store.workspace import Workspace

    tip = repo.get(repo.references[f"refs/heads/{MAIN}"].target)
    moment = dt.datetime.fromtimestamp(tip.commit_time, dt.timezone(dt.timedelta(minutes=tip.commit_time_offset)))
    # This repository and root, not the journal found from `root`: nothing is checked out yet,
    # so a search for journal.yaml from there finds the journal the demo is made in, if any,
    # and its committed digest was written over.
    result = regenerate(Workspace(repo, root), moment, source="head")
    if result.folder is None or not result.files:
        return str(tip.id)
    index = pygit2.Index()
    index.read_tree(tip.tree)
    for rel, data in result.files.items():
        index.add(pygit2.IndexEntry(rel, repo.create_blob(data), pygit2.enums.FileMode.BLOB))
    oid = repo.create_commit(None, tip.author, tip.committer, tip.message, index.write_tree(repo), tip.parent_ids)
    repo.references.create(f"refs/heads/{MAIN}", oid, force=True)
    return str(oid)


def _build_digest(root: Path, now: dt.datetime) -> Path | None:
    from journal.digest.build import build_digest

    return build_digest(root, now).out / "index.html"


def load_script(example: Traversable) -> Script:
    """history.yaml of the example, with every file it names read from the example."""
    data = _yaml(example, SCRIPT)
    roster = _yaml(example, layout.CONFIG)
    try:
        authors = {mid: Author(m["name"], m["emails"][0], zoneinfo.ZoneInfo(m["timezone"]))
                   for mid, m in roster["members"].items()}
        anchor = str(data["anchor"])
        steps = tuple(_step(example, raw, authors) for raw in data["commits"])
    except (KeyError, TypeError, IndexError, ValueError, zoneinfo.ZoneInfoNotFoundError) as exc:
        raise JournalError(f"the example's {SCRIPT} or {layout.CONFIG} is malformed: {exc!r}") from None
    if periods.cadence_of(anchor) != periods.WEEKLY:
        raise JournalError(f"{SCRIPT}: anchor '{anchor}' is not an ISO week YYYY-Www")
    return Script(anchor, steps, authors, dict(data.get("expect") or {}))


def _yaml(example: Traversable, name: str) -> Any:
    try:
        return YAML(typ="safe").load(_read(example, name))
    except (OSError, YAMLError) as exc:
        raise JournalError(f"cannot read the example's {name}: {exc}") from None


def _read(example: Traversable, path: str) -> str:
    node = example
    for part in PurePosixPath(path).parts:
        node = node / part
    return node.read_text(encoding="utf-8")


def _step(example: Traversable, raw: dict[str, Any], authors: dict[str, Author]) -> Step:
    if raw["author"] not in authors:
        raise ValueError(f"author '{raw['author']}' is not a member")
    at = raw["at"] if isinstance(raw["at"], dt.datetime) else dt.datetime.fromisoformat(str(raw["at"]))
    files = tuple(_file(example, item) for item in raw.get("files") or ())
    merge = raw.get("merge")
    if merge is not None and (files or raw.get("branch")):
        raise ValueError(f"merge step '{raw['message']}' cannot also name files or a branch")
    return Step(raw["author"], at.replace(tzinfo=None), str(raw["message"]), files, raw.get("branch"), merge)


def _file(example: Traversable, item: str | dict[str, Any]) -> tuple[str, str]:
    path = item if isinstance(item, str) else item["path"]
    parts = PurePosixPath(path).parts
    if not parts or PurePosixPath(path).is_absolute() or ".." in parts:
        raise ValueError(f"file '{path}' must be a relative path inside the example")
    text = _read(example, path)
    for old, new in (item.get("replace") or []) if isinstance(item, dict) else []:
        if text.count(old) != 1:
            raise ValueError(f"{path}: {old!r} occurs {text.count(old)} times, not once")
        text = text.replace(old, new)
    return path, text


def shift_weeks(anchor: str, now: dt.datetime, zones: Iterable[zoneinfo.ZoneInfo]) -> int:
    """Whole weeks that move `anchor` onto the last ISO week that has ended in every zone."""
    mondays = [_monday(now.astimezone(tz).date()) for tz in zones] or [_monday(now.date())]
    last_ended = min(mondays) - dt.timedelta(weeks=1)
    return (last_ended - periods.week_start(anchor)).days // 7


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def shift_text(text: str, weeks: int) -> str:
    """Every date `YYYY-MM-DD` and ISO week `YYYY-Www` in `text` moved by `weeks` weeks;
    whole weeks keep weekdays. Strings that only look like dates are left alone."""
    if weeks == 0:
        return text
    delta = dt.timedelta(weeks=weeks)

    def day(m: re.Match[str]) -> str:
        try:
            return (dt.date(int(m[1]), int(m[2]), int(m[3])) + delta).isoformat()
        except (ValueError, OverflowError):
            return m[0]

    def week(m: re.Match[str]) -> str:
        try:
            year, number, _ = (dt.date.fromisocalendar(int(m[1]), int(m[2]), 1) + delta).isocalendar()
        except (ValueError, OverflowError):
            return m[0]
        return f"{year:04d}-W{number:02d}"

    return _WEEK.sub(week, _DATE.sub(day, text))


def shift_path(path: str, weeks: int) -> str:
    """A path with its dates moved; a check-in or reply also moves to the folder of its new year."""
    moved = shift_text(path, weeks)
    name = layout.parse_checkin_name(moved)
    if name is not None and moved.startswith(f"{layout.CHECKINS}/"):
        return layout.checkin_path(name.period, name.member)
    said = layout.parse_reply_name(moved)
    if said is not None and moved.startswith(f"{layout.REPLIES}/"):
        return layout.reply_path(said.period, said.author, said.to)
    return moved


def signature(author: Author, at: dt.datetime, weeks: int) -> pygit2.Signature:
    """The author at local wall-clock time `at` moved by `weeks`, with that moment's offset
    in their zone (so a Sunday 20:00 stays Sunday 20:00 across a change of summer time)."""
    local = (at + dt.timedelta(weeks=weeks)).replace(tzinfo=author.tz)
    offset = local.utcoffset() or dt.timedelta(0)
    return pygit2.Signature(author.name, author.email, int(local.timestamp()), int(offset.total_seconds() // 60))


def replay(repo: pygit2.Repository, script: Script, weeks: int) -> tuple[str, ...]:
    """Make the script's commits in `repo`, moved by `weeks`; branches and merges included.
    Author and committer are the same person at the same time."""
    tips: dict[str, pygit2.Oid | None] = {MAIN: None}
    made = []
    for step in script.steps:
        who = signature(script.authors[step.author], step.at, weeks)
        message = shift_text(step.message, weeks).rstrip("\n") + "\n"
        if step.merge is not None:
            ours, theirs = tips[MAIN], tips.get(step.merge)
            if ours is None or theirs is None:
                raise JournalError(f"{SCRIPT}: cannot merge '{step.merge}': no such branch yet")
            index = repo.merge_commits(ours, theirs)
            if index.conflicts is not None:
                raise JournalError(f"{SCRIPT}: merging '{step.merge}' conflicts")
            branch, parents, tree = MAIN, [ours, theirs], index.write_tree(repo)
        else:
            branch = step.branch or MAIN
            if branch not in tips:
                tips[branch] = tips[MAIN]
            parent = tips[branch]
            parents = [parent] if parent is not None else []
            tree = _tree(repo, repo.get(parent) if parent is not None else None,
                         {shift_path(p, weeks): shift_text(t, weeks) for p, t in step.files})
        oid = repo.create_commit(None, who, who, message, tree, parents)
        repo.references.create(f"refs/heads/{branch}", oid, force=True)
        tips[branch] = oid
        made.append(str(oid))
    return tuple(made)


def _tree(repo: pygit2.Repository, parent: Any, files: dict[str, str]) -> pygit2.Oid:
    index = pygit2.Index()
    if parent is not None:
        index.read_tree(parent.tree)
    for path, text in files.items():
        index.add(pygit2.IndexEntry(path, repo.create_blob(text.encode("utf-8")), pygit2.enums.FileMode.BLOB))
    return index.write_tree(repo)
