"""The mesh's lineage graph drawn to SVG at build time: pure Python, no script, works offline.

Layout is the classic layered one (Sugiyama, simplified): cycles are broken by
dropping back edges found by a depth-first search, each node goes to the layer
of its longest path from a source, edges spanning several layers get invisible
waypoints, and a few barycenter sweeps order each layer to cut crossings.
Products are solid boxes linking to their pages; external datasets (upstreams
and downstreams no contract defines) are dashed pills.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from scaffolder.catalog.lineage import Graph

NODE_W = 230
NODE_H = 42
DUMMY_H = 10
LAYER_GAP = 90
ROW_GAP = 14
MARGIN = 24
MAX_CHARS = 31
SWEEPS = 4


@dataclass
class Node:
    name: str
    is_product: bool
    status: str = "active"
    domain: str = ""
    layer: int = 0
    x: float = 0.0
    y: float = 0.0
    h: float = NODE_H
    dummy: bool = False


@dataclass
class Edge:
    source: str
    target: str
    points: list[tuple[float, float]] = field(default_factory=list)
    cycle: bool = False  # a back edge: drawn, but ignored by the layering


@dataclass
class Layout:
    nodes: dict[str, Node]
    edges: list[Edge]
    width: float
    height: float


def _edges(graph: Graph) -> list[tuple[str, str]]:
    return sorted((src, dst) for src, targets in graph.edges.items() for dst in targets if src != dst)


def _back_edges(names: list[str], succ: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Edges that close a cycle, found by an iterative depth-first search."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    back: set[tuple[str, str]] = set()
    for root in names:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(succ.get(root, ())))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(succ.get(nxt, ()))))
    return back


def layout(graph: Graph) -> Layout:
    """Place every product and every dataset an edge names, and route every edge."""
    pairs = _edges(graph)
    names = set(graph.products)
    for s, t in pairs:
        names.update((s, t))
    ordered_names = sorted(names, key=lambda n: (n not in graph.products, n))
    nodes: dict[str, Node] = {}
    for n in ordered_names:
        c = graph.products.get(n)
        nodes[n] = Node(n, c is not None, c.status if c else "external", c.domain if c else "")
    succ: dict[str, list[str]] = {}
    for s, t in pairs:
        succ.setdefault(s, []).append(t)
    back = _back_edges(ordered_names, succ)
    forward = [(s, t) for s, t in pairs if (s, t) not in back]
    # longest path layering over the acyclic edges (Kahn's order)
    indeg = {n: 0 for n in nodes}
    fsucc: dict[str, list[str]] = {}
    for s, t in forward:
        indeg[t] += 1
        fsucc.setdefault(s, []).append(t)
    queue = [n for n in ordered_names if indeg[n] == 0]
    i = 0
    while i < len(queue):
        n = queue[i]
        i += 1
        for t in fsucc.get(n, ()):
            nodes[t].layer = max(nodes[t].layer, nodes[n].layer + 1)
            indeg[t] -= 1
            if indeg[t] == 0:
                queue.append(t)
    # pull sources with a single consumer next to it (an external upstream sits just left of its reader)
    targets = {t for _, t in forward}
    for n in ordered_names:
        outs = fsucc.get(n, [])
        if n not in targets and outs:
            nodes[n].layer = max(nodes[n].layer, min(nodes[t].layer for t in outs) - 1)
    edges: list[Edge] = []
    chains: list[list[str]] = []
    for s, t in pairs:
        a, b = (s, t)
        if (s, t) in back:
            edges.append(Edge(s, t, cycle=True))
            chains.append([s, t])
            continue
        chain = [a]
        for layer in range(nodes[a].layer + 1, nodes[b].layer):
            d = f"\x00{a}\x00{b}\x00{layer}"
            nodes[d] = Node(d, False, dummy=True, layer=layer, h=DUMMY_H)
            chain.append(d)
        chain.append(b)
        edges.append(Edge(s, t))
        chains.append(chain)
    layers = _order(nodes, chains)
    width, height = _place(nodes, layers)
    for edge, chain in zip(edges, chains, strict=True):
        edge.points = [(nodes[n].x, nodes[n].y + nodes[n].h / 2) for n in chain]
    return Layout({k: v for k, v in nodes.items() if not v.dummy} | {k: v for k, v in nodes.items() if v.dummy},
                  edges, width, height)


def _order(nodes: dict[str, Node], chains: list[list[str]]) -> list[list[str]]:
    """Barycenter sweeps: each node moves towards the mean position of its neighbours."""
    depth = max((n.layer for n in nodes.values()), default=0) + 1
    layers: list[list[str]] = [[] for _ in range(depth)]
    for name, n in nodes.items():  # insertion order: products by name first, then externals
        layers[n.layer].append(name)
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for chain in chains:
        for a, b in zip(chain, chain[1:], strict=False):
            if nodes[a].layer < nodes[b].layer:
                down.setdefault(a, []).append(b)
                up.setdefault(b, []).append(a)
    pos = {name: i for layer in layers for i, name in enumerate(layer)}

    def sweep(seq: range, neighbours: dict[str, list[str]]) -> None:
        for li in seq:
            layer = layers[li]

            def key(name: str, layer: list[str] = layer) -> float:
                ns = neighbours.get(name)
                return sum(pos[x] for x in ns) / len(ns) if ns else pos[name]

            layer.sort(key=key)
            for i, name in enumerate(layer):
                pos[name] = i

    for _ in range(SWEEPS):
        sweep(range(1, depth), up)
        sweep(range(depth - 2, -1, -1), down)
    return layers


def _place(nodes: dict[str, Node], layers: list[list[str]]) -> tuple[float, float]:
    heights = [sum(nodes[n].h + ROW_GAP for n in layer) - ROW_GAP for layer in layers]
    tallest = max(heights, default=0)
    for li, layer in enumerate(layers):
        y = MARGIN + (tallest - heights[li]) / 2  # centre each column
        for name in layer:
            n = nodes[name]
            n.x = MARGIN + li * (NODE_W + LAYER_GAP)
            n.y = y
            y += n.h + ROW_GAP
    width = 2 * MARGIN + len(layers) * (NODE_W + LAYER_GAP) - LAYER_GAP
    return max(width, 2 * MARGIN + NODE_W), 2 * MARGIN + max(tallest, NODE_H)


def _short(text: str, limit: int = MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _path(points: list[tuple[float, float]], cycle: bool) -> str:
    (x0, y0) = points[0]
    x0 += NODE_W
    if cycle:  # a back edge goes around: out of the right side, into the left side, arching below
        x1, y1 = points[-1]
        low = max(y0, y1) + NODE_H
        return f"M{x0:.0f},{y0:.0f} C{x0 + 60:.0f},{low:.0f} {x1 - 60:.0f},{low:.0f} {x1:.0f},{y1:.0f}"
    out = [f"M{x0:.0f},{y0:.0f}"]
    prev = (x0, y0)
    for i, (x, y) in enumerate(points[1:], start=1):
        last = i == len(points) - 1
        end_x = x if last else x + NODE_W / 2
        dx = (end_x - prev[0]) / 2
        out.append(f"C{prev[0] + dx:.0f},{prev[1]:.0f} {end_x - dx:.0f},{y:.0f} {end_x:.0f},{y:.0f}")
        prev = (end_x, y)
    return " ".join(out)


STYLE = """
.lg text{font:12px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#1f2328}
.lg .name{font-weight:600}
.lg .sub{fill:#59636e;font-size:11px}
.lg .node rect{fill:#ddf4ff;stroke:#0969da;stroke-width:1.2}
.lg .node.deprecated rect{fill:#fff8c5;stroke:#9a6700}
.lg .node.retired rect{fill:#f6f8fa;stroke:#818b98}
.lg .node.draft rect{stroke-dasharray:4 3}
.lg .node.external rect{fill:#fff;stroke:#818b98;stroke-dasharray:5 3}
.lg .node.center rect{stroke-width:3}
.lg a:hover rect,.lg a:focus rect{fill:#b6e3ff}
.lg .edge{fill:none;stroke:#8c959f;stroke-width:1.3}
.lg .edge.cycle{stroke:#cf222e;stroke-dasharray:4 3}
.lg .node:target rect{stroke:#cf222e;stroke-width:3}
"""


def render(lay: Layout, href: Callable[[str], str | None], node_id: Callable[[str], str],
           center: str | None = None, title: str = "Lineage graph") -> str:
    """An inline SVG document; every product node links to `href(name)`."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lg" role="img" width="{lay.width:.0f}" height="{lay.height:.0f}" '
        f'viewBox="0 0 {lay.width:.0f} {lay.height:.0f}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8c959f"/></marker></defs>',
        '<g class="edges">',
    ]
    for e in lay.edges:
        cls = "edge cycle" if e.cycle else "edge"
        parts.append(f'<path class="{cls}" d="{_path(e.points, e.cycle)}" marker-end="url(#arrow)">'
                     f"<title>{escape(e.source)} → {escape(e.target)}</title></path>")
    parts.append('</g><g class="nodes">')
    for n in lay.nodes.values():
        if n.dummy:
            continue
        classes = ["node", n.status if n.is_product else "external"] + (["center"] if n.name == center else [])
        radius = 6 if n.is_product else NODE_H / 2
        sub = (f"{n.domain} · {n.status}" if n.status != "active" else n.domain) if n.is_product else "external dataset"
        body = (f'<rect x="{n.x:.0f}" y="{n.y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="{radius:.0f}"/>'
                f'<text class="name" x="{n.x + 12:.0f}" y="{n.y + 18:.0f}">{escape(_short(n.name))}</text>'
                f'<text class="sub" x="{n.x + 12:.0f}" y="{n.y + 33:.0f}">{escape(_short(sub, 36))}</text>'
                f"<title>{escape(n.name)}</title>")
        link = href(n.name) if n.is_product else None
        gid = escape(node_id(n.name))
        if link:
            parts.append(f'<a href="{escape(link)}" class="{" ".join(classes)}" id="{gid}">{body}</a>')
        else:
            parts.append(f'<g class="{" ".join(classes)}" id="{gid}">{body}</g>')
    parts.append("</g></svg>")
    return "".join(parts)


def neighbourhood(graph: Graph, name: str, upstream_of: dict[str, list[str]]) -> Graph:
    """A product, what it reads and who reads it: the small graph on its own page.

    Built from the product's own edges (`upstream_of` is the reversed edge map), so a
    page costs the same in a mesh of 50 products or of 5,000.
    """
    small = Graph()
    for up in upstream_of.get(name, ()):
        small.edges.setdefault(up, set()).add(name)
    if graph.edges.get(name):
        small.edges[name] = set(graph.edges[name])
    nodes = {name, *small.edges, *(t for ts in small.edges.values() for t in ts)}
    small.products = {n: graph.products[n] for n in nodes if n in graph.products}
    return small
