"""Contract terms from the history: a closed period keeps the verdict it had under the
contract as committed when it closed; open periods follow the contract at HEAD."""

from __future__ import annotations

import json
from pathlib import Path

from journal.store import history_cache, plain_cache
from tests.support.journals import GOAL, checkin
from tests.support.terms import CONFIG, PACT

NOW = "2026-11-25T12:00:00+00:00"


def _start(commit, pact: str = PACT) -> None:
    commit({"journal.yaml": CONFIG, "contracts/pact.md": pact, "goals/berlin-half.md": GOAL},
           "2026-11-01T10:00:00+00:00")


def _file(commit, member: str, week: str, when: str) -> None:
    commit({f"checkins/2026/{week}-{member}.md": checkin(member, week)}, when, member)


def _two_weeks_each(commit) -> None:
    """Alice (Tokyo) files Monday morning her time, Bob (New York) Sunday evening his."""
    _start(commit)
    for week, monday, sunday in (("2026-W46", "2026-11-09", "2026-11-15"), ("2026-W47", "2026-11-16", "2026-11-22")):
        _file(commit, "alice", week, f"{monday}T09:00:00+09:00")
        _file(commit, "bob", week, f"{sunday}T20:00:00-05:00")


def _streaks(run, tmp_path: Path, now: str = NOW) -> dict:
    result = run("-C", tmp_path / "repo", "streaks", "--json", "--now", now)
    assert result.code == 0, result.err
    return json.loads(result.out)


def _member(data: dict, member: str) -> dict:
    return next(m for m in data["members"] if m["member"] == member)


def _weeks(data: dict, member: str) -> dict[str, str]:
    return {p["period"]: p["status"] for p in _member(data, member)["periods"]}


