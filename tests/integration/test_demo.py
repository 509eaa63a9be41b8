"""`journal demo`: the example journal replayed as a Git history that looks current."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest
from ruamel.yaml import YAML

from journal.commands.demo import shift_path, shift_text, shift_weeks
from tests.support.digest_journals import assert_golden
from tests.support.journals import PROJECT, git

EXAMPLE = PROJECT / "example-repo"
SCRIPT = YAML(typ="safe").load((EXAMPLE / "history.yaml").read_text(encoding="utf-8"))
ROSTER = YAML(typ="safe").load((EXAMPLE / "journal.yaml").read_text(encoding="utf-8"))["members"]
EXPECT = SCRIPT["expect"]
# Thirty weeks on: the script's autumn and winter land in spring and summer, so every
# offset changes while the local wall-clock times must not.
WEEKS = 30
NOW = (dt.datetime.fromisoformat(EXPECT["now"]) + dt.timedelta(weeks=WEEKS)).isoformat()


def _week_plus(week: str, weeks: int) -> str:
    year, number = map(int, week.split("-W"))
    moved = dt.date.fromisocalendar(year, number, 1) + dt.timedelta(weeks=weeks)
    return "{}-W{:02d}".format(*moved.isocalendar()[:2])


def _scripted(weeks: int) -> list[tuple[str, str, str, str]]:
    """(author name, email, author date, subject) of every scripted commit, moved by `weeks`."""
    found = []
    for step in SCRIPT["commits"]:
        member = ROSTER[step["author"]]
        local = dt.datetime.fromisoformat(step["at"]) + dt.timedelta(weeks=weeks)
        when = local.replace(tzinfo=ZoneInfo(member["timezone"])).isoformat()
        subject = re.sub(r"\d{4}-W\d{2}", lambda m: _week_plus(m[0], weeks), step["message"])
        found.append((member["name"], member["emails"][0], when, subject))
    return found


def _log(repo: Path, fmt: str) -> list[list[str]]:
    out = git(repo, "log", "--all", f"--format={fmt}").stdout
    return [line.split("\x1f") for line in out.splitlines()]


@pytest.fixture(scope="module")
def wheel_demo(installed: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], str]:
    """`journal demo` run once from the installed wheel, not the checkout: (repo, env, stdout)."""
    where, home = tmp_path_factory.mktemp("wheel-demo"), tmp_path_factory.mktemp("wheel-demo-home")
    (home / ".gitconfig-empty").write_text("")
    # Module-scoped, so set up before the autouse isolation: isolate the subprocesses here.
    env = {k: v for k, v in installed.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home), GIT_CONFIG_NOSYSTEM="1",
               GIT_CONFIG_GLOBAL=str(home / ".gitconfig-empty"), TZ="UTC")
    probe = subprocess.run([sys.executable, "-c", "import journal; print(journal.__file__)"], cwd=where, env=env,
                           text=True, capture_output=True, check=True)
    assert probe.stdout.startswith(installed["JOURNAL_SITE"])
    made = subprocess.run([sys.executable, "-m", "journal", "demo", "demo", "--now", NOW], cwd=where,
                          env=env, text=True, capture_output=True, check=False)
    assert made.returncode == 0, made.stderr
    return where / "demo", env, made.stdout


def _journal(setup: tuple[Path, dict[str, str], str], *args: str) -> subprocess.CompletedProcess[str]:
    # Run outside the checkout: `python -m` puts the working folder first on sys.path.
    repo, env, _ = setup
    return subprocess.run([sys.executable, "-m", "journal", "-C", str(repo), *args], cwd=repo.parent, env=env,
                          text=True, capture_output=True, check=False)


def test_wheel_demo_has_the_scripted_commits_authors_and_dates(wheel_demo) -> None:
    repo = wheel_demo[0]
    made = _log(repo, "%an\x1f%ae\x1f%aI\x1f%cI\x1f%cn\x1f%s")
    assert all(row[2] == row[3] and row[0] == row[4] for row in made)  # committer = author
    assert sorted(tuple(row[:3] + row[5:]) for row in made) == sorted(_scripted(WEEKS))


def test_wheel_demo_merges_the_side_branch_days_after_its_commit(wheel_demo) -> None:
    repo = wheel_demo[0]
    merges = _log(repo, "%H\x1f%P\x1f%aI\x1f%s")
    merges = [row for row in merges if len(row[1].split()) == 2]
    assert [row[3] for row in merges] == ["Merge branch 'bob-on-the-train'"]
    side = git(repo, "log", "-1", "--format=%aI\x1f%s", merges[0][1].split()[1]).stdout.strip().split("\x1f")
    assert side[1] == f"bob: {_week_plus('2026-W50', WEEKS)} check-in (on the train)"
    assert dt.datetime.fromisoformat(merges[0][2]) - dt.datetime.fromisoformat(side[0]) > dt.timedelta(days=2)
    assert git(repo, "merge-base", "--is-ancestor", "bob-on-the-train", "main").returncode == 0


def test_wheel_demo_leaves_main_checked_out_and_clean(wheel_demo) -> None:
    repo = wheel_demo[0]
    assert git(repo, "symbolic-ref", "HEAD").stdout.strip() == "refs/heads/main"
    assert git(repo, "status", "--porcelain").stdout == ""
    shipped = {p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("*") if p.is_file()} - {"history.yaml"}
    tracked = set(git(repo, "ls-files").stdout.splitlines())
    assert {p for p in tracked if not p.startswith("digest/")} == {shift_path(p, WEEKS) for p in shipped}
    # The committed digest is in HEAD already, so the user's first commit does not add it.
    assert {"digest/README.md", "digest/charts/heatmap-alice.svg"} <= tracked
    assert git(repo, "log", "-1", "--format=%s", "--", "digest/README.md").stdout.strip() == \
        git(repo, "log", "-1", "--format=%s", "main").stdout.strip()


def test_wheel_demo_checks_clean_but_for_the_intended_warning(wheel_demo) -> None:
    result = _journal(wheel_demo, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout
    assert result.stdout.count("[vague]") == 1 and "Be better at saying no" in result.stdout
    assert result.stderr.startswith("0 errors, 1 warning in ")


def test_wheel_demo_streaks_match_the_scripts_expectations(wheel_demo) -> None:
    result = _journal(wheel_demo, "streaks", "--json", "--now", NOW)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    got = {m["member"]: m for m in data["members"]}
    assert set(got) == set(EXPECT["members"])
    for member, want in EXPECT["members"].items():
        for key, value in want.items():
            assert got[member][key] == (pytest.approx(value, abs=1e-4) if isinstance(value, float) else value), \
                f"{member}.{key}"
    assert {c["contract"]: c["pact_streak"] for c in data["contracts"]} == EXPECT["contracts"]
    responders = data["responses"]["responders"]
    for member, want in EXPECT["responders"].items():
        got_counts = {**responders[member]["counts"], "answered_in_time_rate": responders[member]["answered_in_time_rate"]}
        assert {k: got_counts[k] for k in want} == want, member
    assert data["responses"]["pact_reply_streaks"] == EXPECT["reply_streaks"]
    threads = {(t["member"], t["period"]): t for t in data["responses"]["threads"]}
    alice_w52 = next(t for (m, p), t in threads.items() if m == "alice" and p == max(p for m2, p in threads if m2 == m))
    assert [r["state"] for r in alice_w52["responses"] if r["partner"] == "bob"] == ["unanswered"]
    assert any("disputed" in t["verdicts"] for t in threads.values())
    assert any(r["kudos"] for t in threads.values() for r in t["replies"])


def test_wheel_demo_installs_the_hooks_and_builds_the_digest(wheel_demo) -> None:
    repo, _, out = wheel_demo
    assert _journal(wheel_demo, "hooks", "status").returncode == 0
    index = repo / "site" / "index.html"
    assert f"digest: {index.resolve()}" in out.splitlines()
    assert "Bob Okafor" in index.read_text(encoding="utf-8")
    assert (repo / "site" / "digest.json").is_file()


def test_demo_prints_the_streak_table_and_the_digest(run, tmp_path: Path) -> None:
    result = run("-C", tmp_path, "demo", "--now", NOW)
    assert result.code == 0, result
    root = tmp_path / "journal-demo"
    lines = result.out.splitlines()
    assert lines[0] == (f"created {root}: {len(SCRIPT['commits'])} commits, "
                        f"the newest week {_week_plus(SCRIPT['anchor'], WEEKS)}; hooks installed")
    assert lines[2:16] == [
        "member  current  longest  score  on-time  completion  owed  flags",
        "alice   16       16       100.0  94 %     89 %        0     review-due",
        "bob     8        8        95.7   93 %     30 %        5     recalibrate, review-due",
        "carol   8        8        100.0  100 %    88 %        0     -",
        "dan     8        8        100.0  88 %     75 %        0     committed-by-other",
        "",
        "alice   ####+###########.",
        "bob     ######x####-####.",
        "carol   ########-",
        "dan     ####+###-",
        "key: # on time, + late, x missed, - paused, . pending, e too early",
        "pact streak of half-marathon: 8",
        "pact streak of work-circle: 8",
        "",
    ]
    assert lines[16:] == [f"digest: {(root / 'site' / 'index.html').resolve()}", f"next: cd {root} && journal status"]


DEMO_GOLDEN = PROJECT / "tests" / "golden" / "demo"


def _thread_pages(site: Path) -> dict[str, bytes]:
    """The demo site's pages that show its replies: the overview (asks and what became of
    them, unanswered asks, reply streaks), DIGEST.md, and each member's page (threads,
    figures as a partner)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and (p.name in ("index.html", "DIGEST.md") and p.parent == site or p.parent.name == "members")}


