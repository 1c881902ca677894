"""The catalog's SLA pages from the run history: a mesh-wide scoreboard and one page per product.

Scoreboard rows are sorted by SLA risk (least error budget left first). A
product page shows its freshness lag against the SLA line over the window,
each check's pass rate and the newest failing samples. Static HTML + SVG.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from scaffolder.catalog import health_svg
from scaffolder.catalog.render import Site, e, layout
from scaffolder.contract.units import humanize
from scaffolder.fsutil import atomic_write
from scaffolder.health.render import budget, stamp
from scaffolder.health.sla import Point, ProductHealth, pct
from scaffolder.report.redact import redact


def status(h: ProductHealth) -> str:
    if h.breached:
        return '<span class="badge health-failing">SLA breached</span>'
    return '<span class="badge health-healthy">SLA met</span>'


def _window(window: float) -> str:
    return humanize(int(window))


def scoreboard(site: Site, items: list[ProductHealth], *, now: float, window: float) -> str:
    rows = []
    for h in items:
        page = site.slugs.get(h.product)
        name = f'<a class="product" href="health/{e(page)}.html">{e(h.product)}</a>' if page else e(h.product)
        rows.append(f'<tr data-product="{e(h.product)}" data-breached="{"yes" if h.breached else "no"}">'
                    f"<td>{name}</td><td>{status(h)}</td><td>{e(pct(h.freshness))}</td>"
                    f"<td>{e(pct(h.availability))}</td><td>{h.objective:g}%</td><td>{e(budget(h.budget_left))}</td>"
                    f"<td>{e(h.trend)}</td><td>{h.runs}</td><td>{e(stamp(h.last_at))}</td></tr>")
    breached = sum(h.breached for h in items)
    body = (f"<h1>SLA health <small>(last {e(_window(window))} to {e(stamp(now))})</small></h1>"
            f'<p id="sla-summary">{len(items)} products with recorded runs; '
            f"<strong>{breached} breached</strong>. Sorted by SLA risk: the least error budget left first. "
            'Counting rules: <code>docs/operating.md</code>.</p>'
            '<table id="scoreboard" class="grid"><thead><tr><th>Product</th><th>SLA</th><th>Freshness</th>'
            "<th>Availability</th><th>Objective</th><th>Budget left</th><th>Trend</th><th>Runs</th>"
            "<th>Last run</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return layout(site, f"SLA health · {site.title}", body, "", "health")


def product_health(site: Site, h: ProductHealth, points: list[Point], *, now: float, window: float) -> str:
    start = now - window
    back = site.page(h.product)
    link = f'<a href="../products/{e(back)}">contract and lineage</a>' if back else ""
    facts = [("SLA", status(h)), ("Objective", f"{h.objective:g}%"),
             ("Freshness SLA", e(humanize(int(h.freshness_sla_s))) if h.freshness_sla_s else "none stated"),
             ("Freshness compliance", e(pct(h.freshness))), ("Availability", e(pct(h.availability))),
             ("Error budget left", e(budget(h.budget_left))), ("Trend", e(h.trend)),
             ("Runs", f"{h.runs} ({h.unreadable} could not read the data)"),
             ("Last run", f"{e(stamp(h.last_at))} · {e(h.last_outcome or '—')} · contract {e(h.contract_version or '?')}")]
    breaches = "".join(f"<li>{e(b)}</li>" for b in h.breaches)
    lag = health_svg.lag_chart(points, start=start, end=now, sla_s=h.freshness_sla_s,
                               title=f"Freshness lag of {h.product} against its SLA")
    bars = health_svg.pass_bars(h.checks, f"Check pass rates of {h.product}")
    failing = []
    for s in h.failing:
        samples = ", ".join(json.dumps(x, default=str) for x in s.samples) if s.samples else "—"
        failing.append(f"<tr><td><code>{e(s.check_id)}</code></td><td>{e(stamp(s.at))}</td>"
                       f"<td>{e(s.failed)} / {e(s.total)}</td><td><code>{e(samples)}</code></td></tr>")
    failing_html = ('<table class="grid samples"><thead><tr><th>Check</th><th>Run</th><th>Failed / total</th>'
                    "<th>Samples</th></tr></thead><tbody>" + "".join(failing) + "</tbody></table>") if failing \
        else '<p class="muted">No failing check in the window.</p>'
    body = (f"<h1>{e(h.product)} <small>SLA health</small></h1>"
            f'<p>Last {e(_window(window))} to {e(stamp(now))}. {link}</p>'
            + (f'<div class="banner danger" role="alert"><strong>SLA breached.</strong><ul>{breaches}</ul></div>'
               if breaches else "")
            + '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
            + f'<section id="lag"><h2>Freshness lag</h2><div class="chart-box">{lag}</div></section>'
            + f'<section id="pass-rates"><h2>Check pass rates</h2><div class="chart-box">{bars}</div></section>'
            + f'<section id="failing"><h2>Last failing samples</h2>{failing_html}</section>')
    return layout(site, f"{h.product} SLA health · {site.title}", body, "../", "health")


@dataclass
class SlaView:
    """What the SLA pages show: the evaluated products (risk order) and their lag series."""

    items: list[ProductHealth]
    series: dict[str, list[Point]]
    now: float
    window: float

    @property
    def by_product(self) -> dict[str, ProductHealth]:
        return {h.product: h for h in self.items}


def load(url: str, *, now: float, window: float, products: list[str] | None = None) -> SlaView:
    from scaffolder.health.sla import evaluate, lag_series
    from scaffolder.health.store import open_store

    with open_store(url) as store:
        items = evaluate(store, now=now, window=window, products=products)
        series = lag_series(store, now=now, window=window, products=products)
    return SlaView(items, series, now, window)


def write_pages(site: Site, view: SlaView, out: Path, files: list[Path]) -> None:
    """health.html and health/<slug>.html for every product of the site with recorded runs."""
    (out / "health").mkdir(exist_ok=True)
    known = [h for h in view.items if h.product in site.slugs]
    for path, text in [(out / "health.html", scoreboard(site, known, now=view.now, window=view.window)),
                       *[(out / "health" / f"{site.slugs[h.product]}.html",
                          product_health(site, h, view.series.get(h.product, []), now=view.now, window=view.window))
                         for h in known]]:
        atomic_write(path, redact(text))
        files.append(path)
