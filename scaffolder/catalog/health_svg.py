"""Static SVG charts of a product's SLA history: no script, readable with JavaScript off.

- lag_chart: the worst freshness lag per time bucket as a line, the SLA as a
  dashed line, failed reads as red ticks on the time axis;
- pass_bars: one horizontal bar per check, its pass rate over the window.
Every label is SVG text (the browser test reads them); values are escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from scaffolder.health.sla import CheckRate, Point

W, H = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 24, 40


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _day(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M")


def _hours(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{round(seconds / size, 1):g}{unit}"
    return f"{seconds:.0f}s"


def lag_chart(points: list[Point], *, start: float, end: float, sla_s: float | None, title: str) -> str:
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    lags = [p.lag_s for p in points if p.lag_s is not None]
    top = max([*lags, sla_s or 0, 60.0]) * 1.15

    def x(t: float) -> float:
        return LEFT + (t - start) / max(end - start, 1) * plot_w

    def y(v: float) -> float:
        return TOP + plot_h - min(v, top) / top * plot_h

    parts = [f'<svg class="chart lag" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" '
             f'height="{H}" role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#f6f8fa" stroke="#d1d9e0"/>']
    for frac in (0, 0.5, 1):
        v = top * frac
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11">'
                     f"{_e(_hours(v))}</text>")
    parts.append(f'<text class="axis-title" x="14" y="{TOP + plot_h / 2:.0f}" font-size="11" '
                 f'transform="rotate(-90 14 {TOP + plot_h / 2:.0f})" text-anchor="middle">freshness lag</text>')
    parts.append(f'<text class="tick" x="{LEFT}" y="{H - 20}" font-size="11">{_e(_day(start))}</text>')
    parts.append(f'<text class="tick" x="{W - RIGHT}" y="{H - 20}" font-size="11" text-anchor="end">'
                 f"{_e(_day(end))} UTC</text>")
    if sla_s is not None:
        parts.append(f'<line class="sla" x1="{LEFT}" x2="{W - RIGHT}" y1="{y(sla_s):.1f}" y2="{y(sla_s):.1f}" '
                     'stroke="#cf222e" stroke-dasharray="6 4" stroke-width="1.5"/>')
        parts.append(f'<text class="sla-label" x="{W - RIGHT - 4}" y="{y(sla_s) - 5:.1f}" font-size="11" '
                     f'text-anchor="end" fill="#cf222e">SLA {_e(_hours(sla_s))}</text>')
    line = " ".join(f"{x(p.at):.1f},{y(p.lag_s):.1f}" for p in points if p.lag_s is not None)
    if line:
        parts.append(f'<polyline class="lag" points="{line}" fill="none" stroke="#0969da" stroke-width="1.5"/>')
    else:
        parts.append(f'<text x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}" text-anchor="middle" font-size="12" '
                     'fill="#59636e">no freshness observed in the window</text>')
    for p in points:
        if p.unreadable:
            parts.append(f'<line class="unreadable" x1="{x(p.at):.1f}" x2="{x(p.at):.1f}" y1="{TOP + plot_h}" '
                         f'y2="{TOP + plot_h - 8}" stroke="#cf222e" stroke-width="2"><title>{p.unreadable} failed '
                         f"read(s) near {_e(_day(p.at))}</title></line>")
    parts.append(f'<text class="legend" x="{LEFT}" y="{H - 4}" font-size="11" fill="#59636e">blue: worst lag seen; '
                 "red dashes: the SLA; red ticks: runs that could not read the data</text></svg>")
    return "".join(parts)


def pass_bars(checks: list[CheckRate], title: str) -> str:
    if not checks:
        return '<p class="muted">No check results in the window.</p>'
    row, label_w, bar_w = 22, 300, 300
    height = row * len(checks) + 8
    parts = [f'<svg class="chart pass" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 80} {height}" '
             f'width="{label_w + bar_w + 80}" height="{height}" role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>']
    for i, c in enumerate(checks):
        top = 4 + i * row
        name = c.id if len(c.id) <= 44 else c.id[:43] + "…"
        colour = "#1a7f37" if c.rate >= 1 else ("#9a6700" if c.rate >= 0.95 else "#cf222e")
        parts.append(f'<text class="check" x="{label_w - 8}" y="{top + 14}" font-size="11" text-anchor="end">'
                     f"<title>{_e(c.id)}</title>{_e(name)}</text>")
        parts.append(f'<rect x="{label_w}" y="{top + 3}" width="{bar_w}" height="14" fill="#eaeef2"/>')
        parts.append(f'<rect class="bar" x="{label_w}" y="{top + 3}" width="{bar_w * c.rate:.1f}" height="14" fill="{colour}"/>')
        parts.append(f'<text class="rate" x="{label_w + bar_w + 6}" y="{top + 14}" font-size="11">'
                     f"{c.rate * 100:.1f}% ({c.passed}/{c.runs})</text>")
    parts.append("</svg>")
    return "".join(parts)
