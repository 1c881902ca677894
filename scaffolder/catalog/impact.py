"""The consumers a breaking change touches, found in the mesh's lineage and shown as Markdown.

One place for it, so `check --format markdown` (a user's preview of the PR
comment) and `ci` (the comment itself) show the same section.
"""

from __future__ import annotations

from typing import Any

from scaffolder.catalog.lineage import Impact, build_graph, impacted, mermaid
from scaffolder.changes.report import ChangeReport
from scaffolder.report.mdescape import cell, code

HEADING = "### Consumers a breaking change touches"


def find_impact(report: ChangeReport, mesh: Any) -> dict[str, list[Impact]]:
    """The consumers of every product with a breaking change (from every contract of the mesh)."""
    from scaffolder.contract.discover import find_in
    from scaffolder.contract.validate import validate_files

    breaking = [c for c in report.contracts if any(f.bump == "major" for f in c.changes)]
    if not breaking:
        return {}
    contracts = [v.contract for v in validate_files(find_in(mesh.root, mesh.contracts), within=mesh.root) if v.contract]
    graph = build_graph(contracts)
    return {c.name: impacted(graph, c.name) for c in breaking}


def impact_markdown(impact: dict[str, list[Impact]]) -> str:
    """A table and a Mermaid graph per changed product; empty when nobody is touched."""
    if not any(impact.values()):
        return ""
    parts = [HEADING]
    for product, items in impact.items():
        if not items:
            continue
        rows = "\n".join(
            f"| {code(i.name)} | {'product' if i.is_product else 'external'} | {cell(i.owner or '—')} | "
            f"{'direct' if i.depth == 1 else 'via ' + code(i.via)} |" for i in items)
        parts.append(f"**{code(product)}**\n\n| consumer | kind | owner | how |\n|---|---|---|---|\n{rows}\n\n"
                     f"```mermaid\n{mermaid(product, items)}\n```")
    return "\n\n".join(parts)
