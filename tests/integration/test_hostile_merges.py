"""A partner's commits against the victim's merges and rebases: the hooks replace only a
commit git has just made here, never lose a signature or stashed work, and write or delete
in the committed digest's folder only what journal wrote.

Real clones, real pulls and commits with the victim's hooks; the partner commits with
--no-verify (tests/support/hostile.py).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.hostile import PARTNER, VICTIM, shared_journal, snapshot
from tests.support.journals import CONFIG, checkin, git
from tests.support.tools import need

pytestmark = pytest.mark.slow

NOTES = CONFIG.replace("digest: {", "digest: {commit: notes, ")
DOCS = CONFIG.replace("digest: {", "digest: {commit: docs, ")


@pytest.fixture
def shared(tmp_path: Path, run):
    return shared_journal(tmp_path / "work", run)


def victim_commits(shared, files: dict[str, str], *extra: str) -> str:
    """The victim writes `files` and makes a real `git commit` (its hooks run)."""
    for rel, text in files.items():
        (shared.victim / rel).parent.mkdir(parents=True, exist_ok=True)
        (shared.victim / rel).write_text(text, encoding="utf-8")
    git(shared.victim, "add", *files)
    result = git(shared.victim, "commit", "-q", *extra, "-m", "victim", env=VICTIM, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def pull(shared, *args: str) -> str:
    result = git(shared.victim, "pull", *args, env=VICTIM, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def last_move(repo: Path) -> str:
    """What moved HEAD last, as the reflog says."""
    return git(repo, "reflog", "-1", "--format=%gs").stdout.strip()


W48_ALICE = {"checkins/2026/2026-W48-alice.md": checkin(week="2026-W48")}
W48_BOB = {"checkins/2026/2026-W48-bob.md": checkin(member="bob", week="2026-W48")}


# --- F3: digest.commit names a folder holding the victim's own files ------------------------


def test_an_untracked_readme_in_the_chosen_folder_is_neither_overwritten_nor_committed(shared) -> None:
    shared.partner_commits({"journal.yaml": NOTES, **W48_BOB})
    pull(shared, "--no-rebase", "origin", "main")
    mine = shared.victim / "notes/README.md"
    mine.parent.mkdir()
    mine.write_text("# my private notes\n")
    out = victim_commits(shared, W48_ALICE)  # the pre-commit hook regenerates the digest
    assert mine.read_text() == "# my private notes\n"
    assert "notes/README.md" in out and "not a digest file journal wrote" in out
    assert git(shared.victim, "ls-tree", "-r", "--name-only", "HEAD", "notes").stdout == ""
    # ... and the merge a pull makes is not given it either.
    shared.partner_commits({"checkins/2026/2026-W49-bob.md": checkin(member="bob", week="2026-W49")})
    victim_commits(shared, {"checkins/2026/2026-W49-alice.md": checkin(week="2026-W49")})
    out = pull(shared, "--no-rebase", "origin", "main")
    assert mine.read_text() == "# my private notes\n" and "notes/README.md" in out
    assert git(shared.victim, "ls-tree", "-r", "--name-only", "HEAD", "notes").stdout == ""
    assert git(shared.victim, "status", "--porcelain", "--untracked-files=no").stdout == ""


def test_tracked_files_journal_did_not_write_are_neither_rewritten_nor_deleted(shared, run) -> None:
    docs = {"docs/README.md": "# How we run the pact\n", "docs/charts/heatmap-team.svg": "<svg>drawn by hand</svg>\n"}
    victim_commits(shared, docs)
    git(shared.victim, "push", "-q", "origin", "HEAD:main")
    git(shared.partner, "pull", "-q", "--no-rebase", "origin", "main")
    shared.partner_commits({"journal.yaml": DOCS, **W48_BOB})
    victim_commits(shared, W48_ALICE)
    out = pull(shared, "--no-rebase", "origin", "main")
    assert "docs/README.md" in out
    for rel, text in docs.items():
        assert (shared.victim / rel).read_text() == text
        assert git(shared.victim, "show", f"HEAD:{rel}").stdout == text
    result = run("-C", shared.victim, "digest", "--markdown-only")
    assert result.code == 1 and "Error:" in result.err and "docs/README.md" in result.err, result
    assert "hint:" in result.err and "Traceback" not in result.err
    assert {rel: (shared.victim / rel).read_text() for rel in docs} == docs


def test_markdown_only_still_replaces_its_own_files_and_removes_its_stale_charts(shared, run) -> None:
    assert run("-C", shared.victim, "digest", "--markdown-only").code == 0
    chart = shared.victim / "digest/charts/heatmap-alice.svg"
    assert b"do not edit" in chart.read_bytes()
    git(shared.victim, "add", "digest")
    git(shared.victim, "commit", "-q", "--no-verify", "-m", "digest", env=VICTIM)
    stale = shared.victim / "digest/charts/heatmap-gone.svg"
    stale.write_bytes(chart.read_bytes())
    readme = shared.victim / "digest/README.md"
    readme.write_text(readme.read_text().replace("Where everyone stands", "Where we stand"))
    result = run("-C", shared.victim, "digest", "--markdown-only")
    assert result.code == 0, result
    assert not stale.exists() and "Where everyone stands" in readme.read_text()


# --- F4: a failed sync moves nothing ------------------------------------------------------------


def test_a_symlinked_charts_folder_leaves_head_index_and_work_tree_as_git_made_them(shared) -> None:
    outside = shared.base / "outside"
    outside.mkdir()
    victim_commits(shared, W48_ALICE)
    shared.partner_commits({"journal.yaml": NOTES, **W48_BOB}, links={"notes/charts": "../../outside"})
    out = pull(shared, "--no-rebase", "origin", "main")
    assert list(outside.iterdir()) == []
    assert last_move(shared.victim).startswith("pull"), out
    assert git(shared.victim, "status", "--porcelain").stdout == ""
    assert not (shared.victim / "notes/README.md").exists()


# --- F5: a fast-forward onto a partner's merge is the partner's commit ---------------------------


def test_a_fast_forward_onto_a_partners_merge_keeps_the_partners_commit(shared) -> None:
    git(shared.partner, "checkout", "-q", "-b", "side")
    for rel, text in W48_BOB.items():
        (shared.partner / rel).parent.mkdir(parents=True, exist_ok=True)
        (shared.partner / rel).write_text(text)
    git(shared.partner, "add", "-A")
    git(shared.partner, "commit", "-q", "--no-verify", "-m", "side", env=PARTNER)
    git(shared.partner, "checkout", "-q", "main")
    git(shared.partner, "merge", "-q", "--no-ff", "--no-verify", "-m", "merge side", "side", env=PARTNER)
    git(shared.partner, "push", "-q", "origin", "main")
    theirs = git(shared.partner, "rev-parse", "HEAD").stdout.strip()
    pull(shared, "--ff-only", str(shared.base / "origin.git"), "main")  # a URL: no remote-tracking ref moves
    assert git(shared.victim, "rev-parse", "HEAD").stdout.strip() == theirs
    assert git(shared.victim, "status", "--porcelain").stdout == ""


# --- F6: a signed merge keeps its signature -------------------------------------------------------


def test_a_signed_merge_is_not_replaced_and_the_user_is_told_what_to_run(shared) -> None:
    need(shutil.which("ssh-keygen") is not None, "ssh-keygen (git's SSH commit signing)")
    key = shared.base / "signing-key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True, capture_output=True)
    for name, value in (("gpg.format", "ssh"), ("user.signingkey", str(key)), ("commit.gpgsign", "true")):
        git(shared.victim, "config", name, value)
    victim_commits(shared, W48_ALICE)
    shared.partner_commits(W48_BOB)
    out = pull(shared, "--no-rebase", "origin", "main")
    assert "gpgsig" in git(shared.victim, "cat-file", "-p", "HEAD").stdout
    assert last_move(shared.victim).startswith("pull")
    assert "signed" in out and "journal digest --markdown-only" in out
    assert git(shared.victim, "status", "--porcelain").stdout == ""


# --- F7: git re-applies an autostash after the hooks ----------------------------------------------


@pytest.mark.parametrize("how", ["--no-rebase", "--rebase"])
def test_a_hand_edit_stashed_by_pull_autostash_survives(shared, how: str) -> None:
    victim_commits(shared, W48_ALICE)
    shared.partner_commits(W48_BOB)
    readme = shared.victim / "digest/README.md"
    readme.write_text(readme.read_text() + "\nMY HAND NOTE\n")
    out = pull(shared, "--autostash", how, "origin", "main")
    assert "MY HAND NOTE" in readme.read_text(), out
    assert "stash" in out and "journal digest --markdown-only" in out
    assert git(shared.victim, "stash", "list").stdout == ""


def test_the_shared_journal_is_snapshotted_unchanged_by_a_plain_merge(shared) -> None:
    """The ordinary case still works: a merge made here gets its own digest, once."""
    victim_commits(shared, W48_ALICE)
    shared.partner_commits(W48_BOB)
    before = snapshot(shared.base / "origin.git")
    out = pull(shared, "--no-rebase", "origin", "main")
    assert "regenerated" in out and last_move(shared.victim).startswith("journal:")
    assert git(shared.victim, "status", "--porcelain").stdout == ""
    assert snapshot(shared.base / "origin.git") == before
