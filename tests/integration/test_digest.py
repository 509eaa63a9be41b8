"""`journal digest`: golden output, safety of partner text, privacy, determinism, links,
atomic writes, the build lock and incremental rebuilds, over real scripted histories."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from journal.digest import build as digest_build
from journal.digest import writers as digest_writers
from journal.digest.build import BuildLock
from journal.digest.markdown import is_safe_url, md_block, md_text, render_html, split_sections
from journal.errors import JournalError
from tests.support.digest_journals import (  # noqa: F401 - history and hostile are fixtures
    assert_golden,
    ALICE_RUNS,
    ALLOWED_TAGS,
    BERLIN,
    BOB_PLAN,
    CONFIG,
    EVIL,
    EVIL_MD,
    GOLDEN,
    NOT_GOLDEN,
    NOW,
    PACT,
    SECRET_GOAL,
    STRENGTH,
    STRETCH,
    TWO_RUNS,
    _Tags,
    assert_inert,
    build,
    checkin,
    history,
    hostile,
    path,
    site_files,
)
from tests.support.journals import PROJECT

# --- golden ------------------------------------------------------------------------------


def test_digest_matches_golden(run, history: Path, request: pytest.FixtureRequest) -> None:
    files = {k: v for k, v in site_files(build(run, history)).items() if k not in NOT_GOLDEN}
    assert_golden(files, GOLDEN, site_files(GOLDEN) if GOLDEN.is_dir() else {}, request)


def test_cli_prints_a_one_line_summary(run, history: Path) -> None:
    result = run("-C", history, "digest", "--now", NOW)
    site = (history / "site").absolute()
    pages = len(list(site.rglob("*.html")))
    others = len([p for p in site.rglob("*") if p.is_file() and p.suffix != ".html" and p.name != digest_build.MANIFEST])
    assert result.out == (f"wrote {pages} pages ({pages} rendered, 0 unchanged) and {others} other files: "
                          f"{site / 'index.html'}\n")
    again = run("-C", history, "digest", "--now", NOW)
    assert f"({0} rendered, {pages} unchanged)" in again.out


def test_without_now_a_build_reads_the_clock_to_the_minute(run, history: Path) -> None:
    """Pages show minutes: a clock read to the minute (its last second, so that a commit made
    earlier in the minute counts) lets two builds in the same minute reuse every page (with
    the real seconds in it, every build rendered every page again)."""
    assert run("-C", history, "digest").code == 0
    moment = dt.datetime.fromisoformat(json.loads((history / "site" / "digest.json").read_text())["now"])
    assert (moment.second, moment.microsecond) == (59, 0)


def test_overview_names_what_partners_need(run, history: Path) -> None:
    site = build(run, history)
    data = json.loads((site / "digest.json").read_text())
    alice, bob = data["members"]
    assert (alice["current"], alice["longest"], bob["current"]) == (4, 4, 3)
    assert alice["state"]["state"] == "due" and alice["state"]["text"].startswith("due in 4d 8h")
    assert {"kind": "streak", "member": "alice", "streak": 4} in data["wins"]
    assert [w["title"] for w in data["wins"] if w["kind"] == "milestone"] == ["First 15 km long run"]
    assert bob["ask"] == "Can you text me on Tuesday mornings?"
    assert "Late shifts" in bob["obstacles"] and "Train at lunch" in bob["strategies"]
    assert [c["commitment"] for c in bob["commitments"]] == [TWO_RUNS, STRETCH]
    prompts = {p["kind"]: p for p in bob["prompts"]}
    assert prompts["repeated-miss"]["observation"] == f"“{STRETCH}” was missed 3 times in the last 6 check-ins."
    assert prompts["repeated-miss"]["question"].endswith("?")
    assert [(u["date"], u["kind"]) for u in data["upcoming"]] == [
        ("2026-12-06", "milestone"), ("2026-12-13", "milestone"), ("2026-12-14", "review")]
    berlin = next(g for g in data["goals"] if g["id"] == "berlin-half")
    assert [(p["period"], p["value"]) for p in berlin["series"]] == [
        ("2026-W45", 24), ("2026-W46", 27.5), ("2026-W47", 31)]  # W44 is private
    assert berlin["countdown"] == "in 131 days"
    index = (site / "index.html").read_text()
    for text in ("Wins to celebrate", "Commitments for the coming period", "Asks", "Obstacles and strategies",
                 "Time to recalibrate?", "Coming up in the next 4 weeks", "pact streak"):
        assert text in index


def test_heatmap_tells_status_by_colour_mark_and_title(run, history: Path) -> None:
    page = (build(run, history) / "members/bob.html").read_text()
    svg = page[page.index('<svg class="heatmap"'):]
    svg = svg[:svg.index("</svg>")]
    cells = re.findall(r"<g transform[^>]*><title>([^<]*)</title><rect class=\"c-(\w+)\"[^>]*/>(<path|<circle|</g>)", svg)
    assert [(t.split(":")[0], s) for t, s, _ in cells] == [
        ("2026-W43", "on_time"), ("2026-W44", "missed"), ("2026-W45", "on_time"), ("2026-W46", "on_time"),
        ("2026-W47", "on_time"), ("2026-W48", "pending")]
    assert all(mark != "</g>" for _, s, mark in cells if s != "pending")  # a drawn mark, not colour alone
    assert "committed-by-other" in cells[4][0]


# --- safety --------------------------------------------------------------------------------











def test_hostile_partner_text_comes_out_inert(run, hostile: Path) -> None:
    site = build(run, hostile)
    files = site_files(site)
    html_files = [k for k in files if k.endswith((".html", ".svg"))]
    assert len(html_files) > 8
    for rel in html_files:
        text = files[rel].decode()
        assert_inert(text, rel, style_ok=rel.endswith(".svg"))
        if rel.endswith(".svg"):
            ET.fromstring(text)  # well-formed XML, so a browser shows it as an image, not an error
    # The text is still shown, escaped.
    member = files["members/alice.html"].decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in member
    # DIGEST.md, rendered the way a Git host starts (raw HTML allowed), carries nothing live.
    digest_md = files["DIGEST.md"].decode()
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(digest_md)
    assert_inert(rendered, "DIGEST.md")
    assert "alert(1)" in rendered  # shown as text
    raw_json = files["digest.json"].decode()
    assert "<" not in raw_json and json.loads(raw_json)["title"] == EVIL


def test_every_free_text_field_reaches_the_pages_escaped(run, hostile: Path) -> None:
    site = build(run, hostile)
    index = (site / "index.html").read_text()
    goal = (site / "goals/evil.html").read_text()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert index.count(escaped) >= 6  # title, names, pact, wins, commitments, ask, obstacles, prompts, upcoming
    assert goal.count(escaped) >= 5  # title, metric, milestones, tags, related commitments
    assert "Bob &lt;b onmouseover=alert(1)&gt;" in index


@pytest.mark.parametrize("url, safe", [
    ("https://example.org/x", True), ("http://e.org", True), ("mailto:a@b.org", True), ("../goals/x.md", True),
    ("#top", True), ("notes/plan.md?x=1", True), ("javascript:alert(1)", False), ("JavaScript:alert(1)", False),
    (" javascript:alert(1)", False), ("java\tscript:alert(1)", False), ("data:text/html,x", False),
    ("vbscript:x", False), ("file:///etc/passwd", False), ("//evil.example/x", False), ("\\\\evil\\x", False),
    ("ftp://x", False), ("x:y", False),
])
def test_only_http_https_mailto_and_relative_links_are_safe(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


def test_markdown_renders_without_raw_html_or_unsafe_links() -> None:
    html = str(render_html(EVIL_MD))
    assert_inert(html, "markdown")
    assert "&lt;script&gt;" in html
    assert '<a href="https://tracker.example/pixel.png" rel="nofollow noopener noreferrer">g</a>' in html
    assert str(render_html("# Big\n## Smaller", 4)) == "<h4>Big</h4>\n<h5>Smaller</h5>\n"


def test_markdown_escaping_for_digest_md() -> None:
    assert md_text("1. <b>a|b</b> *x* [l](j)") == r"1\. &lt;b&gt;a\|b&lt;/b&gt; \*x\* \[l\](j)"
    assert md_block("Hi <b>x</b>\n```\n<kbd>\n```") == "Hi &lt;b>x&lt;/b>\n```\n<kbd>\n```"
    assert md_block("**ok** [x](https://e.org)") == "**ok** [x](https://e.org)"
    assert md_block("[x](javascript:alert(1))") == r"\[x\](javascript:alert(1))"
    assert md_block("open fence\n```\n<b>") == "open fence\n```\n<b>\n```"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&/\"'`[]()!#*_ =:-\nabjsvcript1")), max_size=60))
def test_digest_md_blocks_never_let_html_through(text: str) -> None:
    rendered = MarkdownIt("commonmark", {"html": True}).render(md_block(text) + "\n\n" + md_text(text))
    parser = _Tags()
    parser.feed(rendered)
    assert {t for t, _ in parser.tags} <= {"p", "a", "em", "strong", "code", "pre", "h1", "h2", "h3", "h4", "h5",
                                           "h6", "ul", "ol", "li", "blockquote", "hr", "br", "img"}
    for tag, attrs in parser.tags:
        for name, value in attrs:
            if name in ("href", "src"):
                assert is_safe_url(value or ""), (text, value)
                assert tag != "img" or not urlsplit(value or "").scheme


def test_sections_are_split_by_heading_outside_code() -> None:
    body = "intro\n## Wins\nran\n### detail\nmore\n```\n## not a heading\n```\n# Obstacles\nrain\n"
    assert split_sections(body) == [("", "intro"), ("Wins", "ran\n### detail\nmore\n```\n## not a heading\n```"),
                                    ("Obstacles", "rain")]


# --- privacy -------------------------------------------------------------------------------


def test_private_fields_and_entries_appear_in_no_output(run, history: Path) -> None:
    site = build(run, history)
    files = site_files(site)
    assert {"feed.xml", "calendar.ics", "DIGEST.md", "digest.json", "index.html"} <= set(files)
    for rel, data in files.items():
        text = data.decode()
        for marker in ("PRIVATE-GOAL", "PRIVATE-CHECKIN", "PRIVATE-REFLECTION", "secret-goal"):
            assert marker not in text, f"{marker} leaked into {rel}"
    data = json.loads(files["digest.json"])
    assert all(s["title"] != "Reflection" for c in data["checkins"] for s in c["sections"])
    assert not (site / "periods/2026-W44.html").read_text().count("alice-2026-W44")
    # A private check-in still counts for the streak: only its content is withheld.
    assert [p["status"] for p in data["members"][0]["periods"]][:2] == ["missed", "on_time"]


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_a_private_field_leaves_no_trace_in_any_output(run, history: Path) -> None:
    # Bug 3: digest.json kept `"energy": null`. A field named in digest.private must leave
    # nothing behind, its name included, in any file of the site or of the committed digest.
    config = history / "journal.yaml"
    config.write_text(config.read_text().replace("private: [energy, reflection]", "private: [energy, reflection, ask]"))
    files = site_files(build(run, history))
    assert run("-C", history, "digest", "--markdown-only", "--now", NOW).code == 0
    files |= {f"digest/{p.relative_to(history / 'digest').as_posix()}": p.read_bytes()
              for p in (history / "digest").rglob("*") if p.is_file()}
    assert {"feed.xml", "calendar.ics", "DIGEST.md", "digest.json", "index.html", "digest/README.md"} <= set(files)
    for rel, data in files.items():
        text = data.decode()
        assert "energy" not in text.lower(), f"the private field's name leaked into {rel}"
        assert "4/5" not in text, f"the private field's value leaked into {rel}"
        assert re.search(r"\bask\b", text, re.IGNORECASE) is None, f"the private field's name leaked into {rel}"
        assert "Can you text me on Tuesday mornings" not in text, f"the private field's value leaked into {rel}"
    keys = _keys(json.loads(files["digest.json"]))
    assert not keys & {"energy", "ask"}
    assert {"outcomes", "commitments", "metrics"} <= keys  # fields not named stay


# --- properties ------------------------------------------------------------------------------


def test_two_builds_are_byte_identical(run, history: Path, tmp_path: Path) -> None:
    first = site_files(build(run, history, "--out", tmp_path / "one"))
    second = site_files(build(run, history, "--out", tmp_path / "two"))
    assert first == second


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def test_every_internal_link_resolves(run, history: Path) -> None:
    site = build(run, history)
    pages = {p: _Links() for p in site.rglob("*.html")}
    for page, parser in pages.items():
        parser.feed(page.read_text())
    checked = 0
    for page, parser in pages.items():
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), f"{page}: {link}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file() and target.is_relative_to(site.resolve()), f"{page.relative_to(site)}: {link}"
            if parts.fragment:
                assert parts.fragment in pages[target].ids, f"{page.relative_to(site)}: {link}"
            checked += 1
    assert checked > 100


def test_rebuild_renders_only_changed_pages_and_matches_a_fresh_build(run, history: Path, commit, tmp_path: Path) -> None:
    build(run, history)
    commit({path("alice", "2026-W48"): checkin("alice", "2026-W48", metrics={"berlin-half": 33})},
           "2026-11-24T09:00:00+01:00")
    result = run("-C", history, "digest", "--now", NOW)
    rendered = int(re.search(r"\((\d+) rendered", result.out).group(1))  # type: ignore[union-attr]
    total = len(list((history / "site").rglob("*.html")))
    assert 0 < rendered <= 6 < total
    fresh = build(run, history, "--out", tmp_path / "fresh")
    assert site_files(history / "site") == site_files(fresh)


def test_incremental_site_equals_a_full_build_after_each_of_a_series_of_commits(
        run, history: Path, commit, tmp_path: Path) -> None:
    # Each kind of change a week brings: a new check-in, an edited one, a contract's new
    # pause, a goal's milestone done, a check-in removed. After every commit the site
    # rebuilt from the previous one must be the bytes of a build from nothing.
    build(run, history)
    steps = [
        ({path("alice", "2026-W48"): checkin("alice", "2026-W48", metrics={"berlin-half": 33})},
         "2026-11-24T09:00:00+01:00"),
        ({path("alice", "2026-W48"): checkin("alice", "2026-W48", metrics={"berlin-half": 35},
                                             body="## Wins\nA [link](https://example.org/x).\n")},
         "2026-11-24T10:00:00+01:00"),
        ({"contracts/pact.md": PACT.replace("pauses:\n", "pauses:\n  - {member: alice, from: 2026-11-23, to: 2026-11-29}\n")},
         "2026-11-24T11:00:00+01:00"),
        ({"goals/berlin-half.md": BERLIN.replace("status: active", "status: achieved")}, "2026-11-24T12:00:00+01:00"),
        ({path("bob", "2026-W46"): None}, "2026-11-24T13:00:00+01:00"),
    ]
    for n, (files, when) in enumerate(steps):
        commit(files, when)
        build(run, history)
        fresh = build(run, history, "--out", tmp_path / f"fresh-{n}")
        assert site_files(history / "site") == site_files(fresh), n


def test_journal_templates_override_the_packaged_ones(run, history: Path) -> None:
    override = history / "templates/digest/index.html.j2"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "digest/base.html.j2" %}{% block title %}Ours{% endblock %}'
                        '{% block main %}<h1>{{ title }}</h1><p>{{ members|length }} of us</p>{% endblock %}\n')
    assert run("-C", history, "templates", "trust").code == 0
    index = (build(run, history) / "index.html").read_text()
    assert "<p>2 of us</p>" in index and "<title>Ours · " in index


def test_a_template_cannot_reach_python_internals(run, history: Path) -> None:
    override = history / "templates/digest/archive.html.j2"
    override.parent.mkdir(parents=True)
    override.write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    assert run("-C", history, "templates", "trust").code == 0
    result = run("-C", history, "digest", "--now", NOW)
    assert result.code == 1 and "digest template" in result.err and "unsafe" in result.err


# --- where it writes ---------------------------------------------------------------------


@pytest.mark.parametrize("out", ["../elsewhere", "/tmp/elsewhere", "site/../../x"])
def test_configured_out_outside_the_repository_is_refused(run, history: Path, out: str) -> None:
    (history / "journal.yaml").write_text(CONFIG.replace("out: site", f"out: {out}"))
    result = run("-C", history, "digest", "--now", NOW)
    assert result.code == 1
    assert f"Error: digest.out in journal.yaml is '{out}', which leaves the repository" in result.err


def test_out_on_the_command_line_may_be_anywhere(run, history: Path, tmp_path: Path) -> None:
    (history / "journal.yaml").write_text(CONFIG.replace("out: site", "out: ../elsewhere"))
    site = build(run, history, "--out", tmp_path / "public" / "digest")
    assert (site / "index.html").is_file() and not (history / "site").exists()


@pytest.mark.parametrize("folder", [".", "checkins", ".git"])
def test_never_builds_over_the_journal(run, history: Path, folder: str) -> None:
    before = sorted(p.name for p in history.iterdir())
    result = run("-C", history, "digest", "--now", NOW, "--out", history / folder)
    assert result.code == 1 and "refusing to build the digest into" in result.err
    assert sorted(p.name for p in history.iterdir()) == before


def test_refuses_to_replace_a_folder_it_did_not_build(run, history: Path, tmp_path: Path) -> None:
    mine = tmp_path / "photos"
    mine.mkdir()
    (mine / "cat.jpg").write_bytes(b"meow")
    result = run("-C", history, "digest", "--now", NOW, "--out", mine)
    assert result.code == 1 and "was not built by `journal digest`" in result.err
    assert [p.name for p in mine.iterdir()] == ["cat.jpg"]


# --- atomic writes and the lock -------------------------------------------------------------


def test_a_failed_build_leaves_the_previous_site_intact(run, history: Path, commit, monkeypatch) -> None:
    site = build(run, history)
    before = site_files(site)
    commit({path("alice", "2026-W48"): checkin("alice", "2026-W48")}, "2026-11-24T09:00:00+01:00")

    def boom(data: object, *texts: object) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(digest_writers, "dump_json", boom)
    result = run("-C", history, "digest", "--now", NOW)
    # A fault of the machine is an explained error (exit 1), not a crash (exit 3).
    assert result.code == 1 and result.err.startswith("Error: disk full") and "Traceback" not in result.err
    assert site_files(site) == before
    assert sorted(p.name for p in history.iterdir() if p.name.startswith(".site")) == []


KILLABLE = """
import sys, time
from pathlib import Path
import datetime as dt
from journal.digest import build, writers
real = writers.dump_json
def slow(data, *texts):
    print("writing", flush=True)
    time.sleep(60)
    return real(data, *texts)
