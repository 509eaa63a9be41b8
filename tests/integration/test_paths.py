"""store.paths, the one guarded way to a journal file: every way out is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.store import paths


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/secret").write_text("secret")
    root = tmp_path / "j"
    (root / "checkins/2026").mkdir(parents=True)
    (root / "checkins/2026/a.md").write_text("entry")
    (root / "linkdir").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root / "link").symlink_to(tmp_path / "outside/secret")
    (root / "inner-link").symlink_to(root / "checkins/2026/a.md")
    return root


@pytest.mark.parametrize("rel", ["../outside/secret", "/etc/passwd", "a/../../x", "./x", ".git/config",
                                 "sub/.GIT/hooks/pre-commit", "a\\..\\b", "x\x00y", ""])
def test_paths_that_leave_the_root_or_enter_git_are_refused(root: Path, rel: str) -> None:
    with pytest.raises(paths.UnsafePath):
        paths.parts_of(rel)
    with pytest.raises(paths.UnsafePath):
        paths.write_replace(root, rel, "x")


@pytest.mark.parametrize("rel", ["link", "linkdir/secret", "inner-link"])
def test_symlinks_anywhere_are_refused_for_reading_and_writing(root: Path, rel: str) -> None:
    with pytest.raises(paths.UnsafePath):
        paths.read_bytes(root, rel)
    with pytest.raises(paths.UnsafePath):
        paths.write_replace(root, rel, "overwritten")
    with pytest.raises((paths.UnsafePath, FileExistsError)):
        paths.write_new(root, rel, "overwritten")
    with pytest.raises(paths.UnsafePath):
        paths.write_new(root, "linkdir/new-file", "x")
    assert (root.parent / "outside/secret").read_text() == "secret"
    assert not (root.parent / "outside/new-file").exists()
    assert paths.kind(root, rel) == "link" and not paths.is_file(root, rel)


def test_plain_files_are_read_written_and_listed(root: Path) -> None:
    paths.write_replace(root, "digest/charts/x.svg", "<svg/>")
    paths.write_new(root, "checkins/2026/b.md", "b")
    with pytest.raises(FileExistsError):
        paths.write_new(root, "checkins/2026/b.md", "again")
    assert paths.read_text(root, "digest/charts/x.svg") == "<svg/>"
    assert paths.walk_files(root, "checkins") == ["checkins/2026/a.md", "checkins/2026/b.md"]
    paths.unlink(root, "checkins/2026/b.md")
    assert paths.kind(root, "checkins/2026/b.md") is None


@pytest.mark.parametrize("value", ["../x", "a/b", "", "A", None, "-x", "x\n"])
def test_ids_that_are_not_slugs_never_become_paths(value: object) -> None:
    with pytest.raises(paths.UnsafePath):
        paths.require_slug(value, "member id")


def test_a_symlinked_journal_yaml_is_refused_by_check(run, tmp_path: Path) -> None:
    from tests.support.journals import CONFIG, write_journal

    secret = tmp_path / "elsewhere.yaml"
    secret.write_text(CONFIG)
    root = write_journal(tmp_path / "j")
    (root / "journal.yaml").unlink()
    (root / "journal.yaml").symlink_to(secret)
    result = run("-C", root, "check")
    assert result.code == 1 and "Traceback" not in result.err
    assert "journal.yaml:1:1: error: symlinked entries are refused" in result.out
