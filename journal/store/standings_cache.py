"""Each member's last report, kept under the git folder so a commit re-judges only whose inputs changed.

`compute_member` is the costliest part of every standing (years of periods per member),
yet one new check-in changes one member's inputs. Each member's report is stored in its own
file, `<git dir>/journal/standings/<hash of the member id>.json`, with the hash of exactly
what `compute_member` reads for that member (their contracts and the committed versions of
every contract, their filings, zones, the text of their check-ins and the referee's disputes
that make their outcomes, the shallow cut, this code) and the window of
`now` for which the report holds (core/report_window). A later standing whose inputs hash
the same and whose `now` falls in the window reads the report back; anything else, a file
that is not exactly what this module writes included, is computed again and the file
replaced. Only the members whose report was computed are written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from journal.core import build_model, entries, periods, recalibration, report_window, streaks
from journal.core.report_window import report_window as window_of
from journal.core.streaks import ContractTerms, Filing, MemberReport, Outcomes, PeriodStatus, TermsInForce
from journal.store import zone_rules
from journal.store.atomic import write_replace
from journal.store.local_state import code_stamp, read_json

FOLDER = "standings"
_FORMAT = "journal-member-report"
_VERSION = 3  # 2: contracts listed once; 3: keyed by the check-ins outcomes come from
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
        file = self.folder / f"{hashlib.sha256(member.encode()).hexdigest()[:32]}.json" if self.folder else None
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
            record = {"format": _FORMAT, "version": _VERSION, "key": key,
                      "start": window[0].isoformat(), "end": window[1].isoformat(), "report": encoded}
            try:
                write_replace(file, json.dumps(record, separators=(",", ":")))
            except OSError:
                pass  # a read-only git folder: computed again next time
        return report


def _load(file: Path, key: str, now: dt.datetime) -> MemberReport | None:
    raw = read_json(file)
    if (not isinstance(raw, dict) or raw.get("format") != _FORMAT or raw.get("version") != _VERSION
            or raw.get("key") != key):
        return None
    try:
        start, end = dt.datetime.fromisoformat(raw["start"]), dt.datetime.fromisoformat(raw["end"])
        if start.tzinfo is None or end.tzinfo is None or not start <= now < end:
            return None
        return _decode_report(raw["report"])
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError, OSError):
        return None  # not what this module writes: computed again and replaced


# --- the report as JSON: every datetime with its zone, so it reads back the very same ----------


def _encode_moment(moment: dt.datetime | None) -> list[Any] | None:
    """[POSIX seconds, zone name] or [POSIX seconds, offset in seconds] (a commit's own offset)."""
    if moment is None:
        return None
    zone, offset = moment.tzinfo, moment.utcoffset()
    if moment.microsecond or offset is None or offset.microseconds:
        raise ValueError("not a whole second")
    if isinstance(zone, ZoneInfo):
        if zone.key is None:
            raise ValueError("a zone without a name")
        return [int(moment.timestamp()), zone.key]
    if zone != dt.timezone(offset):
        raise ValueError("a named fixed offset")
    return [int(moment.timestamp()), int(offset.total_seconds())]


def _decode_moment(raw: Any) -> dt.datetime | None:
    if raw is None:
        return None
    seconds, zone = raw
    if type(seconds) is not int:
        raise TypeError("not whole seconds")
    if type(zone) is str:
        return dt.datetime.fromtimestamp(seconds, _ZONES.get(zone) or _zone(zone))
    return dt.datetime.fromtimestamp(seconds, _OFFSETS.get(zone) or _offset(_int(zone)))


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


def _encode_report(r: MemberReport) -> dict[str, Any] | None:
    # The contracts a period was judged under repeat from period to period: listed once.
    table: dict[tuple[tuple[str, tuple[str, ...]], ...], int] = {}
    try:
        periods_ = [[p.period, p.status, p.commit, _encode_moment(p.at), list(p.flags), _encode_moment(p.start),
                     _encode_moment(p.due), _encode_moment(p.closes), table.setdefault(p.contracts, len(table))]
                    for p in r.periods]
    except ValueError:
        return None
    return {"member": r.member, "periods": periods_, "contracts": [[[s, list(ps)] for s, ps in c] for c in table],
            "current": r.current, "longest": r.longest, "score": r.score, "on_time_rate": r.on_time_rate,
            "completion": r.completion, "owed": r.owed, "counts": r.counts, "flags": list(r.flags)}


def _decode_report(raw: dict[str, Any]) -> MemberReport:
    table = [tuple((_text(slug), tuple(map(_text, parties))) for slug, parties in c) for c in raw["contracts"]]
    found = []
    moment = _decode_moment
    for period, status, commit, at, flags, start, due, closes, contracts in raw["periods"]:
        flags = tuple(flags)
        if (type(period) is not str or type(status) is not str or not (commit is None or type(commit) is str)
                or not all(type(f) is str for f in flags) or type(contracts) is not int or contracts < 0):
            raise TypeError("a period of the wrong shape")
        found.append(PeriodStatus(period, status, commit, moment(at), flags, _required(start), _required(due),
                                  _required(closes), table[contracts]))
    counts = raw["counts"]
    if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
        raise TypeError("counts")
    return MemberReport(
        member=_text(raw["member"]), periods=tuple(found), current=_int(raw["current"]),
        longest=_int(raw["longest"]), score=_number(raw["score"]), on_time_rate=_optional(raw["on_time_rate"]),
        completion=_optional(raw["completion"]), owed=_number(raw["owed"]),
        counts={_text(k): v for k, v in counts.items()}, flags=tuple(map(_text, raw["flags"])))


def _required(raw: Any) -> dt.datetime:
    moment = _decode_moment(raw)
    if moment is None:
        raise TypeError("a missing time")
    return moment


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