writers.dump_json = slow
build.build_digest(Path(sys.argv[1]), dt.datetime.fromisoformat(sys.argv[2]))
"""


def test_a_killed_build_leaves_the_site_and_its_lock_is_taken_over(run, history: Path, commit) -> None:
    site = build(run, history)
    before = site_files(site)
    # Something to write: an unchanged overview's digest.json is reused, not written.
    commit({path("alice", "2026-W48"): checkin("alice", "2026-W48")}, "2026-11-24T09:00:00+01:00")
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE, str(history), NOW], stdout=subprocess.PIPE,
                            cwd=PROJECT, env={**os.environ, "PYTHONPATH": str(PROJECT)})
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"writing"
        assert BuildLock(history / "site").path.is_file() and not (history / ".site.lock").exists()
        assert list(history.glob(".site.new-*"))  # half-written, beside the site
    finally:
        proc.kill()
        proc.wait()
    assert site_files(site) == before
    started = time.monotonic()
    result = run("-C", history, "digest", "--now", NOW)
    assert result.code == 0, result
    assert time.monotonic() - started < 10
    assert sorted(p.name for p in history.iterdir() if p.name.startswith(".site")) == []


def test_a_site_left_aside_between_the_two_renames_is_put_back(run, history: Path) -> None:
    site = build(run, history)
    before = site_files(site)
    os.rename(site, history / ".site.old-4242-abcd")
    (history / ".site.new-4242-abcd").mkdir()
    digest_build._recover(site)
    assert site_files(site) == before
    assert sorted(p.name for p in history.iterdir() if p.name.startswith(".site")) == []


HOLDER = """
import sys, time
from pathlib import Path
from journal.digest.build import BuildLock
lock = BuildLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""


