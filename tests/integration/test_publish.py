"""publish(): the site as a commit on its own branch, the checkout never touched."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import journal.commands.publish as publishing
from journal.commands.publish import publish
from journal.errors import JournalError
from tests.support.journals import CONFIG, CONTRACT, GOAL, git

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def write_site(site: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    return site


SITE = {"index.html": "<h1>Alice &amp; Bob</h1>\n", "feed.xml": "<feed/>\n", "members/alice.html": "alice\n",
        "assets/style.css": "body{}\n"}


@pytest.fixture
def repo(commit, tmp_path: Path) -> Path:
    commit({"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT}, "2026-10-20T10:00:00+02:00")
    commit({"goals/berlin-half.md": GOAL}, "2026-10-21T10:00:00+02:00")
    return tmp_path / "repo"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", SITE)


def checkout_state(root: Path) -> tuple[str, ...]:
    return (git(root, "status", "--porcelain", "--untracked-files=all").stdout, git(root, "rev-parse", "HEAD").stdout,
            git(root, "symbolic-ref", "HEAD").stdout, git(root, "diff", "--cached").stdout, git(root, "diff").stdout)


def tree_files(root: Path, rev: str) -> list[str]:
    return git(root, "ls-tree", "-r", "--name-only", rev).stdout.split()


def test_publish_creates_the_branch_with_the_sites_files(repo: Path, site: Path) -> None:
    result = publish(repo, site, now=NOW)
    assert result.changed and result.branch == "gh-pages" and result.files == 5
    assert git(repo, "rev-parse", "gh-pages").stdout.strip() == result.commit
    assert tree_files(repo, "gh-pages") == sorted([*SITE, ".nojekyll"])
    assert git(repo, "show", "gh-pages:index.html").stdout == SITE["index.html"]
    assert git(repo, "rev-list", "--count", "gh-pages").stdout.strip() == "1"
    head = git(repo, "rev-parse", "--short=12", "HEAD").stdout.strip()
    assert git(repo, "log", "-1", "--format=%s|%an <%ae>|%aI", "gh-pages").stdout.strip() == (
        f"Publish the digest of {head}|journal <journal@localhost>|2026-11-25T12:00:00+01:00")
    assert git(repo, "fsck", "--strict").returncode == 0


def test_publish_leaves_working_tree_index_and_head_alone(repo: Path, tmp_path: Path) -> None:
    (repo / "journal.yaml").write_text(CONFIG + "# edited\n")  # unstaged change
    (repo / "goals/new.md").write_text(GOAL)
    git(repo, "add", "goals/new.md")  # staged change
    (repo / "scratch.txt").write_text("untracked\n")
    site = write_site(repo / "site", SITE)  # the usual place: inside the working tree
    before = checkout_state(repo)
    publish(repo, site, now=NOW)
    assert checkout_state(repo) == before
    assert git(repo, "branch", "--show-current").stdout.strip() == "main"
    assert "journal.yaml" not in tree_files(repo, "gh-pages")


def test_publish_makes_no_commit_when_nothing_changed(repo: Path, site: Path) -> None:
    first = publish(repo, site, now=NOW)
    again = publish(repo, site, now=NOW + dt.timedelta(hours=1))
    assert not again.changed and again.commit == first.commit
    assert git(repo, "rev-list", "--count", "gh-pages").stdout.strip() == "1"


def test_a_second_publish_after_a_change_has_the_first_as_parent(repo: Path, site: Path) -> None:
    first = publish(repo, site, now=NOW)
    (site / "members/alice.html").unlink()
    write_site(site, {"index.html": "<h1>new</h1>\n", "weeks/2026-W47.html": "w47\n"})
    second = publish(repo, site, message="Digest for 2026-W48", now=NOW + dt.timedelta(days=7))
    assert second.changed and second.commit != first.commit
    assert git(repo, "rev-parse", "gh-pages^").stdout.strip() == first.commit
    assert git(repo, "log", "-1", "--format=%s", "gh-pages").stdout.strip() == "Digest for 2026-W48"
    files = tree_files(repo, "gh-pages")
    assert "weeks/2026-W47.html" in files and "members/alice.html" not in files


def test_publish_works_in_a_bare_repository(repo: Path, site: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    result = publish(bare, site, branch="pages", now=NOW)
    assert result.changed
    assert git(bare, "rev-parse", "pages").stdout.strip() == result.commit
    assert git(bare, "show", "pages:feed.xml").stdout == SITE["feed.xml"]
    assert git(bare, "rev-parse", "HEAD").stdout == git(repo, "rev-parse", "HEAD").stdout


def test_publish_signs_with_the_repository_identity(repo: Path, site: Path) -> None:
    git(repo, "config", "user.name", "Alice Moreno")
    git(repo, "config", "user.email", "alice@example.org")
    publish(repo, site, now=NOW)
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "gh-pages").stdout.strip() == (
        "Alice Moreno <alice@example.org>|Alice Moreno <alice@example.org>")


def test_publish_refuses_the_checked_out_branch_and_bad_names(repo: Path, site: Path) -> None:
    with pytest.raises(JournalError, match="HEAD points at"):
        publish(repo, site, branch="main")
    for bad in ("bad..name", "-x", "", "a b"):
        with pytest.raises(JournalError, match="invalid branch name"):
            publish(repo, site, branch=bad)
    assert git(repo, "branch", "--list").stdout.split() == ["*", "main"]


def test_publish_refuses_a_missing_or_empty_site(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="no site to publish"):
        publish(repo, tmp_path / "nowhere")
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    with pytest.raises(JournalError, match="is empty"):
        publish(repo, tmp_path / "empty")


def test_publish_outside_a_repository_is_an_error(tmp_path: Path, site: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(JournalError, match="not in a Git repository"):
        publish(tmp_path / "plain", site)


def test_publish_loses_a_race_without_dropping_the_other_commit(repo: Path, site: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    first = publish(repo, site, now=NOW)
    racer = git(repo, "commit-tree", "-p", first.commit, "-m", "racer", f"{first.commit}^{{tree}}",
                env={"GIT_AUTHOR_NAME": "r", "GIT_AUTHOR_EMAIL": "r@x", "GIT_COMMITTER_NAME": "r",
                     "GIT_COMMITTER_EMAIL": "r@x"}).stdout.strip()
    tip = publishing._tip

    def moved_meanwhile(ref, branch):  # another publish lands between our read and our write
        found = tip(ref, branch)
        git(repo, "update-ref", "refs/heads/gh-pages", racer)
        return found

    monkeypatch.setattr(publishing, "_tip", moved_meanwhile)
    write_site(site, {"index.html": "changed\n"})
    with pytest.raises(JournalError, match="changed while publishing"):
        publish(repo, site, now=NOW)
    assert git(repo, "rev-parse", "gh-pages").stdout.strip() == racer


# --- `journal publish` ----------------------------------------------------------------------

NOW_ARG = "2026-11-25T12:00:00+00:00"


@pytest.fixture
def journal_repo(commit, tmp_path: Path) -> Path:
    from tests.support.journals import checkin

    commit({"journal.yaml": CONFIG, "contracts/pact.md": CONTRACT, "goals/berlin-half.md": GOAL,
            ".gitignore": "site/\n"}, "2026-10-20T10:00:00+02:00")
    commit({"checkins/2026/2026-W47-alice.md": checkin()}, "2026-11-22T10:00:00+01:00")
    return tmp_path / "repo"


def test_publish_command_builds_then_commits_the_site(run, journal_repo: Path) -> None:
    before = checkout_state(journal_repo)
    result = run("-C", journal_repo, "publish", "--now", NOW_ARG)
    assert result.code == 0, result
    tip = git(journal_repo, "rev-parse", "gh-pages").stdout.strip()
    files = tree_files(journal_repo, "gh-pages")
    assert result.out == f"published {len(files)} files to gh-pages: {tip}\n"
    assert {"index.html", "feed.xml", "calendar.ics", "digest.json", ".nojekyll"} <= set(files)
    assert ".digest-manifest.json" not in files
    assert git(journal_repo, "show", "gh-pages:feed.xml").stdout.encode() == (journal_repo / "site/feed.xml").read_bytes()
    assert checkout_state(journal_repo) == before
    again = run("-C", journal_repo, "publish", "--now", NOW_ARG)
    assert again.code == 0 and again.out == f"nothing changed: gh-pages already holds this site ({tip})\n"


def test_publish_command_branch_from_config_option_and_message(run, commit, journal_repo: Path) -> None:
    commit({"journal.yaml": CONFIG.replace("branch: gh-pages", "branch: pages")}, "2026-11-23T10:00:00+01:00")
    assert run("-C", journal_repo, "publish", "--now", NOW_ARG).code == 0
    assert git(journal_repo, "rev-parse", "--verify", "-q", "gh-pages", check=False).returncode != 0
    assert git(journal_repo, "rev-parse", "--verify", "-q", "pages").returncode == 0
    result = run("-C", journal_repo, "publish", "--branch", "site-preview", "--message", "Preview", "--now", NOW_ARG)
    assert result.code == 0, result
    assert git(journal_repo, "log", "-1", "--format=%s", "site-preview").stdout == "Preview\n"


def test_publish_command_refuses_the_current_branch(run, journal_repo: Path) -> None:
    result = run("-C", journal_repo, "publish", "--branch", "main", "--now", NOW_ARG)
    assert result.code == 1
    assert result.err.startswith("Error: refusing to publish to 'main': it is the branch HEAD points at\nhint: ")
    assert not (journal_repo / "site").exists()  # refused before building anything


def test_publish_command_refuses_while_git_holds_the_index_lock(run, journal_repo: Path) -> None:
    (journal_repo / ".git/index.lock").write_text("")
    result = run("-C", journal_repo, "publish", "--now", NOW_ARG)
    assert result.code == 1 and "git is busy" in result.err
    assert git(journal_repo, "rev-parse", "--verify", "-q", "gh-pages", check=False).returncode != 0
    assert not (journal_repo / "site").exists()


def test_publish_reads_the_clock_to_the_minute_as_digest_does(run, journal_repo: Path) -> None:
    # Without --now, a second publish within the same minute finds the site unchanged: the
    # clock is the minute's last second (committed.minute_clock), not the exact time.
    assert run("-C", journal_repo, "publish").code == 0
    now = json.loads(git(journal_repo, "show", "gh-pages:digest.json").stdout)["now"]
    assert dt.datetime.fromisoformat(now).second == 59 and dt.datetime.fromisoformat(now).microsecond == 0
