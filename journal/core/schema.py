"""The entry kinds and their fields, declared once, and the validator that walks them."""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from journal.core import layout, periods
from journal.core import problems as P
from journal.core.entries import Entry, KeyPath, raw_scalar
from journal.core.enums import Cadence, GoalStatus, OutcomeStatus, Verdict
from journal.core.problems import Problem
from journal.core.suggestions import (
    ZONE_SUGGESTIONS,
    as_mapping_hint,
    closest_choice,
    closest_key,
    number_meant,
    unknown_key_message,
    zone_hint,
)

STATUSES = tuple(OutcomeStatus)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\Z")


@dataclass(frozen=True)
class Ref:
    """A name in one entry that must exist elsewhere in the journal."""

    kind: str  # member | goal | contract
    value: str
    keypath: tuple[str | int, ...]


@dataclass(frozen=True)
class Field:
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    item: Field | None = None  # list items, or values of a `map`
    fields: dict[str, Field] = field(default_factory=dict)  # a `mapping` with fixed keys
    key: Field | None = None  # keys of a `map`
    hint: str = ""


def _f(kind: str, **kw: Any) -> Field:
    return Field(kind, **kw)


def _m(required: bool = False, **fields: Field) -> Field:
    return Field("mapping", required=required, fields={k.replace("_from", "from"): v for k, v in fields.items()})


REQ = {"required": True}

CONFIG = _m(
    title=_f("text", **REQ),
    members=_f("map", required=True, key=_f("slug"), item=_m(
        name=_f("text", **REQ), emails=_f("list", item=_f("email")), timezone=_f("timezone"))),
    digest=_m(out=_f("folder"), branch=_f("text"), private=_f("list", item=_f("text")), commit=_f("folder-or-false")),
)

CONTRACT = _m(
    title=_f("text", **REQ),
    parties=_f("list", required=True, item=_f("member")),
    effective=_f("date", **REQ),
    until=_f("date"),
    cadence=_f("enum", choices=tuple(Cadence)),
    due=_f("due"),
    grace=_f("duration"),
    style=_f("map", key=_f("member"), item=_f("enum", choices=("tough-love", "grace"))),
    stakes=_m(per_miss=_f("number", **REQ), currency=_f("text"), to=_f("text")),
    review_every=_f("duration"),
    notice=_f("duration"),
    pauses=_f("list", item=_m(member=_f("member", **REQ), _from=_f("date", **REQ), to=_f("date", **REQ), reason=_f("text"))),
    private=_f("bool"),
    respond_within=_f("duration"),
    referee=_f("member"),
)

GOAL = _m(
    title=_f("text", **REQ),
    owner=_f("members", **REQ),
    status=_f("enum", required=True, choices=tuple(GoalStatus)),
    started=_f("date"),
    deadline=_f("date"),
    measure=_m(metric=_f("text", **REQ), per=_f("enum", choices=("week", "day")), target=_f("number")),
    milestones=_f("list", item=_m(title=_f("text", **REQ), due=_f("date", **REQ), done=_f("date"))),
    tags=_f("list", item=_f("text")),
    contract=_f("contract"),
    private=_f("bool"),
)

CHECKIN = _m(
    member=_f("member", **REQ),
    week=_f("week"),
    date=_f("date"),
    contract=_f("contract"),
    outcomes=_f("list", item=_m(commitment=_f("text", **REQ), goal=_f("goal"),
                                status=_f("enum", required=True, choices=STATUSES), note=_f("text"))),
    metrics=_f("map", key=_f("goal"), item=_f("number")),
    commitments=_f("list", item=_m(commitment=_f("text", **REQ), goal=_f("goal"), note=_f("text"))),
    energy=_f("int", hint="1-5"),
    ask=_f("text"),
    private=_f("bool"),
)

VERDICTS = tuple(Verdict)

REPLY = _m(
    author=_f("member", **REQ),
    to=_f("member", **REQ),
    period=_f("period", **REQ),
    answer=_f("text"),
    kudos=_f("kudos"),
    verdicts=_f("list", item=_m(verdict=_f("enum", required=True, choices=VERDICTS), note=_f("text"))),
    private=_f("bool"),
)

SPECS = {"config": CONFIG, "contract": CONTRACT, "goal": GOAL, "checkin": CHECKIN, "reply": REPLY}

