"""Typed views of valid entries: members with their zones, contracts as streak terms."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from journal.core import periods
from journal.core.rules import Journal
from journal.core.schema import parse_date
from journal.core.streaks import ContractTerms, Pause

PauseKey = tuple[str, str, str, str]  # (contract, member, from, to)


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    emails: tuple[str, ...]
    tz: zoneinfo.ZoneInfo

    def owns_email(self, email: str) -> bool:
        return email.strip().casefold() in {e.strip().casefold() for e in self.emails}


def members(journal: Journal) -> dict[str, Member]:
    roster = journal.config.data.get("members") if journal.config else None
    found: dict[str, Member] = {}
    for mid, info in (roster.items() if isinstance(roster, dict) else []):
        if not isinstance(mid, str):
            continue
        info = info if isinstance(info, dict) else {}
        emails = tuple(e for e in info.get("emails") or [] if isinstance(e, str)) if isinstance(info.get("emails"), list) else ()
        name = str(info["name"]) if isinstance(info.get("name"), str) else mid
        found[mid] = Member(mid, name, emails, _zone(info.get("timezone")))
    return found


def _zone(name: Any) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name) if isinstance(name, str) and name and ".." not in name else zoneinfo.ZoneInfo("UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _duration(value: Any, default: dt.timedelta | None) -> dt.timedelta | None:
    if value is None:
        return default
    try:
        return periods.parse_duration(str(value))
    except ValueError:
        return default


def contract_terms(journal: Journal, announced: Mapping[PauseKey, dt.datetime]) -> tuple[list[ContractTerms], list[str]]:
    """Every usable contract as ContractTerms; contracts too broken to use are named in warnings."""
    terms: list[ContractTerms] = []
    warnings: list[str] = []
    for slug, entry in sorted(journal.contracts.items()):
        data = entry.data
        effective = parse_date(data.get("effective"))
        cadence = data.get("cadence", periods.WEEKLY)
        parties = data.get("parties")
        if effective is None or cadence not in periods.CADENCES or not isinstance(parties, list):
            warnings.append(f"{entry.path}: skipped (needs valid effective, cadence and parties; run `journal check`)")
            continue
        try:
            due = periods.parse_due(str(data.get("due") or ("sunday 21:00" if cadence == periods.WEEKLY else "21:00")), cadence)
        except ValueError:
            warnings.append(f"{entry.path}: skipped (invalid due; run `journal check`)")
            continue
        stakes = data.get("stakes")
        per_miss = stakes.get("per_miss") if isinstance(stakes, dict) else 0
        terms.append(ContractTerms(
            slug=slug,
            parties=tuple(p for p in parties if isinstance(p, str)),
            effective=effective,
            until=parse_date(data.get("until")),
            cadence=cadence,
            due=due,
            grace=_duration(data.get("grace"), dt.timedelta(0)) or dt.timedelta(0),
            notice=_duration(data.get("notice"), dt.timedelta(days=7)) or dt.timedelta(0),
            per_miss=float(per_miss) if isinstance(per_miss, (int, float)) and not isinstance(per_miss, bool) else 0.0,
            review_every=_duration(data.get("review_every"), None),
            pauses=tuple(_pauses(slug, data.get("pauses"), announced)),
        ))
    return terms, warnings


def _pauses(slug: str, raw: Any, announced: Mapping[PauseKey, dt.datetime]) -> list[Pause]:
    found = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        start, end, member = parse_date(item.get("from")), parse_date(item.get("to")), item.get("member")
        if start and end and isinstance(member, str):
            reason = str(item["reason"]) if isinstance(item.get("reason"), str) else ""
            found.append(Pause(member, start, end, announced.get((slug, member, str(start), str(end))), reason))
    return found


def outcomes(journal: Journal, member: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """period -> ((commitment, status), ...) from the member's check-ins."""
    found = {}
    for period, entry in journal.checkins.get(member, []):
        raw = entry.data.get("outcomes")
        found[period] = tuple((str(o.get("commitment")), str(o.get("status")))
                              for o in (raw if isinstance(raw, list) else [])
                              if isinstance(o, dict) and o.get("commitment") is not None)
    return found


def commitments(entry: Any) -> list[str]:
    raw = entry.data.get("commitments") if entry is not None else None
    return [str(c["commitment"]) for c in (raw if isinstance(raw, list) else [])
            if isinstance(c, dict) and c.get("commitment") is not None]


def stem(path: str) -> str:
    return PurePosixPath(path).stem
