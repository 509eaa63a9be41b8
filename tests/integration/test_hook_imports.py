"""The pre-commit fast path (`python -m journal hooks run pre-commit`) stays free of click,
Jinja and watchdog, also when it regenerates the committed digest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.journals import AUTHORS, checkin, git, write_journal

PROBE = """
import atexit, runpy, sys
heavy = ("click", "jinja2", "watchdog")
atexit.register(lambda: print("heavy:", sorted({m.split(".")[0] for m in sys.modules} & set(heavy)), file=sys.stderr))
sys.argv = ["journal", "hooks", "run", "pre-commit"]
runpy.run_module("journal", run_name="__main__")
"""


def test_the_pre_commit_path_imports_no_click_jinja_or_watchdog(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j")
    git(root, "init", "-q", "-b", "main")
    name, email = AUTHORS["alice"]
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
           "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": "2026-11-29T10:00:00+01:00"}
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start", env=env)
    w48 = root / "checkins/2026/2026-W48-alice.md"
    w48.write_text(checkin(week="2026-W48", outcomes="[{commitment: Three runs, status: done}]"), encoding="utf-8")
    git(root, "add", "-A")
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=root, capture_output=True, text=True,
                            env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    assert "heavy: []" in result.stderr
    # It did the whole job: the committed digest was regenerated and staged.
    staged = git(root, "diff", "--cached", "--name-only").stdout.split()
    assert "digest/README.md" in staged, (staged, result.stderr)
