"""Two partners' clones of one journal: hooks installed in each, commits, pulls both ways."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from journal.githooks.install import add_merge_rule, repository
from tests.support.journals import CONFIG, checkin, git, write_journal

ALICE = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
         "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"}
BOB = {"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.com",
       "GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"}


def _origin(tmp_path: Path) -> Path:
    """A journal started by hand: no committed .gitattributes, pushed to a bare origin."""
    seed = write_journal(tmp_path / "seed")
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "start", env=ALICE)
    git(tmp_path, "clone", "-q", "--bare", str(seed), "origin.git")
    return tmp_path / "origin.git"


def _clone(tmp_path: Path, origin: Path, name: str, run) -> Path:
    git(tmp_path, "clone", "-q", str(origin), name)
    clone = tmp_path / name
    git(clone, "config", "pull.rebase", "false")
    result = run("-C", clone, "hooks", "install")
    assert result.code == 0, result
    return clone


def _commit_all(clone: Path, env: dict[str, str], message: str) -> None:
    git(clone, "add", "-A")
    result = git(clone, "commit", "-q", "-m", message, env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_partners_install_hooks_then_pull_each_other(tmp_path: Path, run) -> None:
    origin = _origin(tmp_path)
    alice, bob = _clone(tmp_path, origin, "alice", run), _clone(tmp_path, origin, "bob", run)
    for clone in (alice, bob):
        # Installing leaves nothing for `git add -A` to pick up.
        assert git(clone, "status", "--porcelain").stdout == ""
        assert "merge=journal-digest" in (clone / ".git" / "info" / "attributes").read_text()
        assert git(clone, "check-attr", "merge", "digest/README.md").stdout.strip().endswith("journal-digest")

    (alice / "checkins/2026/2026-W48-alice.md").write_text(checkin(week="2026-W48"))
    _commit_all(alice, ALICE, "alice: week 48")
    git(alice, "push", "-q", "origin", "main")

    (bob / "checkins/2026/2026-W47-bob.md").write_text(checkin(member="bob", commitments=" []"))
    _commit_all(bob, BOB, "bob: week 47")
    pulled = git(bob, "pull", "-q", "--no-edit", "origin", "main", env=BOB, check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert (bob / "checkins/2026/2026-W48-alice.md").is_file()
    if git(bob, "status", "--porcelain").stdout:  # the post-merge hook regenerated the digest
        _commit_all(bob, BOB, "digest after merge")
    git(bob, "push", "-q", "origin", "main")

    pulled = git(alice, "pull", "-q", "--no-edit", "origin", "main", env=ALICE, check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert (alice / "checkins/2026/2026-W47-bob.md").is_file()
    assert git(alice, "rev-parse", "HEAD").stdout == git(bob, "rev-parse", "HEAD").stdout


def test_merge_rule_goes_to_the_common_info_attributes_of_a_linked_worktree(tmp_path: Path) -> None:
    main = write_journal(tmp_path / "main")
    git(main, "init", "-q", "-b", "main")
    git(main, "add", "-A")
    git(main, "commit", "-q", "-m", "start", env=ALICE)
    git(main, "worktree", "add", "-q", str(tmp_path / "wt"))
    assert add_merge_rule(repository(tmp_path / "wt"))
    assert "merge=journal-digest" in (main / ".git" / "info" / "attributes").read_text()
    assert not (tmp_path / "wt" / ".gitattributes").exists()
    assert not add_merge_rule(repository(main))  # already there: nothing changes


def test_merge_rule_never_writes_through_a_symlink(tmp_path: Path, run) -> None:
    repo = write_journal(tmp_path / "j")
    git(repo, "init", "-q", "-b", "main")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("keep\n")
    info = repo / ".git" / "info"
    info.mkdir(exist_ok=True)
    (info / "attributes").unlink(missing_ok=True)
    os.symlink(elsewhere, info / "attributes")
    result = run("-C", repo, "hooks", "install")
    assert result.code == 1
    assert "symbolic link" in result.err and "hint:" in result.err
    assert elsewhere.read_text() == "keep\n"


def _me(monkeypatch, email: str | None) -> None:
    """This machine's global git identity (read by git and by pygit2 alike)."""
    config = Path(os.environ["HOME"]) / ".gitconfig"
    config.write_text(f"[user]\n\tname = Someone\n\temail = {email}\n" if email else "")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))


def test_join_clones_installs_hooks_and_says_who_you_are(tmp_path: Path, run, monkeypatch) -> None:
    origin = _origin(tmp_path)
    _me(monkeypatch, "bob@example.com")
    result = run("-C", tmp_path, "join", origin)
    assert result.code == 0, result
    clone = tmp_path / "origin"
    assert f"cloned {origin} into {clone}" in result.out
    assert "you are bob" in result.out
    assert result.out.rstrip().endswith(f"next: cd {clone} && journal status")
    assert run("-C", clone, "hooks", "status").code == 0
    assert git(clone, "status", "--porcelain").stdout == ""