def _hold_lock(target: Path, seconds: float) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(target), str(seconds)], stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"locked"
    return proc


def test_a_second_build_waits_for_the_first(run, history: Path) -> None:
    holder = _hold_lock(history / "site", 1.5)
    started = time.monotonic()
    result = run("-C", history, "digest", "--now", NOW)
    waited = time.monotonic() - started
    holder.wait()
    assert result.code == 0, result
    assert waited >= 1.0
    assert not BuildLock(history / "site").path.exists()


def test_a_lock_held_too_long_is_an_error_naming_the_holder(tmp_path: Path) -> None:
    holder = _hold_lock(tmp_path / "site", 5)
    try:
        with pytest.raises(JournalError, match=rf"another digest build \(pid {holder.pid} on .*\) holds"):
            BuildLock(tmp_path / "site", timeout=0.3).acquire()
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_of_a_dead_process_or_too_old_is_taken_over(tmp_path: Path) -> None:
    import socket

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock_file = tmp_path / ".site.lock"
    lock_file.write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(), "started": 0, "token": "x"}))
    with BuildLock(tmp_path / "site", timeout=1):
        assert json.loads(lock_file.read_text())["pid"] == os.getpid()
    assert not lock_file.exists()
    lock_file.write_text(json.dumps({"pid": os.getppid(), "host": "elsewhere", "token": "y"}))
    old = time.time() - digest_build.STALE_LOCK_SECONDS - 60
    os.utime(lock_file, (old, old))
    with BuildLock(tmp_path / "site", timeout=1):
        pass
    assert not lock_file.exists()