#: What an optional field means when it is left out (core/build_model applies these).
DEFAULTS: dict[str, dict[str, Any]] = {
    "config": {"timezone": "UTC", "digest.commit": "digest"},
    "contract": {"cadence": periods.WEEKLY, "due.weekly": "sunday 21:00", "due.daily": "21:00",
                 "grace": "0h", "notice": "7 days", "stakes.per_miss": 0.0,
                 # A partner answers within a fraction of the cadence: a weekly check-in by
                 # Tuesday night, a daily one the same evening.
                 "respond_within.weekly": "2 days", "respond_within.daily": "12h"},
    "goal": {"status": "active"},
}


def parse_date(value: Any) -> dt.date | None:
    """A `date` as given, or a YYYY-MM-DD text (ASCII digits) as a date; None otherwise,
    and None for a date outside periods.DATE_RANGE (year 0002 would make every walk over
    the periods take minutes, year 0001 overflow)."""
    if isinstance(value, dt.date):
        return value if periods.in_range(value) else None
    try:
        day = periods.parse_day(value)
    except ValueError:
        return None
    return day if periods.in_range(day) else None


def valid_week(value: Any) -> bool:
    """True for an ISO week key the period arithmetic can use (see periods.parse_week)."""
    return periods.cadence_of(value) == periods.WEEKLY and periods.FIRST_YEAR <= int(value[:4]) <= periods.LAST_YEAR


def _parses(parse: Callable[[str], Any]) -> Callable[[Any], bool]:
    def accepts(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            return False
        try:
            parse(str(value))
        except ValueError:
            return False
        return True

    return accepts


def due_any_cadence(text: str) -> None:
    """Parse `text` as a weekly due time, else as a daily one; ValueError (the daily parse's)
    for neither."""
    try:
        periods.parse_due(text, periods.WEEKLY)
    except ValueError:
        periods.parse_due(text, periods.DAILY)


def member_zone(name: Any) -> zoneinfo.ZoneInfo:
    """The member's IANA zone, or UTC (journal.yaml's default) for anything unusable (see `iana_zone`)."""
    return iana_zone(name) or zoneinfo.ZoneInfo(DEFAULTS["config"]["timezone"])


def is_zone_name(name: str) -> bool:
    """Whether `name` has the shape of an IANA zone's name that names a place (see `iana_zone`)."""
    return bool(_ZONE_NAME.fullmatch(name)) and name.split("/")[0] not in _NOT_PLACES


def iana_zone(value: Any) -> zoneinfo.ZoneInfo | None:
    """The time zone named `value` (an IANA name such as Europe/Berlin) in this machine's zone
    database, or None for anything else: not text, a path (`/etc/…`, `..`), a folder of the
    database (`America`), a name too long for a file name, or `localtime` (the zone of
    whichever machine reads the journal, not of the member).

    Every journal.yaml a partner committed is read with this, so no name stops a command."""
    if not isinstance(value, str) or not is_zone_name(value):
        return None
    try:
        return zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError, RecursionError):  # OSError: a folder
        return None


#: An IANA zone's name: at most three parts (America/Argentina/Buenos_Aires), of letters,
#: digits, `_`, `+` and `-` (Etc/GMT+5), no dots. Anything else is no zone, and read as a
#: path or a module it could reach past the zone database (a name 300 folders deep made the
#: `tzdata` package recurse until Python stopped).
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]{0,63}(?:/[A-Za-z0-9_+\-]{1,64}){0,2}")
#: Names in the zone database that are no place's zone: the machine's own (`localtime`,
#: `posixrules`, which may link to it), the leap-second variants Python reads an hour off
#: (`right/…`), copies (`posix/…`) and `Factory`.
_NOT_PLACES = frozenset(("localtime", "posixrules", "right", "posix", "Factory"))


def email_key(email: str) -> str:
    """What two addresses are compared by when a commit's author is matched to a member
    (core/model.Member.owns_email) and when the roster is checked for one listed twice:
    case and surrounding spaces ignored."""
    return email.strip().casefold()


def _timezone_ok(value: Any) -> bool:
    return iana_zone(value) is not None


#: The largest size of a target, metric or stake: far beyond any real one, far from where
#: float sums and chart scales lose their digits or overflow.
MAX_NUMBER = 1e12


