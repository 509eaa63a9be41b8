"""Each member's last report, kept under the git folder so a commit re-judges only whose inputs changed.

`compute_member` is the costliest part of every standing (years of periods per member),
yet one new check-in changes one member's inputs. Each member's report is stored in its own
file, `<git dir>/journal/standings/<hash of the member id>.bin`, with the hash of exactly
what `compute_member` reads for that member (their contracts and the committed versions of
every contract, their filings, zones, the text of their check-ins and the referee's disputes
that make their outcomes, the shallow cut, this code) and the window of
`now` for which the report holds (core/report_window). A later standing whose inputs hash
the same and whose `now` falls in the window reads the report back; anything else, a file
that is not exactly what this module writes included, is computed again and the file
replaced. Only the members whose report was computed are written.

The file is sealed plain data (store/plain_cache.py, as every cache of computed results).
A report holds thousands of times: each is kept as its datetime's own 10-byte state (what
pickle stores for a datetime, fold included) and the index of its zone in a small table,
so reading one back is one constructor call, not a conversion from POSIX seconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from journal.core import build_model, entries, periods, recalibration, report_window, streaks
from journal.core.report_window import report_window as window_of
from journal.core.streaks import ContractTerms, Filing, MemberReport, Outcomes, PeriodStatus, TermsInForce
from journal.store import plain_cache, zone_rules
from journal.store.local_state import MAX_STATE_BYTES, code_stamp

FOLDER = "standings"
_FORMAT = "journal-member-report"
# 2: contracts listed once; 3: keyed by the check-ins outcomes come from; 4: sealed marshal,
# times as datetime states
_VERSION = 4
_TAG = f"{_FORMAT} {_VERSION}"
# The code whose result is stored (and that reads outcomes from check-in text): a change to
# any of it (an upgrade) computes every report again.
_CODE = (streaks, periods, recalibration, report_window, build_model, entries)


class StandingsCache:
    """Reports by member, reused while their inputs hash the same and `now` stays in their window.

    `folder` None computes every report and keeps nothing (no repository)."""

    def __init__(self, folder: Path | None, terms: Sequence[TermsInForce], cut: dt.datetime | None,
                 grafts: frozenset[str]) -> None:
        self.folder = folder / FOLDER if folder is not None else None
        shared = hashlib.sha256(f"{_FORMAT} {_VERSION}\0".encode())
        shared.update(code_stamp((*(Path(str(m.__file__)) for m in _CODE), Path(__file__))))
        shared.update(repr((tuple(terms), cut, sorted(grafts))).encode())
        self.shared = shared.digest()
        self.computed: list[str] = []  # members whose report was computed, not read back

    def report(self, member: str, tz: ZoneInfo, contracts: Sequence[ContractTerms], filings: Mapping[str, Filing],
               outcomes: Mapping[str, Outcomes] | Callable[[], Mapping[str, Outcomes]], now: dt.datetime, *,
               zones: Sequence[tuple[dt.datetime, ZoneInfo]], cut: dt.datetime | None, grafts: frozenset[str],
               terms: Sequence[TermsInForce], basis: Any = None) -> MemberReport:
        """`streaks.compute_member` with these arguments, read back when this machine already
        computed it from the same inputs for a `now` in the same window.

        `outcomes` may be a function that makes them, with `basis` what they are made from
        (hashed in their place), so a report read back never makes them."""
        if not callable(outcomes):
            basis = sorted(outcomes.items())
        # The zones' rules, not only their names: a tz database update moves period times.
        rules = zone_rules.fingerprint([str(tz.key), *(str(z.key) for _, z in zones)])
        key = hashlib.sha256(self.shared + repr((member, tz.key, rules, tuple(contracts), sorted(filings.items()),
                                                 basis, tuple(zones))).encode()).hexdigest()
        file = self.folder / f"{hashlib.sha256(member.encode()).hexdigest()[:32]}.bin" if self.folder else None
        now_utc = streaks._utc(now)
        if file is not None:
            found = _load(file, key, now_utc)
            if found is not None and found.member == member:
                return found
        if callable(outcomes):
            outcomes = outcomes()
        report = streaks.compute_member(member, tz, contracts, filings, outcomes, now, zones=zones, cut=cut,
                                        grafts=grafts, terms=terms)
        self.computed.append(member)
        window = window_of(member, tz, contracts, filings, now, report, zones=zones, terms=terms)
        encoded = _encode_report(report)
        if file is not None and window is not None and encoded is not None:
            record = (key, window[0].isoformat(), window[1].isoformat(), encoded)
            # replacing what versions 1 to 3 wrote
            plain_cache.save(file, _TAG, record, replaces=file.with_suffix(".json"))
        return report


def _load(file: Path, key: str, now: dt.datetime) -> MemberReport | None:
    raw = plain_cache.load(file, _TAG, MAX_STATE_BYTES)
    if type(raw) is not tuple or len(raw) != 4 or raw[0] != key:
        return None
    try:
        start, end = dt.datetime.fromisoformat(raw[1]), dt.datetime.fromisoformat(raw[2])
        if start.tzinfo is None or end.tzinfo is None or not start <= now < end:
            return None
        return _decode_report(raw[3])
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError, OSError):
        return None  # not what this module writes: computed again and replaced


# --- the report as plain data: every datetime with its zone, so it reads back the very same ----


def _encode_report(r: MemberReport) -> tuple[Any, ...] | None:
    # The contracts a period was judged under repeat from period to period: listed once; so
    # do the zones of its times.
    table: dict[tuple[tuple[str, tuple[str, ...]], ...], int] = {}
    zones: dict[str | int, int] = {}

    def moment(value: dt.datetime | None) -> tuple[bytes, int] | tuple[None, int]:
        if value is None:
            return None, -1
        zone, offset = value.tzinfo, value.utcoffset()
        if offset is None or offset.microseconds:
            raise ValueError("not a whole second")
        if isinstance(zone, ZoneInfo):
            if zone.key is None:
                raise ValueError("a zone without a name")
            name: str | int = zone.key
        elif zone == dt.timezone(offset):
            name = int(offset.total_seconds())
        else:
            raise ValueError("a named fixed offset")
        # The pickle state: year to microsecond and fold in 10 bytes, read back by the constructor.
        state = value.__reduce_ex__(4)[1][0]
        if type(state) is not bytes or len(state) != 10:
            raise ValueError("a datetime of another kind")
        return state, zones.setdefault(name, len(zones))

    try:
        periods_ = tuple((p.period, p.status, p.commit, *moment(p.at), tuple(p.flags), *moment(p.start),
                          *moment(p.due), *moment(p.closes), table.setdefault(p.contracts, len(table)))
                         for p in r.periods)
    except ValueError:
        return None
    return (r.member, tuple(zones), periods_, tuple(table), r.current, r.longest, r.score, r.on_time_rate,
            r.completion, r.owed, dict(r.counts), tuple(r.flags))


def _decode_report(raw: tuple[Any, ...]) -> MemberReport:
    (member, zone_names, raw_periods, table, current, longest, score, on_time_rate, completion, owed, counts,
     flags) = raw
    zones = [_offset(_int(z)) if type(z) is not str else _zone(z) for z in zone_names]
    for contracts in table:
        if type(contracts) is not tuple or not all(type(slug) is str and type(parties) is tuple
                                                   and all(type(p) is str for p in parties)
                                                   for slug, parties in contracts):
            raise TypeError("contracts of the wrong shape")
    found = []
    new = dt.datetime
    for period, status, commit, at, at_zone, flags_, start, start_zone, due, due_zone, closes, closes_zone, \
            contracts in raw_periods:
        if (type(period) is not str or type(status) is not str or not (commit is None or type(commit) is str)
                or type(flags_) is not tuple or not all(type(f) is str for f in flags_)):
            raise TypeError("a period of the wrong shape")
        # datetime(bytes, zone) takes bytes of any other length or kind as a year: a TypeError.
        found.append(PeriodStatus(period, status, commit, None if at is None else new(at, zones[at_zone]), flags_,
                                  new(start, zones[start_zone]), new(due, zones[due_zone]),
                                  new(closes, zones[closes_zone]), table[contracts]))
    if type(counts) is not dict or not all(type(k) is str and type(v) is int for k, v in counts.items()):
        raise TypeError("counts")
    return MemberReport(
        member=_text(member), periods=tuple(found), current=_int(current), longest=_int(longest),
        score=_number(score), on_time_rate=_optional(on_time_rate), completion=_optional(completion),
        owed=_number(owed), counts=counts, flags=tuple(map(_text, flags)))


_ZONES: dict[str, ZoneInfo] = {}
_OFFSETS: dict[int, dt.timezone] = {}


def _zone(name: str) -> ZoneInfo:
    if name not in _ZONES:
        _ZONES[name] = ZoneInfo(name)
    return _ZONES[name]


def _offset(seconds: int) -> dt.timezone:
    if seconds not in _OFFSETS:
        _OFFSETS[seconds] = dt.timezone(dt.timedelta(seconds=seconds))
    return _OFFSETS[seconds]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("not an integer")
    return value


def _number(value: Any) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError("not a number")
    return value


def _optional(value: Any) -> float | None:
    return None if value is None else _number(value)
