"""One `Finding` type for everything the tool reports.

Validation errors, contract changes and failed data checks are all Findings,
so every renderer and every sink handles them the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Location:
    """Where a finding points: a file, a 1-based line and column, and a JSON path."""

    path: str | None = None
    line: int | None = None
    col: int | None = None
    json_path: str | None = None

    def prefix(self) -> str:
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            parts.append(str(self.col or 1))
        return ":".join(parts)


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    severity: Severity = Severity.ERROR
    location: Location = field(default_factory=Location)
    bump: str | None = None  # for contract changes: major | minor | patch
    product: str | None = None
    accepted: str | None = None  # reason of the exception that accepts it
    data: dict[str, Any] = field(default_factory=dict)  # rule-specific extras

    @property
    def fingerprint(self) -> str:
        """Stable across commits: rule id, product and JSON path, never line numbers."""
        key = f"{self.rule}|{self.product or ''}|{self.location.json_path or ''}"
        return hashlib.sha256(key.encode()).hexdigest()[:12]


    def text(self) -> str:
        """`PATH:LINE:COL: message [rule-id]`, the form editors and CI logs link."""
        sev = "" if self.severity is Severity.ERROR else f"{self.severity.value}: "
        return f"{self.location.prefix()}: {sev}{self.message} [{self.rule}]"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.location.path,
            "line": self.location.line,
            "col": self.location.col,
            "path": self.location.json_path,
            "fingerprint": self.fingerprint,
        }
        if self.bump is not None:
            out["bump"] = self.bump
        if self.product is not None:
            out["product"] = self.product
        if self.accepted is not None:
            out["accepted"] = self.accepted
        if self.data:
            out["data"] = self.data
        return out


def sort_key(f: Finding) -> tuple[Any, ...]:
    loc = f.location
    return (loc.path or "", loc.line or 0, loc.col or 0, f.severity.rank, f.rule)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR and not f.accepted for f in findings)


__all__ = ["Finding", "Location", "Severity", "has_errors", "sort_key"]
