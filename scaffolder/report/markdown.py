"""The contract-change report as Markdown, ready for a PR comment or the job summary.

A verdict line, one table per contract, a "what consumers must do" list for
major changes, rows beyond the first 50 collapsed in `<details>`, and never
more than 60,000 characters: past that, whole sections are dropped and a
pointer to the full JSON report takes their place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scaffolder.changes.report import ChangeReport, ContractResult
from scaffolder.changes.rules import RULES, fill
from scaffolder.report.finding import Finding, Severity
from scaffolder.report.mdescape import cell, code

__all__ = ["cell", "code", "render_markdown", "verdict"]

MAX_CHARS = 60_000
VISIBLE_ROWS = 50
ICON = {"major": "🔴", "minor": "🟡", "patch": "⚪", "none": "⚪"}


def _where(f: Finding, section_path: str | None = None) -> str:
    """Line and JSON path; the file only when it is not the section's own (keeps tables narrow)."""
    loc = f.location
    if section_path and loc.path == section_path:
        side = "base line" if f.data.get("side") == "base" else "line"
        place = f"{side} {loc.line}" if loc.line else ""
    else:
        place = code(f"{loc.path}:{loc.line}") if loc.line else code(loc.path or "")
    path = code(loc.json_path.removeprefix("$")) if loc.json_path and loc.json_path != "$" else ""
    return "<br>".join(p for p in (place, path) if p)


def _row(f: Finding, section_path: str | None = None) -> str:
    bump = f"{ICON.get(f.bump or '', '')} {f.bump}" if f.bump else ("❌ error" if f.severity is Severity.ERROR else f.severity.value)
    msg = cell(f.message) + (f" _(accepted: {cell(f.accepted)})_" if f.accepted else "")
    return f"| {code(f.rule)} | {bump} | {_where(f, section_path)} | {msg} |"


HEADER = "| Rule | Bump | Where | Message |\n|---|---|---|---|"


@dataclass(frozen=True)
class Verdict:
    """Another part of the run that the headline sums up (data checks): its name, result and detail."""

    name: str
    ok: bool
    detail: str


def _changed(report: ChangeReport) -> str:
    n = len(report.contracts)
    return f"{n} contract{'s' if n != 1 else ''} changed"


def _contract_failure(report: ChangeReport) -> str:
    failing = sum(not c.ok for c in report.contracts)
    return f"{_changed(report)}, {failing} failing; required bump **{report.required_bump}**"


def _contract_verdict(report: ChangeReport) -> str:
    if not report.contracts:
        return "✅ **No contract changed.**"
    failing = [c for c in report.contracts if not c.ok]
    if report.ok and not failing:
        return (f"✅ **Contract check passed**: {_changed(report)}; required bump **{report.required_bump}**, "
                "every version says so.")
    if report.ok:
        return (f"⚠️ **Contract check found problems** ({_changed(report)}, {len(failing)} failing) "
                "but does not fail (`--fail-on never`).")
    return f"❌ **Contract check failed**: {_contract_failure(report)}."


def verdict(report: ChangeReport, others: Sequence[Verdict] = ()) -> str:
    """The headline: whatever fails comes first and sets the icon; what passed follows, plainly."""
    contract = _contract_verdict(report)
    failing = [o for o in others if not o.ok]
    if not failing:
        return " ".join([contract, *(f"✅ **{o.name} passed**: {o.detail}." for o in others)])
    problems = "; ".join(o.detail for o in failing)
    if report.fail_on == "never":
        return (f"⚠️ **{_names(failing)} found problems** ({problems}) but do not fail (`--fail-on never`). "
                f"{_plain(contract)}")
    if not report.ok:
        names = _names([Verdict("Contract check", False, ""), *failing])
        return f"❌ **{names} failed**: {_contract_failure(report)}; {problems}."
    return f"❌ **{_names(failing)} failed**: {problems}. {_plain(contract)}"


def _names(parts: Sequence[Verdict]) -> str:
    words = [parts[0].name, *(p.name[:1].lower() + p.name[1:] for p in parts[1:])]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _plain(headline: str) -> str:
    """A passing part's headline without its icon and bold, so it cannot read as the run's verdict."""
    return headline.split(" ", 1)[1].replace("**", "")


def _version(text: str | None) -> str:
    """A version in backticks, or what stands for one that could not be read (never `None`)."""
    return code(text) if text else "_does not validate_"


def _title(c: ContractResult) -> str:
    head, base = _version(c.head_version), _version(c.base_version)
    status = {"added": f"added at {head}", "removed": f"removed (was {base})"}.get(c.status, f"{base} → {head}")
    mark = "✅" if c.ok else "❌"
    moved = f", moved from {code(c.old_path)}" if c.old_path and c.status == "renamed" else ""
    bumps = f"required **{c.required_bump}**" + (f", declared **{c.declared_bump}**" if c.declared_bump else "")
    return f"### {mark} {code(c.name)} {status}\n\n{code(c.path)}{moved} · {c.mode} mode · {bumps}"


MAX_ADVICE = 10
MAX_SUMMARY_ROWS = 200


