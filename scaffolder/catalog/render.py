"""HTML for the catalog's pages. Every value from a contract or a report is escaped here.

Contracts are untrusted input (any team can open a PR), so nothing from them
reaches the page without `html.escape`, and the index's filter data lives in
escaped `data-` attributes rather than in script.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from html import escape
from typing import Any

from scaffolder.catalog.collect import Health
from scaffolder.catalog.history import Version
from scaffolder.catalog.lineage import Graph, impacted
from scaffolder.contract.model import Contract, Field, QualityCheck
from scaffolder.report.words import plural


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


@dataclass
class Site:
    """What every page needs to know about the rest of the site."""

    title: str
    graph: Graph
    slugs: dict[str, str]  # product name -> page slug
    health: dict[str, Health]
    today: dt.date
    upstream_of: dict[str, list[str]]  # node -> its producers
    sla: set[str] = field(default_factory=set)  # products with an SLA health page (health/<slug>.html)

    def page(self, name: str, prefix: str = "") -> str | None:
        slug = self.slugs.get(self.graph.canonical(name))
        return f"{prefix}{slug}.html" if slug else None


def layout(site: Site, title: str, body: str, root: str, current: str = "") -> str:
    nav = [("index.html", "Products", "products"), ("lineage.html", "Lineage graph", "lineage")]
    if site.sla:
        nav.append(("health.html", "SLA health", "health"))
    here = ' aria-current="page"'
    links = "".join(f'<a href="{root}{href}"{here if key == current else ""}>{label}</a>' for href, label, key in nav)
    return (
        "<!doctype html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{e(title)}</title><link rel="stylesheet" href="{root}assets/catalog.css"></head>'
        f'<body><header class="top"><a class="brand" href="{root}index.html">{e(site.title)}</a><nav>{links}</nav></header>'
        f'<main>{body}</main><footer>Built from the mesh\'s contracts by scaffolder on {e(site.today.isoformat())}.</footer>'
        f"</body></html>\n"
    )


# --- badges -------------------------------------------------------------------

def status_badge(c: Contract) -> str:
    return f'<span class="badge status-{e(c.status)}">{e(c.status)}</span>'


def health_badge(h: Health | None) -> str:
    if h is None:
        return '<span class="badge health-unknown" title="no data check report was given">no report</span>'
    label = {"healthy": "healthy", "failing": "failing", "invalid": "invalid"}[h.status]
    return f'<span class="badge health-{h.status}" title="{e(h.summary)}">{label} · {e(h.summary)}</span>'


def pii_badge(c: Contract) -> str:
    n = len(c.pii_fields)
    return f'<span class="badge pii" title="{e(", ".join(c.pii_fields))}">PII ×{n}</span>' if n else ""


# --- index --------------------------------------------------------------------

def _options(name: str, label: str, values: list[str]) -> str:
    opts = "".join(f'<option value="{e(v)}">{e(v)}</option>' for v in values)
    return (f'<label>{label} <select id="f-{name}" data-filter="{name}"><option value="">all</option>{opts}'
            f"</select></label>")


def index_page(site: Site, contracts: list[Contract]) -> str:
    domains = sorted({c.domain for c in contracts})
    owners = sorted({c.owner for c in contracts if c.owner})
    statuses = [s for s in ("active", "draft", "deprecated", "retired") if any(c.status == s for c in contracts)]
    tags = sorted({t for c in contracts for t in c.tags})
    rows = []
    for c in contracts:
        search = " ".join([c.name, c.title or "", c.description or "", c.domain, c.owner or "", *c.tags,
                           *(f.name for f in c.fields)]).lower()
        h = site.health.get(c.name)
        attrs = {
            "data-name": c.name, "data-domain": c.domain, "data-owner": c.owner or "", "data-status": c.status,
            "data-tags": json.dumps(c.tags), "data-pii": "yes" if c.pii_fields else "no",
            "data-health": h.status if h else "unknown", "data-search": search,
        }
        tag_html = " ".join(f'<span class="tag">{e(t)}</span>' for t in c.tags)
        desc = f'<div class="desc">{e(c.title or c.description)}</div>' if (c.title or c.description) else ""
        rows.append(
            "<tr " + " ".join(f'{k}="{e(v)}"' for k, v in attrs.items()) + ">"
            f'<td><a class="product" href="products/{e(site.slugs[c.name])}.html">{e(c.name)}</a>{desc}</td>'
            f"<td>{e(c.domain)}</td><td>{e(c.owner)}</td><td>{status_badge(c)}</td><td>{e(c.version_text)}</td>"
            f"<td>{tag_html}</td><td>{pii_badge(c) or '—'}</td><td>{health_badge(h)}</td></tr>"
        )
    body = (
        f"<h1>Data products <small>({len(contracts)})</small></h1>"
        '<form class="filters" role="search" onsubmit="return false">'
        '<label class="search">Search <input id="q" type="search" placeholder="name, description, field, owner…" '
        'autocomplete="off" autofocus></label>'
        + _options("domain", "Domain", domains) + _options("owner", "Owner", owners)
        + _options("status", "Status", statuses) + _options("tag", "Tag", tags)
        + '<label>PII <select id="f-pii" data-filter="pii"><option value="">all</option>'
        '<option value="yes">has PII</option><option value="no">no PII</option></select></label>'
        '</form><p id="count" aria-live="polite">' + f"{len(contracts)} of {len(contracts)} products</p>"
        '<table id="products" class="grid"><thead><tr><th>Product</th><th>Domain</th><th>Owner</th><th>Status</th>'
        "<th>Version</th><th>Tags</th><th>PII</th><th>Health</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table>"
        '<p id="empty" hidden>No product matches these filters.</p>'
        '<script src="assets/catalog.js"></script>'
    )
    return layout(site, site.title, body, "", "products")


# --- product page -------------------------------------------------------------

def _constraints(f: Field) -> str:
    k = f.constraints
    out = []
    if k.primary_key:
        out.append("primary key")
    if k.not_null and not k.primary_key:
        out.append("not null")
    if k.unique and not k.primary_key:
        out.append("unique")
    if k.enum is not None:
        out.append("one of: " + ", ".join(json.dumps(v) if not isinstance(v, str) else v for v in k.enum))
    if k.min is not None:
        out.append(f"≥ {k.min}")
    if k.max is not None:
        out.append(f"≤ {k.max}")
    if k.min_length is not None and k.max_length is not None:
        out.append(f"length {k.min_length}..{k.max_length}")
    elif k.max_length is not None:
        out.append(f"length ≤ {k.max_length}")
    elif k.min_length is not None:
        out.append(f"length ≥ {k.min_length}")
    if k.pattern:
        out.append(f"matches {k.pattern}")
    if k.timezone:
        out.append(f"timezone {k.timezone}")
    return "".join(f"<li>{e(x)}</li>" for x in out)


def _schema(c: Contract) -> str:
    rows = []
    for f in c.fields:
        k = f.constraints
        dep = ""
        if f.deprecated:
            bits = [f"since {f.deprecated.since}" if f.deprecated.since else "",
                    f"sunset {f.deprecated.sunset}" if f.deprecated.sunset else "",
                    f"use {f.deprecated.replaced_by}" if f.deprecated.replaced_by else ""]
            dep = f'<div class="field-dep">deprecated {e(", ".join(b for b in bits if b))}</div>'
        pii = '<span class="badge pii">PII</span>' if k.pii else ""
        rows.append(
            f'<tr id="field-{e(f.name)}" class="{"deprecated" if f.deprecated else ""}"><td><code>{e(f.name)}</code>{dep}'
            + (f'<div class="renamed">renamed from <code>{e(f.renamed_from)}</code></div>' if f.renamed_from else "")
            + f"</td><td><code>{e(f.type_text)}</code></td>"
            f"<td><code>{e(f.type.duckdb() if f.type else '?')}</code></td>"
            f'<td>{"no" if k.not_null else "yes"}</td><td><ul class="plain">{_constraints(f)}</ul></td>'
            f"<td>{pii}</td><td>{e(k.masking or ('—' if not k.pii else 'none'))}</td><td>{e(f.description)}</td></tr>"
        )
    encoding = f" <small>encoding: {e(c.schema_type)}</small>" if c.schema_type else ""
    return (f'<section id="schema"><h2>Schema{encoding}</h2><table class="grid schema"><thead><tr><th>Field</th><th>Type</th>'
            "<th>DuckDB type</th><th>Nullable</th><th>Constraints</th><th>PII</th><th>Masking</th><th>Description</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>")


def _sla(c: Contract) -> str:
    if c.sla is None:
        return '<section id="sla"><h2>SLA</h2><p class="muted">No SLA stated.</p></section>'
    items = []
    if c.sla.freshness:
        items.append(("Freshness", f"within {c.sla.freshness}"))
    if c.freshness_column:
        items.append(("Freshness column", c.freshness_column))
    if c.sla.availability_text:
        items.append(("Availability", c.sla.availability_text))
    dl = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in items)
    return f'<section id="sla"><h2>SLA</h2><dl class="facts">{dl}</dl></section>'


def _check_result(q: QualityCheck, h: Health | None) -> str:
    if h is None:
        return '<td class="muted">—</td>'
    r = h.result_for(q.column, q.assertion)
    if r is None:
        return '<td class="muted">not run</td>'
    ratio = f" ({r.get('failed')}/{r.get('total')} failed)" if r.get("total") is not None else ""
    return (f'<td><span class="badge {"health-healthy" if r.get("passed") else "health-failing"}">'
            f'{"pass" if r.get("passed") else "fail"}</span>{e(ratio)}</td>')


def _quality(c: Contract, h: Health | None) -> str:
    if not c.checks:
        return '<section id="quality"><h2>Quality checks</h2><p class="muted">No quality checks declared.</p></section>'
    rows = []
    for q in c.checks:
        args = ", ".join(f"{k}={json.dumps(v, default=str)}" for k, v in q.value.items())
        rows.append(f"<tr><td>{e(q.column or '(table)')}</td><td><code>{e(q.assertion)}</code></td><td>{e(args)}</td>"
                    f"<td>{q.threshold:g}</td>{_check_result(q, h)}</tr>")
    return ('<section id="quality"><h2>Quality checks</h2><table class="grid"><thead><tr><th>Column</th><th>Assertion</th>'
            "<th>Arguments</th><th>Threshold</th><th>Last result</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></section>")


def _health(h: Health | None) -> str:
    if h is None:
        return ""
    failed = "".join(f"<li><code>{e(c.get('id'))}</code>: {e(c.get('error') or c.get('message') or 'failed')}</li>"
                     for c in h.failed)
    return (f'<section id="health"><h2>Health</h2><p>{health_badge(h)} from <code>{e(h.source)}</code>'
            f' ({e(dt.datetime.fromtimestamp(h.mtime, dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))})</p>'
            + (f'<ul class="failed">{failed}</ul>' if failed else "") + "</section>")


def _access(c: Contract) -> str:
    roles = ", ".join(f"<code>{e(r)}</code>" for r in c.roles) or '<span class="muted">none stated</span>'
    pols = ", ".join(f"<code>{e(p)}</code>" for p in c.policies) or '<span class="muted">none stated</span>'
    return f'<section id="access"><h2>Access</h2><dl class="facts"><dt>Roles</dt><dd>{roles}</dd><dt>Policies</dt><dd>{pols}</dd></dl></section>'


def _node_link(site: Site, name: str) -> str:
    page = site.page(name)
    if page:
        return f'<a class="product" href="{e(page)}">{e(site.graph.canonical(name))}</a>'
    return f'<span class="external" title="external dataset (no contract in this mesh)">{e(name)}</span>'


def _lineage(site: Site, c: Contract, svg: str) -> str:
    ups = site.upstream_of.get(c.name, [])
    downs = sorted(site.graph.edges.get(c.name, ()), key=lambda n: (n not in site.graph.products, n))
    impacts = impacted(site.graph, c.name)
    up_html = "".join(f"<li>{_node_link(site, n)}</li>" for n in ups) or '<li class="muted">none</li>'
    down_html = "".join(f"<li>{_node_link(site, n)}</li>" for n in downs) or '<li class="muted">none</li>'
    far = [i for i in impacts if i.depth > 1]
    far_html = ""
    if far:
        far_html = (f'<details class="further"{" open" if len(far) <= 10 else ""}><summary>{len(far)} further downstream '
                    "(transitively)</summary><ul>" + "".join(
                        f"<li>{_node_link(site, i.name)} <small>via {e(i.via)}, depth {i.depth}</small></li>" for i in far)
                    + "</ul></details>")
    return (f'<section id="lineage"><h2>Lineage</h2><div class="graph">{svg}</div><div class="cols"><div><h3>Reads from</h3><ul class="upstream">{up_html}</ul></div>'
            f'<div><h3>Read by</h3><ul class="downstream">{down_html}</ul></div></div>{far_html}'
            f'<p>A breaking change here reaches {len(impacts)} consumer{"s" if len(impacts) != 1 else ""} '
            f'({sum(i.is_product for i in impacts)} in this mesh). '
            f'<a href="../lineage.html#{e("node-" + site.slugs[c.name])}">See it in the whole mesh</a>.</p></section>')


def _versions(versions: list[Version] | None) -> str:
    if versions is None:
        return ""
    if not versions:
        return '<section id="versions"><h2>Versions</h2><p class="muted">No committed version yet (or not in a git repository).</p></section>'
    rows = []
    for v in versions:
        req = "first version" if v.first else (v.required or "?")
        flag = ' <span class="badge health-failing" title="the version rose less than the changes required">under-bumped</span>' if v.under_bumped else ""
        changes = ""
        if v.changes:
            changes = f'<details><summary>{len(v.changes)} change{"s" if len(v.changes) != 1 else ""}</summary><ul>' + "".join(
                f"<li>{e(x)}</li>" for x in v.changes) + "</ul></details>"
        rows.append(f'<tr><td>{e(v.version or "invalid")}</td><td>{e(v.date[:10])}</td><td><code>{e(v.commit[:10])}</code></td>'
                    f"<td>{e(v.author)}</td><td>{e(v.subject)}</td><td>{e(v.declared or '—')}</td>"
                    f'<td><span class="bump bump-{e(req.replace(" ", "-"))}">{e(req)}</span>{flag}</td><td>{changes}</td></tr>')
    return ('<section id="versions"><h2>Versions</h2><table class="grid versions"><thead><tr><th>Version</th><th>Date</th>'
            "<th>Commit</th><th>Author</th><th>Message</th><th>Declared bump</th><th>Required bump</th><th>Changes</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>")


def banners(c: Contract, today: dt.date) -> str:
    out = []
    if c.status == "deprecated":
        when = ""
        if c.sunset:
            days = (c.sunset - today).days
            when = (f" It will be retired on {c.sunset.isoformat()} (in {days} day{'s' if days != 1 else ''})."
                    if days >= 0 else f" Its sunset date, {c.sunset.isoformat()}, passed {plural(-days, 'day')} ago.")
        out.append(f'<div class="banner warn" role="alert"><strong>Deprecated.</strong>{e(when)} '
                   "Plan a move off this product.</div>")
    elif c.status == "retired":
        out.append('<div class="banner danger" role="alert"><strong>Retired.</strong> This product is no longer published.</div>')
    elif c.status == "draft":
        out.append('<div class="banner info"><strong>Draft.</strong> This contract may still change without notice.</div>')
    dep_fields = [f for f in c.fields if f.deprecated]
    if dep_fields:
        items = []
        for f in dep_fields:
            d = f.deprecated
            assert d is not None
            text = f.name + (f" (sunset {d.sunset})" if d.sunset else "") + (f" → use {d.replaced_by}" if d.replaced_by else "")
            items.append(f"<li><code>{e(text)}</code></li>")
        out.append('<div class="banner warn field-deprecations"><strong>Deprecated fields:</strong><ul>' + "".join(items) + "</ul></div>")
    return "".join(out)


def product_page(site: Site, c: Contract, svg: str, versions: list[Version] | None) -> str:
    h = site.health.get(c.name)
    owner = c.owner or ""
    owner_html = f'<a href="mailto:{e(owner)}">{e(owner)}</a>' if "@" in owner and " " not in owner else e(owner)
    tags = " ".join(f'<span class="tag">{e(t)}</span>' for t in c.tags)
    facts = [("Domain", e(c.domain)), ("Owner", owner_html), ("Version", e(c.version_text)),
             ("Status", status_badge(c)), ("Health", health_badge(h))]
    if c.name in site.sla:
        facts.append(("SLA health", f'<a href="../health/{e(site.slugs[c.name])}.html">history and error budget</a>'))
    if c.sunset:
        facts.append(("Sunset", e(c.sunset.isoformat())))
    if c.compatibility:
        facts.append(("Compatibility", e(c.compatibility)))
    if tags:
        facts.append(("Tags", tags))
    facts.append(("Contract", f"<code>{e(c.path)}</code>"))
    head = (f'<h1>{e(c.name)} {status_badge(c)} {pii_badge(c)}</h1>'
            + (f'<p class="lead">{e(c.title)}</p>' if c.title else "")
            + (f'<p class="desc">{e(c.description)}</p>' if c.description else "")
            + banners(c, site.today)
            + '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>")
    toc = ('<nav class="toc"><a href="#schema">Schema</a><a href="#sla">SLA</a><a href="#quality">Quality</a>'
           '<a href="#access">Access</a><a href="#lineage">Lineage</a>'
           + ('<a href="#versions">Versions</a>' if versions is not None else "") + '<a href="#source">Source</a></nav>')
    body = (head + toc + _schema(c) + _sla(c) + _quality(c, h) + _health(h) + _access(c) + _lineage(site, c, svg)
            + _versions(versions)
            + f'<section id="source"><h2>Source</h2><details><summary>The contract as written</summary><pre>{e(c.doc.text)}</pre></details></section>')
    return layout(site, f"{c.name} · {site.title}", body, "../")


def lineage_page(site: Site, svg: str, n_products: int, n_external: int, fit: bool) -> str:
    """The whole mesh; `fit` starts it scaled to the page width (a CSS-only toggle, no script)."""
    body = (f"<h1>Lineage graph</h1><p>{plural(n_products, 'product')} and {plural(n_external, 'external dataset')}. "
            'Boxes are products (click one to open it); dashed pills are external upstreams and downstreams; '
            'yellow boxes are deprecated; a red dashed edge closes a cycle.</p>'
            f'<input type="checkbox" id="fit"{" checked" if fit else ""}><label for="fit">fit to the page width</label>'
            f'<div class="graph whole">{svg}</div>')
    return layout(site, f"Lineage · {site.title}", body, "", "lineage")
