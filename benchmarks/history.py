"""Time `journal streaks` on two 100,000-commit histories against the `git log` floor.

Two shapes, both reported:

* sparse: mostly digest and notes commits, one commit per new check-in, a few merges;
* busy: most commits edit check-ins, contracts change often (a tenth of all commits) and
  partners' branches merge (about 1.8 % of commits are merges).

Whole processes, interleaved in the same rounds with the floor
`git log --format=… --name-only -- checkins/` (see timing.py): `journal streaks` with no
cache (cold) and after one new commit on top of a cached head. Targets (issue 17): cold
≤ 1.5 × `git log`; after one commit ≤ 2 × the import floor. Under that row, its fixed-choice
floor: what `journal streaks` imports from the project's fixed choices, in the same rounds.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import pygit2  # noqa: E402 - after the sys.path line above

from journal.store.history import read_history  # noqa: E402

sys.path.insert(0, str(HERE))
from synth import fast_import  # noqa: E402
from timing import FLOOR, Case, FixedFloor, compile_installed, importing, report, run_rounds  # noqa: E402

MEMBERS = [
    ("alice", "Alice Moreno", 60), ("bob", "Bob Okafor", -300), ("carol", "Carol Tan", 480),
    ("dan", "Dan Weiss", 0), ("eve", "Eve Ruiz", -360), ("femi", "Femi Adeyemi", 60),
    ("gita", "Gita Rao", 330), ("hana", "Hana Sato", 540), ("ivan", "Ivan Petrov", 120),
    ("jo", "Jo Smith", -480),
]
WEEKS = 260  # five years of weekly check-ins: 2,600 of them, 520 per year folder
START = datetime(2021, 1, 4, 8, 0, tzinfo=UTC)  # Monday of 2021-W01
BASE_REF = "refs/bench/base"
LAYOUT = 4  # bump when _stream changes, so an old work repository is rebuilt


def _tz(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _data(text: str) -> str:
    raw = text.encode()
    return f"data {len(raw)}\n{text}\n"


def _commit(ref: str, mark: int, who: tuple[str, str, int], when: int, message: str,
            parents: tuple[int, ...], files: list[tuple[str, str]]) -> str:
    """One fast-import commit on `ref` by `who` (member, name, UTC offset in minutes) at
    `when`: its first parent then any merged one, as marks, and `files` written inline."""
    member, name, offset = who
    stamp = f"{name} <{member}@example.org> {when} {_tz(offset)}"
    lines = [f"commit {ref}\nmark :{mark}\n", f"author {stamp}\n", f"committer {stamp}\n", _data(message)]
    lines += [f"{'merge' if n else 'from'} :{parent}\n" for n, parent in enumerate(parents)]
    lines += [f"M 100644 inline {p}\n" + _data(text) for p, text in files]
    return "".join(lines)


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
            files += _first_files()
        if rest == 0 and slot < len(checkins):
            week, who = checkins[slot]
            member, name, offset = MEMBERS[who]
            files.append(_checkin(week, member, i))
            period = files[-1][0].rpartition("/")[2][:8]
            if slot % 20 == 7:
                # A partner who pulled before pushing: the check-in sits on a side branch
                # and a merge commit joins it to main a moment later.
                yield _commit("refs/heads/side", mark, (member, name, offset), when, f"check in {period}",
                              (mark - 1,), files)
                merge_from = mark
                mark += 1
                # fast-import starts a merge from its first parent's tree: bring the file in.
                files.append(("digest/DIGEST.md", f"# Digest\nafter merge {i}\n"))
        elif i % 4000 == 1999 and contract_edits < 25:
            contract_edits += 1
            files.append((f"contracts/pact-{contract_edits % 3}.md", _contract(contract_edits % 3, contract_edits)))
        if not files:
            target = f"notes/{member}.md" if i % 3 else "digest/DIGEST.md"
            files.append((target, f"# {member}\nline {i}\n"))
        parents = () if mark == 1 else (mark - 1,) if merge_from is None else (mark - 2, merge_from)
        yield _commit("refs/heads/main", mark, (member, name, offset), when, f"commit {i}", parents, files)
    yield f"reset {BASE_REF}\nfrom refs/heads/main\n\n"


def _busy_stream(commits: int) -> Iterator[str]:
    """A fast-import stream where most commits edit check-ins, contracts change often
    (only every 40th contract edit touches its pauses) and 1 commit in 55 is a merge."""
    span = WEEKS * 7 * 86400
    step = span / commits
    checkins = [(w, m) for w in range(WEEKS) for m in range(len(MEMBERS))]
    every = max(1, commits // len(checkins))
    mark, contract_edits = 0, 0
    latest: dict[int, str] = {}  # member index -> path of their latest check-in
    yield "reset refs/heads/main\n"
    for i in range(commits):
        mark += 1
        when = int(START.timestamp() + i * step)
        slot, rest = divmod(i, every)
        who = i % len(MEMBERS)
        member, name, offset = MEMBERS[who]
        files: list[tuple[str, str]] = []
        if i == 0:
            files += _first_files()
        if rest == 0 and slot < len(checkins):
            week, who = checkins[slot]
            member, name, offset = MEMBERS[who]
            latest[who], text = _checkin(week, member, i)
            files.append((latest[who], text))
        elif i % 10 == 3:
            contract_edits += 1
            c = contract_edits % 3
            files.append((f"contracts/pact-{c}.md", _contract(c, min(contract_edits // 40, 25), note=i)))
        elif who in latest:
            path = latest[who]
            period = path.rsplit("/", 1)[1][:8]
            files.append((path, f"---\nmember: {member}\nweek: {period}\n---\n## Wins\nedit {i}\n"))
        else:
            files.append((f"notes/{member}.md", f"# {member}\nline {i}\n"))
        merging = i % 55 == 54
        if merging:
            # A partner's edit made on a branch, merged into main a moment later.
            yield _commit("refs/heads/side", mark, (member, name, offset), when, f"edit {i}", (mark - 1,), files)
            mark += 1
        parents = () if mark == 1 else (mark - 2, mark - 1) if merging else (mark - 1,)
        yield _commit("refs/heads/main", mark, (member, name, offset), when, f"commit {i}", parents, files)
    yield f"reset {BASE_REF}\nfrom refs/heads/main\n\n"


def _first_files() -> list[tuple[str, str]]:
    """What the first commit of either history shape holds: roster, three contracts, a goal each."""
    roster = "".join(f"  {m}: {{name: {n}, emails: [{m}@example.org], timezone: UTC}}\n" for m, n, _ in MEMBERS)
    files = [("journal.yaml", f"title: Bench\nmembers:\n{roster}")]
    files += [(f"contracts/pact-{c}.md", _contract(c, 0)) for c in range(3)]
    files += [(f"goals/{m}-goal.md", f"---\ntitle: {m}\nowner: {m}\n---\n") for m, _, _ in MEMBERS]
    return files


def _checkin(week: int, member: str, i: int) -> tuple[str, str]:
    """A check-in `week` weeks after START, by `member`, for commit number `i`."""
    iso = (START.date() + timedelta(weeks=week)).isocalendar()
    period = f"{iso.year}-W{iso.week:02d}"
    return f"checkins/{iso.year}/{period}-{member}.md", f"---\nmember: {member}\nweek: {period}\n---\n## Wins\n{i}\n"


def _contract(n: int, edits: int, note: int = 0) -> str:
    pauses = "".join(
        f"  - {{member: {MEMBERS[(n + k) % len(MEMBERS)][0]}, from: {2021 + k % 5}-12-20,"
        f" to: {2022 + k % 5}-01-02, reason: holidays}}\n"
        for k in range(edits)
    )
    pauses = pauses or "  []\n"
    return (
        f"---\ntitle: Pact {n}\nparties: [alice, bob]\neffective: 2021-01-04\n"
        f"cadence: weekly\ndue: sunday 21:00\npauses:\n{pauses}---\nOur pact.{f' Revision {note}.' if note else ''}\n"
    )


def _git(repo: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, **kwargs)


def build(repo: Path, commits: int, shape: str) -> None:
    """Build the synthetic history once; later runs reuse it."""
    stamp, wanted = repo / "bench-commits", f"{commits} commits, {shape}, layout {LAYOUT}"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    shutil.rmtree(repo, ignore_errors=True)
    repo.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(repo)], check=True)
    started = time.perf_counter()
    fast_import(repo, (_busy_stream if shape == "busy" else _stream)(commits))
    subprocess.run(["git", "-C", str(repo), "update-ref", "-d", "refs/heads/side"], stderr=subprocess.DEVNULL)
    stamp.write_text(wanted)
    print(f"built {commits:,} {shape} commits in {time.perf_counter() - started:.1f} s: {repo}")


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
    _git(repo, "fast-import", "--quiet", "--force", input=stream.encode())


def _oldest_by_path(log: bytes) -> dict[str, str]:
    """path -> the oldest commit `git log` lists it under: the floor's answer to compare with."""
    oldest, commit = {}, ""
    for line in log.decode().splitlines():
        if "\t" in line:
            commit = line.split("\t", 1)[0]
        elif line:
            oldest[line] = commit
    return oldest


