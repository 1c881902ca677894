"""Where a CI run's report goes besides the PR comment: outputs, job summary, annotations."""

from __future__ import annotations

import secrets
from pathlib import Path

from scaffolder.report.annotations import annotation
from scaffolder.report.finding import Finding, Severity
from scaffolder.report.redact import redact

SUMMARY_LIMIT = 1024 * 1024  # GitHub refuses a step summary over 1 MiB
ANNOTATIONS_SHOWN = 10  # GitHub shows at most this many per level per step


def write_outputs(path: Path | None, values: dict[str, str]) -> None:
    """Append `name=value` pairs (heredoc form for multi-line values) to $GITHUB_OUTPUT."""
    if path is None:
        return
    with path.open("a", encoding="utf-8") as fh:
        for name, value in values.items():
            value = redact(value)
            if "\n" in value:
                delim = f"EOF_{secrets.token_hex(8)}"
                fh.write(f"{name}<<{delim}\n{value}\n{delim}\n")
            else:
                fh.write(f"{name}={value}\n")


def write_summary(path: Path | None, markdown: str, full_report: str | None = None) -> None:
    if path is None:
        return
    text = redact(markdown)
    if len(text.encode("utf-8")) > SUMMARY_LIMIT:
        note = f"\n\n_Summary truncated at GitHub's 1 MiB limit; the full report is in {full_report or 'the JSON report'}._\n"
        text = text.encode("utf-8")[: SUMMARY_LIMIT - 500].decode("utf-8", "ignore") + note
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text + "\n")


def annotations(findings: list[Finding]) -> list[str]:
    """Workflow commands, most severe first, plus a notice of how many GitHub will not show."""
    located = [f for f in findings if f.location.path]
    ordered = sorted(located, key=lambda f: (_level(f), f.location.path or "", f.location.line or 0))
    lines = [annotation(f, _LEVEL_NAMES[_level(f)]) for f in ordered]
    hidden = []
    for level, name in enumerate(_LEVEL_NAMES):
        count = sum(1 for f in ordered if _level(f) == level)
        if count > ANNOTATIONS_SHOWN:
            hidden.append(f"{count - ANNOTATIONS_SHOWN} {name}s")
    if hidden:
        lines.append(f"::notice title=more findings::GitHub shows 10 annotations per level; "
                     f"{', '.join(hidden)} are not shown. See the job summary or the JSON report.")
    return lines


_LEVEL_NAMES = ("error", "warning", "notice")


def _level(f: Finding) -> int:
    """Accepted breaks and minor changes are notices; unaccepted major ones errors."""
    if f.accepted:
        return 2
    if f.severity is Severity.ERROR:
        return 0
    if f.severity is Severity.WARNING or f.bump == "major":
        return 1
    return 2
