"""A build given no --now reads the clock to the minute, yet counts a commit made earlier
in that same minute: the commit is in the past, not still to come."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from journal.core.periods import period_key
from journal.digest.committed import minute_clock
from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin


def test_the_minute_clock_never_reads_before_the_real_time() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)  # commit times are whole seconds
    reading = minute_clock()
    assert reading >= before
    assert reading.replace(second=0) <= dt.datetime.now(dt.UTC)  # the same minute, not a later one


def test_a_digest_built_right_after_a_commit_counts_it(run, commit, tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    commit({"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL},
           "2026-09-01T09:00:00+00:00", "alice")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    week = period_key(now, "weekly", ZoneInfo("Europe/Berlin"))
    commit({f"checkins/{week[:4]}/{week}-alice.md": checkin("alice", week)}, now.isoformat(), "alice")
    out = tmp_path / "site"
    assert run("-C", tmp_path / "repo", "digest", "--out", out).code in (0, 4)
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    alice = next(m for m in data["members"] if m["id"] == "alice")
    filed = [p for p in alice["periods"] if p["period"] == week]
    assert filed and filed[0]["status"] != "pending" and filed[0]["at"] is not None
