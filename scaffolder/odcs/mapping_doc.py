"""The mapping tables of docs/odcs.md, rendered from mapping.py (a test keeps the two in sync)."""

from __future__ import annotations

from scaffolder.odcs.mapping import CHECKS, CONSTRAINTS, CONTRACT, QUALITY_TYPES, SLA, TYPES

BEGIN, END = "<!-- mapping: begin (python -m scaffolder.odcs.mapping_doc) -->", "<!-- mapping: end -->"


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(out)


def render() -> str:
    parts = [
        "### Contract", _table(("ours", "ODCS", "note"), [(f"`{r.ours}`", r.odcs, r.note) for r in CONTRACT]),
        "### Types", _table(("ours", "logicalType", "logicalTypeOptions.format", "note"),
                            [(f"`{r.ours}`", f"`{r.logical}`", f"`{r.format}`" if r.format else "", r.note)
                             for r in TYPES]),
        "### Constraints", _table(("constraints.", "ODCS property", "note"),
                                  [(f"`{r.ours}`", r.odcs, r.note) for r in CONSTRAINTS]),
        "### Quality rule types", _table(("type", "ours", "`scaffolder test`"),
                                         [(f"`{r.odcs}`", r.ours, r.run) for r in QUALITY_TYPES]),
        "### Quality checks", _table(("assertion", "ODCS metric", "arguments", "note"),
                                     [(f"`{r.assertion}`", f"`{r.metric}`",
                                       f"`{r.argument}` ↔ `{r.ours_arg}`" if r.argument else "", r.note)
                                      for r in CHECKS]),
        "### SLA", _table(("sla.", "slaProperties[].property", "note"),
                          [(f"`{r.ours}`" if r.ours else "(none)", ", ".join(f"`{p}`" for p in r.odcs), r.note)
                           for r in SLA]),
    ]
    return "\n\n".join([BEGIN, *parts, END]) + "\n"


if __name__ == "__main__":
    print(render(), end="")
