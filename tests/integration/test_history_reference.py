"""Every libgit2 history walk against a slow, obviously correct reference walk.

Random histories with branches, merges, moves, copies, deletes and re-adds of check-ins
and replies, contract pauses and zone edits: the walk with big folders diffed and the one
with every folder listed must both give exactly what the reference finds, cold and warm.
"""

from __future__ import annotations

import random
import re
import subprocess
import tempfile
from pathlib import Path

import pygit2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.core.layout import parse_checkin_name, parse_reply_name
from journal.store import history
from journal.store.history import History, read_history
from tests.support.terms import pausable

# Randomised histories against a brute-force reference: every commit's full set of
# check-in (and reply, pause, zone) keys, compared with all of its parents' sets.

MEMBERS, PERIODS = ("alice", "bob"), ("2026-W01", "2026-W02", "2026-W03")
FOLDERS = ("checkins/2026/", "checkins/", "checkins/old/2026/", "replies/2026/", "replies/")
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo")
WALKS = {"libgit2-diffed": 0, "libgit2-listed": 64}  # _LIST_AT_MOST: big folders diffed, or all listed


def _fast_import(path: Path, seed: int) -> list[str]:
    """A random history of adds, deletes, moves, copies, contract and zone edits, branches and merges; returns marks."""
    rnd = random.Random(seed)
    heads: list[dict[str, str]] = [{}]  # one file state per commit, by mark - 1
    lines, tips = [], {"main": 0}
    for mark in range(1, rnd.randint(4, 14)):
        branch = rnd.choice(sorted(tips) + ["b" + str(mark)])
        parent = tips.get(branch, rnd.randrange(mark))
        state = dict(heads[parent])
        merge = rnd.choice([0, 0, *[t for b, t in tips.items() if b != branch and t != parent]])
        if merge:
            state = {**heads[merge], **state}
        for _ in range(rnd.randint(0, 3)):
            op = rnd.choice(["add", "add", "delete", "move", "copy", "edit", "contract", "contract", "zone"])
            files = sorted(f for f in state if f.startswith(("checkins/", "replies/")))
            if op == "contract":
                state["contracts/pact.md"] = pausable(*rnd.sample([  # a pause is often kept, or dropped and re-added
                    f"{{member: {m}, from: 2027-0{month}-01, to: 2027-0{month}-07}}"
                    for m, month in (("alice", 1), ("bob", 1), ("bob", 2))], rnd.randint(0, 3)))
            elif op == "zone":
                state["journal.yaml"] = f"members:\n  alice: {{timezone: {rnd.choice(ZONES)}}}\n"
            elif op == "add" or not files:
                folder = rnd.choice(FOLDERS)
                to = f"-to-{rnd.choice(MEMBERS)}" if folder.startswith("replies") else ""
                state[f"{folder}{rnd.choice(PERIODS)}-{rnd.choice(MEMBERS)}{to}.md"] = f"{mark}"
            elif op == "delete":
                del state[rnd.choice(files)]
            elif op in ("move", "copy"):
                src = rnd.choice(files)
                top = src.partition("/")[0]
                state[rnd.choice([f for f in FOLDERS if f.startswith(top)]) + src.rpartition("/")[2]] = state[src]
                if op == "move" and src in state and rnd.random() < 0.9:
                    state.pop(src)
            else:
                state[rnd.choice(files)] = f"edit {mark}"
        heads.append(state)
        when = 1_795_000_000 + rnd.randint(-5, 5) * 3600  # author times in no particular order
        lines += [f"commit refs/heads/{branch}", f"mark :{mark}",
                  f"author A <a@x.org> {when} {rnd.choice(['+0100', '-0500'])}",
                  f"committer A <a@x.org> {when} +0000", "data 1", "c"]
        if parent:
            lines.append(f"from :{parent}")
        if merge:
            lines.append(f"merge :{merge}")
        lines.append("deleteall")
        for file, text in sorted(state.items()):
            lines += [f"M 100644 inline {file}", f"data {len(text.encode())}", text]
        tips[branch] = mark
    lines += ["reset refs/heads/main", f"from :{tips['main'] or mark}", ""]
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet", "--export-marks=marks"],
                   input="\n".join(lines).encode(), check=True)
    marks = dict(line.split() for line in (path / "marks").read_text().splitlines())
    return [marks[f":{m}"] for m in range(1, len(marks) + 1)]