def test_join_with_an_unknown_email_says_how_to_fix_it(tmp_path: Path, run, monkeypatch) -> None:
    origin = _origin(tmp_path)
    _me(monkeypatch, "carol@example.net")
    result = run("-C", tmp_path, "join", origin, "mine")
    assert result.code == 0, result
    assert (tmp_path / "mine" / "journal.yaml").is_file()
    assert "you are" not in result.out
    assert "hint: your git user.email 'carol@example.net' belongs to no member (alice, bob)" in result.err
    assert "journal.yaml" in result.err


def test_join_refuses_what_git_cannot_clone_or_what_is_no_journal(tmp_path: Path, run) -> None:
    result = run("-C", tmp_path, "join", tmp_path / "nowhere.git")
    assert result.code == 1
    assert result.err.startswith("Error: git clone failed: ") and "hint:" in result.err
    plain = tmp_path / "plain"
    plain.mkdir()
    git(plain, "init", "-q", "-b", "main")
    git(plain, "commit", "-q", "--allow-empty", "-m", "x", env=ALICE)
    result = run("-C", tmp_path, "join", plain, "copy")
    assert result.code == 1 and "holds no journal.yaml" in result.err


def _pushed_to_a_bare_master(tmp_path: Path) -> Path:
    """`git init --bare` names `master` as HEAD; the partners pushed their journal as `main`
    (and a branch without one, `notes`)."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    (seed / "journal.yaml").write_text(CONFIG)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "start", env=ALICE)
    git(seed, "checkout", "-q", "--orphan", "notes")
    git(seed, "rm", "-q", "-r", "--cached", ".")
    git(seed, "commit", "-q", "--allow-empty", "-m", "notes", env=ALICE)
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "master", str(bare))
    git(seed, "push", "-q", str(bare), "main", "notes")
    return bare


def test_join_says_the_origins_head_names_a_branch_without_commits(tmp_path: Path, run) -> None:
    """Not "it is not a journal": the origin's HEAD names a branch that was never pushed,
    these are the branches it has, and this is how to point HEAD at one or join it."""
    bare = _pushed_to_a_bare_master(tmp_path)
    result = run("-C", tmp_path, "join", bare, "copy")
    assert result.code == 1 and "Traceback" not in result.err
    assert "not a journal" not in result.err
    assert result.err.startswith("Error: the origin's default branch (HEAD -> refs/heads/master) has no commits; "
                                 "its branches: main, notes; journal.yaml is on main\n")
    assert f"`git -C {bare} symbolic-ref HEAD refs/heads/main`" in result.err
    assert f"`journal join {bare} --branch main`" in result.err
    assert "then join again" in result.err
    # The clone, which holds no journal, is gone: both ways out the hint names work as written.
    assert not (tmp_path / "copy").exists()
    joined = run("-C", tmp_path, "join", bare, "copy", "--branch", "main")
    assert joined.code == 0, joined
    assert (tmp_path / "copy" / "journal.yaml").is_file()
    assert git(tmp_path / "copy", "rev-parse", "--abbrev-ref", "HEAD").stdout.strip() == "main"
    git(bare, "symbolic-ref", "HEAD", "refs/heads/main")
    assert run("-C", tmp_path, "join", bare, "other").code == 0
    # Joining into a folder that is there and not empty says what to do, not git's "destination path exists".
    again = run("-C", tmp_path, "join", bare, "copy")
    assert again.code == 1 and "copy already exists and is not an empty folder" in again.err
    assert "remove it" in again.err and "Traceback" not in again.err


def test_join_of_an_empty_origin_or_a_branch_without_a_journal_says_so(tmp_path: Path, run) -> None:
    empty = tmp_path / "empty.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(empty))
    result = run("-C", tmp_path, "join", empty, "nothing")
    assert result.code == 1 and f"Error: {empty} has no commits yet" in result.err
    assert "push the journal there first" in result.err
    bare = _pushed_to_a_bare_master(tmp_path)
    git(bare, "symbolic-ref", "HEAD", "refs/heads/notes")
    (tmp_path / "notes").mkdir()  # an empty folder named: it stays, empty
    result = run("-C", tmp_path, "join", bare, "notes")
    assert result.code == 1 and "holds no journal.yaml: it is not a journal (its clone was removed)" in result.err
    assert (tmp_path / "notes").is_dir() and not any((tmp_path / "notes").iterdir())
    assert not (tmp_path / "nothing").exists()
    assert f"hint: the branch main holds one: `journal join {bare} --branch main`" in result.err


def _remote_of_trees(tmp_path: Path, name: str, tree_of) -> Path:  # type: ignore[no-untyped-def]
    """A repository whose one commit on main has the tree `tree_of(repo, blob)` makes (ids
    through `git mktree`: shapes a working tree cannot give, as a partner's remote may)."""
    repo = tmp_path / name
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input="x\n", text=True,
                          capture_output=True, check=True).stdout.strip()
    tree = tree_of(repo, blob)
    made = subprocess.run(["git", "commit-tree", tree, "-m", "x"], cwd=repo, text=True, capture_output=True,
                          check=True, env={**os.environ, **ALICE}).stdout.strip()
    git(repo, "update-ref", "refs/heads/main", made)
    return repo


