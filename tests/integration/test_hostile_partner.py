"""Partner M commits (even with --no-verify); the victim pulls and runs the README's commands.

Each test is one example of issue 13's kinds: real clones, real pulls, real hooks, and
assertions on the files outside the journal, on what is published and on the bytes printed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.hostile import VICTIM, shared_journal, snapshot
from tests.support.journals import CONFIG, CONTRACT, GOAL, checkin, git

SECRET = "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-of-the-victim\n"


@pytest.fixture
def shared(tmp_path: Path, run):
    return shared_journal(tmp_path / "work", run)


# --- kind 1: symlinks and paths lead outside the journal -------------------------------------


def test_gitattributes_symlink_is_not_appended_to(shared, run) -> None:
    outside = shared.base.parent / "shell-startup"
    outside.write_text("echo hi\n")
    shared.partner_commits({}, links={".gitattributes": "../../shell-startup"})
    shared.victim_pulls()
    git(shared.victim, "config", "--unset", "merge.journal-digest.driver")  # so install has work to do
    result = run("-C", shared.victim, "hooks", "install")
    assert outside.read_text() == "echo hi\n"
    # The merge rule goes to the repository's own info/attributes, which no one commits,
    # so a committed .gitattributes (a symlink or not) is never written to.
    assert result.code == 0 and "Traceback" not in result.err, result
    common = Path(git(shared.victim, "rev-parse", "--git-common-dir").stdout.strip())
    common = common if common.is_absolute() else shared.victim / common
    assert "merge=journal-digest" in (common / "info" / "attributes").read_text()
    assert (shared.victim / ".gitattributes").is_symlink()


def test_committed_digest_folder_symlink_does_not_touch_a_sibling_project(shared, run) -> None:
    sibling = shared.base / "project"
    (sibling / "charts").mkdir(parents=True)
    (sibling / "README.md").write_text("# my other project\n")
    (sibling / "charts/legend.svg").write_text("<svg>mine</svg>")
    (sibling / "charts/heatmap-zed.svg").write_text("<svg>mine too</svg>")
    before = snapshot(sibling)
    shared.partner_commits({"journal.yaml": CONFIG.replace("digest: {", "digest: {commit: notes, ")},
                           links={"notes": "../project"})
    out = shared.victim_pulls()
    assert snapshot(sibling) == before
    assert "not up to date" in out  # the hooks after a pull only check the digest, never write it
    result = run("-C", shared.victim, "digest", "--markdown-only")
    assert snapshot(sibling) == before
    assert result.code != 0 and "symlink" in result.err, result


def test_symlinked_digest_template_does_not_publish_a_private_key(shared, run) -> None:
    key = shared.base / "id_ed25519"
    key.write_text(SECRET)
    shared.partner_commits({}, links={"templates/digest/style.css": "../../../id_ed25519"})
    shared.victim_pulls()
    result = run("-C", shared.victim, "digest")
    assert result.code == 0, result.err
    site = snapshot(shared.victim / "site")
    assert all(b"secret-of-the-victim" not in data for data in site.values())
    assert site["style.css"]  # the built-in style instead


def test_symlinked_entry_template_does_not_copy_a_private_key_into_a_checkin(shared, run) -> None:
    key = shared.base / "id_ed25519"
    key.write_text(SECRET)
    shared.partner_commits({}, links={"templates/entries/checkin.md.j2": "../../../id_ed25519"})
    shared.victim_pulls()
    result = run("-C", shared.victim, "new", "checkin", "--member", "alice", "--week", "2026-W49")
    assert result.code == 0, result.err
    written = (shared.victim / "checkins/2026/2026-W49-alice.md").read_text()
    assert "secret-of-the-victim" not in written and "member: alice" in written


def test_member_id_climbing_out_of_the_repository_creates_nothing_outside(shared, run) -> None:
    evil = "../../../../../../escaped"
    config = CONFIG.replace("members:\n", "members:\n  \"" + evil + "\": {name: M, emails: [alice@example.org], "
                            "timezone: UTC}\n").replace("emails: [alice@example.org], timezone: Europe",
                                                        "emails: [nobody@example.org], timezone: Europe")
    shared.partner_commits({"journal.yaml": config})
    shared.victim_pulls()
    git(shared.victim, "config", "user.email", "alice@example.org")
    before = snapshot(shared.base.parent)
    result = run("-C", shared.victim, "new", "checkin", "--week", "2026-W49")
    assert result.code == 1 and "Traceback" not in result.err
    assert "is not a slug" in result.err
    assert snapshot(shared.base.parent) == before
    assert not list(shared.base.parent.rglob("*escaped*"))


# --- kind 3: inputs that exhaust the parsers -------------------------------------------------

DEEP_YAML = ("---\nmember: bob\nweek: 2026-W48\noutcomes: []\ncommitments: " + "[" * 30_000 + "]" * 30_000
             + "\n---\n## Wins\nx\n")
BRACKET_BODY = "---\nmember: bob\nweek: 2026-W48\noutcomes: []\n---\n## Wins\n" + "[" * 1_000_000 + "\n"
QUICK = 60  # seconds for a whole command on this entry; the unguarded parsers crash or take minutes


def journal_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "journal", *args], cwd=cwd, text=True, capture_output=True,
                          timeout=QUICK, env={**os.environ, **VICTIM})


@pytest.mark.parametrize("entry", [DEEP_YAML, BRACKET_BODY], ids=["nested-front-matter", "million-brackets"])
def test_entries_that_exhaust_parsers_are_refused_fast_everywhere(shared, entry: str) -> None:
    shared.partner_commits({"checkins/2026/2026-W48-bob.md": entry})
    # post-merge hook: summary and rebuild after the real pull, bounded by the timeout
    pulled = subprocess.run(["git", "pull", "-q", "--no-rebase", "origin", "main"], cwd=shared.victim, text=True,
                            capture_output=True, timeout=QUICK, env={**os.environ, **VICTIM})
    assert pulled.returncode == 0 and "Traceback" not in pulled.stderr + pulled.stdout
    for args in (["check"], ["digest"], ["status"], ["streaks"]):
        result = journal_cli(shared.victim, *args)
        assert result.returncode in (0, 1, 4), (args, result.returncode, result.stderr[-500:])  # 4: overdue
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    if entry is DEEP_YAML:
        assert "2026-W48-bob.md:5:1: error: invalid YAML: nested more than 16 levels deep" in journal_cli(
            shared.victim, "check").stdout
    # pre-commit hook: the victim's own next commit regenerates the committed digest
    (shared.victim / "checkins/2026/2026-W48-alice.md").write_text(
        (shared.victim / "checkins/2026/2026-W47-alice.md").read_text().replace("2026-W47", "2026-W48"))
    git(shared.victim, "add", "-A")
    committed = subprocess.run(["git", "commit", "-q", "-m", "mine"], cwd=shared.victim, text=True,
                               capture_output=True, timeout=QUICK, env={**os.environ, **VICTIM})
    assert "Traceback" not in committed.stderr + committed.stdout
    assert committed.returncode in (0, 1)
    assert -signal.SIGSEGV not in (committed.returncode, pulled.returncode)


def test_a_long_body_is_shown_as_a_notice_not_parsed(shared, run) -> None:
    shared.partner_commits({"checkins/2026/2026-W48-bob.md": BRACKET_BODY.replace("[" * 1_000_000, "x" * 40_000)})
    shared.victim_pulls()
    assert run("-C", shared.victim, "digest").code == 0
    site = b"".join(snapshot(shared.victim / "site").values())
    assert b"xxxxxxxxxx" not in site and b"longer than the digest shows" in site


# --- kind 4: markup that escapes the Markdown digests ------------------------------------------

HIDDEN_FENCE = ("---\nmember: bob\nweek: 2026-W48\noutcomes: []\n---\n## Wins\n```x`\n"
                "<img src=x onerror=alert(1)>\n\n  ## Reflection\nmy secret reflection\n")


def test_a_fake_fence_and_an_indented_private_heading_do_not_escape_the_markdown_digests(shared, run) -> None:
    shared.partner_commits({"journal.yaml": CONFIG.replace("private: [energy]", "private: [energy, reflection]"),
                            "checkins/2026/2026-W48-bob.md": HIDDEN_FENCE})
    shared.victim_pulls()
    assert run("-C", shared.victim, "digest").code == 0
    assert run("-C", shared.victim, "digest", "--markdown-only").code == 0
    for produced in (shared.victim / "digest/README.md", shared.victim / "site/DIGEST.md"):
        text = produced.read_text()
        assert "&lt;img src=x onerror" in text and "<img" not in text, produced
        assert "secret reflection" not in text, produced
    site = b"".join(snapshot(shared.victim / "site").values())
    assert b"secret reflection" not in site and b"<img src=x" not in site


# --- kind 5: control characters reach terminals and XML ----------------------------------------


def test_control_sequences_in_ids_and_names_reach_no_terminal_and_no_svg(shared, run) -> None:
    # Written with YAML's own escapes: the raw bytes would be refused by the YAML reader itself.
    config = CONFIG.replace("bob: {name: Bob Okafor,",
                            '"bob\\e]52;c;ZWNobyBwd25lZA==\\a": {name: "Bob\\nalice: OVERDUE\\a",')
    shared.partner_commits({"journal.yaml": config})
    pulled = shared.victim_pulls()
    outputs = [pulled]
    for args in (["check"], ["status"], ["streaks"], ["digest"]):
        result = run("-C", shared.victim, *args)
        assert "Traceback" not in result.err
        outputs += [result.out, result.err]
    for out in outputs:
        assert "\x1b" not in out and "\x07" not in out
        assert not any(line.startswith("alice: OVERDUE") for line in out.splitlines())


def test_a_file_name_that_is_not_utf8_reaches_no_terminal_raw(shared) -> None:
    # 0x9b is the one-byte CSI: a name that is not UTF-8 keeps its bytes as surrogate escapes,
    # which a terminal stream would write back out raw ("\x9b[31m" turns the text red).
    name = os.fsdecode(b"checkins/2026/2026-W48-\x9b[31m.md")
    shared.partner_commits({name: checkin("bob", "2026-W48")})
    pulled = subprocess.run(["git", "pull", "-q", "--no-rebase", "origin", "main"], cwd=shared.victim,
                            env={**os.environ, **VICTIM}, capture_output=True, check=True)
    printed = [pulled.stdout + pulled.stderr]
    for args in (["check"], ["status"], ["streaks"]):
        result = subprocess.run([sys.executable, "-m", "journal", "-C", str(shared.victim), *args],
                                capture_output=True, env={**os.environ, **VICTIM})
        assert b"Traceback" not in result.stderr
        printed += [result.stdout, result.stderr]
    assert b"\x9b" not in b"".join(printed)
    checked = printed[1].decode("utf-8") + printed[2].decode("utf-8")
    assert "checkins/2026/2026-W48-?[31m.md:" in checked  # named, the unsafe byte shown as `?`


@pytest.mark.parametrize("name, text", [
    (b"goals/berlin\x9bhalf.md", GOAL),  # a page, a feed link and the calendar are made from its id
    (b"contracts/pa\x9bct.md", CONTRACT),  # the calendar's key hashed its path
])
def test_a_goal_or_contract_named_by_bytes_that_are_not_utf8_stops_no_build(shared, run, name, text) -> None:
    shared.partner_commits({os.fsdecode(name): text})
    pulled = shared.victim_pulls()  # the post-merge hook summarises and rebuilds the site
    assert "could not summarise or rebuild" not in pulled, pulled
    built = run("-C", shared.victim, "digest")
    assert built.code == 0, built.err
    checked = run("-C", shared.victim, "check")
    # Named by its file, which is not an id: reported, and not taken for a goal or contract.
    assert checked.code == 1 and "is not an id" in checked.out, checked.out
    site = b"".join(snapshot(shared.victim / "site").values())
    assert b"\x9b" not in site and b"%C2%9B" not in site.upper()


def test_a_control_character_in_a_name_leaves_the_svg_charts_valid_xml(shared, run) -> None:
    import xml.etree.ElementTree as ET

    shared.partner_commits({"journal.yaml": CONFIG.replace("name: Bob Okafor", 'name: "Bob\\x01\\x1b[31m"')})
    shared.victim_pulls()
    assert run("-C", shared.victim, "digest").code == 0
    charts = [*(shared.victim / "site/charts").glob("*.svg"), *(shared.victim / "digest/charts").glob("*.svg")]
    assert charts
    for chart in charts:
        ET.fromstring(chart.read_bytes())  # well-formed XML: no control characters


# --- kind 2: committed settings that act on the victim's machine -------------------------------


def test_digest_branch_main_does_not_let_publish_replace_the_journal(shared, run) -> None:
    shared.partner_commits({"journal.yaml": CONFIG.replace("branch: gh-pages", "branch: main")})
    shared.victim_pulls()
    git(shared.victim, "switch", "-q", "-c", "drafts")
    main_before = git(shared.victim, "rev-parse", "main").stdout
    result = run("-C", shared.victim, "publish")
    assert result.code == 1 and "Traceback" not in result.err
    assert "refusing to publish to 'main': it holds journal content" in result.err
    assert git(shared.victim, "rev-parse", "main").stdout == main_before


OVERRIDE = '{% extends "digest/base.html.j2" %}{% block main %}<p>M was here</p>{% endblock %}\n'
HANG = ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
        '{% extends "digest/base.html.j2" %}\n')


def test_partner_template_overrides_are_used_only_after_local_trust(shared, run) -> None:
    shared.partner_commits({"templates/digest/index.html.j2": OVERRIDE})
    shared.victim_pulls()
    result = run("-C", shared.victim, "digest")
    assert result.code == 0 and "has not trusted" in result.err
    assert "M was here" not in (shared.victim / "site/index.html").read_text()
    assert run("-C", shared.victim, "templates", "status").code == 1
    assert run("-C", shared.victim, "templates", "trust").code == 0
    assert run("-C", shared.victim, "templates", "status").code == 0
    assert run("-C", shared.victim, "digest").code == 0
    assert "M was here" in (shared.victim / "site/index.html").read_text()
    # A change to any override needs trusting again.
    shared.partner_commits({"templates/digest/index.html.j2": OVERRIDE.replace("M was here", "M again")})
    shared.victim_pulls()
    assert run("-C", shared.victim, "digest").code == 0
    assert "M again" not in (shared.victim / "site/index.html").read_text()


def test_an_override_named_by_bytes_that_are_not_utf8_stops_no_build(shared, run) -> None:
    shared.partner_commits({"templates/digest/index.html.j2": OVERRIDE,
                            os.fsdecode(b"templates/digest/x\x9b.html.j2"): "{{ 1 }}"})
    assert "could not summarise or rebuild" not in shared.victim_pulls()
    assert run("-C", shared.victim, "digest").code == 0  # untrusted: the built-in templates
    assert run("-C", shared.victim, "templates", "trust").code == 0
    built = run("-C", shared.victim, "digest")
    assert built.code == 0, built.err
    assert "M was here" in (shared.victim / "site/index.html").read_text()
    # The file the name holds is in what was trusted: a change to it needs trusting again.
    (shared.victim / os.fsdecode(b"templates/digest/x\x9b.html.j2")).write_text("{{ 2 }}")
    assert run("-C", shared.victim, "templates", "status").code == 1


def test_a_trusted_override_still_cannot_loop_for_hours(shared, run) -> None:
    shared.partner_commits({"templates/digest/index.html.j2": HANG})
    shared.victim_pulls()
    assert run("-C", shared.victim, "templates", "trust").code == 0
    result = journal_cli(shared.victim, "digest")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "range() of 100,000 items" in result.stderr


# --- kind 6: files in the repository trusted as our own state -----------------------------------

EVIL_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'


def test_a_force_added_site_manifest_is_not_trusted(shared, run) -> None:
    # M builds a real site, swaps in a hostile legend and commits the folder with its manifest.
    assert run("-C", shared.partner, "digest").code == 0
    (shared.partner / "site/charts/legend.svg").write_text(EVIL_SVG)
    shared.partner_commits({})  # `add -Af` force-adds the ignored site/
    assert "site/.digest-manifest.json" in git(shared.partner, "ls-files", "site").stdout
    shared.victim_pulls()
    assert run("-C", shared.victim, "publish").code == 0
    assert "<script>" not in (shared.victim / "site/charts/legend.svg").read_text()
    published = git(shared.victim, "show", "gh-pages:charts/legend.svg").stdout
    assert "<script>" not in published and "<svg" in published


@pytest.mark.parametrize("cache", ["entries.bin", "worktree.bin", "history.bin"])
def test_a_deeply_nested_cache_is_ignored_and_rebuilt(shared, run, cache: str) -> None:
    assert run("-C", shared.victim, "streaks").code == 0  # writes the caches
    folder = shared.victim / ".git/journal"
    target = next(iter(folder.glob(cache)), folder / cache)
    target.write_text("[" * 100_000 + "]" * 100_000)
    for args in (["streaks"], ["check"], ["status"]):
        result = run("-C", shared.victim, *args)
        assert result.code in (0, 4) and "Traceback" not in result.err and "unexpected" not in result.err, result


# --- kind 8: faults of the machine and leftovers of killed runs ----------------------------------


def test_leftovers_of_killed_runs_are_ignored_by_init_and_demo(run, tmp_path: Path) -> None:
    from journal.commands.scaffold import GITIGNORE
    from tests.support.journals import PROJECT

    assert (PROJECT / "example-repo/.gitignore").read_text() == GITIGNORE
    root = tmp_path / "j"
    assert run("init", root, "--member", "alice", "--member", "bob").code == 0
    for leftover in ("checkins/2026/.2026-W48-alice.md.3f2a9c1d.tmp", "checkins/2026/2026-W48-alice.md.tmp",
                     ".site.new-4242-abcd/index.html", ".site.old-4242-abcd/index.html", "site/index.html"):
        (root / leftover).parent.mkdir(parents=True, exist_ok=True)
        (root / leftover).write_text("half")
    status = git(root, "status", "--porcelain", "--untracked-files=all").stdout
    assert ".tmp" not in status and ".site." not in status and "site/" not in status


def test_a_name_with_a_nul_is_an_error_not_a_crash(run, tmp_path: Path) -> None:
    result = run("init", tmp_path / "j\x00x", "--member", "alice")
    assert result.code in (1, 2) and "Traceback" not in result.err and "unexpected" not in result.err


# --- kind 7: serving on every address keeps the Host check ---------------------------------------


def test_serving_on_all_addresses_still_refuses_a_foreign_host_header(tmp_path: Path) -> None:
    import http.client
    import socket
    import threading

    from journal.live.serve import SiteServer

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>Overview</p>")
    server = SiteServer("0.0.0.0", 0)
    server.built(site)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def status(host: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        try:
            conn.putrequest("GET", "/", skip_host=True)
            conn.putheader("Host", host)
            conn.endheaders()
            return conn.getresponse().status
        finally:
            conn.close()

    try:
        assert status(f"attacker.example:{server.port}") == 403  # a rebound name
        assert status(f"127.0.0.1:{server.port}") == 200
        assert status(f"{socket.gethostname().lower()}:{server.port}") == 200
    finally:
        server.close()


# --- review 2: build state, cadences, dates, refs, markup, folders, numbers ---------------------


def test_a_committed_site_lock_neither_blocks_nor_exhausts_the_build(shared, tmp_path: Path) -> None:
    from journal.digest.build import BuildLock

    foreign = json.dumps({"pid": 1, "host": "elsewhere", "started": time.time(), "token": "m"})
    for files, links in (({".site.lock": foreign}, {}), ({".site.lock": None}, {".site.lock": "/dev/zero"})):
        shared.partner_commits(files, links=links)
        shared.victim_pulls()
        started = time.monotonic()
        result = journal_cli(shared.victim, "digest")
        assert result.returncode == 0, result.stderr
        assert time.monotonic() - started < QUICK / 2
    # Outside a repository the lock sits beside the folder: a link there is read bounded, never followed.
    (tmp_path / ".site.lock").symlink_to("/dev/zero")
    with BuildLock(tmp_path / "site", timeout=10, stale_after=0):
        pass


def test_a_daily_contract_beside_weekly_ones_is_judged_on_its_own_days(shared) -> None:
    daily = CONTRACT.replace("cadence: weekly", "cadence: daily").replace("due: sunday 21:00", "due: '21:00'")
    shared.partner_commits({"contracts/daily.md": daily.replace("effective: 2026-09-07", "effective: 2026-11-02")})
    pulled = shared.victim_pulls()
    assert "Traceback" not in pulled and "invalid date" not in pulled
    for args in (["check"], ["status"], ["streaks"], ["digest"]):
        result = journal_cli(shared.victim, *args)
        assert result.returncode in (0, 4), (args, result.stderr[-800:])
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    # The member's periods stay weekly (their earliest contract): so does their next check-in.
    made = journal_cli(shared.victim, "new", "checkin", "--member", "alice")
    assert made.returncode == 0 and "-W" in made.stdout + made.stderr, made


@pytest.mark.parametrize("effective, cadence", [("0002-01-01", "weekly"), ("0001-01-01", "daily")])
def test_dates_of_year_one_are_refused_with_the_range(shared, effective: str, cadence: str) -> None:
    contract = CONTRACT.replace("effective: 2026-09-07", f"effective: {effective}").replace(
        "cadence: weekly", f"cadence: {cadence}").replace("due: sunday 21:00", "due: '21:00'" if cadence == "daily"
                                                          else "due: sunday 21:00")
    shared.partner_commits({"contracts/pact.md": contract})
    started = time.monotonic()
    pulled = subprocess.run(["git", "pull", "-q", "--no-rebase", "origin", "main"], cwd=shared.victim, text=True,
                            capture_output=True, timeout=QUICK, env={**os.environ, **VICTIM})
    assert pulled.returncode == 0 and "Traceback" not in pulled.stderr + pulled.stdout
    checked = journal_cli(shared.victim, "check")
    assert checked.returncode == 1
    assert "contracts/pact.md:4:12: error: effective: expected a date YYYY-MM-DD from 1970-01-01 to 2999-12-31" \
        in checked.stdout, checked.stdout
    for args in (["status"], ["streaks"], ["digest"]):
        result = journal_cli(shared.victim, *args)
        assert result.returncode in (0, 1, 4) and "Traceback" not in result.stderr, (args, result.stderr[-500:])
    assert time.monotonic() - started < QUICK


@pytest.mark.parametrize("args", [["status", "--now", "0001-01-01"], ["streaks", "--now", "9999-12-31T23:59"],
                                  ["new", "checkin", "--member", "alice", "--date", "0001-01-01"],
                                  ["new", "checkin", "--member", "alice", "--week", "0001-W01"]])
def test_dates_on_the_command_line_are_bounded_too(shared, args: list[str]) -> None:
    result = journal_cli(shared.victim, *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "1970" in result.stderr and "2999" in result.stderr


@pytest.mark.parametrize("branch", ["origin/main", "HEAD", "refs/heads/x", "v1", "origin", "origin/later"])
def test_digest_branch_never_shadows_another_ref(shared, run, branch: str) -> None:
    git(shared.victim, "tag", "v1")
    shared.partner_commits({"journal.yaml": CONFIG.replace("branch: gh-pages", f"branch: {branch}")})
    shared.victim_pulls()
    before = git(shared.victim, "for-each-ref", "--format=%(refname) %(objectname)").stdout
    for args in (["publish"], ["publish", "--branch", branch]):
        result = run("-C", shared.victim, *args)
        assert result.code == 1 and "Traceback" not in result.err, result
        assert f"refusing to publish to '{branch}'" in result.err and "hint:" in result.err
    assert git(shared.victim, "for-each-ref", "--format=%(refname) %(objectname)").stdout == before


RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_controls_and_bidi_overrides_reach_no_page_and_no_json(shared, run) -> None:
    evil = "\\e]52;c;ZWNobw==\\a\\u202Eevil\\x85"  # YAML escapes: ESC, OSC 52, BEL, RLO, NEL
    goal = GOAL.replace("title: Berlin half marathon under 2:00", f'title: "Berlin{evil}"').replace(
        "title: First 15 km long run", f'title: "Long{evil}"')
    entry = ("---\nmember: bob\nweek: 2026-W48\n"
             f'outcomes:\n  - {{commitment: "Run{evil}", status: done, note: "n{evil}"}}\n'
             f'commitments:\n  - {{commitment: "Swim{evil}"}}\nask: "help{evil}"\n---\n## Wins\nx\n')
    shared.partner_commits({"goals/berlin-half.md": goal, "checkins/2026/2026-W48-bob.md": entry})
    shared.victim_pulls()
    assert run("-C", shared.victim, "digest").code == 0
    site = snapshot(shared.victim / "site")
    checked = [path for path in site if path.endswith((".html", ".json", ".md", ".xml", ".ics", ".svg"))]
    assert "digest.json" in checked and "index.html" in checked
    for path in checked:
        text = site[path].decode()
        assert not RAW_CONTROL.search(text), (path, RAW_CONTROL.findall(text))
    assert "evil" in site["digest.json"].decode()


@pytest.mark.parametrize("rel, target", [("checkins", "/"), ("goals", "../.."), ("checkins/2027", "/")])
def test_a_symlinked_entry_folder_is_one_problem_never_walked(shared, rel: str, target: str) -> None:
    if (shared.partner / rel).exists():
        git(shared.partner, "rm", "-rq", rel)
        shutil.rmtree(shared.partner / rel, ignore_errors=True)
    shared.partner_commits({}, links={rel: target})
    started = time.monotonic()
    pulled = subprocess.run(["git", "pull", "-q", "--no-rebase", "origin", "main"], cwd=shared.victim, text=True,
                            capture_output=True, timeout=QUICK, env={**os.environ, **VICTIM})
    assert pulled.returncode == 0 and "Traceback" not in pulled.stderr + pulled.stdout
    result = journal_cli(shared.victim, "check")
    assert result.returncode == 1
    assert f"{rel}:1:1: error: a symlinked folder is refused" in result.stdout, result.stdout
    assert "etc" not in result.stdout and "usr" not in result.stdout and "victim" not in result.stdout
    assert journal_cli(shared.victim, "digest").returncode in (0, 1)
    assert time.monotonic() - started < QUICK


def test_non_finite_and_huge_numbers_are_refused_and_never_reach_the_charts(shared) -> None:
    shared.partner_commits({
        "goals/berlin-half.md": GOAL.replace("target: 30", "target: 1e400"),
        "contracts/pact.md": CONTRACT.replace("per_miss: 5", "per_miss: .inf"),
        "checkins/2026/2026-W48-bob.md": "---\nmember: bob\nweek: 2026-W48\noutcomes: []\nmetrics: {berlin-half: .nan}\n"
                                         "---\n## Wins\nx\n",
        "checkins/2026/2026-W49-bob.md": "---\nmember: bob\nweek: 2026-W49\noutcomes: []\n"
                                         f"metrics: {{berlin-half: 1{'0' * 400}}}\n---\n## Wins\nx\n"})
    pulled = shared.victim_pulls()
    assert "Traceback" not in pulled and "OverflowError" not in pulled
    checked = journal_cli(shared.victim, "check")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    for where in ("goals/berlin-half.md:7:", "contracts/pact.md:10:", "2026-W48-bob.md:5:", "2026-W49-bob.md:5:"):
        assert where in checked.stdout and "a number from -1e12 to 1e12" in checked.stdout, (where, checked.stdout)
    for args in (["status"], ["streaks"], ["digest"]):
        result = journal_cli(shared.victim, *args)
        assert result.returncode in (0, 4) and "Traceback" not in result.stderr, (args, result.stderr[-500:])


def test_standard_yaml_tags_and_list_keys_are_located_errors_not_a_stop(shared) -> None:
    # !!binary, !!set, !!omap and a key written as a list made values no cache could keep:
    # every command stopped with exit 3, on every partner's machine, until the file was fixed.
    shared.partner_commits({
        "checkins/2026/2026-W48-bob.md": "---\nmember: bob\nweek: 2026-W48\noutcomes: []\nask: !!binary aGVsbG8=\n"
                                         "---\n## Wins\nx\n",
        "goals/berlin-half.md": GOAL.replace("\ntitle:", "\ntags: !!set {a, b}\ntitle:", 1),
        "contracts/pact.md": CONTRACT.replace("\nparties:", "\n? [a, b]\n: x\nparties:", 1),
        "checkins/2026/2026-W49-bob.md": "---\nmember: bob\nweek: 2026-W49\noutcomes: []\n<<: {? [a, b]: 1}\n---\n",
        "checkins/2026/2026-W50-bob.md": "---\nmember: bob\nweek: 2026-W50\noutcomes: []\nenergy: !!bool maybe\n---\n"})
    pulled = shared.victim_pulls()
    assert "Traceback" not in pulled and "unexpected" not in pulled
    for _ in range(2):  # cold, then with the caches the first run left
        checked = journal_cli(shared.victim, "check")
        assert checked.returncode == 1 and "Traceback" not in checked.stderr, checked.stderr[-500:]
        assert "2026-W48-bob.md:5:6: error: YAML tag refused: !!binary" in checked.stdout
        assert "goals/berlin-half.md:" in checked.stdout and "!!set" in checked.stdout
        assert "contracts/pact.md:" in checked.stdout and "a key that is a list or mapping" in checked.stdout
        assert "2026-W49-bob.md:5:8: error: invalid YAML: a key that is a list or mapping" in checked.stdout
        assert "2026-W50-bob.md:2:1: error: invalid YAML: a value its tag" in checked.stdout
        for args in (["status"], ["streaks", "--json"], ["digest"]):
            result = journal_cli(shared.victim, *args)
            assert result.returncode in (0, 1, 4) and "unexpected" not in result.stderr, (args, result.stderr[-500:])


@pytest.mark.parametrize("name", ["America", "localtime", "Europe/" + "x" * 300, "posix/localtime", "a/" * 300 + "x",
                                  "a." * 300 + "b/x", "right/Europe/Berlin", "posixrules"])
def test_a_zone_name_that_is_no_zone_is_a_located_error_and_stops_nothing_even_from_history(shared, name: str) -> None:
    # A folder of the zone database and a name too long for a file stopped every command
    # ("Is a directory"), for good once committed, since closed periods read the zones of
    # their time; `localtime` is the zone of whichever machine builds the digest.
    shared.partner_commits({"journal.yaml": CONFIG.replace("America/New_York", name)})
    shared.partner_commits({"journal.yaml": CONFIG})  # fixed, but the history keeps it
    shared.partner_commits({"journal.yaml": CONFIG.replace("America/New_York", name)})
    pulled = shared.victim_pulls()
    assert "Traceback" not in pulled and "unexpected" not in pulled
    checked = journal_cli(shared.victim, "check")
    assert checked.returncode == 1 and "journal.yaml:" in checked.stdout, checked
    assert "an IANA time zone such as Europe/Berlin" in checked.stdout and "Is a directory" not in checked.stderr
    for args in (["status"], ["streaks", "--json"], ["digest"]):
        result = journal_cli(shared.victim, *args)
        assert result.returncode in (0, 4) and "Error" not in result.stderr, (args, result.stderr[-500:])
        # (streaks --json says it among its warnings)
        assert "bob's timezone is not a zone this machine knows" in result.stderr + result.stdout, (args, result)


@pytest.mark.parametrize("key, value", [("commit", "."), ("commit", '""'), ("commit", ".."), ("commit", "/etc"),
                                        ("commit", "checkins"), ("out", "."), ("out", ".git"), ("out", '""')])
def test_digest_folders_that_are_no_folder_of_their_own_are_refused(shared, run, key: str, value: str) -> None:
    shared.partner_commits({"journal.yaml": CONFIG.replace("digest: {", f"digest: {{{key}: {value}, ")
                            .replace("out: site, ", "" if key == "out" else "out: site, ")})
    pulled = shared.victim_pulls()
    assert "tuple index" not in pulled and "Traceback" not in pulled, pulled
    checked = run("-C", shared.victim, "check")
    assert checked.code == 1 and "journal.yaml:5:" in checked.out and f"digest.{key}: expected a folder of its own" \
        in checked.out, checked
    if key == "commit":  # the post-merge hook regenerates the committed digest: it says why it cannot
        assert "digest.commit in journal.yaml is" in pulled, pulled
    built = run("-C", shared.victim, "digest", *(["--markdown-only"] if key == "commit" else []))
    assert built.code == 1 and f"Error: digest.{key} in journal.yaml is" in built.err and "hint:" in built.err, built
    assert "Traceback" not in built.err


HIDDEN_HEADINGS = ("---\nmember: bob\nweek: 2026-W48\noutcomes: []\n---\n## Wins\nran\n## *Reflection*\nsecret one\n"
                   "## Refl&#101;ction\nsecret two\n##   REFLECTION  \nsecret three\n## <b>Reflection</b>\nsecret four\n")


def test_a_private_section_is_hidden_however_its_heading_is_spelled(shared, run) -> None:
    shared.partner_commits({"journal.yaml": CONFIG.replace("private: [energy]", "private: [energy, reflection]"),
                            "checkins/2026/2026-W48-bob.md": HIDDEN_HEADINGS})
    shared.victim_pulls()
    assert run("-C", shared.victim, "digest").code == 0
    assert run("-C", shared.victim, "digest", "--markdown-only").code == 0
    produced = b"".join([*snapshot(shared.victim / "site").values(), (shared.victim / "digest/README.md").read_bytes()])
    assert b"secret" not in produced and b"ran" in produced


def test_a_symlinked_checkin_is_not_announced_after_a_pull(shared) -> None:
    """The journal refuses a symlinked entry; the post-merge summary must not report it as a check-in."""
    shared.partner_commits({"checkins/2026/2026-W48-bob.md": checkin("bob", "2026-W48")})
    said = shared.victim_pulls()
    assert "bob checked in for 2026-W48" in said  # the summary runs and names a real check-in
    shared.partner_commits({}, links={"checkins/2026/2026-W49-bob.md": "2026-W48-bob.md"})
    said = shared.victim_pulls()
    assert "2026-W49" not in said


@pytest.mark.parametrize("package", ["journal", "pygit2", "yaml"])
def test_a_committed_python_package_runs_in_no_hook(shared, package: str) -> None:
    # The hooks start Python in the top folder of the working tree, which a partner fills: a
    # committed `journal/` (or a package the tool imports) must not be what runs.
    marker = shared.base / f"ran-{package}"
    code = f"open({str(marker)!r}, 'w').write('partner code ran')\n"
    shared.partner_commits({f"{package}/__init__.py": code, f"{package}/__main__.py": code,
                            "checkins/2026/2026-W48-bob.md": checkin("bob", "2026-W48")})
    shared.victim_pulls()  # post-merge
    (shared.victim / "checkins/2026/2026-W48-alice.md").write_text(checkin(week="2026-W48"), encoding="utf-8")
    git(shared.victim, "add", "checkins")
    git(shared.victim, "commit", "-q", "-m", "check-in", env=VICTIM)  # pre-commit and post-commit
    assert not marker.exists()
