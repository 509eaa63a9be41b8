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
