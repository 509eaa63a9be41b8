"""`journal digest`, `journal publish` and `journal demo`: building and showing the digest."""

from __future__ import annotations

from pathlib import Path

import click

from journal.cli.options import State, digest_clock, now_option, pass_state
from journal.cli.output import streak_table, warn
from journal.core.problems import clean
from journal.exitcodes import EXIT_OK


@click.command("publish", short_help="Build the digest and commit it to the gh-pages branch.")
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
    from journal.commands.publish import publish_digest

    # The digest's clock: to the minute, so a second publish within it finds the site
    # unchanged instead of committing a new `now`.
    result = publish_digest(state.workspace(), digest_clock(now), branch, message)
    if result.changed:
        click.echo(f"published {result.files} files to {clean(result.branch)}: {result.commit}")
    else:
        click.echo(f"nothing changed: {clean(result.branch)} already holds this site ({result.commit})")
    return EXIT_OK


@click.command(short_help="Build the progress digest: HTML site, DIGEST.md, feed.")
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
    moment = digest_clock(now)
    if markdown_only:
        from journal.digest.committed import regenerate

        regenerated = regenerate(state.workspace(), moment)
        if regenerated.folder is None:
            click.echo("the committed digest is off (digest.commit: false in journal.yaml)")
        else:
            changed = len(regenerated.written) + len(regenerated.removed)
            click.echo(f"{clean(regenerated.folder)}/: {changed} file(s) changed" if changed
                       else f"{clean(regenerated.folder)}/: up to date")
        return EXIT_OK
    from journal.digest.build import build_digest

    result = build_digest(state.workspace(), moment, state.directory / out if out else None)
    warn(result.warnings)
    click.echo(f"wrote {result.pages} pages ({result.rendered} rendered, {result.pages - result.rendered} unchanged) "
               f"and {result.files - result.pages} other files: {result.out / 'index.html'}")
    return EXIT_OK


@click.command(short_help="Create a demo journal with sixteen weeks of history.")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--open", "open_site", is_flag=True, help="Open the digest's index.html in a browser.")
@now_option
@pass_state
def demo(state: State, directory: Path | None, open_site: bool, now: str | None) -> int:
    """Create a demo journal in DIRECTORY (default: journal-demo) and show its streaks.

    Replays the bundled example, two partnerships over sixteen weeks, as a Git history
    whose newest week is the last one that has ended in every member's time zone (so a
    member ahead of the others may be overdue with the week after it); installs the hooks
    and builds the digest. Refuses a folder that is not empty.
    """
    from journal.commands.demo import create_demo

    made = create_demo(state.directory / (directory or Path("journal-demo")), digest_clock(now))
    click.echo(f"created {made.root}: {len(made.commits)} commits, the newest week {made.anchor}; hooks installed")
    click.echo("")
    for line in streak_table(made.standing):
        click.echo(line)
    click.echo("")
    if made.site is not None:
        click.echo(f"digest: {made.site}")
        if open_site:
            click.launch(str(made.site))
    click.echo(f"next: cd {made.root} && journal status")
    return EXIT_OK


COMMANDS = (digest, publish_command, demo,)
