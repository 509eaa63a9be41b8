"""Synthetic journals for the benchmarks: many members, years of weekly check-ins."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Australia/Sydney"]


def journal_files(members: int = 10, years: int = 5, start: dt.date = dt.date(2021, 11, 29)) -> dict[str, str]:
    """path -> text of a valid journal: a contract, 10 goals per member, weekly check-ins."""
    rng = random.Random(42)
    ids = [f"member-{i:02d}" for i in range(members)]
    roster = "\n".join(
        f"  {m}: {{name: Member {i}, emails: [{m}@example.org], timezone: {ZONES[i % len(ZONES)]}}}"
        for i, m in enumerate(ids))
    files = {"journal.yaml": f"title: Benchmark journal\nmembers:\n{roster}\n"}
    files["contracts/pact.md"] = (
        f"---\ntitle: Pact\nparties: [{', '.join(ids)}]\neffective: {start}\ncadence: weekly\n"
        "due: sunday 21:00\ngrace: 12h\nstakes: {per_miss: 2, currency: EUR, to: charity}\n"
        "review_every: 4 weeks\n---\nWe check in every week.\n")
    for m in ids:
        for g in range(10):
            files[f"goals/{m}-goal-{g}.md"] = (
                f"---\ntitle: Goal {g} of {m}\nowner: {m}\nstatus: active\nstarted: {start}\n"
                f"deadline: {start + dt.timedelta(days=365 * years)}\n"
                "measure: {metric: km, per: week, target: 30}\n"
                f"milestones:\n  - {{title: Halfway, due: {start + dt.timedelta(days=180)}}}\ntags: [bench]\n---\n"
                "Why it matters.\n")
    weeks = years * 52
    for m in ids:
        for w in range(weeks):
            day = start + dt.timedelta(weeks=w)
            year, number, _ = day.isocalendar()
            key = f"{year}-W{number:02d}"
            outcomes = "[]" if w == 0 else (
                f"\n  - {{commitment: Run {w - 1 + 2} times, goal: {m}-goal-0, status: "
                f"{rng.choice(['done', 'done', 'partial', 'missed'])}}}")
            files[f"checkins/{year}/{key}-{m}.md"] = (
                f"---\nmember: {m}\nweek: {key}\noutcomes: {outcomes}\nmetrics: {{{m}-goal-0: {rng.randint(5, 40)}}}\n"
                f"commitments:\n  - {{commitment: Run {w + 2} times, goal: {m}-goal-0}}\nenergy: {rng.randint(1, 5)}\n"
                "---\n## Wins\nA good week.\n## Obstacles\nRain.\n## Strategies\nRun early.\n")
    return files


def reply_files(files: dict[str, str], partners: int = 5) -> dict[str, str]:
    """path -> text of a reply to every check-in in `files` from each of the member's next
    `partners` members in the roster (10 members x 5 years x 5: ~13,000 replies)."""
    from journal.core import layout

    rng = random.Random(7)
    ids = sorted({name.member for p in files if (name := layout.parse_checkin_name(p)) and p.startswith("checkins/")})
    found = {}
    for path in sorted(files):
        name = layout.parse_checkin_name(path)
        if name is None or not path.startswith("checkins/"):
            continue
        outcomes = files[path].count("status:")
        at = ids.index(name.member)
        for k in range(1, partners + 1):
            author = ids[(at + k) % len(ids)]
            verdicts = "".join(f"\n  - {{verdict: {rng.choice(['confirmed', 'confirmed', 'disputed'])}, note: seen}}"
                               for _ in range(outcomes))
            found[layout.reply_path(name.period, author, name.member)] = (
                f"---\nauthor: {author}\nto: {name.member}\nperiod: {name.period}\nanswer: Keep going.\n"
                f"verdicts:{verdicts or ' []'}\n---\nI noticed the runs. What made them work?\n")
    return found


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