def parse_number(value: Any) -> float | None:
    """A number as a float; None for anything else, and for inf, nan (YAML reads 1e400 as
    inf, .nan as nan) or a size above MAX_NUMBER, which break the charts' and sums' arithmetic."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int) and abs(value) > MAX_NUMBER:  # before float(), which overflows
        return None
    number = float(value)
    return number if math.isfinite(number) and abs(number) <= MAX_NUMBER else None


def _is_number(v: Any) -> bool:
    return parse_number(v) is not None


_FOLDER = "a folder of its own inside the journal (not empty, ., .., absolute, .git or an entry folder)"
_SCALARS: dict[str, tuple[Callable[[Any], bool], str, str]] = {
    # kind: (accepts, what is expected, problem code)
    "text": (lambda v: isinstance(v, str), "text", P.TYPE),
    "folder": (lambda v: isinstance(v, str) and layout.folder_problem(v) is None, _FOLDER, P.TYPE),
    "folder-or-false": (lambda v: v is False or (isinstance(v, str) and layout.folder_problem(v) is None),
                        f"{_FOLDER}, or false", P.TYPE),
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5, "a whole number from 1 to 5", P.TYPE),
    "number": (_is_number, "a number from -1e12 to 1e12", P.TYPE),
    "bool": (lambda v: isinstance(v, bool), "true or false", P.TYPE),
    "date": (lambda v: parse_date(v) is not None, f"a date YYYY-MM-DD from {periods.DATE_RANGE}", P.DATE),
    "week": (valid_week, f"an ISO week YYYY-Www (01-52, or 53 in long years; years {periods.FIRST_YEAR} to {periods.LAST_YEAR})",
             P.WEEK),
    "period": (lambda v: periods.cadence_of(v) is not None,
               "a period: an ISO week YYYY-Www (01-52, or 53 in long years) or a date YYYY-MM-DD", P.WEEK),
    "kudos": (lambda v: (isinstance(v, str) and bool(v.strip())) or (isinstance(v, int) and not isinstance(v, bool)
                                                                      and v >= 1),
              "a win's text or its outcome number (1 for the first)", P.TYPE),
    "slug": (layout.is_slug, f"an id of lowercase letters, digits and dashes (at most {layout.MAX_ID})", P.SLUG),
    "member": (layout.is_slug, "a member id", P.SLUG),
    "goal": (layout.is_slug, "a goal id", P.SLUG),
    "contract": (layout.is_slug, "a contract slug", P.SLUG),
    "email": (lambda v: isinstance(v, str) and _EMAIL.match(v) is not None, "an email address", P.TYPE),
    "timezone": (_timezone_ok, "an IANA time zone such as Europe/Berlin", P.TYPE),
    "duration": (_parses(periods.parse_duration), "a duration such as 12h, 7 days or 4 weeks (at most 10 years)", P.TYPE),
    # The cadence is a sibling field: the contract rule (core/rules.py) parses the pair.
    "due": (lambda v: isinstance(v, str), "a due time such as 'sunday 21:00' (or '21:00' for a daily cadence)", P.TYPE),
}
_REF_KINDS = ("member", "goal", "contract")


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"'{text[:60]}{'…' if len(text) > 60 else ''}'"


class Validator:
    """Walks one entry's data against its spec, collecting problems and references."""

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self.problems: list[Problem] = []
        self.refs: list[Ref] = []
        #: Per mapping (by key path), its unknown text keys, each with the known key it most
        #: likely misspells (None: none): what rules beside the schema ask of a misspelling.
        self.unknown: dict[tuple[str | int, ...], dict[str, str | None]] = {}
        self._zone_hints = 0  # misspelt zones given a suggestion (at most ZONE_SUGGESTIONS)

    def problem(self, keypath: KeyPath, code: str, message: str, *, key: bool = False,
                severity: str = P.ERROR) -> None:
        line, col = self.entry.position(keypath, key=key)
        self.problems.append(Problem(self.entry.path, line, col, severity, code, message))

    def run(self) -> Validator:
        self.mapping(SPECS[self.entry.kind], self.entry.data, ())
        return self

    def value(self, spec: Field, value: Any, path: tuple[str | int, ...]) -> None:
        # Field names are only worded for a problem: a clean entry (nearly all of them)
        # is walked without building one string per value.
        if value is None:
            if spec.required:
                accepts = _SCALARS[spec.kind][0] if spec.kind in _SCALARS else lambda v: v in spec.choices
                self.problem(path, P.REQUIRED, self._required_message(spec, field_name(path))
                             + self._misread(None, path, accepts=accepts))
            return
        if spec.kind == "mapping":
            if isinstance(value, dict):
                self.mapping(spec, value, path)
            else:
                self.problem(path, P.TYPE, f"{field_name(path)}: expected a mapping, found {describe(value)}"
                             + as_mapping_hint(spec.fields, value))
        elif spec.kind in ("list", "members"):
            self.sequence(spec, value, path)
        elif spec.kind == "map":
            if not isinstance(value, dict):
                self.problem(path, P.TYPE, f"{field_name(path)}: expected a mapping, found {describe(value)}")
                return
            for k, v in value.items():
                assert spec.key is not None and spec.item is not None
                if self.scalar(spec.key, k, path + (k,), key=True, named=path, suffix=" key"):
                    self.value(spec.item, v, path + (k,))
        elif spec.kind == "enum":
            if value not in spec.choices:
                # A value in another case (`Done`) or misspelt (`donee`): name the one meant.
                close = closest_choice(value, list(spec.choices))
                self.problem(path, P.ENUM, f"{field_name(path)}: expected one of {', '.join(spec.choices)}, "
                             f"found {describe(value)}" + (f" (did you mean '{close}'?)" if close else ""))
        else:
            self.scalar(spec, value, path)

    def _misread(self, value: Any, path: KeyPath, *, key: bool = False,
                 accepts: Callable[[Any], bool] = lambda v: isinstance(v, str)) -> str:
        """How to write it, when YAML read a plain word as a number, boolean or null that
        quoted would be accepted (`1e3`, `yes`, `null`, `0x1f`, `2026-11-30` as an id)."""
        if isinstance(value, bool):
            kind = "a boolean"
        elif value is None:
            kind = "null, no value"
        elif isinstance(value, (int, float)):
            kind = "a number"
        elif isinstance(value, (dt.date, dt.datetime)):
            kind = "a date"
        else:
            return ""
        raw = raw_scalar(self.entry, path, key=key)
        if value is None and raw not in ("null", "Null", "NULL", "~"):
            return ""  # left blank: nothing to quote
        if not raw or not accepts(raw):
            return ""
        return f" (YAML reads {raw} as {kind}; to mean the text, quote it: \"{raw}\")"

    def _required_message(self, spec: Field, name: str) -> str:
        if spec.kind == "enum":
            return f"{name} is required: one of {', '.join(spec.choices)}"
        expected = _SCALARS[spec.kind][1] if spec.kind in _SCALARS else spec.kind
        return f"{name} is required ({expected})"

    def scalar(self, spec: Field, value: Any, path: tuple[str | int, ...], *, key: bool = False,
               named: tuple[str | int, ...] | None = None, suffix: str = "") -> bool:
        """Check one scalar; a problem names it by `named` (default `path`) plus `suffix`."""
        accepts, expected, code = _SCALARS[spec.kind]
        if not accepts(value):
            name = field_name(path if named is None else named) + suffix
            hint = self._misread(value, path, key=key, accepts=accepts)
            if spec.kind in ("date", "period") and (why := periods.no_such_day(value)) is not None:
                hint = f" ({why})"
            elif spec.kind == "timezone" and isinstance(value, str) and self._zone_hints < ZONE_SUGGESTIONS:
                self._zone_hints += 1
                hint = zone_hint(value, is_zone_name) or hint
            elif spec.kind == "number" and isinstance(value, str) and (number := number_meant(value)):
                # `27 km`, `3 sessions`, `2,5`: the number alone, the unit being the goal's.
                hint = f" (write the number alone: {number})"
            self.problem(path, code, f"{name}: expected {expected}, found {describe(value)}{hint}", key=key)
            return False
        if spec.kind in _REF_KINDS:
            self.refs.append(Ref(spec.kind, value, path))
        return True

    def sequence(self, spec: Field, value: Any, path: tuple[str | int, ...]) -> None:
        if spec.kind == "members" and isinstance(value, str):
            self.scalar(_MEMBER, value, path)
            return
        name = field_name(path)
        if not isinstance(value, list):
            hint = self._misread(value, path, accepts=layout.is_slug) if spec.kind == "members" else ""
            expected = "a member id or a list of them" if hint else "a list"
            self.problem(path, P.TYPE, f"{name}: expected {expected}, found {describe(value)}{hint}")
            return
        if spec.required and not value:
            self.problem(path, P.REQUIRED, f"{name} must list at least one item")
        item = spec.item or _MEMBER
        for i, v in enumerate(value):
            if v is None:
                self.problem(path + (i,), P.TYPE, f"{field_name(path + (i,))}: empty list item")
            else:
                self.value(item, v, path + (i,))

    def mapping(self, spec: Field, value: dict[Any, Any], path: tuple[str | int, ...]) -> None:
        unknown = self.unknown[path] = {}
        for k in value:
            if not isinstance(k, str):
                hint = self._misread(k, path + (k,), key=True)
                self.problem(path + (k,), P.TYPE, f"keys must be text, found {describe(k)}{hint}", key=True)
            elif k not in spec.fields:
                close = unknown[k] = closest_key(k, spec.fields)
                message = unknown_key_message(k, spec.fields, close)
                if value[k] is None and " " in k.strip():
                    # `{commitment: Run 3x, one of 10 km}`: in a flow mapping a comma starts
                    # the next key, so the text after it was read as a key without a value.
                    message += "; inside `{...}` a comma starts a new key: put the value that holds the comma in quotes"
                self.problem(path + (k,), P.SCHEMA, message, key=True)
        for k, sub in spec.fields.items():
            v = value.get(k)
            if v is None and sub.required and k not in value and k in unknown.values():
                continue  # `memebrs:` for `members:`: one mistake, one problem, at the key written
            if v is None and sub.required:
                where = path + (k,) if k in value else path
                self.problem(where, P.REQUIRED, self._required_message(sub, field_name(path + (k,))),
                             key=k not in value and bool(path))
            elif v is not None:
                self.value(sub, v, path + (k,))


