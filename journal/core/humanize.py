"""Dates, times, spans and rates as people read them: the one home of their wording.

Locale-independent on purpose: partners in different countries get the same digest bytes.
"""

from __future__ import annotations

import datetime as dt

from journal.core import periods

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def percent(value: float | None) -> str:
    """A rate as the digest shows it, on pages and in DIGEST.md alike."""
    return "–" if value is None else f"{value * 100:.0f} %"


def period_title(key: str) -> str:
    """'2026-W47' -> 'Week 47, 2026 (16–22 Nov)'; a day key -> 'Fri 20 Nov 2026'."""
    cadence = periods.cadence_of(key)
    if cadence == periods.WEEKLY:
        first = periods.week_start(key)
        last = first + dt.timedelta(days=6)
        span_text = f"{first.day}–{last.day} {_MONTHS[last.month - 1]}" if first.month == last.month \
            else f"{first.day} {_MONTHS[first.month - 1]} – {last.day} {_MONTHS[last.month - 1]}"
        return f"Week {int(key[6:])}, {key[:4]} ({span_text})"
    if cadence == periods.DAILY:
        day = dt.date.fromisoformat(key)
        return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"
    return key


def human_time(iso: str | None) -> str:
    """'2026-11-22T10:00:00+01:00' -> 'Sun 22 Nov 2026 10:00' (locale-independent)."""
    if not iso:
        return ""
    return human_clock(dt.datetime.fromisoformat(iso))


def human_clock(moment: dt.datetime) -> str:
    """A datetime's own wall clock worded as human_time words it: for a caller that holds the
    datetime already (the digest words thousands of periods)."""
    return (f"{_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} {moment.year} "
            f"{moment.hour:02d}:{moment.minute:02d}")


def human_moment(iso: str) -> str:
    """Like human_time, with the UTC offset the time is shown in: every clock time the digest
    shows (a member's times in their zone, "as of" lines in the builder's), read in many zones.
    A zero offset reads "UTC", not "UTC+00:00"."""
    return human_zoned(dt.datetime.fromisoformat(iso))


def human_zoned(moment: dt.datetime) -> str:
    """human_moment for a caller that holds the datetime already: 'Sun 22 Nov 2026 10:00 UTC+01:00'."""
    return f"{human_clock(moment)} {zone_label(moment)}".rstrip()


def zone_label(moment: dt.datetime) -> str:
    """The UTC offset a time is shown in, as the digest labels it: 'UTC', 'UTC+01:00', 'UTC-03:30';
    '' for a time without one."""
    offset = moment.utcoffset()
    if offset is None:
        return ""
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def human_date(iso: str | None) -> str:
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso[:10])
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def counted(n: int, noun: str) -> str:
    """`n` and the noun, plural unless `n` is 1: '1 period', '6 periods' (nouns with a plain -s)."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def span(seconds: int) -> str:
    days, rest = divmod(max(0, seconds), 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days}d {hours}h" if days else f"{hours}h {rest // 60}m"


def duration(seconds: int | float | None) -> str:
    """A length of time in words, as a contract names it: '2 days', '1 day 12 hours',
    '90 minutes' -> '1 hour 30 minutes'; '' for None."""
    if seconds is None:
        return ""
    days, rest = divmod(max(0, int(seconds)), 86400)
    hours, rest = divmod(rest, 3600)
    parts = [f"{n} {unit}{'' if n == 1 else 's'}"
             for n, unit in ((days, "day"), (hours, "hour"), (rest // 60, "minute")) if n]
    return " ".join(parts) or "0 minutes"


def countdown(day: dt.date, today: dt.date) -> str:
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 0:
        return f"in {days} days"
    return "yesterday" if days == -1 else f"{-days} days ago"