def _reference(repo: pygit2.Repository, top: str = "checkins", parse=parse_checkin_name) -> dict[tuple, tuple[int, str, str]]:
    """Obviously right and slow: every commit's full set of keys under `top`, against all its parents' sets."""
    def keys(commit: pygit2.Commit) -> dict[tuple, str]:
        found: dict[tuple, str] = {}
        if top not in commit.tree:
            return found
        todo = [(commit.tree / top, f"{top}/")]
        while todo:
            tree, prefix = todo.pop()
            for entry in tree:
                if isinstance(entry, pygit2.Tree):
                    todo.append((entry, f"{prefix}{entry.name}/"))
                elif (name := parse(entry.name)) is not None:
                    key, path = tuple(vars(name).values()), prefix + entry.name
                    found[key] = min(found.get(key, path), path)
        return found

    best: dict[tuple, tuple[int, str, str]] = {}
    for commit in repo.walk(repo.head.target):
        before = set().union(*(keys(p) for p in commit.parents))
        for key, path in keys(commit).items():
            if key not in before:
                best[key] = min(best.get(key, (commit.author.time, str(commit.id), path)),
                                (commit.author.time, str(commit.id), path))
    return best


def _blob_text(commit: pygit2.Commit, path: str) -> str | None:
    return (commit.tree / path).data.decode() if path in commit.tree else None


def _reference_pauses_and_zones(repo: pygit2.Repository) -> tuple[dict[tuple, int], list[tuple[int, dict[str, str]]]]:
    """Pauses of contracts/pact.md new in a commit against every parent, earliest first; each new journal.yaml's zones.

    Both dated when the commit's settings take effect: the latest author time of it and all
    its ancestors."""
    def settled(commit: pygit2.Commit) -> int:
        return max(c.author.time for c in repo.walk(commit.id))

    def pauses(commit: pygit2.Commit) -> set[tuple]:
        text = _blob_text(commit, "contracts/pact.md") or ""
        return {("pact", *p) for p in re.findall(r"member: (\w+), from: ([\d-]+), to: ([\d-]+)", text)}

    best: dict[tuple, tuple[int, str]] = {}
    zones: list[tuple[int, str, dict[str, str]]] = []
    for commit in repo.walk(repo.head.target):
        for key in pauses(commit) - set().union(*(pauses(p) for p in commit.parents)):
            best[key] = min(best.get(key, (settled(commit), str(commit.id))), (settled(commit), str(commit.id)))
        config = _blob_text(commit, "journal.yaml")
        if config is not None and all(_blob_text(p, "journal.yaml") != config for p in commit.parents):
            zones.append((settled(commit), str(commit.id), dict(re.findall(r"(\w+): \{timezone: ([\w/]+)\}", config))))
    return {k: t for k, (t, _) in best.items()}, [(t, z) for t, _, z in sorted(zones, key=lambda v: v[:2])]


def _as_reference(found: History) -> tuple[dict, dict, dict[tuple, int], list[tuple[int, dict[str, str]]]]:
    return ({k: (int(f.at.timestamp()), f.commit, f.path) for k, f in found.filings.items()},
            {k: (int(f.at.timestamp()), f.commit, f.path) for k, f in found.replies.items()},
            {k: int(at.timestamp()) for k, at in found.pauses.items()},
            [(int(at.timestamp()), z) for at, z in found.zones])


