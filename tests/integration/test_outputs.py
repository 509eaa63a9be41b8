"""Outputs that keep every character partners write, keep their ids, keep file modes, and
repeat byte for byte (issue 16)."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.digest_journals import history  # noqa: F401 - a fixture
from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin, git

NOW = "2026-11-25T12:00:00+00:00"
#: "I want" in Persian: the zero-width non-joiner keeps "می" and "خواهم" one word, unjoined.
PERSIAN = "می\u200cخواهم"
#: Man, woman, girl held together by zero-width joiners: one family, not three people.
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
#: A variation selector (the heart drawn as an emoji) and a right-to-left mark inside text.
HEART = "\u2764\ufe0f"
RLM_TEXT = "HELLO\u200fWORLD"
WRITING = f"{PERSIAN} run with the {FAMILY} {HEART} {RLM_TEXT}"


@pytest.fixture
def writing(commit, tmp_path: Path) -> Path:
    """A journal whose goal, milestones, commitments and outcomes hold joiners, selectors and marks."""
    text = json.dumps(WRITING, ensure_ascii=False)
    goal = (GOAL.replace("title: Berlin half marathon under 2:00", f"title: {text}")
            .replace("First 15 km long run", text).replace("10 km race under 55 min", text))
    commit({"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": goal},
           "2026-11-02T10:00:00+01:00")
    commitments = f"\n  - {{commitment: {text}, goal: berlin-half}}"
    commit({"checkins/2026/2026-W47-alice.md": checkin(
        "alice", "2026-W47", outcomes=f"[{{commitment: {text}, status: done}}]", commitments=commitments)},
        "2026-11-22T10:00:00+01:00")
    commit({"checkins/2026/2026-W48-alice.md": checkin("alice", "2026-W48", commitments=commitments)},
           "2026-11-24T10:00:00+01:00")
    return tmp_path / "repo"


def test_writing_characters_survive_every_output(writing: Path, run) -> None:
    assert run("-C", writing, "digest", "--now", NOW).code == 0
    assert run("-C", writing, "digest", "--markdown-only", "--now", NOW).code == 0
    site, committed = writing / "site", writing / "digest"
    outputs = {f"site/{p.relative_to(site).as_posix()}": p.read_text(encoding="utf-8")
               for p in sorted(site.rglob("*")) if p.suffix in (".xml", ".md", ".json", ".html", ".svg")}
    outputs |= {f"digest/{p.relative_to(committed).as_posix()}": p.read_text(encoding="utf-8")
                for p in sorted(committed.rglob("*")) if p.is_file()}
    # iCalendar folds long lines (RFC 5545 3.1); the text is whole once they are unfolded.
    outputs["site/calendar.ics"] = (site / "calendar.ics").read_bytes().decode().replace("\r\n ", "")
    outputs["journal status"] = run("-C", writing, "status", "--now", NOW).out
    outputs["journal status --json"] = run("-C", writing, "status", "--json", "--now", NOW).out
    outputs["journal check"] = run("-C", writing, "check").out
    where_written = {"site/feed.xml", "site/DIGEST.md", "site/digest.json", "site/calendar.ics", "site/index.html",
                     "site/members/alice.html", "site/goals/berlin-half.html", "site/periods/2026-W47.html",
                     "site/archive.html", "digest/README.md",
                     "site/charts/goal-berlin-half.svg", "digest/charts/goal-berlin-half.svg"}
    assert where_written <= outputs.keys()
    for where in where_written | {"journal status", "journal status --json", "journal check"}:
        for piece in (PERSIAN, FAMILY, HEART, RLM_TEXT):
            assert piece in outputs[where], f"{where} lost {piece!r}"


# --- 2. ids that follow the journal and the item, not editable text ---------------------------

def ids(site: Path) -> tuple[list[str], list[str]]:
    """The Atom ids (the feed's and every entry's) and the calendar's UIDs, in file order."""
    feed = re.findall(r"<id>(urn:uuid:[0-9a-f-]+)</id>", (site / "feed.xml").read_text(encoding="utf-8"))
    uids = re.findall(r"^UID:(.+?)\r$", (site / "calendar.ics").read_bytes().decode(), re.M)
    return feed, uids


