"""What a data check run found: results, the report, its JSON, text and Markdown forms.

A failed check converts to the shared `Finding` (rule `check-failed`) located
at the contract line that asked for it, so annotations and PR comments treat
data failures like any other finding.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from scaffolder.report.finding import Finding, Location, Severity
from scaffolder.report.mdescape import cell, code
from scaffolder.report.words import plural

CHECK_FAILED = "check-failed"
EXTRA_COLUMN = "extra-column"
NOT_RUN = "check-not-run"  # an ODCS quality rule kept without a counterpart: listed, not run


def passes(failed: int, total: int, threshold: float, *, zero_rows_pass: bool = True) -> bool:
    """checks.md: pass when (total - failed) / total >= threshold; zero rows pass (not row counts).

    Compared exactly, as `(total - failed) >= threshold x total` with the threshold as
    written (its shortest decimal form): 2 of 3 does not meet 0.66666666666667.
    """
    if total == 0:
        return zero_rows_pass
    return total - failed >= exact(threshold) * total


def exact(number: float) -> Fraction:
    """The decimal a float was written as (`repr` is its shortest round-tripping form), exactly."""
    return Fraction(repr(float(number)))


def plain(value: Any) -> Any:
    """A JSON-ready form of a DuckDB value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


@dataclass
class CheckResult:
    id: str
    source: str  # constraint | quality | schema | sla
    assertion: str
    column: str | None
    threshold: float
    location: Location
    failed: int | None = None
    total: int | None = None
    passed: bool = False
    samples: list[Any] | None = None
    observed: Any = None
    message: str = ""
    error: str | None = None  # the check could not run (a missing column, a bad bound)
    detail: str | None = None  # the engine's own words for `error` (JSON and --verbose only)
    via: str = "scan"  # scan | metadata (Parquet statistics) | pushdown (its own pruned Parquet query)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "source": self.source, "column": self.column, "assertion": self.assertion,
            "failed": self.failed, "total": self.total, "threshold": self.threshold, "passed": self.passed,
        }
        if self.samples is not None:
            out["samples"] = plain(self.samples)
        if self.observed is not None:
            out["observed"] = plain(self.observed)
        if self.error:
            out["error"] = self.error
        if self.detail:
            out["detail"] = self.detail
        if self.via != "scan":
            out["via"] = {"metadata": "parquet-metadata", "pushdown": "parquet-pushdown"}[self.via]
        if self.message:
            out["message"] = self.message
        out["line"] = self.location.line
        return out

    def finding(self, product: str | None = None) -> Finding:
        text = self.error or self.message or f"{self.assertion} failed"
        if self.error is None and self.threshold < 1:
            text += f" (threshold {self.threshold:g})"
        data = {"check": self.id, "failed": self.failed, "total": self.total, "threshold": self.threshold}
        if self.samples:
            data["samples"] = plain(self.samples)
        return Finding(CHECK_FAILED, f"{self.id}: {text}", Severity.ERROR, self.location, product=product, data=data)


@dataclass
class CheckReport:
    contract: str  # the contract's path
    product: str
    source: str
    format: str
    rows: int | None
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    def findings(self) -> list[Finding]:
        """Every failed check as an error Finding, then the warnings (extra columns)."""
        return [c.finding(self.product) for c in self.failed] + list(self.warnings)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "rows": self.rows, "contract": self.contract, "product": self.product,
            "source": self.source, "format": self.format,
            "checks": [c.to_json() for c in self.checks],
            "warnings": [w.to_json() for w in self.warnings],
        }


def _ratio(c: CheckResult) -> str:
    return "error" if c.failed is None else f"{c.failed} / {c.total}"


def _verdict(c: CheckResult) -> str:
    return "pass" if c.passed else ("ERROR" if c.error else "FAIL")


def _summary(report: CheckReport) -> str:
    bad = len(report.failed)
    verdict = "all passed" if not bad else f"{bad} failed"
    rows = plural(report.rows, "row") if report.rows is not None else "? rows"
    return f"{plural(len(report.checks), 'check')} on {rows}: {verdict}"


def render_text(report: CheckReport, verbose: bool = False) -> str:
    """A table (check, column, failed / total, threshold, result), then what failed and why
    (with the query engine's own words under each error when `verbose`)."""
    head = ("check", "column", "failed / total", "threshold", "result")
    rows = [(c.id, c.column or "", _ratio(c), f"{c.threshold:g}", _verdict(c)) for c in report.checks]
    widths = [min(40, max(len(_one_line(r[i])) for r in [head, *rows])) for i in range(len(head))]
    lines = [f"{report.contract}: {report.product} against {report.source} ({report.format})", ""]
    for r in [head, *rows]:
        lines.append("  ".join(_one_line(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    problems = report.failed
    if problems:
        lines.append("")
    for c in problems:
        lines.append(c.finding(report.product).text())
        if verbose and c.detail:
            lines.append("    engine: " + _one_line(c.detail))
        if c.samples:
            lines.append("    samples: " + ", ".join(_one_line(repr(plain(s))) for s in c.samples))
    for w in report.warnings:
        lines.append(w.text())
    lines += ["", _summary(report)]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


_md, _code = cell, code


def render_markdown(report: CheckReport) -> str:
    """The same table for a pull-request comment or a job summary."""
    icon = "✅" if report.ok else "❌"
    lines = [f"### {icon} Data checks: {_code(report.product)}", "",
             f"{_md(_summary(report))} (source {_code(report.source)}, {report.format})", "",
             "| check | column | failed / total | threshold | result |", "|---|---|---:|---:|---|"]
    for c in report.checks:
        lines.append(f"| {_code(c.id)} | {_md(c.column or '')} | {_ratio(c)} | {c.threshold:g} | "
                     f"{'pass' if c.passed else '**' + _verdict(c) + '**'} |")
    notes = report.failed
    if notes or report.warnings:
        lines.append("")
    for c in notes:
        sample = f" — samples: {', '.join(_md(repr(plain(s))) for s in c.samples)}" if c.samples else ""
        lines.append(f"- {_code(c.id)} (line {c.location.line}): {_md(c.error or c.message)}{sample}")
    for w in report.warnings:
        lines.append(f"- {w.severity.value}: {_md(w.message)}")
    return "\n".join(lines)
