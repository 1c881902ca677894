"""Plain-text and GitHub-annotation renderings of a ChangeReport (for terminals and CI logs)."""

from __future__ import annotations

from scaffolder.changes.report import ChangeReport, ContractResult
from scaffolder.report.annotations import annotation
from scaffolder.report.finding import Finding, Severity


def finding_line(f: Finding) -> str:
    """`PATH:LINE:COL: message [rule, bump]`, plus the exception's reason when accepted."""
    sev = "" if f.severity is Severity.ERROR else f"{f.severity.value}: "
    tag = f"{f.rule}, {f.bump}" if f.bump else f.rule
    accepted = f" (accepted: {f.accepted})" if f.accepted else ""
    return f"{f.location.prefix()}: {sev}{f.message} [{tag}]{accepted}"


UNREADABLE = "(does not validate)"  # a version that could not be read: never "None"


def headline(c: ContractResult) -> str:
    head, base = c.head_version or UNREADABLE, c.base_version or UNREADABLE
    versions = {
        "added": f"added at {head}",
        "removed": f"removed (was {base})",
    }.get(c.status, f"{c.status} {base} -> {head}")
    moved = f" (moved from {c.old_path})" if c.old_path and c.status == "renamed" else ""
    bump = f"required {c.required_bump}" + (f", declared {c.declared_bump}" if c.declared_bump else "")
    return f"{c.name}: {versions}{moved}, {c.mode} mode, {bump}: {'ok' if c.ok else 'FAIL'}"


def render_text(report: ChangeReport) -> str:
    lines: list[str] = []
    for f in report.findings:
        lines.append(finding_line(f))
    for c in report.contracts:
        lines.append(headline(c))
        lines.extend("  " + finding_line(f) for f in c.findings())
    n = len(report.contracts)
    if n == 0:
        lines.append("no contract changed")
    else:
        failing = sum(not c.ok for c in report.contracts)
        verdict = "ok" if report.ok else f"{failing} failing" if failing else "failed"
        note = " (--fail-on never: not failing)" if report.fail_on == "never" and failing else ""
        lines.append(f"{n} contract{'s' if n != 1 else ''} changed: {verdict}{note}; "
                     f"required bump: {report.required_bump}")
    return "\n".join(lines)


def render_github(report: ChangeReport) -> str:
    """Workflow commands, errors first (GitHub shows only the first ten per level)."""
    findings = sorted(report.all_findings(), key=lambda f: f.severity.rank)
    return "\n".join(annotation(f) for f in findings)
