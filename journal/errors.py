"""Errors the core raises for the CLI to report; each carries a hint for the user."""

from __future__ import annotations


class JournalError(Exception):
    """A failure the user can act on: printed as `Error: …` plus `hint: …`, exit 1."""

    hint: str = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class NotAJournal(JournalError):
    hint = "run `journal init` to create one, or pass -C PATH to point at one"


class EntryExists(JournalError):
    hint = "edit the existing file, or choose another --week/--date/--id"


class UnknownMember(JournalError):
    hint = "members are listed under `members:` in journal.yaml"