def test_closed_weeks_keep_the_due_time_and_grace_they_were_judged_under(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    before = _streaks(run, tmp_path)  # also leaves a cache for the walk below to extend
    assert _weeks(before, "bob") == {"2026-W46": "on_time", "2026-W47": "on_time", "2026-W48": "pending"}
    assert before["contracts"] == [{"contract": "pact", "pact_streak": 2}]
    # Due Saturday noon, no grace: Bob's Sunday evening filings would now be missed.
    commit({"contracts/pact.md": PACT.replace("due: sunday 21:00", "due: saturday 12:00")
            .replace("grace: 12h", "grace: 0h")}, "2026-11-24T09:00:00+00:00")
    for _ in range(2):  # the second run reads the terms from the cache
        after = _streaks(run, tmp_path)
        assert _weeks(after, "bob") == _weeks(before, "bob")
        assert _weeks(after, "alice") == _weeks(before, "alice")
        assert after["contracts"] == [{"contract": "pact", "pact_streak": 2}]
        assert _member(after, "bob")["owed"] == 0
    # The week still open when the terms changed follows the new ones.
    _file(commit, "bob", "2026-W48", "2026-11-29T20:00:00-05:00")
    later = _streaks(run, tmp_path, "2026-12-02T12:00:00+00:00")
    assert _weeks(later, "bob")["2026-W48"] == "missed"
    assert _weeks(later, "bob")["2026-W47"] == "on_time"


def test_a_grace_change_leaves_a_late_week_late(run, commit, tmp_path: Path) -> None:
    _start(commit)
    # Monday 01:00 in New York: four hours after Sunday's due, inside the 12 hours' grace.
    _file(commit, "bob", "2026-W46", "2026-11-16T01:00:00-05:00")
    assert _weeks(_streaks(run, tmp_path), "bob")["2026-W46"] == "late"
    commit({"contracts/pact.md": PACT.replace("grace: 12h", "grace: 1h")}, "2026-11-20T09:00:00+00:00")
    assert _weeks(_streaks(run, tmp_path), "bob")["2026-W46"] == "late"


def test_a_cadence_change_keeps_the_weeks_before_it_weekly(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    daily = PACT.replace("cadence: weekly", "cadence: daily").replace("due: sunday 21:00", "due: '20:00'").replace(
        "grace: 12h", "grace: 2h")
    # Wednesday of 2026-W48: from here on, a check-in a day.
    commit({"contracts/pact.md": daily}, "2026-11-25T10:00:00+09:00")
    for day in ("2026-11-25", "2026-11-26"):
        commit({f"checkins/2026/{day}-alice.md": checkin("alice", day).replace(f"week: {day}", f"date: {day}")},
               f"{day}T19:00:00+09:00", "alice")
    data = _streaks(run, tmp_path, "2026-11-27T12:00:00+09:00")
    # 2026-W48 was open when the cadence changed: the days judge it; the days that closed
    # before the change were never due.
    assert _weeks(data, "alice") == {"2026-W46": "on_time", "2026-W47": "on_time", "2026-11-25": "on_time",
                                     "2026-11-26": "on_time", "2026-11-27": "pending"}
    assert _member(data, "alice")["current"] == 4
    assert list(_weeks(data, "bob"))[:2] == ["2026-W46", "2026-W47"]
    assert set(_weeks(data, "bob").values()) - {"on_time", "missed", "pending"} == set()
    # Weeks and days side by side in one member's record: every report shows them.
    repo, now = tmp_path / "repo", "2026-11-27T12:00:00+09:00"
    assert run("-C", repo, "streaks", "--now", now).code == 0
    assert run("-C", repo, "status", "--json", "--now", now).code == 0
    result = run("-C", repo, "digest", "--out", tmp_path / "site", "--now", now)
    assert result.code == 0, result.err


def test_misses_owe_the_stakes_in_force_when_they_closed(run, commit, tmp_path: Path) -> None:
    _start(commit)
    _file(commit, "bob", "2026-W47", "2026-11-22T20:00:00-05:00")  # W46 missed, at 5
    assert _member(_streaks(run, tmp_path), "bob")["owed"] == 5
    commit({"contracts/pact.md": PACT.replace("per_miss: 5", "per_miss: 20")}, "2026-11-24T09:00:00+00:00")
    # W48 missed too, at the new 20.
    data = _streaks(run, tmp_path, "2026-12-02T12:00:00+00:00")
    assert _weeks(data, "bob") == {"2026-W46": "missed", "2026-W47": "on_time", "2026-W48": "missed",
                                   "2026-W49": "pending"}
    assert _member(data, "bob")["owed"] == 25


def test_a_party_who_leaves_keeps_their_weeks_and_one_who_joins_owes_none_before(run, commit,
                                                                                  tmp_path: Path) -> None:
    _two_weeks_each(commit)
    commit({"contracts/pact.md": PACT.replace("parties: [alice, bob]", "parties: [alice]")},
           "2026-11-24T09:00:00+00:00")
    _file(commit, "alice", "2026-W48", "2026-11-30T09:00:00+09:00")
    data = _streaks(run, tmp_path, "2026-12-02T12:00:00+00:00")
    assert _weeks(data, "bob") == {"2026-W46": "on_time", "2026-W47": "on_time"}
    assert data["contracts"] == [{"contract": "pact", "pact_streak": 3}]

    # Bob joins again a week later: the week he was out is not his to miss.
    commit({"contracts/pact.md": PACT}, "2026-12-02T13:00:00+00:00")
    _file(commit, "alice", "2026-W49", "2026-12-07T09:00:00+09:00")
    _file(commit, "bob", "2026-W49", "2026-12-06T20:00:00-05:00")
    data = _streaks(run, tmp_path, "2026-12-09T12:00:00+00:00")
    assert _weeks(data, "bob") == {"2026-W46": "on_time", "2026-W47": "on_time", "2026-W49": "on_time",
                                   "2026-W50": "pending"}
    assert _member(data, "bob")["owed"] == 0
    assert data["contracts"] == [{"contract": "pact", "pact_streak": 4}]


def test_a_renamed_contract_keeps_its_history_and_its_pauses(run, commit, tmp_path: Path) -> None:
    pause = "pauses:\n  - {member: bob, from: 2026-11-30, to: 2026-12-06, reason: travel}\n---"
    _start(commit, PACT.replace("---\nWhat", f"{pause}\nWhat"))
    for week, sunday in (("2026-W46", "2026-11-15"), ("2026-W47", "2026-11-22")):
        _file(commit, "bob", week, f"{sunday}T20:00:00-05:00")
    saturday = PACT.replace("due: sunday 21:00", "due: saturday 12:00").replace("grace: 12h", "grace: 0h")
    commit({"contracts/pact.md": saturday.replace("---\nWhat", f"{pause}\nWhat")}, "2026-11-24T09:00:00+00:00")
    # Renamed a day later (the file's bytes unchanged): a new name, the same contract.
    commit({"contracts/pact.md": None,
            "contracts/half-marathon.md": saturday.replace("---\nWhat", f"{pause}\nWhat")},
           "2026-11-25T09:00:00+00:00")
    data = _streaks(run, tmp_path, "2026-12-09T12:00:00+00:00")
    weeks = _weeks(data, "bob")
    assert weeks["2026-W46"] == weeks["2026-W47"] == "on_time"
    # The pause was announced a month ahead, under the old name: it still counts.
    assert weeks["2026-W49"] == "paused"
    assert "pause-without-notice" not in _member(data, "bob")["flags"]


def test_the_cache_keeps_each_version_and_one_it_cannot_read_is_rebuilt(run, commit, tmp_path: Path) -> None:
    _two_weeks_each(commit)
    commit({"contracts/pact.md": PACT.replace("grace: 12h", "grace: 0h")}, "2026-11-24T09:00:00+00:00")
    commit({"contracts/pact.md": PACT.replace("grace: 12h", "grace: 0h") + "Signed.\n"}, "2026-11-24T10:00:00+00:00")
    first = _streaks(run, tmp_path)
    cache = tmp_path / "repo/.git/journal" / history_cache.CACHE_FILE
    saved = list(plain_cache.load(cache, history_cache._TAG, 1 << 30))
    terms = saved[7]  # (grafts, head, token, filings, pauses, zones, replies, terms, raised)
    # The first version and the grace change; an edit below the front matter is no new version.
    assert sorted(json.loads(t[4]).get("grace") for t in terms.values()) == ["0h", "12h"]
    key = next(iter(terms))
    terms[key] = (*terms[key][:4], "{not json", terms[key][5])
    cache.write_bytes(plain_cache.dump(history_cache._TAG, tuple(saved)))
    assert _streaks(run, tmp_path) == first
    rebuilt = plain_cache.load(cache, history_cache._TAG, 1 << 30)[7]
    assert sorted(json.loads(t[4])["grace"] for t in rebuilt.values()) == ["0h", "12h"]
