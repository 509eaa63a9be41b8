"""`journal hooks …`: the git hooks' commands (see journal/hooks.py for the shims)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from journal.cli.options import State, now_option, parse_now, pass_state
from journal.core.problems import clean
from journal.exitcodes import EXIT_OK, EXIT_PROBLEMS

if TYPE_CHECKING:
    from journal.store.workspace import Workspace


@click.group()
def hooks() -> None:
    """Git hooks: check on commit, rebuild and report after a pull."""


@hooks.command("install")
@click.option("--force", is_flag=True, help="Replace an old <hook>.legacy if one is in the way.")
@pass_state
def hooks_install(state: State, force: bool) -> int:
    """Install the pre-commit, post-merge and post-rewrite shims.

    Honours core.hooksPath. A hook that is already there is kept as <hook>.legacy and
    still runs first (its failure still blocks). Installing twice changes nothing.
    """
    from journal.githooks.install import install

    changes = install(state.directory, force)
    for line in changes or ["hooks already installed; nothing changed"]:
        click.echo(line)
    return EXIT_OK


@hooks.command("uninstall", short_help="Remove journal's shims; put back what was there.")
@pass_state
def hooks_uninstall(state: State) -> int:
    """Remove journal's shims only, and put back any hook they had kept."""
    from journal.githooks.install import uninstall

    for line in uninstall(state.directory) or ["no journal hooks installed; nothing changed"]:
        click.echo(line)
    return EXIT_OK


@hooks.command("status", short_help="Show which hooks are ours, foreign or missing.")
@pass_state
def hooks_status(state: State) -> int:
    """Show which hooks are installed, foreign or missing (exit 1 unless all are current)."""
    from journal.githooks.install import status

    states = status(state.directory)
    for s in states:
        note = (" (current)" if s.current else " (outdated: rerun `journal hooks install`)") if s.state == "ours" else ""
        legacy = f", runs {s.hook}.legacy first" if s.legacy else ""
        click.echo(f"{s.hook}: {s.state}{note}{legacy}  {s.path}")
    return EXIT_OK if all(s.current for s in states) else EXIT_PROBLEMS


@hooks.command("run", context_settings={"ignore_unknown_options": True},
               short_help="What the installed shims run (git calls it).")
@click.argument("hook", type=click.Choice(["pre-commit", "post-merge", "post-rewrite"]))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@now_option
@pass_state
def hooks_run(state: State, hook: str, args: tuple[str, ...], now: str | None) -> int:
    """What the installed shims run (git calls them; you rarely need to).

    pre-commit checks the staged journal files and blocks on errors. post-merge and
    post-rewrite rebuild the digest and print what partners did; they never fail.
    """
    if hook == "pre-commit":
        return _pre_commit(state)
    if hook == "post-rewrite" and args[:1] != ("rebase",):
        return EXIT_OK  # an amend brings nothing from partners
    try:
        from journal.githooks.pulled import after_pull

        workspace = state.workspace()
        lines, changed = after_pull(workspace, parse_now(now))
        for line in lines:
            click.echo(f"journal: {clean(line)}")
        if changed:
            _rebuild_after_pull(workspace, parse_now(now))
    except Exception as exc:  # the pull already happened: report, never fail it
        click.echo(f"journal: could not summarise or rebuild after {hook}: {clean(str(exc))}", err=True)
    return EXIT_OK


def _pre_commit(state: State) -> int:
    from journal.githooks.precommit import run

    return run(str(state.directory), debug=click.get_current_context().find_root().params.get("debug", False))


def _rebuild_after_pull(workspace: Workspace, now: dt.datetime) -> None:
    # One workspace for the summary, the site and the committed digest: the journal is
    # read and the history walked once, not once per step.
    from journal.digest.build import build_digest
    from journal.digest.committed import regenerate
    from journal.githooks.pulled import head_time

    build_digest(workspace, now=now)
    # The committed digest of a merge is dated by the merge, so partners who end on the
    # same commit regenerate the same bytes.
    result = regenerate(workspace, head_time(workspace) or now)
    if result.written or result.removed:
        click.echo(f"journal: regenerated {clean(result.folder)}/ for the merged state; it goes with your next commit")


COMMANDS = (hooks,)