def test_prompts_are_an_observation_and_a_question(run, commit, tmp_path: Path) -> None:
    commit({"journal.yaml": CONFIG, "contracts/pact.md": PACT.replace("review_every: 4 weeks\n", "")},
           "2026-10-12T10:00:00+02:00")
    sundays = ("2026-10-25", "2026-11-01", "2026-11-08", "2026-11-15")
    for n, (week, sunday) in enumerate(zip(("2026-W43", "2026-W44", "2026-W45", "2026-W46"), sundays)):
        outcomes = [(f"Thing {n - 1}", "missed", None), ("Read", "partial", None)] if n else []
        commit({path("alice", week): checkin("alice", week, outcomes=outcomes, commitments=[(f"Thing {n}", None)])},
               f"{sunday}T18:00:00+01:00")
    site = build(run, tmp_path / "repo")
    prompts = json.loads((site / "digest.json").read_text())["members"][0]["prompts"]
    assert prompts[0] == {
        "kind": "low-completion",
        "observation": "Completion has been under 50 % for 3 check-ins running (2026-W44, 2026-W45, 2026-W46).",
        "question": "Are the commitments the right size — what would make the next ones doable?"}
    assert [p["kind"] for p in prompts] == ["low-completion"]  # W47 is one miss, not two in a row


def test_daily_heatmap_has_a_row_per_week_and_a_column_per_day() -> None:
    from journal.digest.charts import heatmap

    days = [{"period": f"2026-11-{d:02d}", "status": "on_time", "label": f"day {d}"} for d in range(16, 24)]
    svg = str(heatmap(days, "Daily"))
    assert svg.count("<title>") == 8
    rows = re.findall(r'<text class="lbl" x="0" y="[\d.]+">([^<]+)</text>', svg)
    assert rows == ["2026-W47", "2026-W48"]  # Mon 16 to Sun 22, then Mon 23
