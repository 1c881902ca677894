"""The `validate` report as text, JSON and GitHub annotations (the CLI only prints it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scaffolder.contract.mesh import Mesh
from scaffolder.contract.validate import Validation
from scaffolder.report.annotations import annotation
from scaffolder.report.finding import Finding, Severity, has_errors
from scaffolder.report.words import plural


def validation_ok(mesh: Mesh, results: list[Validation]) -> bool:
    return not has_errors(mesh.findings) and all(r.ok for r in results)


def _everything(mesh: Mesh, results: list[Validation]) -> list[Finding]:
    return [*mesh.findings, *(f for r in results for f in r.findings)]


def validation_json(mesh: Mesh, results: list[Validation]) -> dict[str, Any]:
    return {"ok": validation_ok(mesh, results),
            "mesh": {"path": mesh.path, "findings": [f.to_json() for f in mesh.findings]},
            "contracts": [r.to_json() for r in results]}


def validation_github(mesh: Mesh, results: list[Validation]) -> str:
    return "\n".join(annotation(f) for f in _everything(mesh, results))


def validation_text(mesh: Mesh, results: list[Validation], files: list[Path]) -> str:
    """Every finding, then a summary line that names every reason for a non-zero exit."""
    everything = _everything(mesh, results)
    lines = [f.text() for f in everything]
    errors = sum(f.severity is Severity.ERROR for f in everything)
    warnings = sum(f.severity is Severity.WARNING for f in everything)
    counts = f"({plural(errors, 'error')}, {plural(warnings, 'warning')})"
    bad = [f"{sum(not r.ok for r in results)} invalid"] if not all(r.ok for r in results) else []
    if has_errors(mesh.findings):
        bad.append(f"{mesh.path or 'mesh.yaml'} invalid")
    if not files:
        lines.append(f"no contracts found under {mesh.root} (globs: {', '.join(mesh.contracts)})"
                     + (f"; {', '.join(bad)} {counts}" if bad else ""))
    else:
        verdict = "all valid" if validation_ok(mesh, results) else ", ".join(bad)
        lines.append(f"{plural(len(results), 'contract')} checked: {verdict} {counts}")
    return "\n".join(lines)