def test_ids_survive_editing_every_title(commit, tmp_path: Path, run) -> None:
    commit({"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL},
           "2026-09-01T10:00:00+02:00")
    for week, when in (("2026-W45", "2026-11-08T18:00:00+01:00"), ("2026-W46", "2026-11-15T18:00:00+01:00"),
                       ("2026-W47", "2026-11-22T18:00:00+01:00")):
        commit({f"checkins/2026/{week}-alice.md": checkin("alice", week)}, when)
    repo = tmp_path / "repo"
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    before = ids(repo / "site")
    # Typos fixed in every title a partner can edit: the journal's, the pact's, the goal's and
    # each milestone's.
    commit({"journal.yaml": CONFIG.replace("Alice & Bob", "Alice and Bob"),
            "contracts/pact.md": CONTRACT.replace("training pact", "training pact!"),
            "goals/berlin-half.md": GOAL.replace("under 2:00", "under 1:59").replace("long run", "long runs")
                                        .replace("race under", "race below")}, "2026-11-23T09:00:00+01:00")
    assert run("-C", repo, "digest", "--now", NOW).code == 0
    after = ids(repo / "site")
    feed, uids = before
    assert len(feed) == 1 + 3 + 1 and len(set(feed)) == len(feed)  # the feed, 3 check-ins, a milestone
    assert len(uids) >= 5 and len(set(uids)) == len(uids)
    assert after == before
    assert "Alice and Bob" in (repo / "site" / "feed.xml").read_text(encoding="utf-8")


def test_two_journals_with_the_default_title_have_ids_of_their_own(tmp_path: Path, run) -> None:
    found = []
    for name, when in (("one", "2026-11-02T10:00:00+01:00"), ("two", "2026-11-02T11:00:00+01:00")):
        folder = tmp_path / name
        assert run("init", folder, "--member", "alice", "--member", "bob").code == 0
        git(folder, "add", "-A")
        git(folder, "commit", "-q", "-m", "start", env={
            "GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org", "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org", "GIT_COMMITTER_DATE": when})
        assert run("-C", folder, "digest", "--now", NOW).code == 0
        found.append(ids(folder / "site"))
    (feed_one, uids_one), (feed_two, uids_two) = found
    assert (tmp_path / "one" / "journal.yaml").read_text() == (tmp_path / "two" / "journal.yaml").read_text()
    assert uids_one and feed_one
    assert not set(feed_one) & set(feed_two) and not set(uids_one) & set(uids_two)


def test_ids_before_the_first_commit_are_documented_and_then_follow_it(tmp_path: Path, run) -> None:
    folder = tmp_path / "j"
    assert run("init", folder, "--member", "alice").code == 0
    assert run("-C", folder, "digest", "--now", NOW).code == 0
    feed, _ = ids(folder / "site")
    assert feed[0] == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'journal:uncommitted')}"
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "start", env={"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
                                                    "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"})
    first = git(folder, "rev-parse", "HEAD").stdout.strip()
    assert run("-C", folder, "digest", "--now", NOW).code == 0
    assert ids(folder / "site")[0][0] == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'journal:{first}')}"


# --- 3. file modes: the umask's for new files, the old mode for replaced ones -----------------

