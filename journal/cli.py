"""The `journal` command: parse options, call the core, print. The only module that exits."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from journal.errors import JournalError
from journal.problems import clean, safe_json

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_UNEXPECTED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_OVERDUE = 3  # `journal status`: you are overdue (for cron jobs and shell prompts)


class State:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def root(self) -> Path:
        from journal.files import find_root

        return find_root(self.directory)


pass_state = click.make_pass_decorator(State)


def parse_now(value: str | None) -> dt.datetime:
    """--now as an aware datetime (naive input is read as UTC); the real clock if absent."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO date or datetime, e.g. 2026-11-22T18:00+01:00",
                                 param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date YYYY-MM-DD") from None


def _iso_week(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from journal.schema import valid_week

    if value is not None and not valid_week(value):
        raise click.BadParameter(f"'{value}' is not an ISO week YYYY-Www, e.g. 2026-W47")
    return value


now_option = click.option("--now", "now", metavar="DATETIME",
                          help="Pretend the time is DATETIME (ISO 8601); default: the real clock.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "directory", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="Run as if started in PATH (like git -C).", metavar="PATH")
@click.option("--debug", is_flag=True, help="Show a traceback for unexpected errors.")
@click.version_option(package_name="journal")
@click.pass_context
def cli(ctx: click.Context, directory: Path, debug: bool) -> None:
    """A Git-backed, plain-text accountability journal.

    Goals, contracts and weekly check-ins are Markdown files with YAML front matter in a
    shared Git repository. `journal` checks them, scaffolds new ones, computes streaks
    from the commit history, builds a progress digest, and keeps all of it current from
    git hooks. Start with `journal demo`, or `journal init` for a journal of your own.
    """
    ctx.obj = State(directory)


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--member", "members", multiple=True, required=True, metavar="ID",
              help="A member id (lowercase slug); repeat for each partner.")
@click.option("--title", help="The journal's title (default: the members' names).")
@click.option("--hooks", "with_hooks", is_flag=True, help="Also install the git hooks (see `journal hooks install`).")
@pass_state
def init(state: State, directory: Path | None, members: tuple[str, ...], title: str | None, with_hooks: bool) -> int:
    """Create a journal in DIRECTORY (default: the current folder).

    Makes the folder and a Git repository if needed, writes journal.yaml with the
    members, a default weekly contract (contracts/pact.md), the entry folders and a
    .gitignore. Refuses if journal.yaml already exists.
    """
    from journal.scaffold import init_journal

    target = state.directory / directory if directory else state.directory
    written = init_journal(target, list(members), title, parse_now(None))
    for path in written:
        click.echo(f"wrote {path}")
    if with_hooks:
        from journal.hooks import install

        for line in install(target):
            click.echo(line)
    click.echo(f"next: add your email to journal.yaml, then `journal -C {target} new checkin --member {members[0]}`")
    return EXIT_OK


@cli.group()
def new() -> None:
    """Create an entry from a template (never overwrites an existing file)."""


edit_option = click.option("--edit", is_flag=True, help="Open the new file in $EDITOR.")


def _created(path: Path, edit: bool) -> int:
    click.echo(str(path))
    if edit:
        click.edit(filename=str(path))
    return EXIT_OK


@new.command("checkin")
@click.option("--member", metavar="ID", help="Whose check-in (default: the member with your git user.email).")
@click.option("--week", callback=_iso_week, metavar="YYYY-Www", help="The ISO week (default: the current one).")
@click.option("--date", callback=_iso_date, metavar="YYYY-MM-DD", help="The day, for a daily cadence.")
@edit_option
@now_option
@pass_state
def new_checkin(state: State, member: str | None, week: str | None, date: dt.date | None, edit: bool,
                now: str | None) -> int:
    """Write this period's check-in, with last time's commitments listed under outcomes.

    Each carried-over commitment gets an empty status: fill in done, partial or missed.
    """
    from journal.scaffold import new_checkin as create

    if week and date:
        raise click.UsageError("give --week or --date, not both")
    return _created(create(state.root(), member, week, date, parse_now(now)), edit)


@new.command("goal")
@click.argument("title")
@click.option("--id", "goal_id", metavar="ID", help="The goal's id (default: made from the title).")
@click.option("--owner", metavar="ID", help="The owning member (default: you, by git user.email).")
@click.option("--deadline", callback=_iso_date, metavar="YYYY-MM-DD", help="When the goal is due.")
@edit_option
@now_option
@pass_state
def new_goal(state: State, title: str, goal_id: str | None, owner: str | None, deadline: dt.date | None,
             edit: bool, now: str | None) -> int:
    """Write goals/<id>.md for a new goal called TITLE."""
    from journal.scaffold import new_goal as create

    return _created(create(state.root(), title, goal_id, owner, deadline, parse_now(now)), edit)


@new.command("contract")
@click.argument("title")
@click.option("--party", "parties", multiple=True, metavar="ID", help="A party to it; repeat (default: all members).")
@edit_option
@now_option
@pass_state
def new_contract(state: State, title: str, parties: tuple[str, ...], edit: bool, now: str | None) -> int:
    """Write contracts/<slug>.md, a new accountability agreement called TITLE."""
    from journal.scaffold import new_contract as create

    return _created(create(state.root(), title, list(parties), parse_now(now)), edit)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: path:line:col: severity: message [code]; json: a list of objects.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@pass_state
def check(state: State, paths: tuple[Path, ...], fmt: str, strict: bool) -> int:
    """Check the journal's entries (or only PATHS, still against the whole journal).

    Exit 0 when clean (warnings allowed), 1 when errors are found (or warnings with
    --strict), 2 on a usage error.
    """
    from journal import problems as P
    from journal.checks import check_files
    from journal.files import read_worktree, relative_to_root

    root = state.root()
    files, read_problems = read_worktree(root)
    only = [relative_to_root(root, p, state.directory) for p in paths] if paths else None
    if only:
        missing = [p for p in only if p not in files and not any(rp.path == p for rp in read_problems)]
        if missing:
            raise JournalError(f"not a journal entry: {missing[0]}",
                               hint="entries are journal.yaml, contracts/*.md, goals/*.md and checkins/<YYYY>/*.md")
    result = check_files(files, only)
    found = P.sort_problems(result.problems + [p for p in read_problems if only is None or p.path in only])
    click.echo(P.format_json(found) if fmt == "json" else P.format_text(found), nl=False)
    click.echo(P.summary(found, result.entries + len(read_problems)), err=True)
    failing = any(p.is_error or strict for p in found)
    return EXIT_PROBLEMS if failing else EXIT_OK


@cli.command("publish")
@click.option("--branch", metavar="NAME",
              help="The branch to commit the site to (default: digest.branch in journal.yaml, else gh-pages).")
@click.option("--message", metavar="TEXT", help="The commit message (default: names the HEAD it was built from).")
@now_option
@pass_state
def publish_command(state: State, branch: str | None, message: str | None, now: str | None) -> int:
    """Build the digest, then commit the site as a new commit on the gh-pages branch.

    Only that branch moves: the working tree, the index, HEAD and your current branch are
    untouched, and no commit is made when the site has not changed. Pushing stays yours:
    `git push origin gh-pages`.
    """
    from journal.publish import publish_digest

    result = publish_digest(state.directory, parse_now(now), branch, message)
    if result.changed:
        click.echo(f"published {result.files} files to {result.branch}: {result.commit}")
    else:
        click.echo(f"nothing changed: {result.branch} already holds this site ({result.commit})")
    return EXIT_OK


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Build into DIR (default: digest.out of journal.yaml, `site`, in the journal).")
@click.option("--markdown-only", is_flag=True,
              help="Only regenerate the committed Markdown digest (digest/ in the journal), not the site.")
@now_option
@pass_state
def digest(state: State, out: Path | None, markdown_only: bool, now: str | None) -> int:
    """Build the progress digest: a static HTML site, DIGEST.md, digest.json, feed.xml
    and calendar.ics.

    The site is written whole into a new folder and swapped in, so readers never see
    half of it; pages whose inputs did not change are kept from the previous build.
    Entries with `private: true` and the fields listed in `digest.private` are left out.
    With --markdown-only, regenerate the digest committed inside the journal instead
    (digest/README.md and its charts), for people who skip the hooks and for CI.
    """
    if markdown_only:
        from journal.committed import regenerate

        regenerated = regenerate(state.directory, parse_now(now))
        if regenerated.folder is None:
            click.echo("the committed digest is off (digest.commit: false in journal.yaml)")
        else:
            changed = len(regenerated.written) + len(regenerated.removed)
            click.echo(f"{regenerated.folder}/: {changed} file(s) changed" if changed
                       else f"{regenerated.folder}/: up to date")
        return EXIT_OK
    from journal.digest.build import build_digest

    result = build_digest(state.directory, parse_now(now), state.directory / out if out else None)
    warn(result.warnings)
    click.echo(f"wrote {result.pages} pages ({result.rendered} rendered, {result.pages - result.rendered} unchanged) "
               f"and {result.files - result.pages} other files: {result.out / 'index.html'}")
    return EXIT_OK


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--open", "open_site", is_flag=True, help="Open the digest's index.html in a browser.")
@now_option
@pass_state
def demo(state: State, directory: Path | None, open_site: bool, now: str | None) -> int:
    """Create a demo journal in DIRECTORY (default: journal-demo) and show its streaks.

    Replays the bundled example, two partnerships over sixteen weeks, as a Git history
    whose newest week is the last one that has ended; installs the hooks and builds the
    digest. Refuses a folder that is not empty.
    """
    from journal.demo import create_demo

    made = create_demo(state.directory / (directory or Path("journal-demo")), parse_now(now))
    click.echo(f"created {made.root}: {len(made.commits)} commits, the newest week {made.anchor}; hooks installed")
    click.echo("")
    for line in _streak_table(made.standing):
        click.echo(line)
    click.echo("")
    if made.site is not None:
        click.echo(f"digest: {made.site}")
        if open_site:
            click.launch(str(made.site))
    click.echo(f"next: cd {made.root} && journal status")
    return EXIT_OK


def _streak_table(standing: Any) -> list[str]:
    """The `journal streaks` table, a heatmap line per member and the pact streaks."""
    rows = [("member", "current", "longest", "score", "on-time", "completion", "owed", "flags")]
    for r in standing.reports:
        rows.append((r.member, str(r.current), str(r.longest), f"{r.score:.1f}", _pct(r.on_time_rate),
                     _pct(r.completion), f"{r.owed:g}", ", ".join(r.flags) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.append("")
    lines += [f"{r.member.ljust(widths[0])}  {''.join(HEAT[p.status] for p in r.periods)}" for r in standing.reports]
    lines += [f"pact streak of {slug}: {n}" for slug, n in standing.pacts]
    return lines


HEAT = {"on_time": "#", "late": "+", "missed": "x", "paused": "-", "pending": ".", "early": "e"}


@cli.command()
@click.option("--member", metavar="ID", help="Only this member.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures and every period as JSON.")
@now_option
@pass_state
def streaks(state: State, member: str | None, as_json: bool, now: str | None) -> int:
    """Streaks, scores and flags for each member, judged from the commit history.

    A check-in counts for its period by the author time of the commit that first brought
    it into the history, in the member's time zone. The heatmap shows one character per
    period: # on time, + late, x missed, - paused, . pending, e early.
    """
    from journal.progress import compute_standing, streaks_json

    standing = compute_standing(state.directory, parse_now(now), member)
    if as_json:
        click.echo(safe_json(streaks_json(standing)))
        return EXIT_OK
    warn(standing.warnings)
    for line in _streak_table(standing):
        click.echo(line)
    return EXIT_OK


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the state as JSON.")
@now_option
@pass_state
def status(state: State, as_json: bool, now: str | None) -> int:
    """This period for everyone: checked in, due in how long, or overdue.

    Also lists the commitments each member made for this period and what is due in the
    next two weeks. Exits 3 when you (the member whose email is git's user.email) are
    overdue, so a cron job or a shell prompt can remind you.
    """
    from journal.progress import compute_standing, is_overdue, status_json

    standing = compute_standing(state.directory, parse_now(now))
    data = status_json(standing)
    if as_json:
        click.echo(safe_json(data))
    else:
        warn(standing.warnings)
        for m in data["members"]:
            click.echo(f"{clean(m['name'])} ({m['member']}), {m['period'] or '-'}: {_state_text(m)}")
            for c in m["commitments"]:
                click.echo(f"    - {clean(c)}")
        if data["upcoming"]:
            click.echo("coming up:")
            for u in data["upcoming"]:
                click.echo(f"  {u['date']}  {u['kind']}: {clean(u['title'])} ({u['source']})")
    mine = next((r for r in standing.reports if r.member == standing.me), None)
    return EXIT_OVERDUE if mine is not None and is_overdue(mine, standing.now) else EXIT_OK


def _state_text(m: dict[str, Any]) -> str:
    if m["state"] == "checked in":
        return f"checked in {m['at'][:16].replace('T', ' ')}"
    if m["state"] == "due":
        return f"due in {_span(m['seconds_left'])} ({m['due'][:16].replace('T', ' ')} their time)"
    if m["state"] == "overdue":
        return f"OVERDUE since {m['due'][:16].replace('T', ' ')} (counts as late until {m['grace_until'][:16].replace('T', ' ')})"
    return str(m["state"])


def _span(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days}d {hours}h" if days else f"{hours}h {rest // 60}m"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def warn(warnings: Any) -> None:
    for w in warnings:
        click.echo(f"warning: {clean(w)}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map every outcome to an exit code, never a traceback unless --debug."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        result: Any = cli.main(args=args, prog_name="journal", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return EXIT_PROBLEMS
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    except JournalError as exc:
        show_error(str(exc), exc.hint)
        return EXIT_PROBLEMS
    except Exception as exc:
        if debug:
            raise
        show_error(f"unexpected {type(exc).__name__}: {exc}", "rerun with --debug for the traceback, and report it")
        return EXIT_UNEXPECTED
    return result if isinstance(result, int) else EXIT_OK


def show_error(message: str, hint: str) -> None:
    click.echo(f"Error: {clean(message)}", err=True)
    if hint:
        click.echo(f"hint: {clean(hint)}", err=True)


# The command groups below live in modules of their own; importing them registers them.
from journal import cli_hooks, cli_live  # noqa: E402,F401