def test_the_demo_digest_with_its_threads_matches_golden(run, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    # The golden digest of tests/golden/digest has no replies; the demo has every kind: answered
    # in time and late, unanswered, a referee's dispute, kudos.
    assert run("-C", tmp_path, "demo", "d", "--now", NOW).code == 0
    files = _thread_pages(tmp_path / "d" / "site")
    assert {"index.html", "DIGEST.md", "members/alice.html"} <= set(files)
    assert_golden(files, DEMO_GOLDEN, _thread_pages(DEMO_GOLDEN) if DEMO_GOLDEN.is_dir() else {}, request)


def test_demo_open_launches_the_digest(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = []
    monkeypatch.setattr(click, "launch", lambda url, **kw: opened.append(url) or 0)
    assert run("-C", tmp_path, "demo", "here", "--now", NOW, "--open").code == 0
    assert opened == [str((tmp_path / "here" / "site" / "index.html").resolve())]


def test_demo_refuses_a_folder_that_is_not_empty(run, tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    result = run("-C", tmp_path, "demo", "busy", "--now", NOW)
    assert result.code == 1
    assert result.err.startswith(f"Error: refusing to create the demo in {tmp_path / 'busy'}: it is not an empty folder\n")
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["notes.txt"]


def test_demo_accepts_an_empty_folder(run, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert run("-C", tmp_path, "demo", "empty", "--now", NOW).code == 0
    assert (tmp_path / "empty" / "journal.yaml").is_file()


@pytest.mark.parametrize("where", [".", "goals", "notes/deep"])
def test_a_demo_is_not_made_inside_a_journal(run, tmp_path: Path, where: str) -> None:
    # Made there, it rewrote the journal's committed digest (its own was made before its files
    # were checked out); committed, it is a gitlink, and `check` named its 68 files as strays.
    earlier = (dt.datetime.fromisoformat(NOW) - dt.timedelta(weeks=3)).isoformat()
    assert run("-C", tmp_path, "demo", "outer", "--now", earlier).code == 0
    outer = tmp_path / "outer"
    (outer / where).mkdir(parents=True, exist_ok=True)
    before = {p: p.read_bytes() for p in (outer / "digest").rglob("*") if p.is_file()}
    result = run("-C", outer / where, "demo", "inner", "--now", NOW)
    assert result.code == 1
    assert f"refusing to create the demo inside the journal at {outer.resolve()}" in result.err
    assert not (outer / where / "inner").exists()
    assert {p: p.read_bytes() for p in (outer / "digest").rglob("*") if p.is_file()} == before
    assert git(outer, "status", "--porcelain").stdout == ""


def test_two_runs_with_the_same_now_make_the_same_commits(run, tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert run("-C", tmp_path, "demo", name, "--now", NOW).code == 0
    one, two = (_log(tmp_path / name, "%H") for name in ("one", "two"))
    assert one == two and len(one) == len(SCRIPT["commits"])
    assert git(tmp_path / "one", "rev-parse", "main").stdout == git(tmp_path / "two", "rev-parse", "main").stdout


def test_the_newest_week_is_the_last_one_ended_in_every_members_zone() -> None:
    zones = [ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")]
    utc = dt.UTC
    # Monday 03:00 UTC: Berlin is in 2026-W53 already, New York still on Sunday of 2026-W52.
    assert shift_weeks("2026-W52", dt.datetime(2026, 12, 28, 3, 0, tzinfo=utc), zones) == -1
    assert shift_weeks("2026-W52", dt.datetime(2026, 12, 28, 6, 0, tzinfo=utc), zones) == 0
    assert shift_weeks("2026-W52", dt.datetime(2027, 1, 6, 12, 0, tzinfo=utc), zones) == 1
    assert shift_weeks("2026-W52", dt.datetime(2026, 11, 24, 17, 0, tzinfo=utc), zones) == -5


def test_shifting_moves_dates_weeks_and_check_in_folders_by_whole_weeks() -> None:
    assert shift_text("effective: 2026-09-07, week: 2026-W37", 2) == "effective: 2026-09-21, week: 2026-W39"
    assert shift_text("2026-W52 and 2026-12-27", 1) == "2026-W53 and 2027-01-03"  # 2026 has 53 weeks
    assert shift_text("2027-02-30 2026-W54 12026-09-07 2026-09-077", 1) == "2027-02-30 2026-W54 12026-09-07 2026-09-077"
    assert shift_text("2026-W52", 0) == "2026-W52"
    assert shift_path("checkins/2026/2026-W52-bob.md", 2) == "checkins/2027/2027-W01-bob.md"
    assert shift_path("checkins/2027/2027-W01-bob.md", -2) == "checkins/2026/2026-W52-bob.md"
    assert shift_path("goals/first-half.md", 5) == "goals/first-half.md"


def test_example_checks_clean_in_the_source_tree(run) -> None:
    result = run("-C", EXAMPLE, "check")
    assert result.code == 0, result
    assert result.out.count("warning:") == 1 and "[vague]" in result.out


ZONES = {member: ZoneInfo(m["timezone"]) for member, m in ROSTER.items()}
SYMBOL = {"on_time": "#", "late": "+", "missed": "x", "paused": "-", "pending": ".", "early": "e"}
# The README's rows up to the newest week; after it, only the week in progress.
HISTORY = {"alice": "####+###########", "bob": "######x####-####", "carol": "########", "dan": "####+###"}


def _any_hour_instants(monday: dt.datetime, every: int) -> list[dt.datetime]:
    """Every `every` hours of the week from `monday` (UTC), plus every hour from Sunday 16:00
    to Monday 05:00 in each member's zone: when deadlines pass and the zones disagree on the week."""
    found = {monday + dt.timedelta(hours=h) for h in range(0, 7 * 24, every)}
    sunday = (monday + dt.timedelta(days=6)).date()
    for zone in set(ZONES.values()):
        start = dt.datetime.combine(sunday, dt.time(16), zone)
        found |= {(start + dt.timedelta(hours=h)).astimezone(dt.UTC) for h in range(14)}
    return sorted(found)


def _status_by_the_readme(member: str, now: dt.datetime, anchor: str) -> tuple[str, str]:
    """(period, state) `journal status` shows for a member of the running pact (due Sunday
    21:00, grace until Monday 09:00, their own time): the newest week's check-in until Monday
    09:00 of the week after it (that instant included: a period is current until it closes),
    then that week, due until its Sunday 21:00 (that minute included) and overdue after it,
    also while Europe has begun the next week and New York has not."""
    following = _week_plus(anchor, 1)
    year, number = map(int, following.split("-W"))
    zone = ZONES[member]
    if now <= dt.datetime.combine(dt.date.fromisocalendar(year, number, 1), dt.time(9), zone):
        return anchor, "checked in"
    due = dt.datetime.combine(dt.date.fromisocalendar(year, number, 7), dt.time(21), zone)
    return following, "due" if now <= due else "overdue"  # a check-in at 21:00 itself is on time


# The weeks: a winter week, and one in March when New York has summer time and Europe not yet.
@pytest.mark.parametrize("monday", ["2027-02-08T00:00:00+00:00", "2027-03-15T00:00:00+00:00"])
def test_the_demo_tells_the_same_story_at_any_hour(run, tmp_path: Path, monday: str) -> None:
    """`journal demo` run at any hour of a week, then `journal streaks --json` and `journal
    status --json` at that hour: the figures README promises, the same every time."""
    every = 3 if monday.startswith("2027-02") else 6
    demos: dict[int, Path] = {}
    threads = set()  # every thread's answers and referee verdicts, as one story per hour
    for now in _any_hour_instants(dt.datetime.fromisoformat(monday), every):
        weeks = shift_weeks(SCRIPT["anchor"], now, ZONES.values())
        if weeks not in demos:
            # The replay depends on the hour only through the whole weeks it moves the
            # script by (shift_weeks): one real `journal demo` per shift, at its first hour.
            made = run("-C", tmp_path, "demo", f"demo{weeks}", "--now", now.isoformat())
            assert made.code == 0, made
            demos[weeks] = tmp_path / f"demo{weeks}"
        repo = demos[weeks]
        label = f"{now:%a %Y-%m-%d %H:%M} UTC"
        result = run("-C", repo, "streaks", "--json", "--now", now.isoformat())
        assert result.code == 0, (label, result)
        data = json.loads(result.out)
        got = {m["member"]: m for m in data["members"]}
        for member, want in EXPECT["members"].items():
            for key, value in want.items():
                if key == "counts":
                    # Only the week in progress (pending, or paused by the holiday break) may
                    # differ: in the hours Europe has begun a new week and New York has not.
                    settled = {k: v for k, v in value.items() if k not in ("pending", "paused")}
                    assert {k: got[member]["counts"][k] for k in settled} == settled, (label, member)
                    continue
                expected = pytest.approx(value, abs=1e-4) if isinstance(value, float) else value
                assert got[member][key] == expected, (label, member, key)
            anchor = shift_text(SCRIPT["anchor"], weeks)
            shown = [(p["period"], SYMBOL[p["status"]]) for p in got[member]["periods"]]
            assert "".join(s for key, s in shown if key <= anchor) == HISTORY[member], (label, member)
            # After it, the week in progress: pending, or paused by the work circle's holiday break.
            after = {s for key, s in shown if key > anchor}
            assert after == ({"-"} if member in ("carol", "dan") else {"."}), (label, member, after)
        assert {c["contract"]: c["pact_streak"] for c in data["contracts"]} == EXPECT["contracts"], label
        responders = data["responses"]["responders"]
        for member, want in EXPECT["responders"].items():
            counts = {**responders[member]["counts"], "answered_in_time_rate": responders[member]["answered_in_time_rate"]}
            assert {k: counts[k] for k in want} == want, (label, member)
            assert counts["waiting"] == 0, (label, member)
        assert data["responses"]["pact_reply_streaks"] == EXPECT["reply_streaks"], label
        told = [(t["member"], [(r["partner"], r["state"]) for r in t["responses"]], t["verdicts"])
                for t in data["responses"]["threads"]]
        assert not any("" in verdicts for _, _, verdicts in told), label  # no verdict still awaited
        threads.add(json.dumps(told))
        status = run("-C", repo, "status", "--json", "--now", now.isoformat())
        state = json.loads(status.out)
        assert state["waiting_for_your_reply"] == [], label
        assert {m["member"]: m["state"] for m in state["members"] if m["member"] in ("carol", "dan")} == \
            {"carol": "paused", "dan": "paused"}, label
        # The week in progress, as README's demo section words the rule for Alice and Bob.
        anchor = shift_text(SCRIPT["anchor"], weeks)
        told = {m["member"]: (m["period"], m["state"]) for m in state["members"] if m["member"] in ("alice", "bob")}
        assert told == {m: _status_by_the_readme(m, now, anchor) for m in told}, label
        assert status.code == (4 if told["alice"][1] == "overdue" else 0), label  # you are Alice
    assert len(threads) == 1
