"""ISO weeks and days in a member's time zone: period keys, due times and grace."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

WEEKLY = "weekly"
DAILY = "daily"
CADENCES = (WEEKLY, DAILY)

#: Every date a journal may name: wide enough for any real pact, narrow enough that walking
#: the periods from one end to the other stays quick and never overflows the calendar.
FIRST_YEAR, LAST_YEAR = 1970, 2999
DATE_RANGE = f"{FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"
#: The longest duration a journal may give (grace, notice, respond_within, review_every).
MAX_DURATION = timedelta(days=3650)
# Period keys computed from those dates may name a year one beyond (2999-12-31 lies in
# 3000-W01, a zone ahead of UTC reaches 3000-01-01): the key readers allow that margin.
_KEY_YEARS = (FIRST_YEAR - 1, LAST_YEAR + 1)

# Digits spelled [0-9], not \d: \d also matches other scripts' digits, which int()
# would quietly accept, giving two spellings of one key.
_WEEK_KEY = re.compile(r"([0-9]{4})-W([0-9]{2})\Z")
_DAY_KEY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DURATION = re.compile(r"([0-9]+)\s*([a-z]+)")
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")

_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), timedelta(minutes=1)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), timedelta(hours=1)),
    **dict.fromkeys(("d", "day", "days"), timedelta(days=1)),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), timedelta(weeks=1)),
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# (weekday 0=Monday or None for a daily cadence, local time of day)
Due = tuple[int | None, time]


@dataclass(frozen=True)
class Period:
    """One check-in period; every datetime is aware and in the member's zone."""

    key: str
    start: datetime
    end: datetime  # exclusive: the next period's start
    due: datetime
    closes: datetime  # due + grace; a filing after this is a miss


def parse_duration(text: str) -> timedelta:
    """'12h', '30m', '2d', '1w', '90 minutes', '4 weeks' or '0' -> timedelta."""
    raw = str(text).strip().lower()
    if raw == "0":
        return timedelta(0)
    m = _DURATION.fullmatch(raw)
    if m is None or m[2] not in _UNITS:
        raise ValueError(
            f"invalid duration {text!r}: expected a whole number and a unit "
            "(m, h, d, w or minutes, hours, days, weeks), e.g. '12h', '7 days', or '0'"
        )
    try:
        span = int(m[1]) * _UNITS[m[2]]
    except OverflowError:
        span = None
    # Bounded so that every date the journal may name (FIRST_YEAR to LAST_YEAR), moved by
    # it either way, is still a date: a contract's notice, grace or window never overflows.
    if span is None or span > MAX_DURATION:
        raise ValueError(f"invalid duration {text!r}: longer than {MAX_DURATION.days // 365} years")
    return span


def parse_due(text: str, cadence: str) -> tuple[int | None, time]:
    """Weekly 'sunday 21:00' -> (6, 21:00); daily '21:00' -> (None, 21:00). Monday is 0."""
    check_cadence(cadence)
    words = str(text).split()
    if cadence == WEEKLY:
        if len(words) != 2:
            raise ValueError(
                f"invalid due {text!r} for a weekly cadence: expected a weekday and a "
                "time, e.g. 'sunday 21:00'"
            )
        return _weekday(words[0], text), _clock(words[1], text)
    if len(words) != 1:
        raise ValueError(
            f"invalid due {text!r} for a daily cadence: expected a time only, e.g. '21:00'"
        )
    return None, _clock(words[0], text)


def _weekday(word: str, text: str) -> int:
    name = word.lower()
    for number, full in enumerate(_WEEKDAYS):
        if name in (full, full[:3]):
            return number
    raise ValueError(
        f"invalid due {text!r}: {word!r} is not a weekday (monday ... sunday, or mon ... sun)"
    )


def _clock(word: str, text: str) -> time:
    m = _CLOCK.fullmatch(word)
    if m is None or int(m[1]) > 23 or int(m[2]) > 59:
        raise ValueError(f"invalid due {text!r}: expected a 24-hour time HH:MM, found {word!r}")
    return time(int(m[1]), int(m[2]))


def check_cadence(cadence: str) -> None:
    if cadence not in CADENCES:
        raise ValueError(f"invalid cadence {cadence!r}: expected 'weekly' or 'daily'")


