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
from tests.support.journals import AUTHORS, PROJECT, Result, git, write_journal

#: Test modules whose tests drive long real histories, the demo or fuzzing (marker `slow`).
SLOW_MODULES = {"test_history", "test_demo", "test_digest", "test_hooks", "test_committed", "test_fuzz",
                "test_watch", "test_publish", "test_git_realities"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers by what a test needs, so `-m "not slow and not browser and not wheel"` is the
    quick loop and the default run still runs everything."""
    for item in items:
        module = item.path.stem
        if module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
        if module == "test_digest_browser":
            item.add_marker(pytest.mark.browser)
        if "installed" in getattr(item, "fixturenames", ()) or module == "test_packaging":
            item.add_marker(pytest.mark.wheel)


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
    work, project = tmp_path_factory.mktemp("wheel"), PROJECT
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(work / "dist"), str(project)], check=True, capture_output=True)
    wheel = next((work / "dist").glob("journal-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(work / "site"),
                    str(wheel)], check=True, capture_output=True)
    return {**os.environ, "PYTHONPATH": str(work / "site"), "JOURNAL_SITE": str(work / "site")}




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












@pytest.fixture
def journal_dir(tmp_path: Path) -> Path:
    """A small valid journal (not yet a git repository)."""
    return write_journal(tmp_path / "j")




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
