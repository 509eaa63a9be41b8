"""Problems found in entries: the value, the codes, and the text/JSON formatters."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

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
OUTCOME = "outcome"
VAGUE = "vague"
MILESTONE = "milestone"
PAUSE = "pause"
DUPLICATE_PERIOD = "duplicate-period"

# Terminal escapes and other controls a partner could smuggle into a message.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


_C1 = re.compile("[\x7f-\x9f\u2028\u2029]")


def clean(text: str) -> str:
    """Text safe to print on a terminal: control characters shown as `?`."""
    return _CONTROL.sub("?", text)


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


def safe_json(data: object) -> str:
    """JSON for a terminal or a pipe: the C1 controls JSON leaves raw are escaped too."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def format_json(problems: Iterable[Problem]) -> str:
    return safe_json([asdict(p) for p in problems]) + "\n"


def summary(problems: Iterable[Problem], entries: int) -> str:
    problems = list(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(entries, 'entry').replace('entrys', 'entries')}"
