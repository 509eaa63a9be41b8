"""Options and helpers the command modules share: the per-invocation State, --now, ISO dates and weeks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from journal.store.workspace import Workspace


class State:
    """What one invocation shares: the -C directory and the workspace opened there, once."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._workspace: Workspace | None = None

    def root(self) -> Path:
        from journal.store.worktree import find_root

        return find_root(self.directory)

    def workspace(self) -> Workspace:
        """The journal at -C (or here), opened on first use and handed to whatever runs."""
        if self._workspace is None:
            from journal.store.workspace import Workspace

            self._workspace = Workspace.open(self.directory)
        return self._workspace


pass_state = click.make_pass_decorator(State)


def parse_now(value: str | None) -> dt.datetime:
    """--now as an aware datetime (naive input is read as UTC); the real clock if absent."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        from journal.core.periods import no_such_day

        why = no_such_day(value[:10])  # a date that names no day, with or without a time after it
        raise click.BadParameter(f"'{value}' is not an ISO date or datetime, e.g. 2026-11-22T18:00+01:00"
                                 + (f" ({why})" if why else ""), param_hint="--now") from None
    from journal.core.periods import DATE_RANGE, in_range

    if not in_range(moment.date()):
        raise click.BadParameter(f"'{value}' lies outside {DATE_RANGE}", param_hint="--now")
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def digest_clock(value: str | None) -> dt.datetime:
    """--now for a command that builds the digest: without it, the real time to the minute
    (digest.committed.minute_clock), so that builds within one minute agree."""
    if value is not None:
        return parse_now(value)
    from journal.digest.committed import minute_clock

    return minute_clock()


def iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from journal.core.periods import DATE_RANGE, in_range, no_such_day

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        why = no_such_day(value)
        raise click.BadParameter(f"'{value}' is not a date YYYY-MM-DD" + (f" ({why})" if why else "")) from None
    if not in_range(day):
        raise click.BadParameter(f"'{value}' lies outside {DATE_RANGE}")
    return day


def iso_week(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from journal.core.periods import FIRST_YEAR, LAST_YEAR, weeks_in_year
    from journal.core.schema import valid_week

    if value is None or valid_week(value):
        return value
    year, number = (int(value[:4]), int(value[6:])) if re.fullmatch(r"[0-9]{4}-W[0-9]{2}", value) else (0, 0)
    if FIRST_YEAR <= year <= LAST_YEAR:
        # Well formed, but the year has no such week: say that, not "not an ISO week".
        raise click.BadParameter(f"week {number} is out of range for {year}: "
                                 f"{year} has weeks W01 to W{weeks_in_year(year):02d}")
    # `2026-w51`, `2026W51`, `2026 W 5`: the week meant, when it is one (not `2026-12`: a month?).
    found = re.fullmatch(r"\s*([0-9]{4})\s*-?\s*[Ww]\s*([0-9]{1,2})\s*", value)
    meant = f"{found[1]}-W{int(found[2]):02d}" if found else None
    said = f"did you mean {meant}?" if meant is not None and valid_week(meant) else "e.g. 2026-W47"
    raise click.BadParameter(f"'{value}' is not an ISO week YYYY-Www from {FIRST_YEAR} to {LAST_YEAR}; {said}")


def slug_id(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """An id given on the command line (or each of a repeated option's): a lowercase slug,
    as every id in a journal is; anything else is a malformed value (exit 2)."""
    from journal.core.layout import MAX_ID, is_slug

    for one in (value if isinstance(value, tuple) else (value,)):
        if one is not None and not is_slug(one):
            lower = one.lower()
            parts = one.replace(",", " ").split()
            if isinstance(value, tuple) and len(parts) > 1 and all(is_slug(part.lower()) for part in parts):
                # `--member alice,bob`: a repeated option takes one id each time.
                option = param.opts[0] if param.opts else "--member"
                raise click.BadParameter(f"'{one}' is not an id: give each its own {option}, e.g. "
                                         + " ".join(f"{option} {part.lower()}" for part in parts))
            raise click.BadParameter(f"'{one}' is not an id: use lowercase letters, digits and dashes "
                                     f"(at most {MAX_ID}), e.g. " + (f"'{lower}'" if is_slug(lower) else "alice"))
    return value


now_option = click.option("--now", "now", metavar="DATETIME",
                          help="Pretend the time is DATETIME (ISO 8601; without an offset, UTC: "
                               "2026-12-14T09:00+01:00 for Berlin's 09:00); default: the real clock.")


edit_option = click.option("--edit", is_flag=True, help="Open the new file in $EDITOR.")
