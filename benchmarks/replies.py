"""Replies at scale: 10 members x 5 years of weekly check-ins, with and without a reply to
every check-in from five partners each (~13,000 replies, one commit per entry).

Prints `journal check`, `journal streaks --json` (cold: no history cache) and `journal
digest` for both repositories and the ratio; the target is within 1.5x of the times
without replies. Repositories are built once with `git fast-import` under benchmarks/.work/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from scale import measure  # noqa: E402
from synth import fast_import, journal_files, reply_files  # noqa: E402

START = dt.date(2021, 11, 29)


def _data(text: str) -> str:
    return f"data {len(text.encode())}\n{text}\n"


def build(repo: Path, with_replies: bool) -> None:
    """One commit per check-in, then (with replies) one commit per reply two hours later."""
    if (repo / ".built").exists():
        return
    shutil.rmtree(repo, ignore_errors=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    files = journal_files(members=10, years=5, start=START)
    replies = reply_files(files) if with_replies else {}
    base = {p: t for p, t in files.items() if not p.startswith("checkins/")}
    events: list[tuple[int, str, str, str]] = []  # (time, author, path, text)
    for path, text in files.items():
        if path.startswith("checkins/"):
            name = path.rsplit("/", 1)[1]
            week, member = name[:8], name[9:-3]
            sunday = dt.date.fromisocalendar(int(week[:4]), int(week[6:8]), 7)
            events.append((int(dt.datetime.combine(sunday, dt.time(18), dt.UTC).timestamp()), member, path, text))
    for path, text in replies.items():
        name = path.rsplit("/", 1)[1]
        week, author = name[:8], name[9:].split("-to-")[0]
        sunday = dt.date.fromisocalendar(int(week[:4]), int(week[6:8]), 7)
        events.append((int(dt.datetime.combine(sunday, dt.time(20), dt.UTC).timestamp()), author, path, text))
    events.sort()
    t0 = int(dt.datetime.combine(START, dt.time(9), dt.UTC).timestamp())

    def stream():
        yield f"commit refs/heads/main\nmark :1\ncommitter Bench <member-00@example.org> {t0} +0000\n" + _data("start")
        for path, text in base.items():
            yield f"M 100644 inline {path}\n{_data(text)}"
        for i, (when, who, path, text) in enumerate(events):
            yield (f"commit refs/heads/main\nauthor M <{who}@example.org> {when + i % 50} +0000\n"
                   f"committer M <{who}@example.org> {when + i % 50} +0000\n" + _data(path)
                   + f"M 100644 inline {path}\n" + _data(text))

    fast_import(repo, stream())
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-f", "main"], check=True)
    (repo / ".built").write_text("")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs per command")
    opts = parser.parse_args()
    now = ["--now", "2026-11-25T12:00:00+00:00"]
    times: dict[str, dict[str, float]] = {}
    for label, with_replies in (("without replies", False), ("with replies", True)):
        repo = HERE / ".work" / f"replies-{'with' if with_replies else 'without'}"
        build(repo, with_replies)
        commits = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True,
                                 text=True, check=True).stdout.strip()
        replies = sum(1 for _ in (repo / "replies").rglob("*.md")) if with_replies else 0
        print(f"{label}: {commits} commits, {replies} replies")
        journal = [sys.executable, "-m", "journal", "-C", str(repo)]
        site = repo.parent / f"{repo.name}-site"
        for name, args in [("check", ["check"]), ("streaks", ["streaks", "--json", *now]),
                           ("digest", ["digest", "--out", str(site), *now])]:
            best = float("inf")
            for _ in range(opts.runs):
                shutil.rmtree(repo / ".git" / "journal", ignore_errors=True)  # cold: no history cache
                shutil.rmtree(site, ignore_errors=True)
                seconds, _, code = measure(journal + args)
                if code not in (0, 1):
                    sys.exit(f"journal {name} failed (exit {code})")
                best = min(best, seconds)
            times.setdefault(name, {})[label] = best
            print(f"  journal {name:<8} {best:7.2f} s")
    print("ratio with / without replies (target <= 1.5):")
    for name, t in times.items():
        ratio = t["with replies"] / t["without replies"]
        print(f"  {name:<8} {ratio:5.2f}x   {'OK' if ratio <= 1.5 else 'OVER'}")


if __name__ == "__main__":
    main()
