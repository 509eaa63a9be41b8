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

from journal.core.humanize import counted
from journal.core.states import STATUS_LABEL
from journal.core.text_safety import for_xml

CELL, GAP = 14, 3
COMPACT_PERIODS = 25  # at most this many periods in the overview's small chart (294 px wide)
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
.band-missed{fill:#cf222e;fill-opacity:.16}.band-paused{fill:#d0d7de;fill-opacity:.6}
.gm-missed{fill:none;stroke:#cf222e;stroke-width:2;stroke-linecap:round}
.gm-paused{fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round}
.ms path,path.ms{stroke:currentColor;stroke-width:1.2;fill:#fff}.ms-done path{fill:#1a7f37}
@media (prefers-color-scheme:dark){svg{color:#e6edf3}.c-paused{fill:#484f58}}
"""


MARKER = "<!-- Built by journal digest; do not edit. -->"


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
        # MARKER tells journal's writers the file is theirs to replace (digest/committed.py).
        return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" {size} role="img">'
                      f'{MARKER}<title>{_xml(label)}</title>'
                      f'<style>{_STANDALONE_CSS.strip()}</style>{body}</svg>\n')
    return Markup(f'<svg class="{css_class}" {size} role="img" aria-label="{_xml(label)}">{body}</svg>')


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: stable bytes."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def heatmap(periods: Sequence[Mapping[str, Any]], name: str, *, strip: bool = False,
            standalone: bool = False) -> Markup:
    """One cell per period, laid out like a calendar: a row per quarter for weeks (ISO
    weeks 1–13, 14–26, 27–39 and 40–53), a row per ISO week for days, or with `strip` a
    single row in order. A quarter's row is 14 cells wide, so years of weeks keep cells of
    full size on a phone instead of shrinking a 53-week row. `periods` are dicts with
    `period`, `status` and `label` (the cell's tooltip)."""
    rows: dict[str, dict[int, Mapping[str, Any]]] = {}
    for i, p in enumerate(periods):
        row, col = ("", i) if strip else _place(str(p["period"]))
        rows.setdefault(row, {})[col] = p
    if strip:
        cols, left, top = max(1, len(periods)), 0, 0
    else:
        weekly = not periods or "W" in str(periods[0]["period"])
        cols, left, top = (14, 64, 0) if weekly else (7, 72, 14)
    width = left + cols * (CELL + GAP) - GAP
    height = top + max(1, len(rows)) * (CELL + GAP) - GAP
    parts = []
    if top:  # days: a heading per weekday
        for c in range(cols):
            label = "MTWTFSS"[c]
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
    label = f"{name}: {counted(len(periods), 'period')}" + (f" ({summary})" if summary else "")
    return _svg(width, height, label, "".join(parts), "heatmap strip" if strip else "heatmap", standalone)


def _place(period: str) -> tuple[str, int]:
    if "W" in period:
        year, week = period.split("-W")
        quarter = min(3, (int(week) - 1) // 13)
        return f"{year} Q{quarter + 1}", int(week) - 1 - 13 * quarter
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


def goal_chart(goal: Mapping[str, Any], *, compact: bool = False, standalone: bool = False) -> Markup:
    """A goal's life as bars, one place per period (`goal["timeline"]`): the value logged
    against the dashed target line, missed and paused periods marked where they fell,
    milestones as diamonds over the period they are due in, axes titled with the unit and
    a legend. `compact` draws the overview's small version: the latest COMPACT_PERIODS
    periods, always 294 px wide."""
    measure = goal.get("measure") or {}
    unit, target, per = str(measure.get("metric") or ""), measure.get("target"), measure.get("per") or "period"
    line = list(goal.get("timeline") or [])
    if compact:
        line = line[-COMPACT_PERIODS:]  # the overview's chart keeps its size: the latest periods
    n = max(1, len(line))
    left, right, top = (34.0, 8.0, 16.0) if compact else (52.0, 12.0, 18.0)
    slot = max(plot_slot := (252.0 if compact else 560.0) / n, 10.0)
    plot_w = slot * n if slot > plot_slot else (252.0 if compact else 560.0)
    plot_h = 70.0 if compact else 150.0
    width = left + plot_w + right
    axis_y = top + plot_h
    key, rows = _chart_legend(left, axis_y + 40, width - left, target, unit, compact)
    height = axis_y + 40 + rows * 16
    values = [float(p["value"]) for p in line if p["value"] is not None]
    peak = max([*values, float(target or 0.0), 1.0])
    step = _nice_step(peak / (2 if compact else 4))
    ceiling = step * math.ceil(peak / step)

    def y_of(v: float) -> float:
        return axis_y - v / ceiling * plot_h

    parts = []
    for k in range(round(ceiling / step) + 1):
        y = y_of(k * step)
        parts.append(f'<line class="grid" x1="{_n(left)}" x2="{_n(left + plot_w)}" y1="{_n(y)}" y2="{_n(y)}"/>')
        parts.append(f'<text class="lbl" x="{_n(left - 4)}" y="{_n(y + 4)}" text-anchor="end">{_n(k * step)}</text>')
    # The y axis says what is counted, per what.
    parts.append(f'<text class="lbl" x="0" y="{_n(top - 6)}">{_xml(unit)}</text>')
    for i, p in enumerate(line):
        x = left + i * slot
        status, value = p.get("status"), p.get("value")
        words = STATUS_LABEL.get(status, "no check-in due") if status else "no check-in due"
        tip = f"{p['period']}: " + (f"{_n(float(value))} {unit}" if value is not None else "nothing logged")
        tip += f", check-in {words}" + (f" (target {_n(float(target))} {unit})" if target is not None else "")
        body = ""
        if status in ("missed", "paused"):
            # A band the plot's full height: the period is there, and what happened is plain.
            body += (f'<rect class="band-{status}" x="{_n(x + 0.5)}" y="{_n(top)}" width="{_n(slot - 1)}" '
                     f'height="{_n(plot_h)}"/>')
            cx, cy = x + slot / 2, axis_y - 7
            body += (f'<path class="gm-{status}" d="M{_n(cx - 4)} {_n(cy - 4)}l8 8M{_n(cx + 4)} {_n(cy - 4)}l-8 8"/>'
                     if status == "missed" else f'<path class="gm-{status}" d="M{_n(cx - 4)} {_n(cy)}h8"/>')
        if value is not None:
            # A zero logged still shows: a sliver on the axis, unlike a period with no value.
            h = max(1.5, float(value) / ceiling * plot_h)
            hit = target is not None and float(value) >= float(target)
            body += (f'<rect class="bar{" hit" if hit else ""}" x="{_n(x + slot * 0.15)}" y="{_n(axis_y - h)}" '
                     f'width="{_n(slot * 0.7)}" height="{_n(h)}"/>')
        parts.append(f'<g class="pd s-{_xml(status or "none")}"><title>{_xml(tip)}</title>{body}</g>')
    # Evenly spaced period labels: every k-th period from the first, k fitting the width.
    if line:
        room = max(1, int(plot_w // (34 if compact else 44)))
        every = max(1, math.ceil(n / room))
        for i in range(0, n, every):
            parts.append(f'<text class="lbl" x="{_n(left + i * slot + slot / 2)}" y="{_n(axis_y + 14)}" '
                         f'text-anchor="middle">{_xml(_tick(str(line[i]["period"])))}</text>')
        span_text = f"{_year(line[0]['period'])}–{_year(line[-1]['period'])}"
        if span_text[:4] == span_text[-4:]:
            span_text = span_text[:4]
        parts.append(f'<text class="lbl" x="{_n(left + plot_w / 2)}" y="{_n(axis_y + 29)}" text-anchor="middle">'
                     f'{_xml(per)} ({span_text})</text>')
    if target is not None:
        y = y_of(float(target))
        parts.append(f'<line class="target" x1="{_n(left)}" x2="{_n(left + plot_w)}" y1="{_n(y)}" y2="{_n(y)}"/>')
    index = {str(p["period"]): i for i, p in enumerate(line)}
    for ms in goal.get("milestones") or []:
        i = _period_of(ms.get("due"), index)
        if i is None:
            continue
        cx = left + i * slot + slot / 2
        state = "done" if ms.get("done") else "open"
        tip = f"Milestone: {ms['title']}" + (f", due {ms['due']}" if ms.get("due") else "") + \
              (f", done {ms['done']}" if ms.get("done") else "")
        parts.append(f'<g class="ms ms-{state}"><title>{_xml(tip)}</title>'
                     f'<path d="M{_n(cx)} {_n(top - 12)}l5 5l-5 5l-5-5z"/></g>')
    if not line:
        parts.append(f'<text class="lbl" x="{_n(left + plot_w / 2)}" y="{_n(top + plot_h / 2)}" '
                     f'text-anchor="middle">no periods yet</text>')
    parts.append(key)
    hits = sum(1 for v in values if target is not None and v >= float(target))
    missed = sum(1 for p in line if p.get("status") == "missed")
    paused = sum(1 for p in line if p.get("status") == "paused")
    label = (f"{goal.get('title', '')}: {counted(len(line), 'period')}, {len(values)} with a value"
             + (f", {hits} at or above the target of {_n(float(target))} {unit}" if target is not None else "")
             + f", {missed} missed, {paused} paused")
    return _svg(width, height, label, "".join(parts), "chart compact" if compact else "chart", standalone)


def _chart_legend(x: float, y: float, room: float, target: Any, unit: str, compact: bool) -> tuple[str, int]:
    """The chart's legend from (x, y), wrapped to `room`; returns it and its number of rows."""
    items = [('<rect class="bar" width="10" height="10"/>', "logged")]
    if target is not None:
        items.append(('<rect class="bar hit" width="10" height="10"/>', "target met"))
        if not compact:
            items.append(('<line class="target" x1="0" x2="12" y1="5" y2="5"/>', f"target {_n(float(target))} {unit}"))
    items += [('<rect class="band-missed" width="10" height="10"/><path class="gm-missed" d="M1 1l8 8M9 1l-8 8"/>',
               "missed"),
              ('<rect class="band-paused" width="10" height="10"/><path class="gm-paused" d="M1 5h8"/>', "paused"),
              ('<path class="ms ms-open" d="M5 0l5 5l-5 5l-5-5z"/>', "milestone")]
    parts, cx, row = [], 0.0, 0
    for mark, text in items:
        wide = 20 + 6.5 * len(text)  # a generous guess at 11 px text: labels never touch
        if cx and cx + wide > room:
            cx, row = 0.0, row + 1
        parts.append(f'<g transform="translate({_n(x + cx)} {_n(y + row * 16)})">{mark}'
                     f'<text class="lbl" x="14" y="9.5">{_xml(text)}</text></g>')
        cx += wide
    return "".join(parts), row + 1


def _period_of(day: Any, index: Mapping[str, int]) -> int | None:
    if not day:
        return None
    import datetime as dt

    date = dt.date.fromisoformat(str(day))
    iso = date.isocalendar()
    return index.get(f"{iso.year}-W{iso.week:02d}", index.get(date.isoformat()))


def _tick(period: str) -> str:
    if "W" in period:
        return period[5:]  # "W44": the axis title carries the year
    return period[5:]  # "11-20" for a day


def _year(period: Any) -> str:
    return str(period)[:4]


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)
