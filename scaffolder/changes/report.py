"""The result of `diff` / `check`: per contract, its changes, gate and validation findings.

Plain data with a `to_json()` in changes.md's shape, so the CLI, the Markdown
renderer and the GitHub Action all read one object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from scaffolder.contract.semver import Bump
from scaffolder.report.finding import Finding, Severity


@dataclass
class ContractResult:
    name: str
    path: str
    status: str  # added | modified | renamed | removed
    old_path: str | None = None
    base_version: str | None = None
    head_version: str | None = None
    mode: str = "consumer"
    changes: list[Finding] = field(default_factory=list)
    gate: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)  # validation findings of either side
    required_bump: str = "none"
    declared_bump: str | None = None
    suggested_version: str | None = None

    @property
    def breaking(self) -> list[Finding]:
        """Major changes no exception accepts (what `--fail-on breaking` fails on)."""
        return [f for f in self.changes if f.bump == "major" and not f.accepted]

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR and not f.accepted for f in (*self.gate, *self.errors))

    def findings(self) -> list[Finding]:
        return [*self.errors, *self.changes, *self.gate]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "path": self.path, "old_path": self.old_path, "status": self.status,
            "base_version": self.base_version, "head_version": self.head_version, "mode": self.mode,
            "required_bump": self.required_bump, "declared_bump": self.declared_bump,
            "suggested_version": self.suggested_version, "ok": self.ok,
            "changes": [f.to_json() for f in self.changes],
            "gate": [f.to_json() for f in self.gate],
            "errors": [f.to_json() for f in self.errors],
        }


@dataclass
class ChangeReport:
    contracts: list[ContractResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # not about one contract: exceptions, mesh.yaml
    fail_on: str = "bump"
    today: dt.date | None = None
    base_ref: str | None = None
    head_ref: str | None = None  # None: the working tree
    merge_base: str | None = None

    @property
    def ok(self) -> bool:
        if self.fail_on == "never":
            return True
        if any(f.severity is Severity.ERROR for f in self.findings):
            return False
        return all(c.ok for c in self.contracts)

    @property
    def required_bump(self) -> str:
        return Bump.largest(c.required_bump for c in self.contracts)

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for c in self.contracts for f in c.findings())]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "fail_on": self.fail_on, "required_bump": self.required_bump,
            "base": {"ref": self.base_ref, "merge_base": self.merge_base},
            "head": self.head_ref or "working tree",
            "today": self.today.isoformat() if self.today else None,
            "contracts": [c.to_json() for c in self.contracts],
            "findings": [f.to_json() for f in self.findings],
        }