def weeks_in_year(iso_year: int) -> int:
    # 28 December always lies in the last ISO week of its year.
    return date(iso_year, 12, 28).isocalendar().week


def parse_week(key: str) -> tuple[int, int]:
    """'2026-W47' -> (2026, 47); ValueError for weeks the ISO calendar lacks."""
    if not isinstance(key, str):
        raise ValueError(f"invalid ISO week {key!r}: expected YYYY-Www, e.g. '2026-W47'")
    return _parse_week(key)


# A journal names the same few hundred periods tens of thousands of times (every report,
# page and chart reads them), so the answers for text keys are remembered; errors are not.
@lru_cache(maxsize=16384)
def _parse_week(key: str) -> tuple[int, int]:
    m = _WEEK_KEY.match(key)
    if m is None:
        raise ValueError(f"invalid ISO week {key!r}: expected YYYY-Www, e.g. '2026-W47'")
    year, week = int(m[1]), int(m[2])
    if not _KEY_YEARS[0] <= year <= _KEY_YEARS[1]:
        raise ValueError(f"invalid ISO week {key!r}: the year must lie in {FIRST_YEAR} to {LAST_YEAR}")
    last = weeks_in_year(year)
    if not 1 <= week <= last:
        raise ValueError(f"invalid ISO week {key!r}: {year} has weeks W01 to W{last:02d}")
    return year, week


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # not the locale's: messages are in English


