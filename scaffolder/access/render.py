"""An access decision as text (terminal) or Markdown (PRs); JSON is Decision.to_json."""

from __future__ import annotations

from scaffolder.access.decide import Decision
from scaffolder.report.mdescape import cell, code


def text(decision: Decision) -> str:
    attrs = "".join(f" {k}={v}" for k, v in sorted(decision.attrs.items()))
    lines = [f"{decision.product} as role {decision.role}{attrs}:"]
    width = max((len(c.column) for c in decision.columns), default=0)
    label = max((len(c.label) for c in decision.columns), default=0)
    for c in decision.columns:
        lines.append(f"  {c.column:<{width}}  {c.label:<{label}}  {c.reason} ({c.source})")
    readable = sum(c.readable for c in decision.columns)
    lines.append(f"{readable}/{len(decision.columns)} columns readable")
    return "\n".join(lines)


def markdown(decision: Decision) -> str:
    attrs = ", ".join(f"{code(k)}={code(v)}" for k, v in sorted(decision.attrs.items()))
    lines = [f"### Access to {code(decision.product)} as role {code(decision.role)}"
             + (f" ({attrs})" if attrs else ""), "",
             "| column | decision | why | from |", "|---|---|---|---|"]
    for c in decision.columns:
        lines.append(f"| {code(c.column)} | {code(c.label)} | {cell(c.reason)} | {code(c.source)} |")
    return "\n".join(lines)
