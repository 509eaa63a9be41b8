"""How the CLI words results on the terminal: tables, spans, percentages, warnings, errors."""

from __future__ import annotations

import codecs
import datetime as dt
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

import click

from journal.core.problems import clean

# The typed model, the streak rules and the human wording are imported by the functions
# that word their results: `journal check` and the hooks load this module without them.


def streak_table(standing: Any) -> list[str]:
    """The `journal streaks` table, a heatmap line per member and the pact streaks."""
    from journal.core.humanize import percent

    heat = _heat()
    rows = [("member", "current", "longest", "score", "on-time", "completion", "owed", "flags")]
    for r in standing.reports:
        # Every cell through the one terminal sanitiser: ids and flags come from partners' commits.
        rows.append(tuple(clean(cell) for cell in (
            r.member, r.current, r.longest, f"{r.score:.1f}", percent(r.on_time_rate),
            percent(r.completion), f"{r.owed:g}", ", ".join(r.flags) or "-")))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.append("")
    lines += [f"{clean(r.member).ljust(widths[0])}  {''.join(heat[p.status] for p in r.periods)}"
              for r in standing.reports]
    if standing.reports:
        from journal.core.states import STATUS_LABEL

        # The heatmap's key, in the words the digest's cells use (core/states.STATUS_LABEL).
        lines.append("key: " + ", ".join(f"{mark} {STATUS_LABEL[status]}" for status, mark in heat.items()))
    lines += [f"pact streak of {clean(slug)}: {n}" for slug, n in standing.pacts]
    return lines


def _heat() -> dict[str, str]:
    """One heatmap mark per period status, in core/streaks.STATUSES order."""
    from journal.core.streaks import STATUSES

    return dict(zip(STATUSES, "#+x-.e", strict=True))


def __getattr__(name: str) -> Any:
    # HEAT stays importable (`from journal.cli.output import HEAT`) without importing the
    # streak rules with this module.
    if name == "HEAT":
        return _heat()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def status_lines(data: dict[str, Any], reader: str = "UTC") -> list[str]:
    """The `journal status` lines; every field from the journal passes the terminal sanitiser."""
    lines = []
    for m in data["members"]:
        lines.append(f"{clean(m['name'])} ({clean(m['member'])}), {clean(m['period'] or '-')}: {clean(state_text(m, reader))}")
        lines += [f"    - {clean(c)}" for c in m["commitments"]]
    if data["upcoming"]:
        lines.append("coming up:")
        lines += [f"  {clean(u['date'])}  {clean(u['kind'])}: {clean(u['title'])} ({clean(u['source'])})"
                  for u in data["upcoming"]]
    if data.get("waiting_for_your_reply"):
        lines.append("waiting for your reply:")
        for w in data["waiting_for_your_reply"]:
            when = "overdue since" if w["overdue"] else "due"
            ask = f": {clean(w['ask'])}" if w["ask"] else ""
            due = wall_time(w["due"], w.get("timezone"), reader)
            lines.append(f"  {clean(w['member'])}, {clean(w['period'])} ({when} {clean(due)}){ask}")
    return lines


def wall_time(iso: str, zone: str | None, reader: str = "UTC") -> str:
    """'2026-11-30T09:00:00+01:00' -> '2026-11-30 09:00', followed by the zone's name (or its
    offset) when the reader's clock (zone `reader`) would read differently at that moment, and
    by the offset when the zone's clocks read that time twice (the hour clocks go back:
    '2026-11-01 01:00 America/New_York (UTC-0400)', an hour before the same with UTC-0500)."""
    from journal.core.schema import member_zone

    moment = dt.datetime.fromisoformat(iso)
    text = iso[:16].replace("T", " ")
    if moment.utcoffset() != moment.astimezone(member_zone(reader)).utcoffset():
        text += f" {zone or moment.strftime('UTC%z')}"
    if zone:
        local = moment.astimezone(member_zone(zone))
        if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
            text += f" ({moment.strftime('UTC%z')})"
    return text


def state_text(m: dict[str, Any], reader: str = "UTC") -> str:
    """One member's line of `journal status`, from an entry of standing.status_json.

    Times are the member's own (as the JSON gives them), followed by the zone's name when
    the reader's clock (zone `reader`) would read differently at that moment."""
    from journal.core.humanize import span
    from journal.core.states import STATE_LABEL, STATUS_LABEL, State

    def shown(iso: str) -> str:
        return wall_time(iso, m.get("timezone"), reader)

    if m["state"] == STATE_LABEL[State.CHECKED_IN]:
        status = m.get("status", "")
        verdict = f"{STATUS_LABEL[status]}, " if status in ("on_time", "late") else ""
        if status == "early":  # committed before the period began: the digest says the same
            verdict = f"{STATUS_LABEL[status]} (it does not count), "
        return f"checked in {verdict}{shown(m['at'])}" if m.get("at") else "checked in"
    if m["state"] == STATE_LABEL[State.DUE]:
        return f"due in {span(m['seconds_left'])} ({shown(m['due'])})"
    if m["state"] == STATE_LABEL[State.OVERDUE]:
        return f"OVERDUE since {shown(m['due'])} (counts as late until {shown(m['grace_until'])})"
    return str(m["state"])


def warn(warnings: Any) -> None:
    for w in warnings:
        click.echo(f"warning: {clean(w)}", err=True)


def echo_json(pieces: Any, batch: int = 1 << 18, nl: bool = True) -> None:
    """Print JSON text, given whole or in pieces (an iterable of str), and a line break (`nl`), as
    click.echo prints a text: in batches of about `batch` characters, so that a reader at
    the other end of a pipe takes each while the next is made, and the whole is never held
    twice (`streaks --json` with 13,000 replies is 13 MB).

    A character stdout's encoding cannot write (a Latin-1 locale, say) is written as its JSON
    escape (`\\u00e9`, a surrogate pair beyond the BMP), which a JSON reader reads back as
    the same character: the text is always whole, valid JSON, never cut off by an error
    halfway. JSON's own syntax is ASCII, so such a character is always inside a string."""
    stream = sys.stdout  # what click.echo writes to (click's own getter of it is deprecated)
    encoding: str | None = getattr(stream, "encoding", None)
    raw: Any = getattr(stream, "buffer", None)
    write: Callable[[str], Any]
    encoder = None
    if raw is None or not encoding:
        write = partial(click.echo, nl=False)
    else:
        stream.flush()
        # One encoder for all the batches: an encoding with a byte-order mark (UTF-16) writes it once.
        encoder = codecs.getincrementalencoder(encoding)(_JSON_ESCAPE)

        def write(text: str, encode: Callable[[str], bytes] = encoder.encode) -> None:
            raw.write(encode(text))
    held: list[str] = []
    size = 0
    for piece in [pieces] if isinstance(pieces, str) else pieces:
        held.append(piece)
        size += len(piece)
        if size >= batch:
            write("".join(held))
            held, size = [], 0
    if nl:
        held.append("\n")
    write("".join(held))
    if encoder is not None:
        raw.write(encoder.encode("", final=True))
        raw.flush()


def _json_escapes(error: UnicodeError) -> tuple[str, int]:
    """A codecs error handler: the characters an encoding cannot write, as JSON escapes."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    units = error.object[error.start:error.end].encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)), error.end


_JSON_ESCAPE = "journal-json-escape"
codecs.register_error(_JSON_ESCAPE, _json_escapes)
