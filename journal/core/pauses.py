"""Which periods a pause excuses a member from: the rule the streaks apply to a member's own
check-ins (core/streaks: a pause announced with its contract's `notice` makes the periods
whose due date it covers *paused*), applied to the replies a member owes their partners.

A partner paused for a period owes no reply to the check-ins of that period: the pause is
the "life season" the contract allows, and asking them for replies during it would make it
"ghosting" after all. A pause committed without enough notice excuses nothing, here as in
the streaks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from journal.core import periods
from journal.core.streaks import ContractTerms, announced_in_time

_UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Excused:
    """The pauses that count, by (contract slug, member): each as (first day, last day)."""

    terms: Mapping[str, ContractTerms] = field(default_factory=dict)
    zones: Mapping[str, ZoneInfo] = field(default_factory=dict)
    pauses: Mapping[tuple[str, str], tuple[tuple[date, date], ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, terms: Iterable[ContractTerms], zones: Mapping[str, ZoneInfo]) -> Excused:
        """The pauses of `terms` announced with their contract's notice, each member's in their
        zone (`zones`; UTC for a member without one)."""
        by_slug, found = {}, {}
        for t in terms:
            by_slug[t.slug] = t
            for p in t.pauses:
                # Only a party's pause (check refuses any other), in order, announced in time.
                if p.member in t.parties and p.start <= p.end \
                        and announced_in_time(p, t.notice, zones.get(p.member, _UTC)):
                    found.setdefault((t.slug, p.member), []).append((p.start, p.end))
        return cls(by_slug, dict(zones), {key: tuple(sorted(spans)) for key, spans in found.items()})

    def covers(self, slug: str, member: str, period: str) -> bool:
        """Whether `member` is paused under contract `slug` for `period`: a pause that counts
        holds the period's due date, in the member's zone (as core/streaks judges a period)."""
        spans = self.pauses.get((slug, member))
        t = self.terms.get(slug)
        if not spans or t is None or periods.cadence_of(period) != t.cadence:
            return False
        due = periods.make_period(period, t.cadence, self.zones.get(member, _UTC), t.due, t.grace).due.date()
        return any(start <= due <= end for start, end in spans)

    def text(self) -> str:
        """What `covers` answers from, as one text (the same for the same pauses): for the keys
        of kept threads. The contracts' due times and the zones are in those keys already."""
        return "\n".join(f"{slug}\0{member}\0" + ",".join(f"{a}/{b}" for a, b in spans)
                         for (slug, member), spans in sorted(self.pauses.items()))


NO_PAUSES = Excused()
