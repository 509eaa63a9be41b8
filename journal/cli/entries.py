"""`journal init`, `journal new …` and `journal check`: creating and checking entries."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from journal.cli.options import State, edit_option, iso_date, iso_week, now_option, parse_now, pass_state, slug_id
from journal.cli.output import echo_json, warn
from journal.errors import JournalError
from journal.exitcodes import EXIT_OK, EXIT_PROBLEMS


@click.command(short_help="Create a journal, with its git hooks.")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--member", "members", multiple=True, required=True, metavar="ID", callback=slug_id,
              help="A member id (lowercase slug); repeat for each partner.")
@click.option("--title", help="The journal's title (default: the members' names).")
@click.option("--hooks/--no-hooks", "with_hooks", default=True, show_default=True,
              help="Install the git hooks (see `journal hooks install`).")
@pass_state
def init(state: State, directory: Path | None, members: tuple[str, ...], title: str | None, with_hooks: bool) -> int:
    """Create a journal in DIRECTORY (default: the current folder).

    Makes the folder and a Git repository if needed, writes journal.yaml with the
    members (the first one with your git user.email), a default weekly contract
    (contracts/pact.md), the entry folders and a .gitignore, and installs the git hooks
    unless --no-hooks. Refuses if journal.yaml already exists.
    """
    from journal.commands.scaffold import init_email, init_journal

    target = state.directory / directory if directory else state.directory
    written = init_journal(target, list(members), title, parse_now(None))
    for path in written:
        click.echo(f"wrote {path}")
    if with_hooks:
        from journal.githooks.install import install

        for line in install(target):
            click.echo(line)
    if init_email(target) is None:
        warn([f"git has no usable user.email here: {members[0]}'s emails in journal.yaml is left empty. Set yours "
              "(`git config --global user.email you@example.org`; git needs it to commit, and journal counts "
              f"a commit as {members[0]}'s by it), then add it under {members[0]}'s emails"])
    click.echo(f"next: cd {target}, add everyone's emails and time zones to journal.yaml, "
               f"then `journal new checkin --member {members[0]}`")
    return EXIT_OK


@click.command(short_help="Clone a partner's journal, install hooks, say who you are.")
@click.argument("url")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--branch", metavar="NAME", help="The origin's branch holding the journal (default: the origin's HEAD).")
@pass_state
def join(state: State, url: str, directory: Path | None, branch: str | None) -> int:
    """Clone a partner's journal, install its hooks and tell who you are in it.

    Runs `git clone [--branch NAME] URL [DIRECTORY]`, installs the git hooks in the
    clone, and checks your git user.email against the roster in journal.yaml.
    """
    from journal.commands.join import join_journal
    from journal.core.problems import clean

    joined = join_journal(url, state.directory / directory if directory else None, state.directory, branch)
    # The URL and the git email are the user's own, but still no terminal escapes.
    for line in joined.lines:
        click.echo(clean(line))
    if joined.member is None:
        click.echo(f"hint: {clean(joined.hint)}", err=True)
    click.echo(clean(f"next: cd {joined.root} && journal status"))
    return EXIT_OK


@click.group(short_help="Create an entry from a template (never overwrites).")
def new() -> None:
    """Create an entry from a template (never overwrites an existing file)."""




def _created(path: Path, edit: bool) -> int:
    click.echo(str(path))
    if edit:
        click.edit(filename=str(path))
    return EXIT_OK


@new.command("checkin", short_help="Write this period's check-in, with your last commitments.")
@click.option("--member", metavar="ID", callback=slug_id,
              help="Whose check-in (default: the member with your git user.email).")
@click.option("--week", callback=iso_week, metavar="YYYY-Www",
              help="The ISO week (default: the period to file now: the previous one while it is still in its "
                   "grace period and not filed, else the current one).")
@click.option("--date", callback=iso_date, metavar="YYYY-MM-DD",
              help="The day, for a daily cadence; under a weekly one, the check-in of that day's week.")
@edit_option
@now_option
@pass_state
def new_checkin(state: State, member: str | None, week: str | None, date: dt.date | None, edit: bool,
                now: str | None) -> int:
    """Write this period's check-in, with last time's commitments listed under outcomes.

    Each carried-over commitment gets an empty status: fill in done, partial or missed.
    """
    from journal.commands.scaffold import new_checkin as create

    if week and date:
        raise click.UsageError("give --week or --date, not both")
    from journal.core.problems import clean

    made = create(state.root(), member, week, date, parse_now(now))
    if made.note:
        click.echo(f"note: {clean(made.note)}", err=True)
    return _created(made.path, edit)


@new.command("reply", short_help="Answer a partner's check-in: verdicts, the ask, feedback.")
@click.option("--to", metavar="ID", callback=slug_id,
              help="Whose check-in (default: the one partner whose latest check-in awaits you).")
@click.option("--week", callback=iso_week, metavar="YYYY-Www", help="The check-in's period (default: their latest).")
@click.option("--member", metavar="ID", callback=slug_id,
              help="Who replies (default: the member with your git user.email).")
@edit_option
@now_option
@pass_state
def new_reply(state: State, to: str | None, week: str | None, member: str | None, edit: bool, now: str | None) -> int:
    """Write replies/<YYYY>/<period>-<you>-to-<partner>.md, your answer to a partner's check-in.

    Lists the partner's outcomes as verdict slots (confirmed or disputed), quotes their
    ask, and leaves feedback prompts phrased as an observation and a question, in the
    style the contract names for them (tough-love or grace).
    """
    from journal.commands.scaffold import new_reply as create

    return _created(create(state.root(), to, week, parse_now(now), member), edit)


@new.command("goal")
@click.argument("title")
@click.option("--id", "goal_id", metavar="ID", callback=slug_id, help="The goal's id (default: made from the title).")
@click.option("--owner", metavar="ID", callback=slug_id, help="The owning member (default: you, by git user.email).")
@click.option("--deadline", callback=iso_date, metavar="YYYY-MM-DD", help="When the goal is due.")
@edit_option
@now_option
@pass_state
def new_goal(state: State, title: str, goal_id: str | None, owner: str | None, deadline: dt.date | None,
             edit: bool, now: str | None) -> int:
    """Write goals/<id>.md for a new goal called TITLE."""
    from journal.commands.scaffold import new_goal as create

    return _created(create(state.root(), title, goal_id, owner, deadline, parse_now(now)), edit)


@new.command("contract", short_help="Write contracts/<slug>.md, a new agreement.")
@click.argument("title")
@click.option("--party", "parties", multiple=True, metavar="ID", callback=slug_id,
              help="A party to it; repeat (default: all members).")
@click.option("--slug", metavar="SLUG", callback=slug_id,
              help="The contract's id, its file's name (default: made from the title).")
@edit_option
@now_option
@pass_state
def new_contract(state: State, title: str, parties: tuple[str, ...], slug: str | None, edit: bool,
                 now: str | None) -> int:
    """Write contracts/<slug>.md, a new accountability agreement called TITLE."""
    from journal.commands.scaffold import new_contract as create

    return _created(create(state.root(), title, list(parties), parse_now(now), slug), edit)


@click.command(short_help="Check the entries: path:line:col for each problem.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: path:line:col: severity: message [code]; json: a list of objects.")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json (as `streaks` and `status` take it).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@pass_state
def check(state: State, paths: tuple[Path, ...], fmt: str, as_json: bool, strict: bool) -> int:
    """Check the journal's entries (or only PATHS, still against the whole journal).

    Exit 0 when clean (warnings allowed), 1 when errors are found (or warnings with
    --strict), 2 on a usage error.
    """
    from journal.core import problems as P
    from journal.store.check_cache import check_loaded
    from journal.store.git import cache_dir
    from journal.store.workspace import open_repository
    from journal.store.worktree import relative_to_root
    from journal.store.worktree_cache import load_worktree

    fmt = "json" if as_json else fmt
    root = state.root()
    # Parses are reused from the cache under the git folder (keyed by blob id, and files
    # unchanged since the last read are not read again), as every other command does; a
    # journal outside a repository is read and parsed afresh.
    repo = open_repository(root)
    folder = cache_dir(repo) if repo is not None else None
    loaded = load_worktree(root, folder)
    files, read_problems = set(loaded.readable), loaded.read_problems
    only = [relative_to_root(root, p, state.directory) for p in paths] if paths else None
    if only:
        for given, rel in zip(paths, only):
            if not os.path.lexists(root / rel):
                # A typo on the command line, not a problem of an entry: exit 2, as for any bad value.
                raise click.BadParameter(f"no such file: {given}", param_hint="'PATHS'")
        missing = [p for p in only if p not in files and not any(rp.path == p for rp in read_problems)]
        if missing:
            from journal.core.layout import is_stray
            from journal.core.rules import stray_reason

            # A stray is told what `journal check` says of it (goals/2026/run.md, run.MD).
            stray = is_stray(missing[0]) and not (root / missing[0]).is_symlink()  # a link is no stray
            hint = stray_reason(missing[0]) if stray else \
                "entries are journal.yaml, contracts/*.md, goals/*.md, checkins/<YYYY>/*.md and replies/<YYYY>/*.md"
            raise JournalError(f"not a journal entry: {missing[0]}", hint=hint)
    # Each entry's own judgment is kept by content like its parse; the rules across entries run
    # every time, except for replies: their problems are kept a member/partner pair at a time,
    # by every input the rules read for them (core/reply_groups.py).
    result = check_loaded(loaded, only, folder)
    found = P.sort_problems(result.problems + [p for p in read_problems if only is None or p.path in only])
    if fmt == "json":
        echo_json(P.format_json(found), nl=False)
    else:
        click.echo(P.format_text(found), nl=False)
    click.echo(P.summary(found, result.entries + len(read_problems)), err=True)
    failing = any(p.is_error or strict for p in found)
    return EXIT_PROBLEMS if failing else EXIT_OK


COMMANDS = (init, join, new, check,)
