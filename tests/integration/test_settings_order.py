"""Settings from the history in ancestry order: a partner chooses a commit's author time, so
a contract edit, zone change or pause announcement takes effect no earlier than the commits
it descends from; and a long chain of contract renames is read in linear time."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from journal.store import contract_versions
from tests.support.journals import AUTHORS, GOAL, checkin, git
from tests.support.terms import CONFIG, PACT

NOW = "2026-11-25T12:00:00+00:00"
# The reviewer's terms: due Monday 00:30 with no grace, 1000 a miss.
HOSTILE = PACT.replace("due: sunday 21:00", "due: monday 00:30").replace("grace: 12h", "grace: 0h").replace(
    "per_miss: 5", "per_miss: 1000")
TWO_MONTHS_AGO = "2026-09-25T12:00:00+00:00"


def _two_weeks_each(commit) -> None:
    """Alice (Tokyo) files Monday morning her time, Bob (New York) Sunday evening his."""
    commit({"journal.yaml": CONFIG, "contracts/pact.md": PACT, "goals/berlin-half.md": GOAL},
           "2026-11-01T10:00:00+00:00")
    for week, monday, sunday in (("2026-W46", "2026-11-09", "2026-11-15"), ("2026-W47", "2026-11-16", "2026-11-22")):
        commit({f"checkins/2026/{week}-alice.md": checkin("alice", week)}, f"{monday}T09:00:00+09:00", "alice")
        commit({f"checkins/2026/{week}-bob.md": checkin("bob", week)}, f"{sunday}T20:00:00-05:00", "bob")


def _streaks(run, repo: Path, now: str = NOW) -> dict:
    result = run("-C", repo, "streaks", "--json", "--now", now)
    assert result.code == 0, result.err
    return json.loads(result.out)


def _member(data: dict, member: str) -> dict:
    return next(m for m in data["members"] if m["member"] == member)


def _closed(data: dict) -> dict[str, dict[str, str]]:
    """Each member's verdicts of the weeks closed in `data`."""
    return {m["member"]: {p["period"]: p["status"] for p in m["periods"] if p["status"] != "pending"}
            for m in data["members"]}


def _same_closed(after: dict, before: dict) -> bool:
    """Whether every week closed in `before` kept its verdict in `after`."""
    now = {m: {p: s for p, s in weeks.items() if p in _closed(before)[m]} for m, weeks in _closed(after).items()}
    return now == _closed(before)


def _partner_commits(tmp_path: Path, files: dict[str, str], when: str) -> None:
    """Bob, in his own clone, commits `files` dated `when` (hooks skipped) and pushes; the
    journal's repository pulls it."""
    repo, partner = tmp_path / "repo", tmp_path / "partner"
    if not partner.exists():
        git(tmp_path, "clone", "-q", str(repo), str(partner))
    git(partner, "pull", "-q", "--ff-only", "origin", "main")
    for rel, text in files.items():
        (partner / rel).parent.mkdir(parents=True, exist_ok=True)
        (partner / rel).write_text(text, encoding="utf-8")
    git(partner, "add", "-A")
    name, email = AUTHORS["bob"]
    git(partner, "commit", "-q", "--no-verify", "-m", "terms", env={
        "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": when})
    git(repo, "pull", "-q", "--ff-only", str(partner), "main")


