"""Hooks hold wherever git runs them: linked worktrees (real `git worktree add`)."""

from __future__ import annotations

from pathlib import Path

from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin, git

USER = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
        "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"}
W48 = "checkins/2026/2026-W48-alice.md"
BAD = "---\nmember: alice\nweek: 2026-W48\nbogus: 1\n---\n"


def _journal(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    for rel, text in {"journal.yaml": CONFIG.replace("digest: {", "digest: {commit: false, "),
                      "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
                      "checkins/2026/2026-W47-alice.md": checkin()}.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "start", env=USER)
    return path


def test_hooks_installed_from_a_linked_worktree_guard_every_worktree(run, tmp_path: Path) -> None:
    main = _journal(tmp_path / "main")
    linked = tmp_path / "linked"
    git(main, "worktree", "add", "-q", "-b", "side", str(linked))
    installed = run("-C", linked, "hooks", "install")
    assert installed.code == 0, installed
    shared = (main / ".git" / "hooks").resolve()
    assert f"hooks folder: {shared}" in installed.out
    assert (shared / "pre-commit").is_file()
    status = run("-C", main, "hooks", "status")
    assert status.code == 0 and f"hooks folder: {shared}" in status.out
    for where in (linked, main):
        (where / W48).write_text(BAD, encoding="utf-8")
        git(where, "add", W48)
        result = git(where, "commit", "-m", "broken", env=USER, check=False)
        assert result.returncode != 0, where
        assert "unknown key 'bogus'" in result.stdout + result.stderr


def test_renaming_a_member_blocks_the_commit_while_their_checkins_name_them(run, tmp_path: Path) -> None:
    repo = _journal(tmp_path / "j")
    bob = checkin("bob", "2026-W47")
    (repo / "checkins/2026/2026-W47-bob.md").write_text(bob, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "bob", env=USER)
    assert run("-C", repo, "hooks", "install").code == 0
    config = (repo / "journal.yaml").read_text(encoding="utf-8")
    (repo / "journal.yaml").write_text(config.replace("  bob:", "  robert:"), encoding="utf-8")
    git(repo, "add", "journal.yaml")
    result = git(repo, "commit", "-m", "rename bob", env=USER, check=False)
    assert result.returncode != 0
    assert "checkins/2026/2026-W47-bob.md:2:9: error: unknown member 'bob'" in result.stdout + result.stderr
    # A goal removed while a check-in still names it: blocked too.
    git(repo, "reset", "-q", "--hard")
    git(repo, "rm", "-q", "goals/berlin-half.md")
    assert git(repo, "commit", "-m", "drop goal", env=USER, check=False).returncode != 0


def test_committing_one_path_leaves_the_digest_as_head_recorded_it(run, tmp_path: Path) -> None:
    repo = tmp_path / "j"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for rel, text in {"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
                      "checkins/2026/2026-W47-alice.md": checkin()}.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    assert run("-C", repo, "hooks", "install").code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start", env=USER)
    (repo / W48).write_text(checkin("alice", "2026-W48"), encoding="utf-8")
    git(repo, "add", W48)
    # How JetBrains IDEs commit: only the named path, through a temporary index.
    git(repo, "commit", "-q", "-m", "m", "--", W48, env=USER)
    assert "digest/README.md" in git(repo, "show", "--name-only", "--format=", "HEAD").stdout
    assert git(repo, "status", "--porcelain").stdout == ""
    # HEAD's digest is the one made for HEAD's entries ...
    recorded = git(repo, "show", "HEAD:digest/README.md").stdout
    assert run("-C", repo, "digest", "--markdown-only", "--now", "2026-11-25T12:00:00+00:00").code == 0
    # ... and an unrelated commit keeps it.
    git(repo, "checkout", "-q", "--", "digest")
    (repo / "notes.txt").write_text("n", encoding="utf-8")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-q", "-m", "notes", env=USER)
    assert git(repo, "show", "HEAD:digest/README.md").stdout == recorded
    assert git(repo, "status", "--porcelain").stdout == ""


def test_init_refuses_a_journal_in_a_subfolder_of_a_repository(run, tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    git(team, "init", "-q", "-b", "main")
    result = run("init", team / "accountability", "--member", "alice", "--hooks")
    assert result.code != 0
    assert "is inside the Git repository at" in result.err and "hint:" in result.err
    assert not (team / "accountability").exists() and not (team / ".gitattributes").exists()
