"""The README's commands, run as a new user types them: a plain shell, nothing activated."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.journals import PROJECT, git

README = (PROJECT / "README.md").read_text(encoding="utf-8")
#: What a clean copy of the project leaves out: build output, environments, caches.
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "*.egg-info", ".pytest_cache",
                                    ".ruff_cache", ".hypothesis", "build", "dist", "site", "journal-demo")


def block(name: str) -> list[str]:
    """The commands of the code block after `<!-- readme-test: NAME -->`, comment lines dropped."""
    match = re.search(rf"^<!-- readme-test: {re.escape(name)} -->\n```sh\n(.*?)^```", README, re.M | re.S)
    assert match, f"README.md has no block marked {name}"
    return [line for line in match[1].splitlines() if line.strip() and not line.startswith("#")]


def plain_shell_env(home: Path) -> dict[str, str]:
    """The environment of a fresh terminal: no virtual environment on PATH or in the variables."""
    venv_bins = {str(Path(sys.prefix) / "bin"), str(Path(sys.executable).parent)}
    if os.environ.get("VIRTUAL_ENV"):
        venv_bins.add(str(Path(os.environ["VIRTUAL_ENV"]) / "bin"))
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p not in venv_bins)
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JOURNAL_SITE") and not k.startswith("PYTEST")}
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[user]\n\tname = Alice Moreno\n\temail = alice@example.org\n[init]\n\tdefaultBranch = main\n")
    env.update(PATH=path, HOME=str(home), GIT_CONFIG_GLOBAL=str(gitconfig), EDITOR="true")
    return env


def test_ci_runs_the_readme_test_command_as_printed() -> None:
    command = block("quickstart-tests")
    assert command == ["python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"]
    ci = (PROJECT / ".ci/run").read_text()
    lines = [line for line in ci.splitlines() if line.strip()]
    # The command as printed, as the script's last line: its exit is the script's exit.
    assert lines[-1] == command[0]
    assert "bin/activate" not in ci  # CI must fail wherever a reader with nothing activated would
    assert "set -euo pipefail" in ci  # so pytest's exit 5 (nothing collected) fails the run too
    assert "unset VIRTUAL_ENV" in ci


@pytest.mark.slow
@pytest.mark.wheel
def test_quickstart_and_start_a_journal_work_as_typed_in_a_plain_shell(tmp_path: Path) -> None:
    home, source = tmp_path / "home", tmp_path / "src"
    home.mkdir()
    shutil.copytree(PROJECT, source, ignore=NOT_SOURCE)
    env = plain_shell_env(home)
    assert shutil.which("journal", path=env["PATH"]) is None, "a journal command is on the plain PATH already"
    # The Quickstart, then what the demo says to type next, then "Start a journal".
    demo = subprocess.run(["bash", "-c", "set -e\n" + "\n".join(block("quickstart-demo"))], cwd=source, env=env,
                          text=True, capture_output=True, timeout=900)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    nexts = [line.removeprefix("next: ") for line in demo.stdout.splitlines() if line.startswith("next: ")]
    assert nexts == ["cd journal-demo && journal status"]
    assert git(source / "journal-demo", "status", "--porcelain").stdout == ""
    assert "digest/README.md" in git(source / "journal-demo", "ls-files").stdout

    # The Quickstart's activation carries over in the user's terminal; a fresh bash -c
    # stands in for that terminal, so it activates the same way the Quickstart did.
    activate = ". ~/.venvs/journal/bin/activate"
    assert activate in block("quickstart-demo")[0]
    status = subprocess.run(["bash", "-c", f"{activate} && {nexts[0]}"], cwd=source, env=env, text=True,
                            capture_output=True, timeout=300)
    assert status.returncode in (0, 4), status.stdout + status.stderr  # 4: you (alice) are overdue
    assert "alice" in status.stdout and "Error" not in status.stderr

    work = tmp_path / "work"
    work.mkdir()
    start = subprocess.run(["bash", "-c", "\n".join(["set -e", activate, *block("start-a-journal")])], cwd=work,
                           env=env, text=True, capture_output=True, timeout=300)
    assert start.returncode == 0, start.stdout + start.stderr
    running = work / "running"
    assert git(running, "status", "--porcelain").stdout == ""
    tracked = git(running, "ls-files").stdout.splitlines()
    assert "digest/README.md" in tracked and any(p.startswith("checkins/") for p in tracked)
    assert "alice@example.org" in (running / "journal.yaml").read_text()
    # The id the README's check-in examples name (`goal: berlin-half`).
    assert "goals/berlin-half.md" in tracked
    hooks = subprocess.run(["bash", "-c", f"{activate} && journal hooks status"], cwd=running, env=env,
                           text=True, capture_output=True)
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr


#: Programs the tests may run by name: the system's, not installed by the project's extras
#: (`ssh-keygen` makes the key git signs commits with; .ci/run installs it where missing).
SYSTEM_TOOLS = {"git", "bash", "ssh-keygen"}


def test_tests_reach_python_tools_through_the_running_interpreter() -> None:
    """`pre-commit`, `journal`, `pip` and the like are on PATH only with a venv activated;
    the README's test command activates none, so tests run them as `sys.executable -m …`."""
    import ast

    offenders = []
    for path in sorted([*(PROJECT / "tests").rglob("*.py"), *(PROJECT / "benchmarks").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("run", "Popen", "check_output", "check_call", "call") and node.args):
                continue
            first = node.args[0]
            if isinstance(first, ast.List) and first.elts and isinstance(first.elts[0], ast.Constant):
                program = first.elts[0].value
                if isinstance(program, str) and program not in SYSTEM_TOOLS:
                    offenders.append(f"{path.relative_to(PROJECT)}:{node.lineno}: runs {program!r} from PATH")
    assert offenders == []