def no_such_day(text: object) -> str | None:
    """Why a text of the shape YYYY-MM-DD names no day ("no such day: February 2027 has 28
    days"); None for any other text, or one that names a day."""
    if not isinstance(text, str) or _DAY_KEY.match(text) is None:
        return None
    year, month, day = int(text[:4]), int(text[5:7]), int(text[8:10])
    if not 1 <= month <= 12:
        return f"no such day: there is no month {month:02d}"
    if year == 0:
        return "no such day: there is no year 0000"
    days = ((date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - date(year, month, 1)).days \
        if year < 9999 else 31  # (December 9999: the last month there is)
    return f"no such day: {_MONTHS[month - 1]} {year} has {days} days" if not 1 <= day <= days else None


def parse_day(key: str) -> date:
    """'2026-11-20' -> date; ValueError for anything but a real YYYY-MM-DD date."""
    if not isinstance(key, str) or _DAY_KEY.match(key) is None:
        raise ValueError(f"invalid date {key!r}: expected YYYY-MM-DD, e.g. '2026-11-20'")
    try:
        day = date.fromisoformat(key)
    except ValueError:
        raise ValueError(f"invalid date {key!r}: no such day") from None
    if not _KEY_YEARS[0] <= day.year <= _KEY_YEARS[1]:
        raise ValueError(f"invalid date {key!r}: outside {DATE_RANGE}")
    return day


def in_range(day: date) -> bool:
    """Whether `day` lies in the years a journal may name (FIRST_YEAR to LAST_YEAR)."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def week_start(key: str) -> date:
    """The Monday that begins ISO week `key`."""
    year, week = parse_week(key)
    return date.fromisocalendar(year, week, 1)


@lru_cache(maxsize=65536)
def key_start(key: str, cadence: str) -> date:
    """The first local date of the period named `key` (remembered: the digest asks for
    the same keys tens of thousands of times, and a date is immutable)."""
    check_cadence(cadence)
    return week_start(key) if cadence == WEEKLY else parse_day(key)


def cadence_of(key: object) -> str | None:
    """WEEKLY for a valid ISO week key, DAILY for a valid day key, None for anything else.

    The one reader of period keys: file names, `week:`/`date:` fields, --week and every
    output go through it (ASCII digits only; see parse_week and parse_day)."""
    return _cadence_of_text(key) if isinstance(key, str) else _cadence_of(key)


@lru_cache(maxsize=16384)
def _cadence_of_text(key: str) -> str | None:
    return _cadence_of(key)


def _cadence_of(key: object) -> str | None:
    for cadence, parse in ((WEEKLY, parse_week), (DAILY, parse_day)):
        try:
            parse(key)  # type: ignore[operator]
        except ValueError:
            continue
        return cadence
    return None


def period_days(cadence: str) -> timedelta:
    check_cadence(cadence)
    return timedelta(weeks=1) if cadence == WEEKLY else timedelta(days=1)


def date_key(day: date, cadence: str) -> str:
    """The key of the period containing local date `day`."""
    check_cadence(cadence)
    if cadence == DAILY:
        return day.isoformat()
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def period_key(moment: datetime, cadence: str, tz: ZoneInfo) -> str:
    """The key of the period containing instant `moment`, read on a wall clock in `tz`."""
    _require_aware(moment)
    return date_key(moment.astimezone(tz).date(), cadence)


#: The smallest step between two datetimes: `now > t` flips at `t + INSTANT`, the instant after `t`.
INSTANT = timedelta(microseconds=1)


def not_begun(key: str, moment: datetime, tz: ZoneInfo) -> bool:
    """Whether the period `key` (a week or day) has not begun at instant `moment` on a wall
    clock in `tz`: a check-in committed then is judged too early (core/streaks: `early`), and
    as a check-in counts at the commit that first brought it, never counts for `key`. False
    for a key that is no period. Keys of one cadence sort as their periods do."""
    cadence = cadence_of(key)
    if cadence is None:
        return False
    try:
        return key > period_key(moment, cadence, tz)
    except (OverflowError, ValueError):  # a moment no date holds there (year 10000): no period
        return False


def too_early_words(period: str, member: str) -> str:
    """What a check-in for a period that has not begun is told (`not_begun`), when
    it is written and when it is committed."""
    return (f"{period} has not begun for {member}: committed before it begins, this check-in counts "
            f"as too early, and never for {period}; commit it once {period} has begun (an amend keeps "
            f"the first author time: `git commit --amend --reset-author` takes the new one)")


def next_key(key: str, cadence: str) -> str:
    return date_key(key_start(key, cadence) + period_days(cadence), cadence)


def prev_key(key: str, cadence: str) -> str:
    return date_key(key_start(key, cadence) - timedelta(days=1), cadence)


def keys_between(first: str, last: str, cadence: str) -> list[str]:
    """Every key from `first` to `last` inclusive; empty if `last` comes first."""
    day, stop, step = key_start(first, cadence), key_start(last, cadence), period_days(cadence)
    keys = []
    while day <= stop:
        keys.append(date_key(day, cadence))
        day += step
    return keys


def local_time(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """Wall-clock `day` `clock` in `tz` as an aware datetime, valid across DST changes."""
    naive = datetime.combine(day, clock.replace(tzinfo=None))
    # The round trip through UTC turns a wall time skipped by a spring-forward jump into
    # the real instant just after the jump (PEP 495, fold=0 reads it with the old offset);
    # a repeated autumn wall time takes its first occurrence.
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def make_period(
    key: str, cadence: str, tz: ZoneInfo, due: tuple[int | None, time], grace: timedelta
) -> Period:
    """The period `key` with its due time and close (due + grace) in `tz`."""
    first = key_start(key, cadence)
    weekday, clock = due
    if cadence == WEEKLY:
        if weekday is None or not 0 <= weekday <= 6:
            raise ValueError(f"a weekly due needs a weekday 0 (Monday) to 6, found {weekday!r}")
        due_day = first + timedelta(days=weekday)
    else:
        if weekday is not None:
            raise ValueError("a daily due is a time only, without a weekday")
        due_day = first
    if grace < timedelta(0):
        raise ValueError(f"grace must not be negative, found {grace}")
    due_at = local_time(due_day, clock, tz)
    # Grace is elapsed time, so a DST change inside it neither stretches nor shrinks it.
    closes = (due_at.astimezone(UTC) + grace).astimezone(tz)
    return Period(
        key=key,
        start=local_time(first, time(0), tz),
        end=local_time(first + period_days(cadence), time(0), tz),
        due=due_at,
        closes=closes,
    )


def periods_between(
    first: date,
    last: datetime,
    cadence: str,
    tz: ZoneInfo,
    due: tuple[int | None, time],
    grace: timedelta,
) -> list[Period]:
    """Periods from the one containing local date `first` to the one containing instant `last`."""
    keys = keys_between(date_key(first, cadence), period_key(last, cadence, tz), cadence)
    return [make_period(key, cadence, tz, due, grace) for key in keys]


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; an aware datetime is needed")
