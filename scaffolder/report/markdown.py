"""The contract-change report as Markdown, ready for a PR comment or the job summary.

A verdict line, one table per contract, a "what consumers must do" list for
major changes, rows beyond the first 50 collapsed in `<details>`, and never
more than 60,000 characters: past that, whole sections are dropped and a
pointer to the full JSON report takes their place.
"""

from __future__ import annotations

from scaffolder.changes.report import ChangeReport, ContractResult
from scaffolder.changes.rules import RULES, format_message
from scaffolder.report.finding import Finding, Severity

MAX_CHARS = 60_000
VISIBLE_ROWS = 50
ICON = {"major": "🔴", "minor": "🟡", "patch": "⚪", "none": "⚪"}


def _cell(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", "")


def _where(f: Finding) -> str:
    loc = f.location
    place = f"{loc.path}:{loc.line}" if loc.line else str(loc.path or "")
    return f"`{_cell(place)}`<br>`{_cell(loc.json_path)}`" if loc.json_path else f"`{_cell(place)}`"


def _row(f: Finding) -> str:
    bump = f"{ICON.get(f.bump or '', '')} {f.bump}" if f.bump else ("❌ error" if f.severity is Severity.ERROR else f.severity.value)
    msg = _cell(f.message) + (f" _(accepted: {_cell(f.accepted)})_" if f.accepted else "")
    return f"| `{f.rule}` | {bump} | {_where(f)} | {msg} |"


HEADER = "| Rule | Bump | Where | Message |\n|---|---|---|---|"


def verdict(report: ChangeReport) -> str:
    n = len(report.contracts)
    if n == 0:
        return "✅ **No contract changed.**"
    failing = [c for c in report.contracts if not c.ok]
    word = f"{n} contract{'s' if n != 1 else ''} changed"
    if report.ok and not failing:
        return f"✅ **Contract check passed**: {word}; required bump **{report.required_bump}**, every version says so."
    if report.ok:
        return f"⚠️ **Contract check found problems** ({word}, {len(failing)} failing) but does not fail (`--fail-on never`)."
    return f"❌ **Contract check failed**: {word}, {len(failing)} failing; required bump **{report.required_bump}**."


def _title(c: ContractResult) -> str:
    status = {"added": f"added at `{c.head_version}`", "removed": f"removed (was `{c.base_version}`)"}.get(
        c.status, f"`{c.base_version}` → `{c.head_version}`")
    mark = "✅" if c.ok else "❌"
    moved = f", moved from `{_cell(c.old_path)}`" if c.old_path else ""
    bumps = f"required **{c.required_bump}**" + (f", declared **{c.declared_bump}**" if c.declared_bump else "")
    return f"### {mark} `{_cell(c.name)}` {status}\n\n`{_cell(c.path)}`{moved} · {c.mode} mode · {bumps}"


def _advice(c: ContractResult) -> list[str]:
    out = []
    for f in c.changes:
        rule = RULES.get(f.rule)
        if f.bump == "major" and rule is not None and rule.advice:
            text = format_message(type(rule)(rule.id, "", "", "", rule.advice, "", ""), f.data)
            out.append(f"- {_cell(text)} (`{f.rule}`)")
    return out


def _section(c: ContractResult, shown: int) -> tuple[str, int]:
    """One contract's block and how many table rows are now shown before the fold."""
    parts = [_title(c)]
    rows = [_row(f) for f in c.findings()]
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
                    max_chars: int = MAX_CHARS, marker: str = "") -> str:
    """The whole report, at most `max_chars` long (whole sections are dropped past that)."""
    head = [marker] if marker else []
    head += ["## Data contract changes", verdict(report)]
    if report.merge_base:
        head.append(f"Compared with merge-base `{report.merge_base[:12]}` of `{_cell(report.base_ref)}`"
                    f" and {('`' + _cell(report.head_ref) + '`') if report.head_ref else 'the working tree'}.")
    if report.findings:
        head.append("**Mesh**\n\n" + HEADER + "\n" + "\n".join(_row(f) for f in report.findings))
    sections, shown = [], 0
    for c in report.contracts:
        text, shown = _section(c, shown)
        sections.append(text)
    out = "\n\n".join(head)
    for i, sec in enumerate(sections):
        omitted = len(sections) - i
        pointer = (f"\n\n> ✂️ Report truncated: {omitted} more contract section(s) not shown "
                   f"(GitHub comments are limited). The full report is in {full_report}.\n")
        if len(out) + 2 + len(sec) + len(_truncation_room()) > max_chars:
            if len(out) + len(pointer) <= max_chars:
                return out + pointer
            return out[: max_chars - len(pointer)] + pointer
        out += "\n\n" + sec
    return out + "\n"


def _truncation_room() -> str:
    return " " * 400  # keep room for the pointer line of a later cut
