"""`journal serve`: the digest on a local web server that reloads open pages after a rebuild.

Only files inside the site folder are served. The reload script, and a banner listing
the journal's check errors while there are any, are added to HTML responses on the way
out (with a nonce the page's Content-Security-Policy is widened to allow); the built
files on disk stay free of JavaScript and banners.
"""

from __future__ import annotations

import errno
import html as html_text
import ipaddress
import json
import mimetypes
import re
import secrets
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from journal.core import problems as P
from journal.digest.committed import minute_clock
from journal.errors import JournalError
from journal.live.watch import Checked, Report, watch_journal

EVENTS = "/__journal__/events"
#: Browsers ask for it unprompted; answering "no content" keeps a 404 out of every page's log.
FAVICON = "/favicon.ico"
LONG_POLL = 25.0  # seconds an events request waits before answering "nothing new"
_TYPES = {".html": "text/html", ".css": "text/css", ".svg": "image/svg+xml", ".xml": "application/xml",
          ".json": "application/json", ".ics": "text/calendar", ".md": "text/markdown", ".txt": "text/plain"}
_TEXT = ("text/", "application/xml", "application/json", "image/svg+xml")

_RELOAD = """<script nonce="{nonce}">
(function () {{
  var build = {build};
  function poll() {{
    fetch("{events}?since=" + build, {{cache: "no-store"}})
      .then(function (r) {{ if (!r.ok) {{ throw new Error(r.status); }} return r.json(); }})
      .then(function (d) {{ if (d.build !== build) {{ location.reload(); }} else {{ poll(); }} }})
      .catch(function () {{ setTimeout(poll, 2000); }});
  }}
  poll();
}})();
</script>
"""
_BANNER = """<style nonce="{nonce}">
#journal-problems {{ position: sticky; top: 0; z-index: 10; margin: 0; padding: .6em 1em;
  background: #fff4ce; color: #3b2a00; border-bottom: 3px solid #b8860b; font: 15px/1.4 system-ui, sans-serif; }}
#journal-problems pre {{ margin: .4em 0 0; white-space: pre-wrap; overflow-wrap: anywhere;
  font: 13px/1.4 ui-monospace, monospace; }}
</style>
<div id="journal-problems" role="alert"><strong>journal check: {summary}.</strong>
Entries with errors are left out of the digest until they are fixed (the terminal shows the same):
<pre>{lines}</pre></div>
"""
_META = re.compile(r"<meta\b[^>]*>", re.I)
_CSP = re.compile(r"""http-equiv\s*=\s*["']?content-security-policy\b""", re.I)
_CONTENT = re.compile(r"""(\bcontent\s*=\s*)(["'])(.*?)\2""", re.I | re.S)
_BODY_END = re.compile(rb"</body\s*>", re.I)
_BODY_START = re.compile(rb"<body\b[^>]*>", re.I)
_WIDENED = ("script-src", "script-src-elem", "connect-src")


@dataclass(frozen=True)
class Serving:
    url: str
    loopback: bool


