"""What a site rebuild keeps from the previous build (digest.json's texts by the hash of their
inputs, pages whose bytes are still the recorded ones, icalendar left unimported) gives the
bytes of a build from nothing, over real commits, whatever state the kept texts are in."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from journal.digest import articles, charts, json_text, writers
from journal.store import plain_cache, text_cache
from tests.support.digest_journals import (  # noqa: F401 - history is a fixture
    ALICE_RUNS,
    BERLIN,
    CONFIG,
    NOW,
    build,
    checkin,
    history,
    path,
    site_files,
)
from tests.support.journals import PROJECT, git

TEXTS = Path(".git/journal") / json_text.JSON_TEXTS
CHARTS = Path(".git/journal") / writers.CHART_TEXTS
ARTICLES = Path(".git/journal") / articles.ARTICLE_TEXTS


def _same_as_a_full_build(run: Callable[..., object], repo: Path, tmp_path: Path, n: int) -> None:
    """The rebuilt site is what a clone without any cache builds from nothing."""
    clone = tmp_path / f"clone-{n}"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    assert not (clone / ".git" / "journal").exists()
    assert site_files(repo / "site") == site_files(build(run, clone)), n


def _count_texts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    made: list[object] = []
    real = json_text.json_text
    monkeypatch.setattr(json_text, "json_text", lambda value: made.append(value) or real(value))
    return made


def test_digest_json_rewrites_only_the_texts_of_what_changed(run, history: Path, commit, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    build(run, history)
    assert (history / TEXTS).is_file()
    made = _count_texts(monkeypatch)
    commit({path("alice", "2026-W48"): checkin("alice", "2026-W48", outcomes=[(*ALICE_RUNS[:1], "done", None)],
                                               metrics={"berlin-half": 33})}, "2026-11-24T09:00:00+01:00")
    build(run, history)
    checkins = [v for v in made if isinstance(v, dict) and "period" in v and "member" in v]
    goals = [v for v in made if isinstance(v, dict) and "timeline" in v]
    # Alice's new check-in and the goal it names: not every check-in and goal again.
    assert [(c["member"], c["period"]) for c in checkins] == [("alice", "2026-W48")]
    assert [g["id"] for g in goals] == ["berlin-half"]
    _same_as_a_full_build(run, history, tmp_path, 0)


def test_an_unchanged_overview_keeps_digest_json_and_digest_md(run, history: Path, commit, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    site = build(run, history)
    kept = {name: (site / name).stat().st_ino for name in ("digest.json", "DIGEST.md")}
    written: list[str] = []
    real_dump, real_markdown = writers.dump_json, writers._markdown
    monkeypatch.setattr(writers, "dump_json", lambda *a: written.append("digest.json") or real_dump(*a))
    monkeypatch.setattr(writers, "_markdown", lambda t, *a, **k: written.append(t) or real_markdown(t, *a, **k))
    build(run, history)
    # Keyed by the overview's hash: nothing changed, nothing is written (no kept text is read).
    assert written == [] and {name: (site / name).stat().st_ino for name in kept} == kept
    # A change the overview shows (a member's new name, in no check-in's inputs) writes both again.
    commit({"journal.yaml": CONFIG.replace("name: Alice Moreno", "name: Alice M.")}, "2026-11-24T09:00:00+01:00")
    build(run, history)
    assert sorted(written) == ["DIGEST.md.j2", "digest.json"]
    assert b"Alice M." in (site / "digest.json").read_bytes() and "Alice M." in (site / "DIGEST.md").read_text()
    _same_as_a_full_build(run, history, tmp_path, 0)


def test_a_series_of_commits_rebuilds_the_full_builds_bytes(run, history: Path, commit, tmp_path: Path) -> None:
    # Each kind of change that reaches a check-in's or goal's text without a new check-in:
    # an edit, a goal's milestone, a field made private (no key names it any more), a
    # member's new name, a check-in removed.
    steps = [
        {path("alice", "2026-W48"): checkin("alice", "2026-W48", metrics={"berlin-half": 33})},
        {path("alice", "2026-W48"): checkin("alice", "2026-W48", metrics={"berlin-half": 35},
                                            body="## Wins\nA <b>good</b> week\u2028with a \u202eturn.\n")},
        {"goals/berlin-half.md": BERLIN.replace("status: active", "status: achieved")},
        {"journal.yaml": CONFIG.replace("private: [energy, reflection]", "private: [energy, reflection, ask]")},
        {"journal.yaml": CONFIG.replace("name: Alice Moreno", "name: Alice M.")},
        {path("bob", "2026-W46"): None},
    ]
    build(run, history)
    for n, files in enumerate(steps):
        commit(files, f"2026-11-24T{9 + n:02d}:00:00+01:00")
        build(run, history)
        _same_as_a_full_build(run, history, tmp_path, n)


def test_the_overview_redraws_only_the_charts_of_the_goals_that_changed(
        run, history: Path, commit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(run, history)
    assert (history / CHARTS).is_file()
    drawn: list[tuple[str, bool]] = []
    real = charts.goal_chart
    monkeypatch.setattr(charts, "goal_chart",
                        lambda g, **kw: drawn.append((g["title"], kw.get("compact", False))) or real(g, **kw))
    commit({path("bob", "2026-W48"): checkin("bob", "2026-W48", metrics={"strength": 2})},
           "2026-11-24T09:00:00-05:00", "bob")
    build(run, history)
    # Bob's goal: its page's chart, its image and the index's small one; Alice's is read back.
    assert sorted(drawn) == [("Strength training twice a week", False)] * 2 + [("Strength training twice a week", True)]
    _same_as_a_full_build(run, history, tmp_path, 0)
    drawn.clear()
    (history / CHARTS).write_bytes(b"\x00garbage")
    (history / "site" / "index.html").write_text("changed")  # the index is rendered again
    build(run, history)
    assert sorted(t for t, compact in drawn if compact) == ["Berlin half marathon under 2:00",
                                                            "Strength training twice a week"]
    _same_as_a_full_build(run, history, tmp_path, 1)


@pytest.mark.parametrize("damage", ["garbage", "cut", "other shape", "other tag"])
def test_kept_texts_that_are_damaged_are_made_again(run, history: Path, tmp_path: Path, damage: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    build(run, history)
    file = history / TEXTS
    good = file.read_bytes()
    file.write_bytes({"garbage": b"\x00not marshal" * 20,
                      "cut": good[: len(good) // 2],
                      "other shape": plain_cache.dump(f"journal-json-texts {writers.RENDER_VERSION}", {"x": 1}),
                      "other tag": plain_cache.dump("journal-json-texts 0", {"0" * 64: "[]"})}[damage])
    made = _count_texts(monkeypatch)
    (history / "site" / "digest.json").unlink()  # not reused in any case: always written
    build(run, history)
    assert any(isinstance(v, dict) and "period" in v for v in made)  # every text made again
    assert file.read_bytes() == good
    _same_as_a_full_build(run, history, tmp_path, 0)


def test_a_page_changed_in_the_site_is_rendered_again(run, history: Path, tmp_path: Path) -> None:
    site = build(run, history)
    page = site / "members" / "alice.html"
    page.write_text("<p>changed by hand</p>")
    build(run, history)
    assert "changed by hand" not in page.read_text()
    _same_as_a_full_build(run, history, tmp_path, 0)


PROBE = """
import sys, datetime as dt
from pathlib import Path
from journal.digest.build import build_digest
build_digest(Path(sys.argv[1]), dt.datetime.fromisoformat(sys.argv[2]))
print("icalendar" in sys.modules)
"""


def test_a_rebuild_that_keeps_the_calendar_does_not_import_icalendar(run, history: Path, commit) -> None:
    def probe() -> str:
        return subprocess.run([sys.executable, "-c", PROBE, str(history), NOW], capture_output=True, text=True,
                              check=True, cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)}).stdout.strip()

    assert probe() == "True"  # the first build renders the calendar
    commit({path("alice", "2026-W48"): checkin("alice", "2026-W48")}, "2026-11-24T09:00:00+01:00")
    assert probe() == "False"  # a new check-in keeps it


def test_a_members_page_renders_only_the_check_ins_that_changed(run, history: Path, commit, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    site = build(run, history)
    # A file per page that shows check-ins: each member's and each period's with any.
    pages = {p.relative_to(site).as_posix(): p.read_text() for p in site.glob("*/*.html")}
    showing = {articles.page_file(p) for p, html in pages.items() if '<article class="checkin"' in html}
    assert "members/alice.html" in pages and articles.page_file("members/alice.html") in showing
    assert showing == {f.name for f in (history / ARTICLES).iterdir()}
    rendered: list[tuple[str, str]] = []
    real = writers._renderer

    def counting(env, template, context):  # type: ignore[no-untyped-def]
        if template == "_checkin.html.j2":
            rendered.append((context["c"]["period"], str(context["heading"])))
        return real(env, template, context)

    monkeypatch.setattr(writers, "_renderer", counting)
    commit({path("alice", "2026-W48"): checkin("alice", "2026-W48", metrics={"berlin-half": 33})},
           "2026-11-24T09:00:00+01:00")
    build(run, history)
    # On alice's page and on the period's: the new check-in only.
    assert sorted(rendered) == [("2026-W48", "Alice Moreno"), ("2026-W48", "Week 48, 2026 (23–29 Nov)")]
    _same_as_a_full_build(run, history, tmp_path, 0)
    rendered.clear()
    for kept in (history / ARTICLES).iterdir():
        kept.write_bytes(b"\x00garbage")
    (history / "site" / "members" / "alice.html").write_text("changed")
    build(run, history)
    # A damaged file: every public check-in of alice's rendered again (W44 is private).
    assert sorted(p for p, _ in rendered) == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    _same_as_a_full_build(run, history, tmp_path, 1)


def test_a_page_rendered_again_reads_and_writes_only_its_own_articles(run, history: Path, commit, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    build(run, history)
    folder = history / ARTICLES
    before = {f.name: f.stat().st_ino for f in folder.iterdir()}
    (history / ".git" / "journal" / "digest-articles.bin").write_bytes(b"the one file of every page, before")
    read: list[str] = []
    real = text_cache._load
    monkeypatch.setattr(text_cache, "_load", lambda file, tag: read.append(file.name) or real(file, tag))
    commit({path("alice", "2026-W48"): checkin("alice", "2026-W48", metrics={"berlin-half": 33})},
           "2026-11-24T09:00:00+01:00")
    build(run, history)
    changed = {articles.page_file("members/alice.html"), articles.page_file("periods/2026-W48.html")}
    # Alice's page and the new period's: their own articles only, not every page's.
    assert sorted(name for name in read if name not in (writers.CHART_TEXTS, json_text.JSON_TEXTS)) == sorted(changed)
    after = {f.name: f.stat().st_ino for f in folder.iterdir()}
    assert set(after) == set(before) | changed
    assert {name for name in before if after[name] != before[name]} == {articles.page_file("members/alice.html")}
    assert not (history / ".git" / "journal" / "digest-articles.bin").exists()
    _same_as_a_full_build(run, history, tmp_path, 0)
    # The articles of a page the site no longer has (a member gone) are removed by the next
    # build that renders a page.
    gone = folder / articles.page_file("members/dora.html")
    gone.write_bytes((folder / articles.page_file("members/alice.html")).read_bytes())
    commit({path("bob", "2026-W48"): checkin("bob", "2026-W48")}, "2026-11-24T10:00:00-05:00", "bob")
    build(run, history)
    assert not gone.exists() and (folder / articles.page_file("members/bob.html")).is_file()
    _same_as_a_full_build(run, history, tmp_path, 1)


def test_an_override_of_the_check_in_macro_is_what_the_pages_show(run, history: Path, tmp_path: Path) -> None:
    macros = PROJECT / "templates" / "digest" / "_macros.html.j2"
    override = history / "templates" / "digest" / "_macros.html.j2"
    override.parent.mkdir(parents=True)
    source = macros.read_text(encoding="utf-8")
    override.write_text(source.replace('<article class="checkin"', '<article class="checkin ours"'), encoding="utf-8")
    assert run("-C", history, "templates", "trust").code == 0
    page = build(run, history) / "members" / "alice.html"
    assert 'class="checkin ours"' in page.read_text()
    override.write_text(source.replace('<article class="checkin"', '<article class="checkin theirs"'), encoding="utf-8")
    assert run("-C", history, "templates", "trust").code == 0
    assert 'class="checkin theirs"' in build(run, history).joinpath("members", "alice.html").read_text()


def test_a_page_changed_in_place_long_after_it_was_written_is_rendered_again(run, history: Path,
                                                                             tmp_path: Path) -> None:
    site = build(run, history)
    # Make every file look written an hour ago: the next build hashes them (their times are
    # not the recorded ones) and records their size, time and inode as trustworthy.
    old = time.time() - 3600
    for file in site.rglob("*"):
        os.utime(file, (old, old))
    build(run, history)
    page = site / "members" / "bob.html"
    text = page.read_text()
    before = page.stat()
    assert "Late shifts" in text
    # Same size, same inode: only the modification time tells.
    page.write_text(text.replace("Late shifts", "LATE SHIFTS"))
    assert page.stat().st_size == before.st_size and page.stat().st_ino == before.st_ino
    build(run, history)
    assert "Late shifts" in page.read_text() and "LATE SHIFTS" not in page.read_text()
    _same_as_a_full_build(run, history, tmp_path, 0)
