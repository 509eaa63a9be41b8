"""The calendar's kept texts are named by the icalendar that wrote them, found without importing it."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from journal.digest import calendar


def test_another_icalendar_names_other_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stamps = []
    for version in ("7.0.0", "7.0.1"):
        package = tmp_path / version / "icalendar"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("raise RuntimeError('never imported')\n")
        (package / "_version.py").write_text(f"__version__ = '{version}'\n")
        spec = importlib.machinery.ModuleSpec("icalendar", None, origin=str(package / "__init__.py"))
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, spec=spec: spec if name == "icalendar" else None)
        calendar.ical_stamp.cache_clear()
        stamps.append(calendar.ical_stamp())
    calendar.ical_stamp.cache_clear()
    assert stamps[0] != stamps[1]


def test_the_stamp_imports_no_icalendar() -> None:
    code = "import sys; from journal.digest import calendar; calendar.ical_stamp(); print('icalendar' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
