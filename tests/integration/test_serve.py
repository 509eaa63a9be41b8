"""`journal serve`: only files inside the site, the reload script only on the way out,
and the events endpoint that fires after a rebuild. Loopback traffic only."""

from __future__ import annotations

import http.client
import importlib.util
import json
import re
import socket
import threading
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import pytest

from journal.core.problems import Problem
from journal.live.serve import EVENTS, SiteServer, inject_reload, locate
from tests.support.journals import checkin, write_journal
from tests.support.live import DEADLINE, NOW, W47, Command, page, wait_until

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "members").mkdir(parents=True)
    (site / "index.html").write_text("<html><body><p>Overview</p></body></html>")
    (site / "members/alice.html").write_text("<p>Alice</p>")
    (site / ".digest-manifest.json").write_text("{}")
    (tmp_path / "secret.txt").write_text("private")
    (site / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (site / "outside").symlink_to(tmp_path, target_is_directory=True)
    (site / "alias.html").symlink_to(site / "members/alice.html")
    return site


@pytest.mark.parametrize("raw", [
    "/../secret.txt", "/members/../../secret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt",
    "/members/..%2f..%2fsecret.txt", "/%2E%2E%5Csecret.txt", "/..\\secret.txt", "/index.html%00.txt",
    "/leak.txt", "/outside/secret.txt",
])
def test_locate_refuses_every_way_out_of_the_site(site: Path, raw: str) -> None:
    assert locate(site, raw) == (HTTPStatus.FORBIDDEN, None)


@pytest.mark.parametrize(("raw", "status", "found"), [
    ("/", HTTPStatus.OK, "index.html"),
    ("/members/alice.html", HTTPStatus.OK, "members/alice.html"),
    ("/members/%61lice.html", HTTPStatus.OK, "members/alice.html"),
    ("/alias.html", HTTPStatus.OK, "members/alice.html"),  # a symlink that stays inside is fine
    ("/members", HTTPStatus.MOVED_PERMANENTLY, "/members/"),
    ("/members/", HTTPStatus.NOT_FOUND, None),
    ("/.digest-manifest.json", HTTPStatus.NOT_FOUND, None),
    ("/%252e%252e/secret.txt", HTTPStatus.NOT_FOUND, None),  # decoded once: a literal '%2e%2e' folder
    ("/nothing.html", HTTPStatus.NOT_FOUND, None),
])
def test_locate_finds_files_inside_the_site(site: Path, raw: str, status: HTTPStatus, found: str | None) -> None:
    got_status, got = locate(site, raw)
    assert got_status == status
    if isinstance(got, Path):
        assert got == (site / str(found)).resolve()
    else:
        assert got == found


def test_inject_reload_widens_the_pages_policy_for_its_one_script() -> None:
    html = (b'<html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            b'script-src \'none\'; style-src \'self\'"></head><body><p>x</p></body></html>')
    out = inject_reload(html, 7, "N0NCE").decode()
    policy = re.search(r'content="([^"]*)"', out)
    assert policy is not None
    assert policy.group(1) == "default-src 'none'; style-src 'self'; script-src 'nonce-N0NCE'; connect-src 'self'"
    assert re.search(r'<script nonce="N0NCE">.*var build = 7;.*</script>\n</body></html>$', out, re.S)
    assert EVENTS in out


@pytest.fixture
def server(site: Path) -> Iterator[SiteServer]:
    server = SiteServer("127.0.0.1", 0)
    server.built(site)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.close()


def get(port: int, path: str, host: str | None = None, timeout: float = DEADLINE) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_server_answers_with_the_reload_script_in_html_only(server: SiteServer, site: Path) -> None:
    status, headers, body = get(server.port, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<p>Overview</p>" in body and b"<script nonce=" in body
    assert b"<script" not in (site / "index.html").read_bytes()
    status, headers, body = get(server.port, "/members/alice.html")
    assert status == 200 and b"<script" in body
    status, _, body = get(server.port, "/outside/secret.txt")
    assert status == 403 and b"private" not in body


def test_server_refuses_a_foreign_host_header(server: SiteServer) -> None:
    # What a page on another site would send after rebinding its name to 127.0.0.1.
    assert get(server.port, "/", host=f"attacker.example:{server.port}")[0] == 403
    assert get(server.port, "/", host=f"localhost:{server.port}")[0] == 200


def test_events_answer_when_the_build_counter_moves(server: SiteServer) -> None:
    _, _, body = get(server.port, EVENTS)
    current = json.loads(body)["build"]
    answer: list[bytes] = []
    waiter = threading.Thread(target=lambda: answer.append(get(server.port, f"{EVENTS}?since={current}")[2]))
    waiter.start()
    server.built(server.site)  # type: ignore[arg-type]
    waiter.join(DEADLINE)
    assert json.loads(answer[0]) == {"build": current + 1}


def test_serve_says_clearly_that_the_port_is_in_use(run, journal_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("-C", journal_dir, "serve", "--port", port)
    assert result.code == 1
    assert result.err == (f"Error: port {port} on 127.0.0.1 is already in use\n"
                          "hint: stop what is using it, or pick another with --port N (0: any free port)\n")


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[Path, Command, int]]:
    root = write_journal(tmp_path / "j")
    command = Command("-C", root, "serve", "--port", "0", "--now", NOW)
    try:
        command.wait_for(r"^serving the digest at http://127\.0\.0\.1:\d+/ ")
        command.wait_for(r"^built ")
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", command.output)
        assert match is not None
        yield root, command, int(match.group(1))
    finally:
        command.kill()


def test_serve_end_to_end(serving: tuple[Path, Command, int], tmp_path: Path) -> None:
    root, command, port = serving
    status, _, body = get(port, "/")
    assert status == 200 and b"<script nonce=" in body
    assert b"<script" not in (root / "site/index.html").read_bytes()
    for raw in ("/../journal.yaml", "/%2e%2e%2fjournal.yaml", "/%2e%2e/journal.yaml",
                "/members/..%2f..%2fjournal.yaml"):
        status, _, body = get(port, raw)
        assert status == 403 and b"members:" not in body, raw
    (root / "site/leak.yaml").symlink_to(root / "journal.yaml")
    status, _, body = get(port, "/leak.yaml")
    assert status == 403 and b"members:" not in body

    current = json.loads(get(port, EVENTS)[2])["build"]
    answer: list[bytes] = []
    waiter = threading.Thread(target=lambda: answer.append(get(port, f"{EVENTS}?since={current}")[2]))
    waiter.start()
    (root / W47).write_text(checkin().replace("Ran.", "Ran while served."), encoding="utf-8")
    waiter.join(DEADLINE)
    assert answer and json.loads(answer[0])["build"] == current + 1
    assert b"Ran while served." in get(port, "/periods/2026-W47.html")[2]

    assert command.interrupt() == 0
    assert "Traceback" not in command.output


def test_an_open_page_reloads_in_a_browser_after_a_save(serving: tuple[Path, Command, int]) -> None:
    if not CHROMIUM.exists() or importlib.util.find_spec("playwright") is None:
        pytest.skip("needs Debian's chromium and the playwright package")
    from playwright.sync_api import sync_playwright

    root, command, port = serving
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page()
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.goto(f"http://127.0.0.1:{port}/periods/2026-W47.html")
            assert "Ran in the browser." not in tab.content()
            (root / W47).write_text(checkin().replace("Ran.", "Ran in the browser."), encoding="utf-8")
            # A locator, not wait_for_function: the page's policy rightly forbids eval().
            tab.get_by_text("Ran in the browser.").wait_for(timeout=DEADLINE * 1000)
        finally:
            browser.close()
    assert not [e for e in errors if "Content Security Policy" in e]
    wait_until(lambda: "Ran in the browser." in page(root), what="the page on disk")


def _problem(severity: str, message: str) -> Problem:
    return Problem(W47, 6, 22, severity, "syntax", message)


def test_served_pages_carry_a_banner_of_check_errors_escaped_and_styled_by_nonce() -> None:
    html = (b'<html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            b'style-src \'self\'"></head><body class="x"><p>x</p></body></html>')
    out = inject_reload(html, 1, "N0NCE", (_problem("error", "invalid YAML <script>alert(1)</script>"),)).decode()
    assert re.search(r'<body class="x"><style nonce="N0NCE">.*<div id="journal-problems" role="alert">', out, re.S)
    assert "1 error, 0 warnings" in out and f"{W47}:6:22: error: invalid YAML" in out
    assert "&lt;script&gt;alert(1)" in out and "<script>alert" not in out
    policy = re.search(r'content="([^"]*)"', out)
    assert policy is not None and "style-src 'self' 'nonce-N0NCE'" in policy.group(1)
    # Warnings alone raise no banner, and the policy stays as narrow as before.
    quiet = inject_reload(html, 1, "N0NCE", (_problem("warning", "vague"),)).decode()
    assert "journal-problems" not in quiet and "style-src 'self';" in quiet


def test_server_answers_the_favicon_with_no_content(server: SiteServer) -> None:
    status, headers, body = get(server.port, "/favicon.ico")
    assert status == 204 and body == b""


def test_serve_shows_a_broken_check_in_as_a_banner_until_it_is_fixed(serving: tuple[Path, Command, int]) -> None:
    root, command, port = serving
    assert b"journal-problems" not in get(port, "/")[2]
    (root / W47).write_text(checkin().replace("week: 2026-W47", "week: 2026-W47\nbroken: [unclosed"))
    wait_until(lambda: b"journal-problems" in get(port, "/")[2], what="the banner on the served page")
    body = get(port, "/members/alice.html")[2].decode()
    assert f"{W47}:" in body and "[syntax]" in body
    assert b"journal-problems" not in (root / "site/index.html").read_bytes()  # files on disk stay clean
    (root / W47).write_text(checkin())
    wait_until(lambda: b"journal-problems" not in get(port, "/")[2], what="the banner to go")
    assert command.interrupt() == 0


def test_a_served_page_logs_no_errors_in_a_browser(serving: tuple[Path, Command, int]) -> None:
    if not CHROMIUM.exists() or importlib.util.find_spec("playwright") is None:
        pytest.skip("needs Debian's chromium and the playwright package")
    from playwright.sync_api import sync_playwright

    root, _, port = serving
    (root / W47).write_text(checkin().replace("week: 2026-W47", "week: 2026-W47\nbroken: [unclosed"))
    wait_until(lambda: b"journal-problems" in get(port, "/")[2], what="the banner on the served page")
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page()
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            tab.goto(f"http://127.0.0.1:{port}/")
            tab.get_by_role("alert").wait_for(timeout=DEADLINE * 1000)
            assert tab.get_by_role("alert").is_visible()
            assert tab.eval_on_selector("#journal-problems", "e => getComputedStyle(e).position") == "sticky"
            tab.wait_for_timeout(500)  # the favicon request comes after the load
        finally:
            browser.close()
    assert errors == []