def _mktree(repo: Path, lines: str) -> str:
    return subprocess.run(["git", "mktree"], cwd=repo, input=lines, text=True, capture_output=True,
                          check=True).stdout.strip()


def test_join_removes_what_it_cloned_however_deep_or_half_checked_out(tmp_path: Path, run) -> None:
    # 1,200 folders deep, past Python's recursion limit (shutil.rmtree recurses): no traceback,
    # and no half-removed clone left to block joining again.
    def deep(repo: Path, blob: str) -> str:
        tree = _mktree(repo, f"100644 blob {blob}\tf\n")
        for _ in range(1200):
            tree = _mktree(repo, f"040000 tree {tree}\ta\n")
        return _mktree(repo, f"040000 tree {tree}\ta\n100644 blob {blob}\tREADME\n")

    result = run("-C", tmp_path, "join", _remote_of_trees(tmp_path, "deep", deep), "copy")
    assert result.code == 1 and "not a journal" in result.err and "Traceback" not in result.err, result
    assert not (tmp_path / "copy").exists()
    (tmp_path / "named").mkdir()  # a folder named and empty: it stays, empty
    assert run("-C", tmp_path, "join", tmp_path / "deep", "named").code == 1
    assert (tmp_path / "named").is_dir() and not any((tmp_path / "named").iterdir())
    # A name longer than a file system takes: git clones, then fails to check out. What it
    # made goes, and the error is git's own verdict, not the advice it prints after it.
    long = _remote_of_trees(tmp_path, "long", lambda repo, blob: _mktree(repo, f"100644 blob {blob}\t{'a' * 300}\n"))
    failed = run("-C", tmp_path, "join", long, "half")
    assert failed.code == 1 and "Error: git clone failed: " in failed.err and "Traceback" not in failed.err, failed
    assert "retry with" not in failed.err.splitlines()[0]
    assert not (tmp_path / "half").exists()


def test_join_never_removes_what_it_did_not_make_nor_fails_on_what_git_says(tmp_path: Path, run) -> None:
    # `nosuch/../victim` is `victim`, a folder with files: refused before git runs (git would
    # make `nosuch`, then fail on `victim`, and a clean-up that trusted the path would empty it).
    plain = tmp_path / "plain"
    git(tmp_path, "init", "-q", "-b", "main", str(plain))
    (plain / "README").write_text("not a journal\n")
    git(plain, "add", "-A")
    git(plain, "commit", "-q", "-m", "x", env=ALICE)
    (tmp_path / "victim").mkdir()
    (tmp_path / "victim" / "keep.txt").write_text("precious\n")
    result = run("-C", tmp_path, "join", plain, "nosuch/../victim")
    assert result.code == 1 and "victim already exists and is not an empty folder" in result.err, result
    assert (tmp_path / "victim" / "keep.txt").read_text() == "precious\n"
    unreachable = run("-C", tmp_path / "victim", "join", "https://example.invalid/team/journal.git", "../nosuch/..")
    assert unreachable.code == 1 and (tmp_path / "victim" / "keep.txt").is_file() and (plain / "README").is_file()
    # git's words about a name of a partner's making may be no UTF-8: shown, not a crash.
    odd = run("-C", tmp_path, "join", plain, os.fsdecode(b"bad\xff"))
    assert odd.code == 1 and "Traceback" not in odd.err and "unexpected" not in odd.err, odd
    assert not (tmp_path / os.fsdecode(b"bad\xff")).exists()


def test_join_of_a_repository_libgit2_cannot_open_says_it_is_no_journal(tmp_path: Path, run) -> None:
    # SHA-256 objects: git clones it, libgit2 (pygit2) cannot open it.
    repo = tmp_path / "s256"
    made = git(tmp_path, "init", "-q", "-b", "main", "--object-format=sha256", str(repo), check=False)
    if made.returncode != 0:
        pytest.skip("this git makes no SHA-256 repositories")
    (repo / "README").write_text("hi\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "x", env=ALICE)
    result = run("-C", tmp_path, "join", repo, "copy")
    assert result.code == 1 and "it is not a journal" in result.err and "Traceback" not in result.err, result
    assert "unexpected" not in result.err and not (tmp_path / "copy").exists()
