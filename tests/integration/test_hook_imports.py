"""The pre-commit fast path (`python -m journal hooks run pre-commit`) stays free of click,
Jinja and watchdog while it checks; regenerating the committed digest, a template since the
digest pipeline has one view and many writers, adds Jinja, and markdown-it only when a
partner's text has markup (then it decides what is a heading or code before it is escaped
for Markdown: the partner boundary); icalendar loads only for the site's calendar."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.journals import AUTHORS, CONFIG, checkin, git, write_journal

PROBE = """
import atexit, runpy, sys
heavy = ("click", "jinja2", "watchdog", "markdown_it", "icalendar")
atexit.register(lambda: print("heavy:", sorted({m.split(".")[0] for m in sys.modules} & set(heavy)), file=sys.stderr))
digest = ("journal.digest", "journal.standing", "journal.core.model", "journal.core.streaks", "journal.store.history")
atexit.register(lambda: print("digest:", sorted(set(sys.modules) & set(digest)), file=sys.stderr))
sys.argv = ["journal", "hooks", "run", "pre-commit"]
runpy.run_module("journal", run_name="__main__")
"""


def _staged_checkin(tmp_path: Path, config: str | None = None) -> tuple[Path, dict[str, str]]:
    root = write_journal(tmp_path / "j", {"journal.yaml": config} if config else None)
    git(root, "init", "-q", "-b", "main")
    name, email = AUTHORS["alice"]
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
           "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": "2026-11-29T10:00:00+01:00"}
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start", env=env)
    w48 = root / "checkins/2026/2026-W48-alice.md"
    w48.write_text(checkin(week="2026-W48", outcomes="[{commitment: Three runs, status: done}]"), encoding="utf-8")
    git(root, "add", "-A")
    return root, env


def _probe(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=root, capture_output=True, text=True,
                            env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    return result


def test_the_pre_commit_check_imports_no_click_jinja_or_watchdog(tmp_path: Path) -> None:
    root, env = _staged_checkin(tmp_path, CONFIG.replace("private: [energy]}", "private: [energy], commit: false}"))
    result = _probe(root, env)
    assert "heavy: []" in result.stderr
    # Nor the digest, the typed model or the history: `commit: false` is read from the
    # staged journal.yaml before any of them is needed.
    assert "digest: []" in result.stderr
    assert git(root, "diff", "--cached", "--name-only").stdout.split() == ["checkins/2026/2026-W48-alice.md"]


def test_the_check_only_hook_still_checks_a_staged_entry_against_the_rest(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """The check-only hook parses only what the staged check-in's rules read, yet a problem
    that exists only between entries (a goal that no file defines) still blocks the commit."""
    root, env = _staged_checkin(tmp_path, CONFIG.replace("private: [energy]}", "private: [energy], commit: false}"))
    assert run("-C", root, "hooks", "install").code == 0
    w48 = root / "checkins/2026/2026-W48-alice.md"
    w48.write_text(checkin(week="2026-W48", outcomes="[{commitment: Three runs, status: done}]",
                           commitments="\n  - {commitment: Swim, goal: channel-crossing}"), encoding="utf-8")
    git(root, "add", "-A")
    blocked = subprocess.run(["git", "commit", "-q", "-m", "W48"], cwd=root, capture_output=True, text=True,
                             env={**os.environ, **env})
    assert blocked.returncode != 0 and "commit blocked" in blocked.stderr, blocked
    # git shows the hook's output on stderr
    assert "checkins/2026/2026-W48-alice.md:" in blocked.stderr and "channel-crossing" in blocked.stderr, blocked
    (root / "goals/channel-crossing.md").write_text(
        (root / "goals/berlin-half.md").read_text(encoding="utf-8"), encoding="utf-8")
    git(root, "add", "-A")
    done = subprocess.run(["git", "commit", "-q", "-m", "W48"], cwd=root, capture_output=True, text=True,
                          env={**os.environ, **env})
    assert done.returncode == 0, done
    assert not (root / "digest").exists()


@pytest.mark.parametrize("digest", [
    None, {}, {"commit": False}, {"commit": None}, {"commit": "digest"}, {"commit": "docs/"}, {"commit": 0},
    {"commit": ""}, {"commit": True}, {"commit": []}, {"out": "site"}, "off", [], False,
])
def test_the_hook_reads_off_exactly_where_the_model_does(digest: object) -> None:
    from journal.core import build_model
    from journal.githooks.precommit import _turned_off

    data = {"title": "t"} if digest is None else {"title": "t", "digest": digest}
    assert _turned_off(data) == (build_model.config(data).digest.commit is None)


def test_regenerating_the_committed_digest_adds_jinja_only(tmp_path: Path) -> None:
    root, env = _staged_checkin(tmp_path)
    result = _probe(root, env)
    assert "heavy: ['jinja2']" in result.stderr  # plain sections need no Markdown parser
    # It did the whole job: the committed digest was regenerated and staged.
    staged = git(root, "diff", "--cached", "--name-only").stdout.split()
    assert "digest/README.md" in staged, (staged, result.stderr)


def test_a_section_with_markup_adds_markdown_it(tmp_path: Path) -> None:
    root, env = _staged_checkin(tmp_path)
    w48 = root / "checkins/2026/2026-W48-alice.md"
    w48.write_text(w48.read_text(encoding="utf-8").replace("Ran.", "- ran *twice*"), encoding="utf-8")
    git(root, "add", "-A")
    result = _probe(root, env)
    assert "heavy: ['jinja2', 'markdown_it']" in result.stderr
    assert "digest/README.md" in git(root, "diff", "--cached", "--name-only").stdout.split()


def test_the_shim_starts_python_once_per_commit(tmp_path: Path) -> None:
    # Every Python start is paid on every commit; asking Python whether journal is still
    # importable before running it would double the start-up.
    from journal.githooks.install import shim_text

    root, env = _staged_checkin(tmp_path)
    log = tmp_path / "starts.log"
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho "$*" >> {log}\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    hook = root / ".git/hooks/pre-commit"
    hook.write_text(shim_text("pre-commit", str(python)))
    hook.chmod(0o755)
    result = subprocess.run(["git", "commit", "-q", "-m", "W48"], cwd=root, capture_output=True, text=True,
                            env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == ["-P -m journal hooks run pre-commit"]


def test_the_shim_starts_no_helper_and_finds_its_folder_from_any_name(tmp_path: Path) -> None:
    """Beyond git and Python the shim starts nothing (each process is paid on every commit),
    and it finds the hook kept beside it whether git names it by a path or not."""
    from journal.githooks.install import shim_text

    root, env = _staged_checkin(tmp_path, CONFIG.replace("private: [energy]}", "private: [energy], commit: false}"))
    hooks = root / ".git/hooks"
    (hooks / "pre-commit").write_text(shim_text("pre-commit", sys.executable))
    (hooks / "pre-commit").chmod(0o755)
    (hooks / "pre-commit.legacy").write_text("#!/bin/sh\necho legacy ran >&2\n")
    (hooks / "pre-commit.legacy").chmod(0o755)
    spy = tmp_path / "bin"
    spy.mkdir()
    log = tmp_path / "helpers.log"
    for helper in ("dirname", "basename", "readlink", "realpath"):
        (spy / helper).write_text(f'#!/bin/sh\necho {helper} >> {log}\nexit 1\n')
        (spy / helper).chmod(0o755)
    path = {**os.environ, **env, "PATH": f"{spy}{os.pathsep}{os.environ['PATH']}"}
    by_path = subprocess.run(["git", "commit", "-q", "-m", "W48"], cwd=root, capture_output=True, text=True, env=path)
    assert by_path.returncode == 0 and "legacy ran" in by_path.stderr, by_path
    assert not log.exists()
    # Started by its bare name from its own folder ($0 without a slash).
    git(root, "add", "-A")
    bare = subprocess.run(["bash", "pre-commit"], cwd=hooks, capture_output=True, text=True,
                          env={**path, "GIT_DIR": str(root / ".git"), "GIT_WORK_TREE": str(root)})
    assert "legacy ran" in bare.stderr, bare
    assert not log.exists()
