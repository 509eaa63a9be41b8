"""Replies at scale: 10 members x 5 years of weekly check-ins, with and without a reply to
every check-in from five partners each (~13,000 replies, one commit per entry).

Times `journal check`, `journal streaks --json` and `journal digest` on both repositories,
cold (no caches under .git/journal) and warm (the caches an earlier command left: what a
partner pays on every command after the first), as interleaved rounds (timing.py), and
prints the median ratio with / without replies per round; the target is 1.5x. A cold
digest builds a fresh site; a warm one rebuilds the site it left (nothing changed). Repositories are built once with `git fast-import` under
benchmarks/.work/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from synth import fast_import, journal_files, reply_files  # noqa: E402
from timing import Case, compile_installed, report, run_rounds  # noqa: E402

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
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (at least 5)")
    parser.add_argument("--caches", choices=["cold", "warm", "both"], default="both")
    opts = parser.parse_args()
    compile_installed()
    now = ["--now", "2026-11-25T12:00:00+00:00"]
    repos = {}
    for label, with_replies in (("without", False), ("with", True)):
        repo = repos[label] = HERE / ".work" / f"replies-{label}"
        build(repo, with_replies)
        commits = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True,
                                 text=True, check=True).stdout.strip()
        replies = sum(1 for _ in (repo / "replies").rglob("*.md")) if with_replies else 0
        print(f"{label} replies: {commits} commits, {replies} replies")
    commands = [("check", ["check"]), ("streaks", ["streaks", "--json", *now]), ("digest", ["digest", *now])]
    temperatures = ["cold", "warm"] if opts.caches == "both" else [opts.caches]
    cases: list[Case] = []
    for temperature in temperatures:
        for name, args in commands:
            for label, repo in repos.items():
                site = repo.parent / f"{repo.name}-site"

                def prepare(_round: int, repo: Path = repo, site: Path = site, cold: bool = temperature == "cold") -> None:
                    if cold:  # warm keeps the caches and the site the previous round left
                        shutil.rmtree(repo / ".git" / "journal", ignore_errors=True)
                        shutil.rmtree(site, ignore_errors=True)

                extra = ["--out", str(site)] if name == "digest" else []
                cases.append(Case(f"{temperature} {name} {label} replies",
                                  [sys.executable, "-m", "journal", "-C", str(repo), *args, *extra],
                                  prepare=prepare, ok=(0, 1)))
    if "warm" in temperatures:  # the caches and sites the warm cases start from
        for repo in repos.values():
            subprocess.run([sys.executable, "-m", "journal", "-C", str(repo), "digest", *now,
                            "--out", str(repo.parent / f"{repo.name}-site")], capture_output=True, check=False)
    floor = run_rounds(cases, opts.rounds)
    report("replies: 10 members x 5 years, without and with 13,000 replies", cases, floor)
    print("ratio with / without replies, median over rounds (target <= 1.5):")
    for without, with_ in zip(cases[::2], cases[1::2], strict=True):
        ratio = statistics.median(w / o for w, o in zip(with_.times, without.times, strict=True))
        print(f"  {without.name.replace(' without replies', ''):<16} {ratio:5.2f}x   {'OK' if ratio <= 1.5 else 'OVER'}")


if __name__ == "__main__":
    main()
