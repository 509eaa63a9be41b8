"""Hooks fired by the real `git commit`, `git pull` (merge and rebase), with real shims."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from journal.digest.committed import GITATTRIBUTES
from tests.support.journals import CONFIG, CONTRACT, GOAL, PROJECT, checkin, git

W48 = "checkins/2026/2026-W48-alice.md"
USER = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
        "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"}
BAD = "---\nmember: alice\nweek: 2026-W48\nbogus: 1\n---\n"


def setup_repo(path: Path, run) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    for rel, text in {"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
                      "checkins/2026/2026-W47-alice.md": checkin(), ".gitattributes": GITATTRIBUTES}.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "start", env=USER)
    assert run("-C", path, "hooks", "install").code == 0
    return path


@pytest.fixture
def repo(tmp_path: Path, run) -> Path:
    return setup_repo(tmp_path / "journal", run)


def head(path: Path) -> str:
    return git(path, "rev-parse", "HEAD").stdout.strip()


def commit_all(path: Path, message: str = "entry", env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return git(path, "commit", "-m", message, env={**USER, **(env or {})}, check=False)


def test_invalid_staged_entry_blocks_the_commit(repo: Path) -> None:
    before = head(repo)
    (repo / W48).write_text(BAD)
    git(repo, "add", W48)
    result = commit_all(repo)
    assert result.returncode != 0
    assert f"{W48}:4:1: error: unknown key 'bogus'" in result.stdout + result.stderr
    assert "git commit --no-verify" in result.stderr
    assert head(repo) == before


def test_valid_entry_commits_and_warnings_pass(repo: Path) -> None:
    (repo / W48).write_text(checkin(week="2026-W48", commitments="\n  - {commitment: Run more}"))
    git(repo, "add", W48)
    result = commit_all(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[vague]" in result.stdout + result.stderr


def test_a_check_in_committed_before_its_week_begins_is_refused(repo: Path, run) -> None:
    # Committed in week 48, a week-50 check-in would count as too early, and never for week 50.
    before = head(repo)
    w50 = "checkins/2026/2026-W50-alice.md"
    (repo / w50).write_text(checkin(week="2026-W50"))
    git(repo, "add", w50)
    early = {"GIT_AUTHOR_DATE": "2026-11-25T12:00:00+01:00"}
    result = commit_all(repo, env=early)
    assert result.returncode != 0 and head(repo) == before
    assert (f"{w50}:3:7: error: 2026-W50 has not begun for alice: committed before it begins, this check-in "
            "counts as too early, and never for 2026-W50; commit it once 2026-W50 has begun (an amend keeps the "
            "first author time: `git commit --amend --reset-author` takes the new one) [too-early]"
            ) in result.stdout + result.stderr
    # Sunday 23:30 UTC is already Monday of week 49 in Berlin: not too early there.
    (repo / W48.replace("W48", "W49")).write_text(checkin(week="2026-W49"))
    git(repo, "add", W48.replace("W48", "W49"))
    git(repo, "reset", "-q", "--", w50)
    on_time = commit_all(repo, env={"GIT_AUTHOR_DATE": "2026-11-29T23:30:00+00:00"})
    assert on_time.returncode == 0 and "too-early" not in on_time.stdout + on_time.stderr
    # Committed all the same (--no-verify), it is what the error said.
    git(repo, "add", w50)
    assert git(repo, "commit", "-q", "--no-verify", "-m", "early", env={**USER, **early}, check=False).returncode == 0
    data = json.loads(run("-C", repo, "streaks", "--json", "--member", "alice", "--now", "2026-12-16T12:00:00+00:00").out)
    statuses = {p["period"]: p["status"] for p in data["members"][0]["periods"]}
    assert statuses["2026-W50"] == "early"


def test_an_author_date_no_zone_can_hold_gives_no_warning_and_blocks_nothing(repo: Path, run) -> None:
    # 9999-12-31 23:59:59 UTC is year 10000 in Berlin: the period arithmetic overflowed and
    # the hook stopped the commit with "unexpected OverflowError".
    w50 = "checkins/2026/2026-W50-alice.md"
    (repo / w50).write_text(checkin(week="2026-W50"))
    git(repo, "add", w50)
    result = commit_all(repo, env={"GIT_AUTHOR_DATE": "@253402300799 +0000"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr


def test_new_checkin_for_a_week_not_begun_says_it_would_count_as_too_early(repo: Path, run) -> None:
    result = run("-C", repo, "new", "checkin", "--member", "alice", "--week", "2026-W50", "--now", "2026-11-25T12:00:00+01:00")
    assert result.code == 0, result
    assert "note: 2026-W50 has not begun for alice: committed before it begins, this check-in counts as too early" in result.err
    this_week = run("-C", repo, "new", "checkin", "--member", "alice", "--week", "2026-W48", "--now", "2026-11-25T12:00:00+01:00")
    assert this_week.code == 0 and "has not begun" not in this_week.err


def test_broken_working_tree_but_good_index_does_not_block(repo: Path) -> None:
    (repo / W48).write_text(checkin(week="2026-W48", outcomes="[{commitment: Three runs, status: done}]"))
    git(repo, "add", W48)
    (repo / W48).write_text(BAD)  # unstaged breakage
    result = commit_all(repo)
    assert result.returncode == 0, result.stdout + result.stderr


def test_broken_index_but_fixed_working_tree_blocks(repo: Path) -> None:
    (repo / W48).write_text(BAD)
    git(repo, "add", W48)
    (repo / W48).write_text(checkin(week="2026-W48"))  # fixed, but not staged
    assert commit_all(repo).returncode != 0


def test_staged_check_resolves_references_against_the_index(repo: Path) -> None:
    # The goal exists only in the working tree: the commit would record a dangling reference.
    (repo / "goals/swim.md").write_text(GOAL.replace("Berlin half marathon under 2:00", "Swim"))
    (repo / W48).write_text(checkin(week="2026-W48", outcomes="[{commitment: Three runs, status: done}]")
                            .replace("{berlin-half: 27.5}", "{swim: 2}"))
    git(repo, "add", W48)
    result = commit_all(repo)
    assert result.returncode != 0 and "unknown goal 'swim'" in result.stdout + result.stderr


def test_no_journal_file_staged_returns_at_once(repo: Path) -> None:
    (repo / "notes.txt").write_text("not a journal file")
    git(repo, "add", "notes.txt")
    (repo / W48).write_text(BAD)  # broken, untracked: not part of the commit
    assert commit_all(repo).returncode == 0


def test_foreign_hook_kept_run_first_blocks_and_restored(tmp_path: Path, run) -> None:
    path = tmp_path / "j"
    path.mkdir()
    git(path, "init", "-q")
    hook = path / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho foreign ran\n[ -e .block ] && exit 1\nexit 0\n")
    hook.chmod(0o755)
    (path / "journal.yaml").write_text(CONFIG)
    assert run("-C", path, "hooks", "install").code == 0
    assert (path / ".git/hooks/pre-commit.legacy").read_text().startswith("#!/bin/sh\necho foreign")
    git(path, "add", "-A")
    result = commit_all(path)
    assert result.returncode == 0 and "foreign ran" in result.stdout + result.stderr
    (path / ".block").write_text("")
    assert git(path, "commit", "--allow-empty", "-m", "x", env=USER, check=False).returncode != 0
    result = run("-C", path, "hooks", "uninstall")
    assert result.code == 0 and "restored" in result.out
    assert hook.read_text().startswith("#!/bin/sh\necho foreign")
    assert not (path / ".git/hooks/pre-commit.legacy").exists()
    assert not (path / ".git/hooks/post-merge").exists()


def test_install_is_idempotent_and_status_reports(repo: Path, run) -> None:
    hooks = repo / ".git/hooks"
    before = {p.name: p.read_bytes() for p in hooks.iterdir()}
    result = run("-C", repo, "hooks", "install")
    assert result.out.splitlines()[0] == "hooks already installed; nothing changed"
    assert result.out.splitlines()[1] == f"hooks folder: {hooks.resolve()} (git runs them for every worktree)"
    assert {p.name: p.read_bytes() for p in hooks.iterdir()} == before
    assert not any(name.endswith(".legacy") for name in before)
    status = run("-C", repo, "hooks", "status")
    assert status.code == 0 and status.out.count("ours (current)") == 4


def test_core_hooks_path_is_honoured(tmp_path: Path, run) -> None:
    path = tmp_path / "j"
    path.mkdir()
    git(path, "init", "-q")
    git(path, "config", "core.hooksPath", ".githooks")
    (path / "journal.yaml").write_text(CONFIG)
    assert run("-C", path, "hooks", "install").code == 0
    assert (path / ".githooks/pre-commit").is_file()
    assert not (path / ".git/hooks/pre-commit").exists()
    (path / W48).parent.mkdir(parents=True)
    (path / W48).write_text(BAD)
    git(path, "add", "-A")
    assert commit_all(path).returncode != 0


def test_hook_works_without_the_virtualenv_on_path(repo: Path) -> None:
    (repo / W48).write_text(BAD)
    git(repo, "add", W48)
    env = {**os.environ, **USER, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(["git", "commit", "-m", "x"], cwd=repo, env=env, text=True, capture_output=True)
    assert result.returncode != 0
    assert "unknown key 'bogus'" in result.stdout + result.stderr


@pytest.mark.parametrize("mode", ["merge", "rebase"])
def test_pull_prints_what_the_partner_did(tmp_path: Path, run, mode: str) -> None:
    origin = tmp_path / "origin.git"
    seed = setup_repo(tmp_path / "seed", run)
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    for clone in (alice, bob):
        git(tmp_path, "clone", "-q", str(origin), str(clone))
        git(clone, "config", "pull.rebase", "true" if mode == "rebase" else "false")
        assert run("-C", clone, "hooks", "install").code == 0
    bob_env = {"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com",
               "GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"}
    (bob / "checkins/2026/2026-W47-bob.md").write_text(
        checkin("bob", "2026-W47", outcomes="[{commitment: a 5 km run, status: done}, {commitment: 2 swims, status: missed}]"))
    git(bob, "add", "-A")
    assert git(bob, "commit", "-m", "bob W47", env=bob_env, check=False).returncode == 0
    git(bob, "push", "-q", "origin", "HEAD")
    # Alice committed something of her own meanwhile, so the pull really merges or rebases.
    (alice / "goals/berlin-half.md").write_text(GOAL.replace("due: 2027-01-31}", "due: 2027-01-31, done: 2026-11-20}"))
    git(alice, "add", "-A")
    assert commit_all(alice).returncode == 0
    result = git(alice, "pull", "-q", "origin", "main", env=USER, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout + result.stderr
    assert "journal: bob checked in for 2026-W47: 1 of 2 commitments done, streak" in out
    # A check-in committed before its week began (past the hook, --no-verify) is said to be one.
    (bob / "checkins/2026/2026-W52-bob.md").write_text(checkin("bob", "2026-W52"))
    git(bob, "add", "-A")
    git(bob, "commit", "-q", "--no-verify", "-m", "bob W52", env={**bob_env, "GIT_AUTHOR_DATE": "2026-11-26T12:00:00-05:00"})
    git(bob, "push", "-q", "origin", "HEAD")
    early = git(alice, "pull", "-q", "origin", "main", env=USER, check=False)
    said = early.stdout + early.stderr
    assert "journal: bob checked in too early for 2026-W52 (it does not count): no commitments to report on" in said




@pytest.mark.skipif(not (PROJECT / ".git").exists(), reason="try-repo needs this project as a git checkout")
def test_pre_commit_framework_runs_journal_check_and_blocks(tmp_path: Path) -> None:
    path = tmp_path / "j"
    path.mkdir()
    git(path, "init", "-q")
    for rel, text in {"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, W48: BAD}.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    git(path, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    # Through the running interpreter, never the caller's PATH: the README's test command
    # runs with no virtual environment activated.
    result = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(PROJECT), "journal-check"], cwd=path, env=env,
                            text=True, capture_output=True, timeout=900)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{W48}:4:1: error: unknown key 'bogus'" in result.stdout


def test_commit_all_checks_what_git_is_committing_not_dot_git_index(repo: Path) -> None:
    # `git commit -a` stages into a temporary index (GIT_INDEX_FILE), not .git/index.
    (repo / "checkins/2026/2026-W47-alice.md").write_text(BAD.replace("2026-W48", "2026-W47"))
    result = git(repo, "commit", "-a", "-m", "x", env=USER, check=False)
    assert result.returncode != 0
    assert "checkins/2026/2026-W47-alice.md:4:1: error: unknown key 'bogus'" in result.stdout + result.stderr


def test_a_week_in_arabic_indic_digits_blocks_the_commit_and_never_breaks_the_digest(repo: Path, run,
                                                                                      tmp_path: Path) -> None:
    """Bug 1: the commit went through with only a warning that the committed digest was not
    regenerated. The checker refuses it; forced in anyway, the digest still builds."""
    week = "٢٠٢٦-W٤٨"
    path = f"checkins/2026/{week}-alice.md"
    before = head(repo)
    (repo / path).write_text(checkin("alice", week), encoding="utf-8")
    git(repo, "add", path)
    result = commit_all(repo)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "error: week: expected an ISO week YYYY-Www" in out and "commit blocked" in out
    assert "Traceback" not in out
    assert head(repo) == before

    forced = git(repo, "commit", "--no-verify", "-m", "forced", env=USER, check=False)
    assert forced.returncode == 0, forced.stderr
    built = run("-C", repo, "digest", "--out", tmp_path / "site", "--now", "2026-11-30T12:00:00+00:00")
    assert built.code == 0, built
    assert week not in (tmp_path / "site" / "digest.json").read_text(encoding="utf-8")


def _post_commit_without_python(repo: Path) -> subprocess.CompletedProcess[str]:
    """The installed post-commit shim, run as git runs it, with its Python made unreachable:
    whatever it prints then says whether it tried to start Python."""
    shim = (repo / ".git" / "hooks" / "post-commit").read_text()
    lines = ["python=/nonexistent/python" if line.startswith("python=") else line for line in shim.splitlines()]
    script = repo / ".git" / "post-commit-probe"
    script.write_text("\n".join(lines) + "\n")
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # no `journal` to fall back to
    return subprocess.run(["bash", str(script)], cwd=repo, env=env, text=True, capture_output=True)


def test_post_commit_starts_python_only_after_a_commit_of_a_temporary_index(repo: Path) -> None:
    mark = repo / ".git" / "journal" / "digest-to-sync"
    (repo / W48).write_text(checkin("alice", "2026-W48"))
    git(repo, "add", W48)
    assert commit_all(repo).returncode == 0
    assert "digest/README.md" in git(repo, "show", "--name-only", "--format=", "HEAD").stdout
    # A plain commit records the real index, which already holds the digest: no mark, and
    # the post-commit shim returns before Python starts.
    assert not mark.exists()
    assert _post_commit_without_python(repo).stderr == ""

    # `git commit -- <path>` records a temporary index: the pre-commit hook leaves the mark,
    # the post-commit hook (with Python) brings the index in step and removes it.
    w49 = W48.replace("W48", "W49")
    (repo / w49).write_text(checkin("alice", "2026-W49"))
    git(repo, "add", w49)
    assert git(repo, "commit", "-q", "-m", "m", "--", w49, env=USER).returncode == 0
    assert not mark.exists()
    assert git(repo, "status", "--porcelain").stdout == ""
    mark.touch()
    assert "hook skipped" in _post_commit_without_python(repo).stderr


def test_blocked_commit_prints_problems_before_the_summary_into_one_pipe(repo: Path) -> None:
    # As an IDE or a CI log captures it: stdout and stderr into one pipe, neither a terminal,
    # and Python's stdout buffered as it is by default.
    (repo / W48).write_text(BAD)
    git(repo, "add", W48)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    result = subprocess.run(["git", "commit", "-m", "entry"], cwd=repo, env={**env, **USER}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    assert result.returncode != 0
    lines = result.stdout.splitlines()
    problem = next(i for i, line in enumerate(lines) if line.startswith(f"{W48}:4:1: error:"))
    summary = next(i for i, line in enumerate(lines) if "commit blocked" in line)
    assert problem < summary, result.stdout
