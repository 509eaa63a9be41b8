"""Synthetic journals for the benchmarks: many members, years of weekly check-ins."""

from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
from collections.abc import Iterable
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


def _data(text: str) -> str:
    return f"data {len(text.encode())}\n{text}\n"


def _commit(path: str, text: str, member: str, when: int, message: str) -> str:
    return (f"commit refs/heads/main\nauthor {member} <{member}@example.org> {when} +0000\n"
            f"committer {member} <{member}@example.org> {when} +0000\n" + _data(message)
            + f"M 100644 inline {path}\n" + _data(text))


def make_repository(root: Path, members: int = 10, years: int = 5) -> dict[str, str]:
    """The synthetic journal with a history: setup first, then each check-in committed on
    the Sunday morning of its week, so every period counts on time. Returns the files."""
    files = journal_files(members=members, years=years)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    setup = int(dt.datetime(2021, 11, 20, tzinfo=dt.UTC).timestamp())
    stream = [f"commit refs/heads/main\nauthor member-00 <member-00@example.org> {setup} +0000\n"
              f"committer member-00 <member-00@example.org> {setup} +0000\n" + _data("setup")]
    stream += [f"M 100644 inline {p}\n" + _data(t) for p, t in sorted(files.items()) if not p.startswith("checkins/")]
    checkins = sorted((p for p in files if p.startswith("checkins/")), key=lambda p: (p.rsplit("/", 1)[1][:8], p))
    for path in checkins:
        m = re.search(r"(\d{4})-W(\d{2})-(member-\d\d)", path)
        assert m is not None
        sunday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 7)
        when = int(dt.datetime(sunday.year, sunday.month, sunday.day, 6, tzinfo=dt.UTC).timestamp())
        stream.append(_commit(path, files[path], m[3], when, f"check-in {m[0]}"))
    fast_import(root, stream)
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "-f", "main"], check=True)
    return files


def fast_import(repo: Path, chunks: Iterable[str]) -> None:
    """Feed a `git fast-import` stream into the repository at `repo`, a few thousand chunks
    at a time (one write per chunk is slow; one string for 100,000 commits is large).
    Exits the benchmark when fast-import fails."""
    proc = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    assert proc.stdin is not None
    batch: list[str] = []
    for chunk in chunks:
        batch.append(chunk)
        if len(batch) >= 4096:
            proc.stdin.write("".join(batch).encode())
            batch.clear()
    proc.stdin.write("".join(batch).encode())
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")


def new_checkin(root: Path, member: str, n: int) -> str:
    """Write check-in number n of `member` for a week after the synthetic history; its path."""
    week = dt.date(2027, 1, 4) + dt.timedelta(weeks=n)
    year, number, _ = week.isocalendar()
    key = f"{year}-W{number:02d}"
    rel = f"checkins/{year}/{key}-{member}.md"
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nmember: {member}\nweek: {key}\noutcomes: []\nmetrics: {{{member}-goal-0: {20 + n % 9}}}\n"
                    f"commitments:\n  - {{commitment: Run {n + 3} times, goal: {member}-goal-0}}\n---\n"
                    f"## Wins\nWeek number {n}.\n", encoding="utf-8")
    return rel