def measure(shape: str, commits: int, rounds: int) -> bool:
    """Interleaved rounds on one shape; prints its report and whether the walk agrees with git log."""
    repo = HERE / ".work" / f"history-{shape}-{commits}.git"
    build(repo, commits, shape)
    _git(repo, "update-ref", "refs/heads/main", BASE_REF)
    n = int(_git(repo, "rev-list", "--count", "HEAD", stdout=subprocess.PIPE).stdout)
    merges = int(_git(repo, "rev-list", "--count", "--merges", "HEAD", stdout=subprocess.PIPE).stdout)
    cache = repo / "journal"
    log = ["git", "-C", str(repo), "log", "--format=%H%x09%ae%x09%at", "--name-only", "--", "checkins/"]
    streaks = [sys.executable, "-m", "journal", "-C", str(repo), "streaks", "--json", "--now", "2026-01-05"]

    def cold(_: int) -> None:
        _git(repo, "update-ref", "refs/heads/main", BASE_REF)
        shutil.rmtree(cache, ignore_errors=True)

    floor_log = Case("git log", log)
    import_floor = Case("import floor", FLOOR)
    needed = importing("streaks")
    cases = [
        import_floor,
        Case("journal streaks, cold (no cache)", streaks, cwd=HERE.parent, prepare=cold, target="target ≤ 1.5 ×"),
        # The cold run left the cache at the base; one new commit on top is the next pull.
        Case("journal streaks, after one new commit", streaks, cwd=HERE.parent, prepare=lambda _: add_commit(repo),
             after=lambda _: _git(repo, "update-ref", "refs/heads/main", BASE_REF), target="target ≤ 2 × import floor",
             fixed=FixedFloor("the command's imports", ((needed, 1),))),
        needed,
    ]
    run_rounds(cases, rounds, floor=floor_log)
    print(f"{shape}: {n:,} commits ({merges:,} merges), "
          f"{len(_git(repo, 'log', '--format=', '--name-only', '--', 'contracts/', stdout=subprocess.PIPE).stdout.splitlines()):,}"
          " contract versions")
    report(f"  journal streaks ({shape})", cases[1:2], floor_log, "git log --name-only -- checkins/")
    report(f"  journal streaks ({shape})", cases[2:], import_floor)
    shutil.rmtree(cache, ignore_errors=True)
    history = read_history(pygit2.Repository(str(repo)), cache_dir=cache)
    by_path = _oldest_by_path(subprocess.run(log, check=True, stdout=subprocess.PIPE).stdout)
    agree = sum(by_path.get(f.path) == f.commit for f in history.filings.values())
    print(f"  filing commits that agree with git log's oldest commit per path: {agree:,} of {len(history.filings):,}; "
          f"peak memory here {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return agree == len(history.filings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--shape", choices=["sparse", "busy", "both"], default="both")
    args = parser.parse_args(argv)
    compile_installed()
    ok = True
    for shape in (["sparse", "busy"] if args.shape == "both" else [args.shape]):
        ok = measure(shape, args.commits, args.rounds) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