_MEMBER = _f("member")


def field_name(path: KeyPath) -> str:
    """outcomes[1].status: dotted keys, list items counted from 1 as people count them."""
    name = ""
    for part in path:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "front matter"


#: The keys that name a check-in's period; it has exactly one of them.
PERIOD_KEYS = ("week", "date")
PERIOD_MESSAGE = "a check-in names its period with exactly one of week: YYYY-Www or date: YYYY-MM-DD"


def _meant_as_period(close: str | None, value: Any) -> bool:
    """Whether an unknown key of a check-in (`close`: the known key it most likely misspells)
    was meant to name its period: a misspelt `week` or `date` (`weeks`), or, when it is close
    to no known key, one holding a period (`period: 2026-W48`). Its unknown-key problem then
    says it all, and the period problem is left out."""
    if close is not None:
        return close in PERIOD_KEYS
    return periods.cadence_of(value) is not None or parse_date(value) is not None


def checkin_period_key(data: Mapping[Any, Any]) -> str:
    """The key a check-in's front matter names its period by: "week" when that key holds
    anything (even an empty or unreadable value), else "date"."""
    return "week" if data.get("week") is not None else "date"


def checkin_period(data: Mapping[Any, Any]) -> Any:
    """The value a check-in's front matter names its period by (`checkin_period_key`); None
    when neither key holds one. The one reading of it, for the index, the rules and the model
    alike: a `week: ""` beside a `date:` is an unreadable period everywhere, never the date
    in one place only."""
    return data.get(checkin_period_key(data))


def _check_period(v: Validator, data: dict[Any, Any]) -> None:
    has_week, has_date = data.get("week") is not None, data.get("date") is not None
    if has_week and has_date:
        v.problem(("week",), P.REQUIRED, PERIOD_MESSAGE)
    elif not has_week and not has_date and not any(
            _meant_as_period(close, data[k]) for k, close in v.unknown.get((), {}).items()):
        v.problem((), P.REQUIRED, PERIOD_MESSAGE)


def validate(entry: Entry) -> tuple[list[Problem], list[Ref]]:
    v = Validator(entry).run()
    if entry.kind == "checkin":
        _check_period(v, entry.data)
    return v.problems, v.refs
