"""A non-editable install works on its own: templates and the example ship inside the wheel."""

from __future__ import annotations

import email
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from tests.support.journals import PROJECT

#: Free on the Python package index; `journal` there is somebody else's project.
DISTRIBUTION = "pact-journal"

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


def test_wheel_metadata_names_the_distribution_and_the_journal_command(installed: dict[str, str]) -> None:
    wheel = Path(installed["JOURNAL_WHEEL"])
    with zipfile.ZipFile(wheel) as archive:
        info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(info))
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert metadata["Name"] == DISTRIBUTION
    assert "journal = journal.__main__:entry" in entry_points
    assert tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["name"] == DISTRIBUTION
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert f"pipx install {DISTRIBUTION}" in readme or f"pip install {DISTRIBUTION}" in readme


def test_version_option_finds_the_distribution(installed: dict[str, str], tmp_path: Path) -> None:
    result = _journal(installed, tmp_path, "--version")
    assert result.returncode == 0 and "0.1.0" in result.stdout, result.stdout + result.stderr
