"""Benchmark read_history on a synthetic five-year journal against the `git log` floor."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import pygit2  # noqa: E402

from journal.history import read_history  # noqa: E402

MEMBERS = [
    ("alice", "Alice Moreno", 60), ("bob", "Bob Okafor", -300), ("carol", "Carol Tan", 480),
    ("dan", "Dan Weiss", 0), ("eve", "Eve Ruiz", -360), ("femi", "Femi Adeyemi", 60),
    ("gita", "Gita Rao", 330), ("hana", "Hana Sato", 540), ("ivan", "Ivan Petrov", 120),
    ("jo", "Jo Smith", -480),
]
WEEKS = 260  # five years of weekly check-ins: 2,600 of them, 520 per year folder
START = datetime(2021, 1, 4, 8, 0, tzinfo=timezone.utc)  # Monday of 2021-W01
BASE_REF = "refs/bench/base"


def _tz(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _data(text: str) -> str:
    raw = text.encode()
    return f"data {len(raw)}\n{text}\n"


def _stream(commits: int) -> Iterator[str]:
    """A fast-import stream: mostly digest/notes commits, weekly check-ins, a few merges."""
    span = WEEKS * 7 * 86400
    step = span / commits
    # Which commit slots carry a check-in: spread the 2,600 evenly through the history.
    checkins = [(w, m) for w in range(WEEKS) for m in range(len(MEMBERS))]
    every = max(1, commits // len(checkins))
    mark = 0
    contract_edits = 0
    yield "reset refs/heads/main\n"
    for i in range(commits):
        mark += 1
        when = int(START.timestamp() + i * step)
        slot, rest = divmod(i, every)
        member, name, offset = MEMBERS[i % len(MEMBERS)]
        files: list[tuple[str, str]] = []
        merge_from = None
        if i == 0:
            files.append(("journal.yaml", "title: Bench\nmembers: {}\n"))
            for c in range(3):
                files.append((f"contracts/pact-{c}.md", _contract(c, 0)))
            for m, _, _ in MEMBERS:
                files.append((f"goals/{m}-goal.md", f"---\ntitle: {m}\nowner: {m}\n---\n"))
        if rest == 0 and slot < len(checkins):
            week, who = checkins[slot]
            member, name, offset = MEMBERS[who]
            iso = (START.date() + timedelta(weeks=week)).isocalendar()
            period = f"{iso.year}-W{iso.week:02d}"
            path = f"checkins/{iso.year}/{period}-{member}.md"
            files.append((path, f"---\nmember: {member}\nweek: {period}\n---\n## Wins\n{i}\n"))
            if slot % 20 == 7:
                # A partner who pulled before pushing: the check-in sits on a side branch
                # and a merge commit joins it to main a moment later.
                yield f"commit refs/heads/side\nmark :{mark}\n"
                yield f"author {name} <{member}@example.org> {when} {_tz(offset)}\n"
                yield f"committer {name} <{member}@example.org> {when} {_tz(offset)}\n"
                yield _data(f"check in {period}")
                yield f"from :{mark - 1}\n"
                for p, text in files:
                    yield f"M 100644 inline {p}\n" + _data(text)
                merge_from = mark
                mark += 1
                files = [("digest/DIGEST.md", f"# Digest\nafter merge {i}\n")]
        elif i % 4000 == 1999 and contract_edits < 25:
            contract_edits += 1
            files.append((f"contracts/pact-{contract_edits % 3}.md", _contract(contract_edits % 3, contract_edits)))
        if not files:
            target = f"notes/{member}.md" if i % 3 else "digest/DIGEST.md"
            files.append((target, f"# {member}\nline {i}\n"))
        yield f"commit refs/heads/main\nmark :{mark}\n"
        yield f"author {name} <{member}@example.org> {when} {_tz(offset)}\n"
        yield f"committer {name} <{member}@example.org> {when} {_tz(offset)}\n"
        yield _data(f"commit {i}")
        if mark > 1:
            yield f"from :{mark - 1 if merge_from is None else mark - 2}\n"
        if merge_from is not None:
            yield f"merge :{merge_from}\n"
        for p, text in files:
            yield f"M 100644 inline {p}\n" + _data(text)
    yield f"reset {BASE_REF}\nfrom refs/heads/main\n\n"


def _contract(n: int, edits: int) -> str:
    pauses = "".join(
        f"  - {{member: {MEMBERS[(n + k) % len(MEMBERS)][0]}, from: {2021 + k % 5}-12-20,"
        f" to: {2022 + k % 5}-01-02, reason: holidays}}\n"
        for k in range(edits)
    )
    pauses = pauses or "  []\n"
    return (
        f"---\ntitle: Pact {n}\nparties: [alice, bob]\neffective: 2021-01-04\n"
        f"cadence: weekly\ndue: sunday 21:00\npauses:\n{pauses}---\nOur pact.\n"
    )


def _git(repo: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, **kwargs)


def build(repo: Path, commits: int) -> None:
    """Build the synthetic history once; later runs reuse it."""
    stamp = repo / "bench-commits"
    if stamp.exists() and stamp.read_text() == str(commits):
        return
    shutil.rmtree(repo, ignore_errors=True)
    repo.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(repo)], check=True)
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["git", "-C", str(repo), "fast-import", "--quiet"], stdin=subprocess.PIPE
    )
    assert proc.stdin is not None
    buf: list[str] = []
    for chunk in _stream(commits):
        buf.append(chunk)
        if len(buf) >= 4096:
            proc.stdin.write("".join(buf).encode())
            buf.clear()
    proc.stdin.write("".join(buf).encode())
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    _git(repo, "update-ref", "-d", "refs/heads/side")
    stamp.write_text(str(commits))
    print(f"built {commits:,} commits in {time.perf_counter() - started:.1f} s: {repo}")


def add_commit(repo: Path) -> None:
    """One new check-in on top of the base, as a partner's next push would bring."""
    when = int(time.time())
    stream = (
        "commit refs/heads/main\n"
        f"author Alice Moreno <alice@example.org> {when} +0100\n"
        f"committer Alice Moreno <alice@example.org> {when} +0100\n"
        + _data("next check-in")
        + f"from {BASE_REF}^0\n"
        + "M 100644 inline checkins/2030/2030-W01-alice.md\n"
        + _data("---\nmember: alice\nweek: 2030-W01\n---\n")
    )
    _git(repo, "fast-import", "--quiet", input=stream.encode())


