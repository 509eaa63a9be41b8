"""Problems found in entries: the value, the codes, and the text/JSON formatters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from journal.core.text_safety import for_terminal, safe_json

ERROR = "error"
WARNING = "warning"

# Codes name a family of rule; tests assert on them, messages carry the detail.
ENCODING = "encoding"
SIZE = "size"
EMPTY = "empty"
FRONT_MATTER = "front-matter"
SYNTAX = "syntax"
DUPLICATE_KEY = "duplicate-key"
YAML_TAG = "yaml-tag"
YAML_ALIAS = "yaml-alias"
NOT_MAPPING = "not-mapping"
SCHEMA = "schema"
TYPE = "type"
REQUIRED = "required"
ENUM = "enum"
DATE = "date"
WEEK = "week"
SLUG = "slug"
PATH = "path"
SYMLINK = "symlink"
REFERENCE = "reference"
PARTY = "party"
CADENCE = "cadence"
ANSWER = "answer"
OUTCOME = "outcome"
VAGUE = "vague"
MILESTONE = "milestone"
PAUSE = "pause"
DUPLICATE_PERIOD = "duplicate-period"
DUPLICATE_EMAIL = "duplicate-email"
NOT_AN_ENTRY = "not-an-entry"
TOO_EARLY = "too-early"

clean = for_terminal  # the name the CLI modules use


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    severity: str
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems))


def format_text(problems: Iterable[Problem]) -> str:
    return "".join(
        f"{clean(p.path)}:{p.line}:{p.column}: {p.severity}: {clean(p.message)} [{p.code}]\n"
        for p in problems
    )


def format_json(problems: Iterable[Problem]) -> str:
    return safe_json([asdict(p) for p in problems]) + "\n"


def summary(problems: Iterable[Problem], entries: int) -> str:
    problems = list(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(entries, 'entry').replace('entrys', 'entries')}"
