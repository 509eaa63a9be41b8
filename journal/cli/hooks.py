"""`journal hooks …`: the git hooks' commands (see journal/hooks.py for the shims)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from journal.cli.options import State, digest_clock, now_option, parse_now, pass_state
from journal.core.problems import clean
from journal.exitcodes import EXIT_OK, EXIT_PROBLEMS

if TYPE_CHECKING:
    from journal.store.workspace import Workspace


@click.group()
def hooks() -> None:
    """Git hooks: check on commit, rebuild and report after a pull."""


@hooks.command("install", short_help="Install the shims git runs (commit, merge, rewrite).")
@click.option("--force", is_flag=True, help="Replace an old <hook>.legacy if one is in the way.")
@pass_state
def hooks_install(state: State, force: bool) -> int:
    """Install the pre-commit, post-commit, post-merge and post-rewrite shims.

    Honours core.hooksPath. A hook that is already there is kept as <hook>.legacy and
    still runs first (its failure still blocks). Installing twice changes nothing.
    """
    from journal.githooks.install import hooks_dir, install, repository

    changes = install(state.directory, force)
    for line in changes or ["hooks already installed; nothing changed"]:
        click.echo(line)
    click.echo(f"hooks folder: {clean(str(hooks_dir(repository(state.directory))))} (git runs them for every worktree)")
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
    from journal.githooks.install import hooks_dir, repository, status

    states = status(state.directory)
    click.echo(f"hooks folder: {clean(str(hooks_dir(repository(state.directory))))} (git runs them for every worktree)")
    for s in states:
        note = (" (current)" if s.current else " (outdated: rerun `journal hooks install`)") if s.state == "ours" else ""
        legacy = f", runs {s.hook}.legacy first" if s.legacy else ""
        click.echo(f"{s.hook}: {s.state}{note}{legacy}  {s.path}")
    return EXIT_OK if all(s.current for s in states) else EXIT_PROBLEMS


@hooks.command("run", context_settings={"ignore_unknown_options": True},
               short_help="What the installed shims run (git calls it).")
@click.argument("hook", type=click.Choice(["pre-commit", "post-commit", "post-merge", "post-rewrite"]))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@now_option
@pass_state
def hooks_run(state: State, hook: str, args: tuple[str, ...], now: str | None) -> int:
    """What the installed shims run (git calls them; you rarely need to).

    pre-commit checks the staged journal files and blocks on errors. post-merge and
    post-rewrite rebuild the site, give a merge or rebase its own digest and print what
    partners did; they never fail.
    """
    if hook == "pre-commit":
        return _pre_commit(state)
    if hook == "post-commit":
        return _post_commit(state)
    if hook == "post-rewrite" and args[:1] != ("rebase",):
        return EXIT_OK  # an amend brings nothing from partners
    try:
        from journal.githooks.pulled import after_pull

        workspace = state.workspace()
        lines, changed = after_pull(workspace, parse_now(now))
        for line in lines:
            click.echo(f"journal: {clean(line)}")
        if changed:
            _rebuild_after_pull(workspace, digest_clock(now), made_here=hook == "post-rewrite" or _merged(workspace))
    except Exception as exc:  # the pull already happened: report, never fail it
        click.echo(f"journal: could not summarise or rebuild after {hook}: {clean(str(exc))}", err=True)
    return EXIT_OK


def _pre_commit(state: State) -> int:
    from journal.githooks.precommit import run

    return run(str(state.directory), debug=click.get_current_context().find_root().params.get("debug", False))


def _post_commit(state: State) -> int:
    try:
        from journal.githooks.postcommit import sync_digest
        from journal.store.workspace import require_repository

        repo = require_repository(state.directory)
        changed = sync_digest(repo)
        if changed:
            click.echo(f"journal: put the committed digest ({len(changed)} file(s)) in the index and working tree "
                       "as this commit recorded it")
        from journal.errors import JournalError
        from journal.githooks.merging import NotReplaced, is_merge, refresh_head_digest

        # A merge committed by hand (after a conflict, or --no-commit): the pre-commit hook
        # saw only this side's history, so the merge gets the digest of both sides.
        if is_merge(repo):
            try:
                if refresh_head_digest(state.workspace()):
                    click.echo("journal: regenerated the digest in the new commit for its merged state")
            except (NotReplaced, JournalError) as exc:
                click.echo(f"journal: {clean(str(exc))}", err=True)
    except Exception as exc:  # the commit already happened: report, never fail it
        click.echo(f"journal: could not bring the digest in step after the commit: {clean(str(exc))}", err=True)
    return EXIT_OK


def _merged(workspace: Workspace) -> bool:
    from journal.githooks.merging import just_merged

    return workspace.repo is not None and just_merged(workspace.repo)


def _rebuild_after_pull(workspace: Workspace, now: dt.datetime, made_here: bool) -> None:
    # One workspace for the summary, the site and the digest check: the journal is read
    # and the history walked once, not once per step. The committed digest is never left
    # modified in the working tree (the next pull would stop on it): a merge or rebase just
    # made here gets it in its commit (githooks/merging); a fast-forward brings the one its
    # author's pre-commit hook made, which is only checked.
    from journal.digest.build import build_digest
    from journal.errors import JournalError
    from journal.githooks.merging import NotReplaced, refresh_head_digest
    from journal.githooks.pulled import stale_digest

    build_digest(workspace, now=now)
    if made_here:
        try:
            changed = refresh_head_digest(workspace)
        except (NotReplaced, JournalError) as exc:  # nothing was changed; say why and what to do
            click.echo(f"journal: {clean(str(exc))}", err=True)
            return
        if changed:
            click.echo(f"journal: regenerated {len(changed)} digest file(s) in the new commit for its merged state")
        if changed is not None:
            return
    note = stale_digest(workspace)
    if note:
        click.echo(f"journal: {clean(note)}")


COMMANDS = (hooks,)
