"""`scaffolder catalog build`: a static site from the mesh's contracts (GitHub Pages ready).

Relative links only, no CDN, no server: the site works from `file://`, from a
Pages sub-path, or from any static host. The lineage graph is SVG drawn here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from scaffolder.catalog import graph_svg, render
from scaffolder.catalog.collect import Health
from scaffolder.catalog.health_pages import SlaView, write_pages
from scaffolder.catalog.history import Version
from scaffolder.catalog.lineage import build_graph
from scaffolder.contract.model import Contract
from scaffolder.fsutil import atomic_write
from scaffolder.report.redact import redact

ASSETS = ("catalog.css", "catalog.js")
FIT_UP_TO = 2800  # px: a wider graph starts at full size (scroll), else scaled to the page width
MARKER = ".scaffolder-catalog"  # marks a folder this command built, so a rebuild may clear it


@dataclass
class Built:
    out: Path
    pages: int
    products: int
    external: int
    files: list[Path] = field(default_factory=list)


def slugs(contracts: list[Contract]) -> dict[str, str]:
    """A file name per product: its name where safe, made unique."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for c in contracts:
        base = re.sub(r"[^A-Za-z0-9_.-]", "_", c.name).strip(".") or "product"
        slug, n = base, 2
        while slug.lower() in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug.lower())
        out[c.name] = slug
    return out


def _write(path: Path, text: str, files: list[Path]) -> None:
    atomic_write(path, redact(text))
    files.append(path)


def build_site(contracts: list[Contract], out: str | Path, *, title: str = "Data mesh catalog",
               health: dict[str, Health] | None = None, histories: dict[str, list[Version]] | None = None,
               today: dt.date | None = None, sla: SlaView | None = None) -> Built:
    """Write index.html, lineage.html, products/<name>.html, catalog.json and the assets into `out`.

    `histories` is None when versions are not wanted (a product then has no Versions section).
    """
    out = Path(out)
    contracts = sorted(contracts, key=lambda c: c.name)
    graph = build_graph(contracts)
    names = slugs(contracts)
    upstream_of: dict[str, list[str]] = {}
    for src, targets in graph.edges.items():
        for t in targets:
            upstream_of.setdefault(t, []).append(src)
    for k in upstream_of:
        upstream_of[k].sort(key=lambda n: (n not in graph.products, n))
    site = render.Site(title, graph, names, health or {}, today or dt.date.today(), upstream_of)
    if sla is not None:
        site.sla = {h.product for h in sla.items if h.product in names}
    externals = sorted({n for s, ts in graph.edges.items() for n in (s, *ts) if n not in graph.products})
    ext_ids = {n: f"ext-{i}" for i, n in enumerate(externals)}

    def node_id(name: str) -> str:
        return f"node-{names[name]}" if name in names else ext_ids.get(name, "ext")

    (out / "products").mkdir(parents=True, exist_ok=True)
    (out / "assets").mkdir(exist_ok=True)
    files: list[Path] = []
    for asset in ASSETS:
        src = resources.files("scaffolder.catalog").joinpath("assets", asset)
        _write(out / "assets" / asset, src.read_text("utf-8"), files)
    _write(out / ".nojekyll", "", files)
    _write(out / MARKER, "built by `scaffolder catalog build`; rebuilt in place\n", files)
    _write(out / "index.html", render.index_page(site, contracts), files)
    lay = graph_svg.layout(graph)
    whole = graph_svg.render(lay, lambda n: site.page(n, "products/"), node_id, title="Lineage of the whole mesh")
    fit = lay.width <= FIT_UP_TO
    _write(out / "lineage.html", render.lineage_page(site, whole, len(contracts), len(externals), fit), files)
    for c in contracts:
        small = graph_svg.render(graph_svg.layout(graph_svg.neighbourhood(graph, c.name, upstream_of)),
                                 lambda n: site.page(n), lambda n: "p-" + node_id(n), center=c.name,
                                 title=f"Lineage of {c.name}")
        versions = None if histories is None else histories.get(c.name, [])
        _write(out / "products" / f"{names[c.name]}.html", render.product_page(site, c, small, versions), files)
    _write(out / "catalog.json", json.dumps(catalog_json(site, contracts), indent=1) + "\n", files)
    if sla is not None:
        write_pages(site, sla, out, files)
    return Built(out, len(contracts) + 2, len(contracts), len(externals), files)


def catalog_json(site: render.Site, contracts: list[Contract]) -> dict:
    """The index as data, for other tools (and for scripts that want to search without a browser)."""
    return {"products": [{
        "name": c.name, "domain": c.domain, "owner": c.owner, "version": c.version_text, "status": c.status,
        "sunset": c.sunset.isoformat() if c.sunset else None, "tags": c.tags, "pii": c.pii_fields,
        "page": f"products/{site.slugs[c.name]}.html", "upstream": c.upstream, "downstream": c.downstream,
        "health": site.health[c.name].status if c.name in site.health else None,
    } for c in contracts]}


def clean(out: Path) -> None:
    """Remove a previous build's pages so deleted products do not linger.

    Only in a folder a previous build marked: `--out .` by mistake must never delete a
    repository's own `products/` or `assets/`.
    """
    from scaffolder.errors import UsageError

    if not out.exists():
        return
    if not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    if not (out / MARKER).is_file():
        if any(out.iterdir()):
            raise UsageError(f"--out {out}: the folder is not empty and was not built by `scaffolder catalog build`; "
                             "give an empty or new folder")
        return
    for sub in ("products", "assets", "health"):
        if (out / sub).is_dir():
            shutil.rmtree(out / sub)
