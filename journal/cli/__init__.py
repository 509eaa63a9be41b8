"""The `journal` command: the root group, its subcommands from the modules beside it, and main()."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from journal.cli import digest as _digest
from journal.cli import entries as _entries
from journal.cli import hooks as _hooks
from journal.cli import live as _live
from journal.cli import standing as _standing
from journal.cli import templates as _templates
from journal.cli.options import State
from journal.errors import error_boundary
from journal.exitcodes import EXIT_BROKEN_PIPE, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".",
              help="Run as if started in PATH (like git -C).", metavar="PATH")
@click.option("--debug", is_flag=True, help="Show a traceback for unexpected errors.")
@click.version_option(package_name="pact-journal")
@click.pass_context
def cli(ctx: click.Context, directory: Path, debug: bool) -> None:
    """A Git-backed, plain-text accountability journal.

    Goals, contracts and weekly check-ins are Markdown files with YAML front matter in a
    shared Git repository. `journal` checks them, scaffolds new ones, computes streaks
    from the commit history, builds a progress digest, and keeps all of it current from
    git hooks. Start with `journal demo`, or `journal init` for a journal of your own.
    """
    ctx.obj = State(directory)



for _module in (_entries, _standing, _digest, _hooks, _live, _templates):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (see journal.exitcodes); never a traceback unless --debug."""
    args = sys.argv[1:] if argv is None else argv
    return error_boundary(lambda: _invoke(args), debug="--debug" in args)


def _invoke(args: list[str]) -> int:
    # click's own outcomes; everything else is the boundary's (journal.errors).
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
    except click.exceptions.Abort:
        raise KeyboardInterrupt from None
    except SystemExit:
        # click answers EPIPE (`journal status | head -1`) by pacifying stdout and exiting 1,
        # which would read as "problems found": report it as the broken pipe it is.
        if type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
            return EXIT_BROKEN_PIPE
        raise
    return result if isinstance(result, int) else EXIT_OK
