"""Errors the core raises for the CLI to report, and the one boundary that turns them into exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

from journal.exitcodes import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_PROBLEMS, EXIT_UNEXPECTED


class JournalError(Exception):
    """A failure the user can act on: printed as `Error: …` plus `hint: …`, exit 1."""

    hint: str = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class NotAJournal(JournalError):
    hint = "run `journal init` to create one, or pass -C PATH to point at one"


class NotARepository(JournalError):
    hint = "run `git init` (or `journal init`) there, or pass -C PATH to point at a repository"


class EntryExists(JournalError):
    hint = "edit the existing file, or choose another --week/--date/--id"


class UnknownMember(JournalError):
    hint = "members are listed under `members:` in journal.yaml"

    @classmethod
    def of(cls, member: str, members: Iterable[str]) -> UnknownMember:
        """The error for `member` given where one of `members`' ids is wanted: with the
        closest id ("did you mean …?") and the ids there are."""
        import difflib  # only on this error's path

        known = sorted(members)
        close = difflib.get_close_matches(member, known, n=1)
        return cls(f"unknown member '{member}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
                   hint=f"members are listed under `members:` in journal.yaml: {', '.join(known)}")


def show_error(message: str, hint: str = "") -> None:
    """`Error: …` and `hint: …` on stderr, with partner text made safe for the terminal."""
    from journal.core.text_safety import for_terminal

    sys.stderr.write(f"Error: {for_terminal(message)}\n")
    if hint:
        sys.stderr.write(f"hint: {for_terminal(hint)}\n")
    sys.stderr.flush()


def _machine_fault(exc: OSError) -> str:
    # Disk full, read-only folder, permission denied, a name the file system refuses:
    # the user's machine said no, and the message should say what and where.
    where = f": {exc.filename}" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"


def error_boundary(action: Callable[[], int], *, debug: bool = False,
                   unexpected_hint: str = "rerun with --debug for the traceback, and report it") -> int:
    """Run `action` and turn what it raises into an exit code (see journal.exitcodes).

    The one place that does so, for the click CLI and the click-free pre-commit path alike
    (after pre-commit's `error_handler.py`): JournalError → 1 with its hint; a fault of the
    machine (OSError) → 1 naming it; Ctrl-C → 130; anything else → 3 with one line, or the
    traceback when `debug` is set. Returns `action()`'s own code otherwise.
    """
    try:
        return action()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Not an error of ours: whoever read the output stopped. Point stdout at /dev/null so
        # the interpreter's final flush does not fail again, and say nothing.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except JournalError as exc:
        show_error(str(exc), exc.hint)
        return EXIT_PROBLEMS
    except OSError as exc:
        if debug:
            raise
        show_error(_machine_fault(exc), "check free space and permissions, then run the command again")
        return EXIT_PROBLEMS
    except ValueError as exc:
        if debug or not _is_nul_in_name(exc):
            return _unexpected(exc, debug, unexpected_hint)
        show_error("a file or folder name contains a NUL character, which no file system allows",
                   "check the path given on the command line and in journal.yaml")
        return EXIT_PROBLEMS
    except Exception as exc:  # noqa: BLE001 - the boundary: no traceback for users unless --debug
        return _unexpected(exc, debug, unexpected_hint)


def _is_nul_in_name(exc: ValueError) -> bool:
    # What os and pathlib raise for a path with a NUL in it: a fault of the input, not a bug.
    return "null byte" in str(exc) or "null character" in str(exc)


def _unexpected(exc: Exception, debug: bool, unexpected_hint: str) -> int:
    if debug:
        raise exc
    show_error(f"unexpected {type(exc).__name__}: {exc}", unexpected_hint)
    return EXIT_UNEXPECTED
