"""Session-wide isolation and the fixtures that build real journals and histories."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from journal.cli import main


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the snapshots under tests/golden/ from the current output")


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig-empty"
    gitconfig.write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("EDITOR", "true")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_EMAIL", "EMAIL"):
        monkeypatch.delenv(var, raising=False)
    import pygit2

    for level in (pygit2.enums.ConfigLevel.GLOBAL, pygit2.enums.ConfigLevel.XDG, pygit2.enums.ConfigLevel.SYSTEM):
        pygit2.settings.search_path[level] = str(home)


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The project built as a wheel and installed into a folder of its own; returns the env
    that runs it (dependencies come from the test environment, the package from the wheel)."""
    work, project = tmp_path_factory.mktemp("wheel"), Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(work / "dist"), str(project)], check=True, capture_output=True)
    wheel = next((work / "dist").glob("journal-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(work / "site"),
                    str(wheel)], check=True, capture_output=True)
    return {**os.environ, "PYTHONPATH": str(work / "site"), "JOURNAL_SITE": str(work / "site")}


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def run() -> Callable[..., Result]:
    """Run the real CLI entry point (main(), with its exit-code mapping) in-process."""

    def invoke(*args: str | Path, input: str | None = None) -> Result:
        runner = CliRunner()
        with runner.isolation(input=input) as streams:
            code = main([str(a) for a in args])
            out, err = streams[0].getvalue(), streams[1].getvalue()
        return Result(code, out.decode(), err.decode())

    return invoke


def git(cwd: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(["git", *args], cwd=cwd, env=full_env, text=True, capture_output=True, check=check)


CONFIG = """\
title: Alice & Bob
members:
  alice: {name: Alice Moreno, emails: [alice@example.org], timezone: Europe/Berlin}
  bob: {name: Bob Okafor, emails: [bob@example.com], timezone: America/New_York}
digest: {out: site, branch: gh-pages, private: [energy]}
"""

CONTRACT = """\
---
title: Half marathon training pact
parties: [alice, bob]
effective: 2026-09-07
until: 2027-04-12
cadence: weekly
due: sunday 21:00
grace: 12h
style: {alice: tough-love, bob: grace}
stakes: {per_miss: 5, currency: EUR, to: Médecins Sans Frontières}
review_every: 4 weeks
notice: 7 days
pauses:
  - {member: bob, from: 2026-12-21, to: 2027-01-03, reason: family holidays}
---
What each of us contributes.
"""

GOAL = """\
---
title: Berlin half marathon under 2:00
owner: alice
status: active
started: 2026-09-07
deadline: 2027-04-05
measure: {metric: km, per: week, target: 30}
milestones:
  - {title: First 15 km long run, due: 2026-11-15, done: 2026-11-14}
  - {title: 10 km race under 55 min, due: 2027-01-31}
tags: [running]
---
Why it matters.
"""


def checkin(member: str = "alice", week: str = "2026-W47", *, outcomes: str = "[]",
            commitments: str = "\n  - {commitment: Three runs, goal: berlin-half}", extra: str = "") -> str:
    return (f"---\nmember: {member}\nweek: {week}\noutcomes: {outcomes}\n"
            f"metrics: {{berlin-half: 27.5}}\ncommitments:{commitments}\n{extra}---\n## Wins\nRan.\n")


def write_journal(root: Path, files: dict[str, str] | None = None) -> Path:
    base = {
        "journal.yaml": CONFIG,
        "contracts/pact.md": CONTRACT,
        "goals/berlin-half.md": GOAL,
        "checkins/2026/2026-W47-alice.md": checkin(),
    }
    for rel, text in {**base, **(files or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def journal_dir(tmp_path: Path) -> Path:
    """A small valid journal (not yet a git repository)."""
    return write_journal(tmp_path / "j")


AUTHORS = {"alice": ("Alice Moreno", "alice@example.org"), "bob": ("Bob Okafor", "bob@example.com"),
           "carol": ("Carol", "carol@example.net")}


@pytest.fixture
def commit(tmp_path: Path) -> Callable[..., str]:
    """commit(files={path: text or None}, when=ISO, author=member) -> commit id, with real git.

    The journal repository lives at tmp_path / "repo"; None deletes a file."""
    repo = tmp_path / "repo"
    repo.mkdir(exist_ok=True)
    if not (repo / ".git").exists():
        git(repo, "init", "-q", "-b", "main")

    def make(files: dict[str, str | None], when: str, author: str = "alice", message: str = "entry") -> str:
        for rel, text in files.items():
            path = repo / rel
            if text is None:
                git(repo, "rm", "-q", rel)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            git(repo, "add", rel)
        name, email = AUTHORS[author]
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": when,
               "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": when}
        git(repo, "commit", "-q", "--allow-empty", "-m", message, env=env)
        return git(repo, "rev-parse", "HEAD").stdout.strip()

    return make