def _timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=100_000)
    args = parser.parse_args(argv)
    repo = HERE / ".work" / f"history-{args.commits}.git"
    build(repo, args.commits)
    _git(repo, "update-ref", "refs/heads/main", BASE_REF)
    cache = repo / "journal"
    shutil.rmtree(cache, ignore_errors=True)

    floor, out = _timed(lambda: _git(
        repo, "log", "--format=%H%x09%ae%x09%at", "--name-only", "--", "checkins/",
        stdout=subprocess.PIPE,
    ))
    git_files = sum(1 for line in out.stdout.splitlines() if line.startswith(b"checkins/"))

    cold, history = _timed(lambda: read_history(pygit2.Repository(str(repo)), cache_dir=cache))
    add_commit(repo)
    warm, warm_history = _timed(
        lambda: read_history(pygit2.Repository(str(repo)), cache_dir=cache)
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _git(repo, "update-ref", "refs/heads/main", BASE_REF)

    n = args.commits
    print(f"history: {n:,} commits, {len(history.filings):,} filings "
          f"({git_files:,} check-in paths in git log), {len(history.pauses)} pauses")
    print(f"{'git log floor':<22}{floor:8.2f} s  {floor / n * 1e6:6.1f} µs/commit")
    print(f"{'read_history cold':<22}{cold:8.2f} s  {cold / n * 1e6:6.1f} µs/commit"
          f"  {cold / floor:5.2f} × floor (target ≤ 1.5)")
    print(f"{'read_history warm':<22}{warm:8.3f} s  {'':19}(target ≤ 0.5 s), "
          f"{len(warm_history.filings) - len(history.filings)} new filing")
    print(f"{'peak memory':<22}{peak_mb:8.0f} MB {'':18}(target ≤ 300 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