def fill_markdown(template: str, values: dict[str, object]) -> str:
    """A rule's Markdown template (ours) filled with values (the contract's) shown as text:
    a `{slot}` in backticks becomes a code span, any other {slot} escaped text."""
    def slot(m: re.Match[str]) -> str:
        value = fill("{" + m.group(2) + "}", values)
        return code(value) if m.group(1) else cell(value)
    return re.sub(r"(`?)\{(\w+)\}\1", slot, template)


def _advice(c: ContractResult) -> list[str]:
    """One line per breaking change (accepted ones too: consumers still have to act), at most MAX_ADVICE."""
    out = []
    for f in c.changes:
        rule = RULES.get(f.rule)
        if f.bump == "major" and rule is not None and rule.advice:
            out.append(f"- {fill_markdown(rule.advice, f.data)} ({code(f.rule)})")
    if len(out) > MAX_ADVICE:
        out = [*out[:MAX_ADVICE], f"- … and {len(out) - MAX_ADVICE} more breaking change(s) listed above"]
    return out


def _summary(report: ChangeReport) -> str:
    """A one-row-per-contract overview, so a truncated report still shows every verdict."""
    rows = ["| Contract | Change | Required | Declared | Result |", "|---|---|---|---|---|"]
    for c in report.contracts[:MAX_SUMMARY_ROWS]:
        head, base = c.head_version or "does not validate", c.base_version or "does not validate"
        change = {"added": f"added {head}", "removed": f"removed {base}"}.get(c.status, f"{base} → {head}")
        rows.append(f"| {code(c.name)} | {cell(change)} | {c.required_bump} | {c.declared_bump or '–'} | "
                    f"{'✅' if c.ok else '❌'} |")
    if len(report.contracts) > MAX_SUMMARY_ROWS:
        rows.append(f"| … {len(report.contracts) - MAX_SUMMARY_ROWS} more | | | | |")
    return "\n".join(rows)


def _section(c: ContractResult, shown: int) -> tuple[str, int]:
    """One contract's block and how many table rows are now shown before the fold."""
    parts = [_title(c)]
    rows = [_row(f, c.path) for f in c.findings()]
    if rows:
        room = max(VISIBLE_ROWS - shown, 0)
        visible, folded = rows[:room], rows[room:]
        if visible:
            parts.append(HEADER + "\n" + "\n".join(visible))
        if folded:
            parts.append(f"<details><summary>{len(folded)} more finding(s)</summary>\n\n{HEADER}\n"
                         + "\n".join(folded) + "\n\n</details>")
        shown += len(visible)
    else:
        parts.append("_No change to what the contract promises._")
    advice = _advice(c)
    if advice:
        parts.append("**What consumers must do**\n\n" + "\n".join(advice))
    return "\n\n".join(parts), shown


def render_markdown(report: ChangeReport, *, full_report: str = "the JSON report (`--format json`)",
                    max_chars: int = MAX_CHARS, marker: str = "", others: Sequence[Verdict] = ()) -> str:
    """The whole report, at most `max_chars` long (cut at section or row boundaries past that).

    `others` are the run's other results (data checks) that the headline must sum up too.
    """
    out = _render(report, full_report, max_chars, marker, others)
    if len(out) > max_chars:  # only when the header alone is too long (thousands of mesh findings)
        pointer = f"\n\n> ✂️ Report truncated. The full report is in {full_report}.\n"
        out = out[: max_chars - len(pointer)]
        out = out[: out.rfind("\n")] + pointer
    return out


def _render(report: ChangeReport, full_report: str, max_chars: int, marker: str,
            others: Sequence[Verdict]) -> str:
    head = [marker] if marker else []
    head += ["## Data contract changes", verdict(report, others)]
    if report.merge_base:
        head.append(f"Compared with merge-base {code(report.merge_base[:12])} of {code(report.base_ref)}"
                    f" and {code(report.head_ref) if report.head_ref else 'the working tree'}.")
    if len(report.contracts) > 1:
        head.append(_summary(report))
    if report.findings:
        head.append("**Mesh**\n\n" + HEADER + "\n" + "\n".join(_row(f) for f in report.findings))
    sections, shown = [], 0
    for c in report.contracts:
        text, shown = _section(c, shown)
        sections.append(text)
    out = "\n\n".join(head)
    for i, sec in enumerate(sections):
        pointer = (f"\n\n> ✂️ Report truncated: {len(sections) - i} contract section(s) not shown in full "
                   f"(comments are limited in size). The full report is in {full_report}.\n")
        if len(out) + 2 + len(sec) + len(pointer) > max_chars:
            room = max_chars - len(out) - len(pointer) - len("\n\n</details>") - 2
            cut = sec[:max(room, 0)]
            cut = cut[: cut.rfind("\n")] if "\n" in cut else ""
            if cut:
                if cut.count("<details>") > cut.count("</details>"):
                    cut += "\n\n</details>"
                out += "\n\n" + cut
            return out + pointer
        out += "\n\n" + sec
    return out + "\n"
