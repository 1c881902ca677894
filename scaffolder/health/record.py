"""One run of a product's checks as the history keeps it (what `test --record` appends).

Built from the contract and the CheckReport of a run that read the data, or
from the contract alone when the data could not be read (outcome
`unreadable`). The SLA in force at the time rides along with every record, so
`health` needs the store only, and a changed SLA counts from when it changed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffolder.checks.results import CheckReport
    from scaffolder.contract.model import Contract

OUTCOMES = ("ok", "failed", "unreadable")
SAMPLES_KEPT = 5  # failing values kept per check: enough to recognise a problem, small enough for a store


@dataclass
class CheckRecord:
    id: str
    failed: int | None
    total: int | None
    passed: bool
    samples: list[Any] | None = None


@dataclass
class RunRecord:
    product: str
    contract_version: str
    contract_hash: str
    source: str
    started_at: float  # epoch seconds, UTC
    ended_at: float  # epoch seconds: the observation's time (freshness is measured against it)
    outcome: str  # ok | failed | unreadable
    engine: str = "duckdb"
    rows: int | None = None
    freshness_lag_s: float | None = None  # now - newest freshness value; None: not measured or no rows
    freshness_sla_s: float | None = None  # the contract's sla.freshness then
    availability_pct: float | None = None  # the contract's sla.availability then
    error: str | None = None  # why the data could not be read
    checks: list[CheckRecord] = field(default_factory=list)
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome {self.outcome!r} is not one of {', '.join(OUTCOMES)}")

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "product": self.product, "contract_version": self.contract_version,
            "contract_hash": self.contract_hash, "engine": self.engine, "source": self.source,
            "started_at": self.started_at, "ended_at": self.ended_at, "rows": self.rows,
            "outcome": self.outcome, "freshness_lag_s": self.freshness_lag_s,
            "freshness_sla_s": self.freshness_sla_s, "availability_pct": self.availability_pct,
            "error": self.error,
            "checks": [{"id": c.id, "failed": c.failed, "total": c.total, "passed": c.passed,
                        **({"samples": c.samples} if c.samples else {})} for c in self.checks],
        }


def contract_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sla(contract: Contract) -> tuple[float | None, float | None]:
    sla = contract.sla
    if sla is None:
        return None, None
    return (float(sla.freshness.seconds) if sla.freshness else None), sla.availability


def from_report(contract: Contract, report: CheckReport, started: float, ended: float) -> RunRecord:
    """A run that read the data: ok when every check passed, else failed."""
    from scaffolder.checks.results import plain

    fresh_s, avail = _sla(contract)
    lag = None
    for c in report.checks:
        if c.source == "sla" and isinstance(c.observed, dict) and "age_seconds" in c.observed:
            lag = float(c.observed["age_seconds"])
    checks = [CheckRecord(c.id, c.failed, c.total, bool(c.passed),
                          json.loads(json.dumps(plain(c.samples[:SAMPLES_KEPT]))) if c.samples else None)
              for c in report.checks]
    return RunRecord(contract.name, contract.version_text, contract_hash(contract.doc.text), report.source,
                     started, ended, "ok" if report.ok else "failed", rows=report.rows, freshness_lag_s=lag,
                     freshness_sla_s=fresh_s, availability_pct=avail, checks=checks)


def unreadable(contract: Contract, source: str, error: str, started: float, ended: float) -> RunRecord:
    """A run that could not read the data: it counts against availability, and observes no freshness."""
    fresh_s, avail = _sla(contract)
    return RunRecord(contract.name, contract.version_text, contract_hash(contract.doc.text), source,
                     started, ended, "unreadable", freshness_sla_s=fresh_s, availability_pct=avail,
                     error=error)
