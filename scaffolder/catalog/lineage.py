"""The mesh's lineage graph from its contracts, and who a change to a product touches.

A consumer of product P is any contract whose `lineage.upstream` names P, plus
every name in P's own `lineage.downstream`. Impact follows consumers
transitively, so a break in `orders` also reaches whoever reads `billing`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from scaffolder.contract.model import Contract


@dataclass
class Graph:
    """Directed edges producer -> consumer; nodes are product names or external dataset names."""

    edges: dict[str, set[str]] = field(default_factory=dict)
    products: dict[str, Contract] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # alternative spelling -> product name

    def canonical(self, name: str) -> str:
        return self.aliases.get(name, name)

    def add(self, producer: str, consumer: str) -> None:
        self.edges.setdefault(self.canonical(producer), set()).add(self.canonical(consumer))


def names_of(c: Contract) -> set[str]:
    """How other contracts may refer to a product: its name, or domain.product."""
    return {c.name, f"{c.domain}.{c.product}"}


def build_graph(contracts: list[Contract]) -> Graph:
    g = Graph()
    for c in contracts:
        g.products[c.name] = c
        for alias in names_of(c):
            g.aliases.setdefault(alias, c.name)
    for c in contracts:
        for up in c.upstream:
            g.add(up, c.name)
        for down in c.downstream:
            g.add(c.name, down)
    return g


@dataclass(frozen=True)
class Impact:
    name: str  # the consumer
    via: str  # the product it reads from
    depth: int  # 1: reads the changed product directly
    owner: str | None = None
    is_product: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "via": self.via, "depth": self.depth, "owner": self.owner, "product": self.is_product}


def impacted(graph: Graph, product: str) -> list[Impact]:
    """Every consumer reachable from `product`, breadth first, each once."""
    start = graph.canonical(product)
    seen = {start}
    out: list[Impact] = []
    queue = deque([(start, 0)])
    while queue:
        node, depth = queue.popleft()
        # products of the mesh first (they have owners to notify), then external datasets
        for consumer in sorted(graph.edges.get(node, ()), key=lambda n: (n not in graph.products, n)):
            if consumer in seen:
                continue
            seen.add(consumer)
            contract = graph.products.get(consumer)
            out.append(Impact(consumer, node, depth + 1, contract.owner if contract else None, contract is not None))
            queue.append((consumer, depth + 1))
    return out


def _mermaid_label(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;").replace("\n", " ")


def mermaid(product: str, impacts: list[Impact]) -> str:
    """A Mermaid flowchart of the changed product and the consumers it reaches."""
    ids: dict[str, str] = {}

    def node(name: str) -> str:
        if name not in ids:
            ids[name] = f"n{len(ids)}"
        return ids[name]

    lines = ["flowchart LR", f'  {node(product)}["{_mermaid_label(product)}"]:::changed']
    for imp in impacts:
        shape = f'["{_mermaid_label(imp.name)}"]' if imp.is_product else f'(["{_mermaid_label(imp.name)}"])'
        lines.append(f"  {node(imp.via)} --> {node(imp.name)}{shape}")
    lines.append("  classDef changed fill:#ffebe9,stroke:#cf222e")
    return "\n".join(lines)
