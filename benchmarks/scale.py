"""Scale: 50 members x 10 years of weekly check-ins (26,000 entries, ~100,000 commits).

`journal check`, `journal streaks` and `journal digest` must complete with peak memory
under 500 MB each; this prints wall time and peak RSS per command. The repository is
built once with `git fast-import` under benchmarks/.work/ and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import fast_import, journal_files  # noqa: E402

START = dt.date(2016, 11, 28)


def _data(text: str) -> str:
    raw = text.encode()
    return f"data {len(raw)}\n{text}\n"


def build(repo: Path, members: int, years: int, commits: int) -> None:
    marker = repo / ".built"
    if marker.exists():
        return
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    files = journal_files(members=members, years=years, start=START)
    base = {p: t for p, t in files.items() if not p.startswith("checkins/")}
    checkins = sorted((p for p in files if p.startswith("checkins/")),
                      key=lambda p: (p.rsplit("/", 1)[1][:8], p))
    filler = max(0, commits - len(checkins) - 1)
    every = max(1, round(filler / max(len(checkins), 1)))
    t0 = dt.datetime.combine(START, dt.time(9), dt.UTC).timestamp()

    def stream():
        mark = 0
        when = int(t0)
        yield "reset refs/heads/main\n"
        mark += 1
        yield f"commit refs/heads/main\nmark :{mark}\ncommitter Bench <member-00@example.org> {when} +0000\n"
        yield _data("start")
        for path, text in base.items():
            yield f"M 100644 inline {path}\n{_data(text)}"
        for i, path in enumerate(checkins):
            member = path.rsplit("-", 2)[-2] + "-" + path.rsplit("-", 1)[1][:-3]
            week = path.rsplit("/", 1)[1][:8]
            year, number = int(week[:4]), int(week[6:8])
            sunday = dt.date.fromisocalendar(year, number, 7)
            due = dt.datetime.combine(sunday, dt.time(18), dt.UTC).timestamp()
            for k in range(every):
                mark += 1
                stamp = int(due) - 3600 * (every - k) - 60
                yield (f"commit refs/heads/main\nmark :{mark}\ncommitter Bench <member-00@example.org> {stamp} +0000\n"
                       + _data(f"note {i}.{k}") + f"M 100644 inline notes/n{i % 97}.txt\n" + _data(f"{i}.{k}"))
            mark += 1
            yield (f"commit refs/heads/main\nmark :{mark}\nauthor M <{member}@example.org> {int(due) + i % 50} +0000\n"
                   f"committer M <{member}@example.org> {int(due) + i % 50} +0000\n" + _data(f"{member} {week}")
                   + f"M 100644 inline {path}\n" + _data(files[path]))

    fast_import(repo, stream())
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-f", "main"], check=True)
    marker.write_text("")


def measure(args: list[str]) -> tuple[float, float, int]:
    """(seconds, peak MB of the child, exit code) for one command in a fresh process."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, r.returncode)")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--commits", type=int, default=100_000)
    opts = parser.parse_args()
    repo = HERE / ".work" / f"scale-{opts.members}x{opts.years}-{opts.commits}"
    started = time.perf_counter()
    build(repo, opts.members, opts.years, opts.commits)
    built = time.perf_counter() - started
    commits = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
    entries = sum(1 for _ in (repo / "checkins").rglob("*.md"))
    print(f"repository: {commits} commits, {entries} check-ins (built or reused in {built:.1f} s)")
    journal = [sys.executable, "-m", "journal", "-C", str(repo)]
    now = ["--now", f"{START.year + opts.years}-12-01T12:00:00+00:00"]
    shutil.rmtree(repo / ".git" / "journal", ignore_errors=True)
    worst = 0.0
    for name, args in [("check", ["check"]), ("streaks (cold)", ["streaks", "--json", *now]),
                       ("streaks (warm)", ["streaks", "--json", *now]),
                       ("digest", ["digest", "--out", str(repo.parent / "scale-site"), *now])]:
        seconds, peak, code = measure(journal + args)
        worst = max(worst, peak)
        status = "ok" if code in (0, 1) else f"FAILED (exit {code})"
        print(f"  journal {name:<16} {seconds:7.2f} s   peak {peak:6.0f} MB   {status}")
    print(f"peak memory of any command: {worst:.0f} MB (target < 500 MB)")


if __name__ == "__main__":
    main()