@pytest.mark.parametrize("walk", sorted(WALKS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32))
def test_random_histories_match_the_brute_force_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          walk: str, seed: int) -> None:
    # Adds, deletes, moves, copies and re-adds of check-ins and replies, contract and zone
    # edits, on branches and merges: each libgit2 walk against the slow reference.
    monkeypatch.setattr(history, "_LIST_AT_MOST", WALKS[walk])
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "r.git"
    marks = _fast_import(path, seed)
    repo = pygit2.Repository(str(path))
    cold = read_history(repo)
    assert _as_reference(cold) == (
        {(member, period): found for (period, member), found in _reference(repo).items()},
        {(writer, to, period): found for (period, writer, to), found in _reference(repo, "replies", parse_reply_name).items()},
        *_reference_pauses_and_zones(repo))
    # Warm from a cache of an older commit: the same answer as cold, whatever the ancestry.
    cache = path / "journal"
    head = repo.head.target
    repo.set_head(pygit2.Oid(hex=marks[len(marks) // 2]))
    read_history(repo, cache_dir=cache)
    repo.set_head(head)
    assert read_history(repo, cache_dir=cache) == cold


def test_diffed_and_listed_walks_agree_on_a_busy_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Bigger than the random ones: year folders past the listing limit, renames, re-adds,
    # contracts and zones changing on merged side branches.
    rnd, lines, path = random.Random(7), [], tmp_path / "busy.git"
    state: dict[str, str] = {}
    for mark in range(1, 121):
        if mark % 11 == 0:
            pact = pausable(f"{{member: bob, from: 2027-0{mark % 9 + 1}-01, to: 2027-0{mark % 9 + 1}-07}}")
            lines += [f"commit refs/heads/side{mark}", f"mark :{mark + 1000}", f"author B <b@x.org> {1_790_000_000 + mark * 3600} +0100",
                      f"committer B <b@x.org> {1_790_000_000 + mark * 3600} +0100", "data 1", "s", f"from :{mark - 1}",
                      f"M 100644 inline checkins/2026/2026-W{mark % 52 + 1:02d}-carol.md", "data 1", "c",
                      "M 100644 inline contracts/pact.md", f"data {len(pact)}", pact]
        week, member = rnd.randint(1, 52), rnd.choice(("alice", "bob", "dan"))
        name = f"checkins/{rnd.choice(['2026', '2026', 'old'])}/2026-W{week:02d}-{member}.md"
        ops = [f"M 100644 inline {name}", "data 1", "x"]
        if state and rnd.random() < 0.2:
            ops.append(f"D {rnd.choice(sorted(state))}")
        if rnd.random() < 0.1:
            reply = f"replies/2026/2026-W{week:02d}-{member}-to-alice.md"
            ops += [f"M 100644 inline {reply}", "data 1", "r"]
        if rnd.random() < 0.05:
            zone = f"members:\n  alice: {{timezone: Europe/Berlin, n: {mark}}}\n"
            ops += ["M 100644 inline journal.yaml", f"data {len(zone)}", zone]
        state[name] = "x"
        lines += ["commit refs/heads/main", f"mark :{mark}", f"author A <a@x.org> {1_790_000_000 + mark * 3000} +0000",
                  f"committer A <a@x.org> {1_790_000_000 + mark * 3000} +0000", "data 1", "c"]
        lines += [f"from :{mark - 1}"] if mark > 1 else []
        lines += [f"merge :{mark + 999}"] if (mark - 1) % 11 == 0 and mark > 1 else []
        lines += ops
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input="\n".join([*lines, ""]).encode(), check=True)
    repo = pygit2.Repository(str(path))
    found = {}
    for walk, list_at_most in WALKS.items():
        monkeypatch.setattr(history, "_LIST_AT_MOST", list_at_most)
        found[walk] = read_history(repo)
    diffed, listed = found.values()
    assert diffed == listed
    # Terms are read only for the contracts HEAD holds, and this HEAD holds none.
    assert diffed.pauses and len(diffed.zones) > 1 and diffed.replies and not diffed.contracts
    assert _as_reference(diffed)[:3] == (
        {(member, period): found for (period, member), found in _reference(repo).items()},
        {(writer, to, period): found for (period, writer, to), found in _reference(repo, "replies", parse_reply_name).items()},
        _reference_pauses_and_zones(repo)[0])
