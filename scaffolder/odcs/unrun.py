"""ODCS quality rules that `scaffolder test` does not run, and where they stand.

A rule with no counterpart among our checks (a `text` rule, a `custom` rule of
another engine, a library rule with an operator no check has) is kept under
`x-odcs` for the round trip (odcs.convert). The data checks list each of them
as not run rather than passing over them in silence.
"""

from __future__ import annotations

from typing import Any

from scaffolder.contract.load import PathKey
from scaffolder.odcs.mapping import KEEP


def not_run(data: dict[str, Any]) -> list[tuple[PathKey, str]]:
    """(our path, what it is) for every kept quality rule of a contract, table-level ones first."""
    schema = data.get("spec", {}).get("schema", {}) if isinstance(data.get("spec"), dict) else {}
    if not isinstance(schema, dict):
        return []
    out = _rules(schema.get(KEEP), ("spec", "schema", KEEP), None)
    for i, f in enumerate(schema.get("fields") or []):
        if isinstance(f, dict):
            out += _rules(f.get(KEEP), ("spec", "schema", "fields", i, KEEP), f.get("name"))
    return out


def _rules(kept: Any, at: PathKey, column: Any) -> list[tuple[PathKey, str]]:
    rules = kept.get("quality") if isinstance(kept, dict) else None
    out = []
    for n, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict):
            continue
        kind = str(rule.get("type", "library"))
        what = f"ODCS {kind} quality rule"
        if isinstance(rule.get("name"), str):
            what += f" {rule['name']!r}"
        if isinstance(column, str):
            what += f" on {column!r}"
        why = {"text": "it describes quality for people",
               "custom": f"its engine {str(rule.get('engine'))!r} is not scaffolder's",
               }.get(kind, "it has no counterpart among the checks")
        out.append(((*at, "quality", n), f"{what} is not run: {why}"))
    return out
