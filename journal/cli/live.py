"""`journal watch` and `journal serve`: checking and previewing while you write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from journal.cli.options import State, now_option, parse_now, pass_state
from journal.cli.output import warn
from journal.core.problems import clean
from journal.errors import show_error
from journal.exitcodes import EXIT_OK

out_option = click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
                          help="Build into DIR (default: digest.out of journal.yaml, `site`, in the journal).")


@click.command(short_help="Check entries as you save them; rebuild the digest.")
@out_option
@now_option
@pass_state
def watch(state: State, out: Path | None, now: str | None) -> int:
    """Check entries as you save them and rebuild the digest; Ctrl-C stops.

    Checks the whole journal and builds once, then after every save re-checks the
    changed entries (`path:line:col: …`, or `ok: path`) and rebuilds. Editor swap,
    backup and lock files, .git and the output folder are ignored. A failed build keeps
    the last good site and the watcher running. Without --now the digest's clock is the
    real time, to the minute.
    """
    from journal.live.watch import watch_journal

    root = state.root()
    return _live(lambda report: watch_journal(root, report, out=state.directory / out if out else None,
                                              **_clock(now)))


@click.command(short_help="Watch, and serve the digest with live reload.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, metavar="N",
              help="The port to listen on (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="The address to listen on; anything but loopback shows the digest to your network.")
@out_option
@now_option
@pass_state
def serve(state: State, port: int, host: str, out: Path | None, now: str | None) -> int:
    """Watch (as `journal watch` does) and serve the digest on a local web server.

    Open pages reload by themselves after each rebuild: a small script is added to the
    pages as they are served, never to the files on disk. Only files inside the site
    folder are served. Ctrl-C stops.
    """
    from journal.live.serve import serve_journal

    root = state.root()
    return _live(lambda report: serve_journal(root, report, host=host, port=port,
                                              out=state.directory / out if out else None, **_clock(now)))


def _clock(now: str | None) -> dict[str, Any]:
    if now is None:
        return {}
    moment = parse_now(now)
    return {"clock": lambda: moment}


def _live(run: Any) -> int:
    """Run a watch until Ctrl-C (or SIGTERM), which is how it is meant to end: exit 0,
    no traceback, a build in progress cleaned up."""
    import signal
    import threading

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, interrupt) if main_thread else None
    try:
        run(_show_live)
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_OK


def _show_live(event: Any) -> None:
    from journal.core import problems as P
    from journal.live.serve import Serving
    from journal.live.watch import BuildFailed, Built, Checked

    if isinstance(event, Serving):
        click.echo(f"serving the digest at {event.url} (Ctrl-C stops)")
        if not event.loopback:
            click.echo("warning: not a loopback address: anyone who can reach it can read the digest", err=True)
    elif isinstance(event, Checked):
        click.echo(P.format_text(event.problems), nl=False)
        for path in event.ok:
            click.echo(f"ok: {clean(path)}")
        for path in event.removed:
            click.echo(f"removed: {clean(path)}")
        if event.first:
            click.echo(P.summary(event.problems, event.entries))
    elif isinstance(event, Built):
        warn(event.warnings)
        shown = event.out.relative_to(Path.cwd()) if event.out.is_relative_to(Path.cwd()) else event.out
        click.echo(f"built {clean(str(shown))} in {event.seconds:.2f} s "
                   f"({event.rendered} of {event.pages} pages rendered)")
    elif isinstance(event, BuildFailed):
        show_error(event.message, event.hint)


COMMANDS = (watch, serve,)