def test_a_contract_edit_backdated_two_months_changes_no_closed_week(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    repo = tmp_path / "repo"
    before = _streaks(run, repo)  # leaves a cache: the pull below is walked incrementally
    assert _member(before, "alice")["owed"] == 0
    _partner_commits(tmp_path, {"contracts/pact.md": HOSTILE}, TWO_MONTHS_AGO)
    after = _streaks(run, repo)
    assert _same_closed(after, before)
    (repo / ".git/journal/history.bin").unlink()  # a walk from scratch gives the same
    assert _same_closed(_streaks(run, repo), before)
    # The edit takes effect as of the commit it follows (Bob's W47 filing): weeks closing
    # after that follow it, so W49, due at its start under it, is missed and owes 1000.
    commit({"checkins/2026/2026-W48-alice.md": checkin("alice", "2026-W48")}, "2026-11-30T09:00:00+09:00")
    later = _streaks(run, repo, "2026-12-02T12:00:00+00:00")
    weeks = {p["period"]: (p["status"], p["due"]) for p in _member(later, "alice")["periods"]}
    assert weeks["2026-W46"][0] == weeks["2026-W47"][0] == "on_time"
    assert weeks["2026-W49"] == ("missed", "2026-11-30T00:30:00+09:00")
    assert _member(later, "alice")["owed"] == 1000


def test_a_cached_walk_settles_a_backdated_edit_on_a_backdated_commit(run, commit, tmp_path: Path) -> None:
    """The cache keeps how late a backdated commit took effect: an edit built on it, walked
    incrementally later, is settled as a walk from scratch settles it."""
    _two_weeks_each(commit)
    repo = tmp_path / "repo"
    before = _streaks(run, repo)
    _partner_commits(tmp_path, {"goals/berlin-half.md": GOAL + "More.\n"}, TWO_MONTHS_AGO)
    _streaks(run, repo)  # the cache's head is now the backdated commit
    _partner_commits(tmp_path, {"contracts/pact.md": HOSTILE}, "2026-09-26T12:00:00+00:00")
    after = _streaks(run, repo)
    assert _same_closed(after, before)
    (repo / ".git/journal/history.bin").unlink()
    assert _streaks(run, repo) == after


def test_an_honest_edit_dated_now_applies_from_now_only(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    repo = tmp_path / "repo"
    before = _streaks(run, repo)
    _partner_commits(tmp_path, {"contracts/pact.md": HOSTILE}, NOW)
    assert _same_closed(_streaks(run, repo), before)


def test_a_backdated_zone_change_changes_no_closed_week(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    repo = tmp_path / "repo"
    before = _streaks(run, repo)
    # UTC+14: Sunday 21:00 there is Sunday 07:00 UTC, so with 12 hours' grace Bob's
    # Sunday 20:00 New York filings (Monday 01:00 UTC) would all be missed.
    _partner_commits(tmp_path, {"journal.yaml": CONFIG.replace("America/New_York", "Pacific/Kiritimati")},
                     "2026-11-02T12:00:00+00:00")  # dated before the weeks it would judge
    assert _same_closed(_streaks(run, repo), before)
    (repo / ".git/journal/history.bin").unlink()
    assert _same_closed(_streaks(run, repo), before)


def test_a_backdated_pause_gets_no_notice_it_did_not_give(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    repo = tmp_path / "repo"
    commit({"checkins/2026/2026-W48-bob.md": checkin("bob", "2026-W48")}, "2026-11-29T20:00:00-05:00", "bob")
    # Announced three days ahead (the contract asks for 7 days' notice), dated a month back.
    paused = PACT.replace("---\nWhat", "pauses:\n  - {member: bob, from: 2026-12-03, to: 2026-12-09, "
                          "reason: travel}\n---\nWhat")
    _partner_commits(tmp_path, {"contracts/pact.md": paused}, "2026-11-01T12:00:00+00:00")
    data = _streaks(run, repo, "2026-12-16T12:00:00+00:00")
    assert "pause-without-notice" in _member(data, "bob")["flags"]
    (repo / ".git/journal/history.bin").unlink()
    assert _streaks(run, repo, "2026-12-16T12:00:00+00:00") == data


def test_two_thousand_contract_renames_keep_the_history(run, commit, tmp_path: Path) -> None:
    """One commit per rename, pact.md -> p0.md -> ... -> p1999.md, each a minute after the last."""
    _two_weeks_each(commit)
    repo = tmp_path / "repo"
    commit({"contracts/pact.md": PACT.replace("grace: 12h", "grace: 0h")}, "2026-11-23T09:00:00+00:00")
    before = _closed(_streaks(run, repo))
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    start = 1795428000  # 2026-11-23T10:00:00Z
    name, email = AUTHORS["bob"]
    stream, old = [], "contracts/pact.md"
    for i in range(2000):
        new = f"contracts/p{i}.md"
        stream.append(f"commit refs/heads/main\ncommitter {name} <{email}> {start + 60 * i} +0000\ndata 1\nr\n"
                      + (f"from {head}\n" if i == 0 else "") + f"R {old} {new}\n\n")
        old = new
    imported = subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input="".join(stream),
                              text=True, capture_output=True)
    assert imported.returncode == 0, imported.stderr
    git(repo, "reset", "-q", "--hard", "main")
    assert sorted(p.name for p in (repo / "contracts").iterdir()) == ["p1999.md"]
    for _ in range(2):  # the second run reads the terms from the cache
        data = _streaks(run, repo)
        assert _closed(data) == before
        assert data["contracts"] == [{"contract": "p1999", "pact_streak": 2}]


def test_lineages_follow_renames_back_and_forth_and_long_chains() -> None:
    """pact -> other -> pact again: each version once; and 10,000 renames need no recursion."""
    def version(time: int, slug: str, renamed_from: str = "") -> tuple[int, int, str, str, str, str]:
        return (time, 0, f"{time:040x}", slug, f'{{"t":{time}}}', renamed_from)

    back = [version(1, "pact"), version(2, "pact"), version(3, "other", "pact"), version(4, "pact", "other")]
    lines = contract_versions.lineages({f"{v[2]}:{v[3]}": v for v in back}, ["pact", "other"])
    assert lines["pact"] == back
    assert lines["other"] == back[:3]
    chain = [version(0, "p0")] + [version(i, f"p{i}", f"p{i - 1}") for i in range(1, 10_000)]
    terms = {f"{v[2]}:{v[3]}": v for v in chain}
    assert contract_versions.lineages(terms, ["p9999"]) == {"p9999": chain}
