"""The CLI on the repositories people really have: bare clones, detached HEADs, .mailmap,
odd author names."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin, git

NOW = "2026-11-25T12:00:00+00:00"
PACT = CONTRACT.replace("effective: 2026-09-07", "effective: 2026-11-16")


def _history(commit) -> None:
    commit({"journal.yaml": CONFIG, "contracts/pact.md": PACT, "goals/berlin-half.md": GOAL},
           "2026-11-10T10:00:00+01:00")
    commit({"checkins/2026/2026-W47-alice.md": checkin(outcomes="[]")}, "2026-11-22T10:00:00+01:00", "alice")
    commit({"checkins/2026/2026-W47-bob.md": checkin("bob", outcomes="[]")}, "2026-11-22T12:00:00-05:00", "bob")


def test_digest_from_a_bare_clone_equals_the_working_copy(run, commit, tmp_path: Path) -> None:
    _history(commit)
    repo = tmp_path / "repo"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(tmp_path / "server.git"))
    assert run("-C", repo, "digest", "--out", tmp_path / "a", "--now", NOW).code == 0
    result = run("-C", tmp_path / "server.git", "digest", "--out", tmp_path / "b", "--now", NOW)
    assert result.code == 0, result
    for name in ("index.html", "digest.json", "DIGEST.md", "feed.xml", "calendar.ics", "members/alice.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_streaks_on_a_detached_head_read_the_history_behind_it(run, commit, tmp_path: Path) -> None:
    _history(commit)
    repo = tmp_path / "repo"
    git(repo, "checkout", "-q", "--detach", "HEAD~1")
    data = json.loads(run("-C", repo, "streaks", "--json", "--now", NOW).out)
    w47 = {m["member"]: next(p for p in m["periods"] if p["period"] == "2026-W47") for m in data["members"]}
    assert w47["alice"]["status"] == "on_time"
    assert w47["bob"]["status"] == "missed"  # bob's check-in is not behind this HEAD


def test_mailmap_maps_an_old_address_to_the_member(run, commit, tmp_path: Path) -> None:
    _history(commit)
    repo = tmp_path / "repo"
    (repo / "checkins/2026/2026-W48-bob.md").write_text(checkin("bob", "2026-W48", outcomes="[]"))
    git(repo, "add", "-A")
    old = {"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@old-job.example", "GIT_AUTHOR_DATE": "2026-11-24T10:00:00-05:00",
           "GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@old-job.example",
           "GIT_COMMITTER_DATE": "2026-11-24T10:00:00-05:00"}
    git(repo, "commit", "-q", "-m", "bob W48 from the old laptop", env=old)

    def flags() -> list[str]:
        data = json.loads(run("-C", repo, "streaks", "--json", "--member", "bob", "--now", NOW).out)
        return next(p for p in data["members"][0]["periods"] if p["period"] == "2026-W48")["flags"]

    assert "committed-by-other" in flags()
    (repo / ".mailmap").write_text("Bob Okafor <bob@example.com> <bob@old-job.example>\n")
    assert "committed-by-other" not in flags()


def test_odd_and_non_utf8_author_names_do_not_break_anything(run, commit, tmp_path: Path) -> None:
    _history(commit)
    repo = tmp_path / "repo"
    (repo / "checkins/2026/2026-W48-alice.md").write_text(checkin("alice", "2026-W48", outcomes="[]"))
    git(repo, "add", "-A")
    git(repo, "-c", "i18n.commitEncoding=latin-1", "commit", "-q", "-m", "x",
        env={"GIT_AUTHOR_NAME": "Al\udce9\x1b[31m", "GIT_AUTHOR_EMAIL": "alice@example.org",
             "GIT_COMMITTER_NAME": "?", "GIT_COMMITTER_EMAIL": "alice@example.org",
             "GIT_AUTHOR_DATE": "2026-11-24T10:00:00+01:00", "GIT_COMMITTER_DATE": "2026-11-24T10:00:00+01:00"})
    result = run("-C", repo, "streaks", "--now", NOW)
    assert result.code == 0, result
    assert run("-C", repo, "digest", "--now", NOW).code == 0
