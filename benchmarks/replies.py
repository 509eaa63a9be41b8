"""Replies at scale: 10 members x 5 years of weekly check-ins, with and without a reply to
every check-in from five partners each (~13,000 replies, one commit per entry).

Times `journal check`, `journal streaks --json` and `journal digest` on both repositories,
cold (no caches under .git/journal) and warm (the caches an earlier command left: what a
partner pays on every command after the first), as interleaved rounds (timing.py), and
prints the median ratio with / without replies per round; the target is 1.5x. A cold
digest builds a fresh site; a warm one rebuilds the site it left (nothing changed).

"after" (run with --caches warm) is what a partner pays after a pull: warm caches, and one
new file committed before each timed command — a new reply on the repository with replies,
a new check-in on the one without. It runs on copies of the two repositories made afresh
for each run of this benchmark (the commits pile up there, never in the originals).
Repositories are built once with `git fast-import` under benchmarks/.work/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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


AFTER_AT = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)  # after the last commit, before --now


def after_copy(repo: Path) -> Path:
    """A fresh copy of `repo` (caches included) for the "after" cases to commit to."""
    copy = repo.parent / f"{repo.name}-after"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.rmtree(copy.parent / f"{copy.name}-site", ignore_errors=True)
    shutil.copytree(repo, copy, symlinks=True)
    return copy


def commit_one(repo: Path, n: int, with_replies: bool) -> None:
    """The n-th new file: a reply to a check-in of W47 (then W46, W45, ...: 40 each) from a
    partner who had not answered it (with replies), or a new check-in of a later week
    (without); one commit, dated before --now."""
    ids = [f"member-{i:02d}" for i in range(10)]
    to = ids[n % 10]
    if with_replies:
        author = ids[(n % 10 + 6 + (n // 10) % 4) % 10]  # the next five members answered already
        week = f"2026-W{47 - n // 40:02d}"
        outcomes = (repo / "checkins" / "2026" / f"{week}-{to}.md").read_text().count("status:")
        path = f"replies/2026/{week}-{author}-to-{to}.md"
        text = (f"---\nauthor: {author}\nto: {to}\nperiod: {week}\nanswer: Keep going.\nverdicts:"
                + ("".join("\n  - {verdict: confirmed, note: seen}" for _ in range(outcomes)) or " []")
                + "\n---\nA late word on the runs.\n")
    else:
        year, number, _ = (dt.date(2026, 11, 23) + dt.timedelta(weeks=n // 10)).isocalendar()  # 2026-W48 on
        author, week = to, f"{year}-W{number:02d}"
        path = f"checkins/{year}/{week}-{to}.md"
        text = (repo / "checkins" / "2026" / f"2026-W47-{to}.md").read_text().replace("2026-W47", week)
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text)
    when = (AFTER_AT + dt.timedelta(minutes=n)).isoformat()
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "M",
           "GIT_COMMITTER_NAME": "M", "GIT_AUTHOR_EMAIL": f"{author}@example.org",
           "GIT_COMMITTER_EMAIL": f"{author}@example.org", "PATH": os.environ.get("PATH", "")}
    subprocess.run(["git", "-C", str(repo), "add", path], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "--no-verify", "-m", path], check=True, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (at least 5)")
    parser.add_argument("--caches", choices=["cold", "warm", "both"], default="both",
                        help="warm includes the cases after one new commit; both is cold and warm")
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
    temperatures = {"cold": ["cold"], "warm": ["warm", "after"], "both": ["cold", "warm", "after"]}[opts.caches]
    afters: dict[str, Path] = {}
    if "after" in temperatures:
        if opts.rounds * len(commands) > 120:
            raise SystemExit("--caches warm commits one new file per command and round: at most 40 rounds")
        afters = {label: after_copy(repo) for label, repo in repos.items()}
    cases: list[Case] = []
    for temperature in temperatures:
        for c, (name, args) in enumerate(commands):
            for label, base in repos.items():
                repo = afters[label] if temperature == "after" else base
                site = repo.parent / f"{repo.name}-site"

                def prepare(r: int, repo: Path = repo, site: Path = site, temperature: str = temperature,
                            c: int = c, with_replies: bool = label == "with") -> None:
                    if temperature == "cold":  # warm keeps the caches and the site the previous round left
                        shutil.rmtree(repo / ".git" / "journal", ignore_errors=True)
                        shutil.rmtree(site, ignore_errors=True)
                    elif temperature == "after":  # one new file since this command last ran here
                        commit_one(repo, r * len(commands) + c, with_replies)

                extra = ["--out", str(site)] if name == "digest" else []
                cases.append(Case(f"{temperature} {name} {label} replies",
                                  [sys.executable, "-m", "journal", "-C", str(repo), *args, *extra],
                                  prepare=prepare, ok=(0, 1)))
    warmed = [*repos.values(), *afters.values()]
    if "warm" in temperatures:  # the caches and sites the warm cases start from
        for repo in warmed:
            for _name, args in commands:
                extra = ["--out", str(repo.parent / f"{repo.name}-site")] if _name == "digest" else []
                subprocess.run([sys.executable, "-m", "journal", "-C", str(repo), *args, *extra],
                               capture_output=True, check=False)
    floor = run_rounds(cases, opts.rounds, pairs=True)  # each case and its counterpart, in turn first
    report("replies: 10 members x 5 years, without and with 13,000 replies", cases, floor)
    print("ratio with / without replies, median over rounds (target <= 1.5), and the middle half of the rounds:")
    for without, with_ in zip(cases[::2], cases[1::2], strict=True):
        ratios = [w / o for w, o in zip(with_.times, without.times, strict=True)]
        low, _, high = statistics.quantiles(ratios, n=4)
        ratio = statistics.median(ratios)
        print(f"  {without.name.replace(' without replies', ''):<16} {ratio:5.2f}x   {'OK' if ratio <= 1.5 else 'OVER':<4}"
              f"   {low:.2f}–{high:.2f}")
    if "after" in temperatures:
        print("after: one new reply (with) or check-in (without) committed before each timed command")


if __name__ == "__main__":
    main()
