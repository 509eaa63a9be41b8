"""A non-editable install works on its own: templates and the example ship inside the wheel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# The `installed` fixture (the wheel built and installed into a folder) is in conftest.py.


def _journal(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "journal", *args], cwd=cwd, env=env, text=True,
                          capture_output=True)


def test_wheel_carries_templates_and_example(installed: dict[str, str], tmp_path: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "import journal, journal.store.resources as r; print(journal.__file__); "
         "print(r.templates()); print(r.example_repo())"],
        env=installed, cwd=tmp_path, text=True, capture_output=True, check=True)
    module, templates, example = probe.stdout.splitlines()
    site = installed["JOURNAL_SITE"]
    assert module.startswith(site) and templates.startswith(site) and example.startswith(site)
    assert (Path(templates) / "entries" / "checkin.md.j2").is_file()


def test_installed_package_runs_init_new_and_check(installed: dict[str, str], tmp_path: Path) -> None:
    assert _journal(installed, tmp_path, "init", "j", "--member", "alice").returncode == 0
    new = _journal(installed, tmp_path, "-C", "j", "new", "checkin", "--member", "alice", "--week", "2026-W47")
    assert new.returncode == 0, new.stderr
    assert (tmp_path / "j/checkins/2026/2026-W47-alice.md").is_file()
    check = _journal(installed, tmp_path, "-C", "j", "check")
    assert check.returncode == 0, check.stdout + check.stderr
