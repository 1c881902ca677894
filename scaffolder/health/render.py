"""The health report as text, JSON and Markdown (one table, then what is breached and why).

Names and samples come from the store, which any job can write: control
characters are escaped for the terminal, and `|`/backticks for Markdown.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from scaffolder.contract.units import humanize
from scaffolder.health.sla import ProductHealth, pct

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe(text: Any) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def md(text: Any) -> str:
    return safe(text).replace("|", "\\|").replace("`", "'").replace("<", "&lt;")


def stamp(epoch: float | None) -> str:
    if epoch is None:
        return "—"
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def budget(value: float | None) -> str:
    """Error budget left as a share; once overspent, how many budgets were spent (easier to read)."""
    if value is None:
        return "n/a"
    return f"{value * 100:.1f}%" if value >= 0 else f"overspent ({1 - value:.1f}× the budget)"


def _row(h: ProductHealth) -> tuple[str, ...]:
    return (h.product, pct(h.freshness), pct(h.availability), f"{h.objective:g}%", budget(h.budget_left),
            h.trend, str(h.runs), "BREACHED" if h.breached else "ok")


HEAD = ("product", "freshness", "availability", "objective", "budget left", "trend", "runs", "SLA")


def to_json(items: list[ProductHealth], *, now: float, window: float, store: str) -> dict[str, Any]:
    return {"now": dt.datetime.fromtimestamp(now, dt.UTC).isoformat(), "window_seconds": window,
            "store": store, "breached": sum(h.breached for h in items),
            "products": [h.to_json() for h in items]}


def render_text(items: list[ProductHealth], *, now: float, window: float, store: str) -> str:
    lines = [f"SLA health over the last {humanize(int(window))} to {stamp(now)} (store {safe(store)})", ""]
    if not items:
        return "\n".join([*lines, "no recorded runs in the window"])
    rows = [HEAD, *[tuple(safe(v) for v in _row(h)) for h in items]]
    widths = [min(48, max(len(r[i]) for r in rows)) for i in range(len(HEAD))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    for h in items:
        weak = [c for c in h.checks if c.rate < 1]
        if not (h.breached or weak or h.failing):
            continue
        lines += ["", f"{safe(h.product)}:"]
        lines += [f"  breached: {b}" for b in h.breaches]
        lines += [f"  check {safe(c.id)}: passed {c.passed}/{c.runs} runs ({pct(c.rate)})" for c in weak]
        for s in h.failing:
            sample = f"; samples: {', '.join(safe(repr(x)) for x in s.samples)}" if s.samples else ""
            lines.append(f"  last failure of {safe(s.check_id)} at {stamp(s.at)}: {s.failed}/{s.total}{sample}")
    breached = sum(h.breached for h in items)
    lines += ["", f"{len(items)} product{'s' if len(items) != 1 else ''}: "
              + (f"{breached} breached" if breached else "every SLA met")]
    return "\n".join(lines)


def render_markdown(items: list[ProductHealth], *, now: float, window: float, store: str) -> str:
    breached = sum(h.breached for h in items)
    icon = "❌" if breached else "✅"
    lines = [f"### {icon} SLA health: last {humanize(int(window))} to {stamp(now)}", "",
             "| " + " | ".join(HEAD) + " |", "|---|---:|---:|---:|---:|---|---:|---|"]
    for h in items:
        cells = list(_row(h))
        cells[0] = f"`{md(cells[0])}`"
        cells[-1] = "**BREACHED**" if h.breached else "ok"
        lines.append("| " + " | ".join(cells) + " |")
    notes = [h for h in items if h.breached]
    if notes:
        lines.append("")
    for h in notes:
        lines.append(f"- `{md(h.product)}`: " + "; ".join(md(b) for b in h.breaches))
    if not items:
        lines += ["", "No recorded runs in the window."]
    return "\n".join(lines)
