"""Gather what the catalog shows: the mesh's valid contracts and the last data-check reports.

Contracts and reports are untrusted input: a contract that does not validate
or a report that does not parse becomes a located Finding, never a crash, and
the rest of the mesh is still published.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.contract.mesh import Mesh
from scaffolder.contract.model import Contract
from scaffolder.report.finding import Finding, Location, Severity
from scaffolder.report.words import plural


@dataclass
class Health:
    """The last `scaffolder test --format json` report of one product."""

    source: str  # the report file
    ok: bool
    rows: int | None
    checks: list[dict[str, Any]]
    mtime: float = 0.0
    invalid_contract: bool = False  # the report is a validation failure, not a data run

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [c for c in self.checks if not c.get("passed")]

    @property
    def status(self) -> str:
        """healthy | failing | invalid."""
        if self.invalid_contract:
            return "invalid"
        return "healthy" if self.ok else "failing"

    @property
    def summary(self) -> str:
        if self.invalid_contract:
            return "contract did not validate"
        n = len(self.checks)
        if self.ok:
            return f"{n}/{n} checks passed" + (f" on {plural(self.rows, 'row')}" if self.rows is not None else "")
        return f"{len(self.failed)} of {n} checks failed"

    def result_for(self, column: str | None, assertion: str) -> dict[str, Any] | None:
        """The report's result for one of the contract's quality checks."""
        for c in self.checks:
            if c.get("source") == "quality" and c.get("assertion") == assertion and c.get("column") == column:
                return c
        return None


@dataclass
class Collected:
    contracts: list[Contract] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    health: dict[str, Health] = field(default_factory=dict)  # product name -> last report


def load_contracts(mesh: Mesh, paths: list[str] | None = None, allow_empty: bool = False) -> Collected:
    """Every contract of the mesh that validates; the others as findings (kept out of the site).

    No contract found at all is a UsageError unless `allow_empty` (see discover.expand).
    """
    from scaffolder.contract.discover import expand
    from scaffolder.contract.validate import validate_files

    out = Collected()
    seen: dict[str, str] = {}
    for result in validate_files(expand(paths or [], mesh, allow_empty), mesh, within=mesh.root):
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        if errors or result.contract is None:
            out.findings.extend(errors)
            continue
        c = result.contract
        if c.name in seen:
            out.findings.append(Finding("duplicate-product", f"product {c.name!r} is also defined in {seen[c.name]}; "
                                        "only the first is published", location=c.doc.location(("metadata", "name"))))
            continue
        seen[c.name] = c.path
        out.contracts.append(c)
    out.contracts.sort(key=lambda c: c.name)
    return out


def _report_files(paths: list[str]) -> list[Path]:
    from scaffolder.errors import UsageError

    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*.json") if q.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise UsageError(f"{raw}: no such file or directory (--health takes report files or folders)")
    return files


def load_health(paths: list[str], contracts: list[Contract]) -> tuple[dict[str, Health], list[Finding]]:
    """Reports by product name; the newest file wins when a product has several."""
    by_path = {Path(c.path).resolve(): c.name for c in contracts}
    health: dict[str, Health] = {}
    findings: list[Finding] = []
    for f in _report_files(paths):
        try:
            data = json.loads(f.read_text("utf-8"))
        except UnicodeDecodeError as exc:
            findings.append(Finding("bad-report", f"not UTF-8 text: {exc.reason}", Severity.WARNING, Location(str(f), 1, 1)))
            continue
        except json.JSONDecodeError as exc:
            findings.append(Finding("bad-report", f"not JSON: {exc.msg}", Severity.WARNING, Location(str(f), exc.lineno, exc.colno)))
            continue
        for report in data if isinstance(data, list) else [data]:
            h, name, problem = _health(report, f, by_path)
            if problem:
                findings.append(Finding("bad-report", problem, Severity.WARNING, Location(str(f), 1, 1)))
                continue
            assert h is not None and name is not None
            if name not in health or health[name].mtime <= h.mtime:
                health[name] = h
    return health, findings


def _health(report: Any, f: Path, by_path: dict[Path, str]) -> tuple[Health | None, str | None, str | None]:
    if not isinstance(report, dict) or not isinstance(report.get("ok"), bool):
        return None, None, "not a `scaffolder test --format json` report (no boolean `ok`)"
    name = report.get("product") if isinstance(report.get("product"), str) else report.get("name")
    contract = report.get("contract") or report.get("path")
    if isinstance(contract, str):
        resolved = (f.parent / contract) if not Path(contract).is_absolute() else Path(contract)
        for cand in (Path(contract).resolve(), resolved.resolve()):
            if cand in by_path:
                name = by_path[cand]
                break
    if not isinstance(name, str) or not name:
        return None, None, "the report names no product (`product`)"
    checks = report.get("checks")
    invalid = not isinstance(checks, list)
    rows = report.get("rows") if type(report.get("rows")) is int else None
    return Health(str(f), report["ok"], rows, [c for c in (checks or []) if isinstance(c, dict)],
                  f.stat().st_mtime, invalid and not report["ok"]), name, None
