"""SVG charts drawn at build time: the status heatmap, goal progress and progress bars.

Every chart is plain SVG styled by class, so the page's stylesheet colours it for light
and dark mode; `standalone=True` adds a namespace and a small style sheet of its own for
an SVG file (DIGEST.md shows those as images). Status is told by colour *and* by a mark
drawn in the cell, so the heatmap reads in greyscale and for colour-blind partners.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from journal.core.states import STATUS_LABEL
from journal.core.text_safety import for_xml

CELL, GAP = 14, 3
# Marks inside a 14 × 14 cell: a tick, a clock hand, a cross, a bar, nothing, a dot.
_MARK = {
    "on_time": '<path class="mk" d="M3.5 7.5l2.5 2.5 4.5-5"/>',
    "late": '<path class="mk" d="M7 3.5V7h3"/>',
    "missed": '<path class="mk" d="M4 4l6 6M10 4l-6 6"/>',
    "paused": '<path class="mk" d="M4 7h6"/>',
    "pending": "",
    "early": '<circle class="dot" cx="7" cy="7" r="2"/>',
}

_STANDALONE_CSS = """
svg{font:11px system-ui,sans-serif;color:#1f2328}
.lbl{fill:currentColor}.grid{stroke:#8c959f;stroke-width:.5}
.c-on_time{fill:#1a7f37}.c-late{fill:#bf8700}.c-missed{fill:#cf222e}.c-early{fill:#0969da}
.c-paused{fill:#d0d7de}.c-pending{fill:none;stroke:#8c959f;stroke-dasharray:2 2}
.mk{fill:none;stroke:#fff;stroke-width:1.8;stroke-linecap:round}.c-paused+.mk{stroke:#57606a}
.dot{fill:#fff}.bar{fill:#0969da}.bar.hit{fill:#1a7f37}.target{stroke:#cf222e;stroke-dasharray:4 3}
.track{fill:#d0d7de}.fill{fill:#1a7f37}
@media (prefers-color-scheme:dark){svg{color:#e6edf3}.c-paused{fill:#484f58}}
"""


def _xml(text: Any) -> Markup:
    """Partner text for SVG: what XML 1.0 forbids removed (text_safety.for_xml), then escaped."""
    return escape(for_xml(text))


def _svg(width: float, height: float, label: str, body: str, css_class: str, standalone: bool,
         stretch: bool = False) -> Markup:
    size = f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}"'
    if stretch:
        size += ' preserveAspectRatio="none"'
    if standalone:
        # An SVG file is named by its <title>: the Nu Html Checker's SVG schema refuses
        # aria-label on <svg>, which only inline SVG in HTML allows.
        return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" {size} role="img">'
                      f'<title>{_xml(label)}</title>'
                      f'<style>{_STANDALONE_CSS.strip()}</style>{body}</svg>\n')
    return Markup(f'<svg class="{css_class}" {size} role="img" aria-label="{_xml(label)}">{body}</svg>')


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: stable bytes."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def heatmap(periods: Sequence[Mapping[str, Any]], name: str, *, strip: bool = False,
            standalone: bool = False) -> Markup:
    """One cell per period: a row per ISO year for weeks (a row per ISO week for days),
    or with `strip` a single row in order. `periods` are dicts with `period`, `status`
    and `label` (the cell's tooltip)."""
    rows: dict[str, dict[int, Mapping[str, Any]]] = {}
    for i, p in enumerate(periods):
        row, col = ("", i) if strip else _place(str(p["period"]))
        rows.setdefault(row, {})[col] = p
    if strip:
        cols, left, top = max(1, len(periods)), 0, 0
    else:
        cols, left, top = (53 if not periods or "W" in str(periods[0]["period"]) else 7), 64, 14
    width = left + cols * (CELL + GAP) - GAP
    height = top + max(1, len(rows)) * (CELL + GAP) - GAP
    parts = []
    if not strip:
        for c in range(0, cols, 4 if cols > 7 else 1):
            label = str(c + 1) if cols > 7 else "MTWTFSS"[c]
            parts.append(f'<text class="lbl" x="{_n(left + c * (CELL + GAP) + CELL / 2)}" y="10" '
                         f'text-anchor="middle">{label}</text>')
    for r, row in enumerate(sorted(rows)):
        y = top + r * (CELL + GAP)
        if row:
            parts.append(f'<text class="lbl" x="0" y="{_n(y + 11)}">{_xml(row)}</text>')
        for col, p in sorted(rows[row].items()):
            x = left + col * (CELL + GAP)
            status = str(p["status"])
            parts.append(
                f'<g transform="translate({_n(x)} {_n(y)})"><title>{_xml(p["label"])}</title>'
                f'<rect class="c-{_xml(status)}" width="{CELL}" height="{CELL}" rx="2"/>{_MARK.get(status, "")}</g>')
    counts: dict[str, int] = {}
    for p in periods:
        counts[str(p["status"])] = counts.get(str(p["status"]), 0) + 1
    summary = ", ".join(f"{n} {STATUS_LABEL.get(s, s)}" for s, n in sorted(counts.items()))
    label = f"{name}: {len(periods)} periods" + (f" ({summary})" if summary else "")
    return _svg(width, height, label, "".join(parts), "heatmap strip" if strip else "heatmap", standalone)


def _place(period: str) -> tuple[str, int]:
    if "W" in period:
        year, week = period.split("-W")
        return year, int(week) - 1
    import datetime as dt

    day = dt.date.fromisoformat(period)
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}", iso.weekday - 1


def legend(*, standalone: bool = False) -> Markup:
    parts = []
    for i, (status, text) in enumerate(STATUS_LABEL.items()):
        x = (i % 3) * 110
        y = (i // 3) * (CELL + 6)
        parts.append(f'<g transform="translate({x} {y})"><rect class="c-{status}" width="{CELL}" height="{CELL}" rx="2"/>'
                     f'{_MARK[status]}<text class="lbl" x="{CELL + 5}" y="11">{text}</text></g>')
    return _svg(330, 2 * (CELL + 6), "Legend: " + ", ".join(STATUS_LABEL.values()), "".join(parts), "legend", standalone)


def progress_bar(value: float | None, label: str) -> Markup:
    """A 100 × 8 bar for a fraction 0..1 (None draws an empty track)."""
    share = 0.0 if value is None else max(0.0, min(1.0, float(value)))
    text = f"{label}: {'no data' if value is None else f'{share * 100:.0f} %'}"
    body = '<rect class="track" width="100" height="8" rx="4"/>'
    if share > 0:
        body += f'<rect class="fill" width="{_n(share * 100)}" height="8" rx="4"/>'
    return _svg(100, 8, text, body, "pbar", False, stretch=True)


def goal_chart(series: Sequence[Mapping[str, Any]], target: float | None, unit: str, title: str,
               *, standalone: bool = False) -> Markup:
    """A bar per period (`period`, `value`) against a dashed target line."""
    width, height = 640.0, 220.0
    left, right, top, bottom = 44.0, 84.0, 14.0, 30.0
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(p["value"]) for p in series]
    peak = max([*values, target or 0.0, 1.0])
    step = _nice_step(peak / 4)
    ceiling = step * math.ceil(peak / step)
    parts = []
    for k in range(round(ceiling / step) + 1):
        tick = k * step
        y = top + plot_h - tick / ceiling * plot_h
        parts.append(f'<line class="grid" x1="{_n(left)}" x2="{_n(width - right)}" y1="{_n(y)}" y2="{_n(y)}"/>')
        parts.append(f'<text class="lbl" x="{_n(left - 4)}" y="{_n(y + 4)}" text-anchor="end">{_n(tick)}</text>')
    slot = min(plot_w / max(1, len(series)), 48.0)
    for i, p in enumerate(series):
        value = float(p["value"])
        h = max(0.0, value / ceiling * plot_h)
        hit = target is not None and value >= target
        tip = f"{p['period']}: {_n(value)} {unit}" + (f" (target {_n(target)})" if target is not None else "")
        parts.append(f'<g><title>{_xml(tip)}</title><rect class="bar{" hit" if hit else ""}" x="{_n(left + i * slot + slot * 0.1)}" '
                     f'y="{_n(top + plot_h - h)}" width="{_n(max(slot * 0.8, 0.5))}" height="{_n(h)}"/></g>')
    if series:
        ticks = sorted({0, len(series) - 1, *range(0, len(series), max(1, math.ceil(len(series) / 6)))})
        for i in ticks:
            if i != len(series) - 1 and len(series) - 1 - i < max(1, math.ceil(len(series) / 6)) * 0.6:
                continue  # too close to the last label
            x = left + i * slot + slot / 2
            parts.append(f'<text class="lbl" x="{_n(x)}" y="{_n(height - 10)}" text-anchor="middle">'
                         f'{_xml(p_short(series[i]["period"]))}</text>')
    if target is not None:
        y = top + plot_h - target / ceiling * plot_h
        parts.append(f'<line class="target" x1="{_n(left)}" x2="{_n(width - right)}" y1="{_n(y)}" y2="{_n(y)}"/>')
        parts.append(f'<text class="lbl" x="{_n(width - right + 4)}" y="{_n(y + 4)}">target {_n(target)}</text>')
    if not series:
        parts.append(f'<text class="lbl" x="{_n(width / 2)}" y="{_n(height / 2)}" text-anchor="middle">no values logged yet</text>')
    hits = sum(1 for v in values if target is not None and v >= target)
    label = f"{title}: {len(series)} values logged" + (f", {hits} at or above the target of {_n(target)} {unit}" if target is not None else "")
    return _svg(width, height, label, "".join(parts), "chart", standalone)


def p_short(period: Any) -> str:
    text = str(period)
    return text[2:] if len(text) == 8 else text


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)
