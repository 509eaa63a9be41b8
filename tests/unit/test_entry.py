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


def test_entry_sets_the_collector_thresholds_for_a_one_command_process(monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = gc.get_threshold()
    monkeypatch.setattr("sys.argv", ["journal", "--version"])
    try:
        assert entry() == 0
        assert gc.get_threshold() == (100_000, 50, 50)
    finally:
        gc.set_threshold(*before)
    assert "0.1.0" in capsys.readouterr().out
