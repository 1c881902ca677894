"""GitHub workflow commands (`::error file=...::message`) for any Finding."""

from __future__ import annotations

from scaffolder.report.finding import Finding, Severity

LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, level: str | None = None) -> str:
    """One `::error`/`::warning`/`::notice` line, rule id as title."""
    loc = finding.location
    props = []
    if loc.path:
        props.append(f"file={_escape_prop(loc.path)}")
    if loc.line:
        props.append(f"line={loc.line}")
        props.append(f"col={loc.col or 1}")
    props.append(f"title={_escape_prop(finding.rule)}")
    kind = level or LEVEL[finding.severity]
    return f"::{kind} {','.join(props)}::{_escape_data(finding.message)}"