class BuildCounter:
    """How many builds have finished; an events request waits for the number to change."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.value = 0
        self._closed = False

    def bump(self) -> None:
        with self._cond:
            self.value += 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait_change(self, since: int, timeout: float) -> int:
        with self._cond:
            self._cond.wait_for(lambda: self.value != since or self._closed, timeout)
            return self.value


def locate(site: Path, raw_path: str) -> tuple[HTTPStatus, Path | str | None]:
    """The file a request path names inside `site`: (OK, file), (MOVED_PERMANENTLY,
    location) for a folder without its slash, FORBIDDEN for any way out, else NOT_FOUND."""
    path = unquote(raw_path)
    parts = path.split("/")
    if "\\" in path or "\0" in path or any(p in (".", "..") for p in parts):
        return HTTPStatus.FORBIDDEN, None
    names = [p for p in parts if p]
    if any(p.startswith(".") for p in names):
        return HTTPStatus.NOT_FOUND, None  # the build's manifest and lock are not part of the site
    base = site.resolve()
    real = base.joinpath(*names).resolve()  # follows symlinks, so one pointing out is caught here
    if not real.is_relative_to(base):
        return HTTPStatus.FORBIDDEN, None
    if real.is_dir():
        if not path.endswith("/"):
            return HTTPStatus.MOVED_PERMANENTLY, "/" + "".join(quote(p) + "/" for p in names)
        real = (real / "index.html").resolve()
        if not real.is_relative_to(base):
            return HTTPStatus.FORBIDDEN, None
    if not real.is_file():
        return HTTPStatus.NOT_FOUND, None
    return HTTPStatus.OK, real


def inject_reload(html: bytes, build: int, nonce: str, problems: tuple[P.Problem, ...] = ()) -> bytes:
    """`html` with the reload script before `</body>`, a banner listing `problems` after
    `<body>` when any is an error, and a Content-Security-Policy meta tag (if any) widened
    to run that one script, style that one banner and let the script ask the server."""
    notice = banner(problems, nonce) if any(p.is_error for p in problems) else b""

    def widen(tag: re.Match[str]) -> str:
        text = tag.group(0)
        if not _CSP.search(text):
            return text

        def content(m: re.Match[str]) -> str:
            kept = [d.strip() for d in m.group(3).split(";")
                    if d.strip() and d.split()[0].lower() not in _WIDENED]
            if notice:  # the banner's one <style> element, by the same nonce
                styled = [f"{d} 'nonce-{nonce}'" if d.split()[0].lower() == "style-src" else d for d in kept]
                if styled == kept:
                    styled.append(f"style-src 'nonce-{nonce}'")
                kept = styled
            policy = "; ".join(kept + [f"script-src 'nonce-{nonce}'", "connect-src 'self'"])
            return f"{m.group(1)}{m.group(2)}{policy}{m.group(2)}"

        return _CONTENT.sub(content, text, count=1)

    text = _META.sub(widen, html.decode("utf-8", errors="surrogateescape"))
    data = text.encode("utf-8", errors="surrogateescape")
    script = _RELOAD.format(nonce=nonce, build=build, events=EVENTS).encode()
    ends = list(_BODY_END.finditer(data))
    at = ends[-1].start() if ends else len(data)
    data = data[:at] + script + data[at:]
    if notice:
        start = _BODY_START.search(data)
        at = start.end() if start else 0
        data = data[:at] + notice + data[at:]
    return data


def banner(problems: tuple[P.Problem, ...], nonce: str) -> bytes:
    """The served pages' notice of the journal's check problems, escaped for HTML."""
    errors = sum(p.is_error for p in problems)
    summary = f"{errors} error{'s' * (errors != 1)}, {len(problems) - errors} warning{'s' * (len(problems) - errors != 1)}"
    lines = html_text.escape(P.format_text(problems).rstrip("\n"))
    return _BANNER.format(nonce=nonce, summary=summary, lines=lines).encode("utf-8")


class SiteServer(ThreadingHTTPServer):
    """Serves `site` (None until the first build) and the events endpoint."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, host: str, port: int) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.site: Path | None = None
        self.problems: tuple[P.Problem, ...] = ()  # the journal's check problems, for the banner
        self.builds = BuildCounter()
        self.loopback = _is_loopback(host)
        super().__init__((host, port), _Handler)
        self.port = self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}/"
        names = {"127.0.0.1", "localhost", "[::1]", shown.lower()}
        if not self.loopback:
            names |= _machine_names(host)  # still a fixed list: a rebound foreign name is refused
        self.hosts = {f"{n}:{self.port}" for n in names} | ({n for n in names} if self.port == 80 else set())

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can hang without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser closing a tab mid-request is not worth a traceback

    def built(self, site: Path) -> None:
        self.site = site
        self.builds.bump()

    def close(self) -> None:
        self.builds.close()
        self.shutdown()
        self.server_close()


