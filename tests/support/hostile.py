"""A shared journal with a hostile partner M and a victim, each in a real clone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from journal.digest.committed import GITATTRIBUTES
from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin, git

VICTIM = {"GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
          "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"}
PARTNER = {"GIT_AUTHOR_NAME": "Mallory", "GIT_AUTHOR_EMAIL": "bob@example.com",
           "GIT_COMMITTER_NAME": "Mallory", "GIT_COMMITTER_EMAIL": "bob@example.com"}


@dataclass(frozen=True)
class Shared:
    base: Path  # the folder holding both clones, a sibling project and the victim's secrets
    victim: Path
    partner: Path

    def partner_commits(self, files: dict[str, str | None], links: dict[str, str] | None = None,
                        message: str = "partner") -> None:
        """M writes files (None deletes) and symlinks, commits with --no-verify and pushes."""
        for rel, text in files.items():
            path = self.partner / rel
            if text is None:
                git(self.partner, "rm", "-rq", "--cached", "--ignore-unmatch", rel)
                if path.is_symlink() or path.is_file():
                    path.unlink()
                continue
            if path.is_symlink():
                path.unlink()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for rel, target in (links or {}).items():
            path = self.partner / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_symlink() or path.is_file():
                path.unlink()
            path.symlink_to(target)
        git(self.partner, "add", "-Af", ".")
        git(self.partner, "commit", "-q", "--no-verify", "-m", message, env=PARTNER)
        git(self.partner, "push", "-q", "origin", "HEAD:main")

    def victim_pulls(self) -> str:
        """The victim's real `git pull` (its hooks run); returns everything git and the hooks printed."""
        result = git(self.victim, "pull", "-q", "--no-rebase", "origin", "main", env=VICTIM, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr


def shared_journal(base: Path, run, config: str = CONFIG) -> Shared:
    """origin, the victim's clone (hooks installed) and M's clone, from one valid journal."""
    seed = base / "seed"
    seed.mkdir(parents=True)
    git(seed, "init", "-q", "-b", "main")
    for rel, text in {"journal.yaml": config, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
                      "checkins/2026/2026-W47-alice.md": checkin(), ".gitattributes": GITATTRIBUTES,
                      ".gitignore": "/site/\n"}.items():
        (seed / rel).parent.mkdir(parents=True, exist_ok=True)
        (seed / rel).write_text(text)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "start", env=VICTIM)
    git(base, "clone", "-q", "--bare", str(seed), str(base / "origin.git"))
    victim, partner = base / "victim", base / "partner"
    for clone in (victim, partner):
        git(base, "clone", "-q", str(base / "origin.git"), str(clone))
    assert run("-C", victim, "hooks", "install").code == 0
    return Shared(base, victim, partner)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (not following links) with its bytes, to show nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}
