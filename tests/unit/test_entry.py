"""The installed `journal` command and `python -m journal` start through one function."""

from __future__ import annotations

import gc
import tomllib

import pytest

from journal.__main__ import entry
from tests.support.journals import PROJECT


def test_the_installed_command_is_the_same_entry_as_python_m_journal() -> None:
    scripts = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"journal": "journal.__main__:entry"}


def test_a_one_command_process_runs_without_the_cyclic_collector(monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    before = gc.get_threshold()
    monkeypatch.setattr("sys.argv", ["journal", "--version"])
    try:
        assert entry() == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.set_threshold(*before)
    assert "0.1.0" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["watch", "serve"])
def test_a_command_that_runs_until_stopped_keeps_the_collector(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    before = gc.get_threshold()
    monkeypatch.setattr("sys.argv", ["journal", command, "--help"])
    try:
        assert entry() == 0  # the help, printed
        assert gc.isenabled() and gc.get_threshold() == (100_000, 50, 50)
    finally:
        gc.enable()
        gc.set_threshold(*before)