@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process umask for the test (the CLI runs in-process); put the old one back."""
    old = os.umask(0o022)
    try:
        yield lambda mask: os.umask(mask) and None
    finally:
        os.umask(old)


def modes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): stat.S_IMODE(p.stat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file() and ".git" not in p.relative_to(folder).parts}


ME = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
      "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"}


def test_new_files_get_the_group_umask_mode(tmp_path: Path, run, umask) -> None:
    umask(0o002)
    folder = tmp_path / "j"
    assert run("init", folder, "--member", "alice", "--member", "bob", "--hooks").code == 0
    git(folder, "config", "user.email", "alice@example.org")
    assert run("-C", folder, "new", "goal", "Run 30 km a week", "--owner", "alice", "--now", NOW).code == 0
    assert run("-C", folder, "new", "checkin", "--member", "alice", "--now", NOW).code == 0
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "start", env=ME)  # the pre-commit hook writes the committed digest
    assert run("-C", folder, "digest", "--markdown-only", "--now", NOW).code == 0
    assert run("-C", folder, "digest", "--now", NOW).code == 0
    found = modes(folder)
    assert {"journal.yaml", "contracts/pact.md", "goals/run-30-km-a-week.md", "digest/README.md",
            "site/index.html", "site/feed.xml"} <= found.keys()
    assert any(name.startswith("checkins/") for name in found)
    assert any(name.startswith("digest/charts/") for name in found)
    assert {name: mode for name, mode in found.items() if mode != 0o664} == {}


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, run, umask) -> None:
    umask(0o002)
    origin = tmp_path / "origin"
    assert run("init", origin, "--member", "alice", "--member", "bob").code == 0
    assert run("-C", origin, "digest", "--markdown-only", "--now", NOW).code == 0
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "start", env=ME)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    readme = clone / "digest" / "README.md"
    assert stat.S_IMODE(readme.stat().st_mode) == 0o664
    # A stricter umask now: the regenerated README keeps the 0664 it was cloned with, while
    # a file made new follows the umask.
    umask(0o077)
    before = readme.read_bytes()
    assert run("-C", clone, "digest", "--markdown-only", "--now", "2026-12-24T12:00:00+00:00").code == 0
    assert readme.read_bytes() != before
    assert stat.S_IMODE(readme.stat().st_mode) == 0o664
    assert run("-C", clone, "new", "checkin", "--member", "alice", "--now", NOW).code == 0
    made = next((clone / "checkins").rglob("*.md"))
    assert stat.S_IMODE(made.stat().st_mode) == 0o600


# --- 4. the same state and the same --now give the same bytes --------------------------------

SEEDS = ("0", "1", "2", "3")


def journal_cli(repo: Path, seed: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a process of its own with PYTHONHASHSEED=seed."""
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-m", "journal", "-C", str(repo), *args], env=env, text=True,
                          capture_output=True)
    assert done.returncode == 0, done.stderr
    return done


def every_file(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow  # whole commands in fresh interpreters, one per hash seed
def test_builds_repeat_byte_for_byte_under_any_hash_seed(history: Path, tmp_path: Path) -> None:
    builds = []
    for seed in SEEDS:
        site = tmp_path / f"site-{seed}"
        journal_cli(history, seed, "digest", "--now", NOW, "--out", str(site))
        shutil.rmtree(history / "digest", ignore_errors=True)  # regenerated whole, not patched
        journal_cli(history, seed, "digest", "--markdown-only", "--now", NOW)
        builds.append({**{f"site/{k}": v for k, v in every_file(site).items()},
                       **{f"digest/{k}": v for k, v in every_file(history / "digest").items()}})
    first = builds[0]
    assert "site/calendar.ics" in first and "digest/README.md" in first and len(first) > 20
    for seed, other in zip(SEEDS[1:], builds[1:], strict=True):
        assert other.keys() == first.keys()
        assert [name for name in first if other[name] != first[name]] == [], f"PYTHONHASHSEED={seed}"


@pytest.mark.slow  # whole commands in fresh interpreters, one per hash seed
def test_publishing_twice_says_nothing_changed(history: Path) -> None:
    first = journal_cli(history, "1", "publish", "--now", NOW)
    assert first.stdout.startswith("published ")
    for seed in SEEDS:
        again = journal_cli(history, seed, "publish", "--now", NOW)
        assert again.stdout.startswith("nothing changed: gh-pages already holds this site"), seed
    assert git(history, "rev-list", "--count", "gh-pages").stdout.strip() == "1"


def test_a_shallow_clone_names_its_ids_after_the_oldest_commit_it_holds(history: Path, tmp_path: Path,
                                                                        run) -> None:
    full = git(history, "rev-list", "--max-parents=0", "HEAD").stdout.strip()
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "3", history.as_uri(), str(shallow))
    oldest = git(shallow, "rev-list", "--max-parents=0", "HEAD").stdout.strip()
    assert oldest != full
    for repo, first in ((history, full), (shallow, oldest)):
        assert run("-C", repo, "digest", "--now", NOW, "--out", tmp_path / f"site-{repo.name}").code == 0
        feed, _ = ids(tmp_path / f"site-{repo.name}")
        assert feed[0] == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'journal:{first}')}"