def _machine_names(host: str) -> set[str]:
    """The names and addresses a browser may use to reach this machine, for the Host check
    when serving on a non-loopback address (0.0.0.0 included): the host name, its fully
    qualified name, the addresses they resolve to, and the address of the default route."""
    found: set[str] = set()
    name = socket.gethostname()
    found |= {name, name.split(".")[0]}
    try:
        for info in socket.getaddrinfo(name, None):
            found.add(str(info[4][0]))
    except OSError:
        pass
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as udp:
                udp.connect((probe, 9))  # no packet is sent: this only picks the outgoing address
                found.add(str(udp.getsockname()[0]))
        except OSError:
            pass
    if host not in ("0.0.0.0", "::"):
        found.add(host)
    return {f"[{n}]" if ":" in n else n for n in (x.lower() for x in found if x)}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"
    timeout = 2 * LONG_POLL  # an idle kept-alive connection gives its thread back

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, body: bool) -> None:
        host = (self.headers.get("Host") or "").lower()
        if host and host not in self.server.hosts:
            # Another site's page reaching this server through DNS rebinding: refuse it.
            return self._send(HTTPStatus.FORBIDDEN, b"unexpected Host header\n", "text/plain", body)
        url = urlsplit(self.path)
        if url.path == EVENTS:
            return self._events(url.query, body)
        site = self._site()
        if url.path == FAVICON and (site is None or locate(site, url.path)[0] != HTTPStatus.OK):
            return self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon", body)
        if site is None:
            page = b"<!DOCTYPE html><title>journal serve</title><p>The digest is being built; see the terminal.</p>\n"
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._html(page), "text/html", body)
        status, found = locate(site, url.path)
        if status == HTTPStatus.MOVED_PERMANENTLY:
            return self._send(status, b"", "text/plain", body, {"Location": str(found)})
        if not isinstance(found, Path):
            return self._send(status, f"{status.value} {status.phrase}\n".encode(), "text/plain", body)
        try:
            data = found.read_bytes()
        except OSError:
            return self._send(HTTPStatus.NOT_FOUND, b"404 Not Found\n", "text/plain", body)
        kind = _TYPES.get(found.suffix.lower()) or mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = self._html(data)
        self._send(HTTPStatus.OK, data, kind, body)

    def _site(self) -> Path | None:
        site = self.server.site
        # Between the two renames of a build's swap the folder is missing for an instant.
        for _ in range(25):
            if site is None or site.is_dir():
                break
            time.sleep(0.02)
        return site

    def _html(self, data: bytes) -> bytes:
        return inject_reload(data, self.server.builds.value, secrets.token_urlsafe(16), self.server.problems)

    def _events(self, query: str, body: bool) -> None:
        since = parse_qs(query).get("since", [""])[0]
        try:
            current = self.server.builds.wait_change(int(since), LONG_POLL)
        except ValueError:
            current = self.server.builds.value
        self._send(HTTPStatus.OK, json.dumps({"build": current}).encode(), "application/json", body)

    def _send(self, status: HTTPStatus, data: bytes, kind: str, body: bool,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if kind.startswith(_TEXT) else ""
        headers = {"Content-Type": kind + charset, "Content-Length": str(len(data)), "Cache-Control": "no-store",
                   "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", **(extra or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)


def open_server(host: str, port: int) -> SiteServer:
    """Bind the server (not yet serving); a port in use is a JournalError."""
    try:
        return SiteServer(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise JournalError(f"port {port} on {host} is already in use",
                               hint="stop what is using it, or pick another with --port N (0: any free port)") from None
        if exc.errno == errno.EACCES:
            raise JournalError(f"not allowed to listen on port {port}",
                               hint="ports below 1024 need privileges; pick another with --port N") from None
        raise JournalError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                           hint="--host takes an address of this machine, e.g. 127.0.0.1") from None


def serve_journal(root: Path, report: Report, *, host: str = "127.0.0.1", port: int = 8000,
                  out: Path | None = None, clock: Callable[[], Any] = minute_clock) -> None:
    """Serve the digest and rebuild it as the journal changes, until interrupted
    (KeyboardInterrupt reaches the caller). `report` also receives Serving first."""
    server = open_server(host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="journal-serve", daemon=True)
    thread.start()

    def relay(event: Any) -> None:
        if isinstance(event, Checked):
            # Before the build that follows: the reloaded pages already carry the banner.
            server.problems = event.current
        report(event)

    try:
        report(Serving(server.url, server.loopback))
        watch_journal(root, relay, out=out, clock=clock, on_build=server.built)
    finally:
        server.close()
