"""The run's summary: counts by status and one line per domain, as text, JSON or Markdown."""

from __future__ import annotations

from typing import Any

from scaffolder.fleet.model import STATUSES, Outcome
from scaffolder.fleet.status import DomainStatus
from scaffolder.report.mdescape import cell

ICONS = {"up-to-date": "✅", "updated": "⬆️", "conflicted": "⚠️", "needs-answer": "❓", "failed": "❌",
         "pr-failed": "📭"}
NO_RELEASE = "? (no release)"  # LATEST of a template without a release tag (explained under the table)
NEEDS_ACTION = ("conflicted", "needs-answer", "failed", "pr-failed")


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    return {s: sum(1 for o in outcomes if o.status == s) for s in STATUSES}


def ok(outcomes: list[Outcome]) -> bool:
    """Nothing for a person to do: every domain is updated or already up to date."""
    return not any(o.status in NEEDS_ACTION for o in outcomes)


def detail(o: Outcome) -> str:
    if o.status == "conflicted":
        text = "conflicts in " + ", ".join(o.conflicts)
    elif o.status == "needs-answer":
        text = f"new question without a default: {o.question}"
    elif o.status == "failed":
        text = o.reason or "failed"
    elif o.status == "updated" or (o.status == "pr-failed" and not o.conflicts):
        text = f"{len(o.changed)} file(s) changed"
    elif o.status == "pr-failed":
        text = "conflicts in " + ", ".join(o.conflicts)
    else:
        text = o.reason or ""
    if o.reused:
        text += " (branch already had this update)"
    if o.pr:
        text += f"; PR {o.pr.get('action')}" + (f" #{o.pr['number']}" if o.pr.get("number") else "")
        if o.pr.get("detail"):
            text += f" ({o.pr['detail']})"
    return text


def to_json(outcomes: list[Outcome], ref: str) -> dict[str, Any]:
    return {"ref": ref, "ok": ok(outcomes), "counts": counts(outcomes), "domains": [o.to_json() for o in outcomes]}


def text(outcomes: list[Outcome], ref: str) -> str:
    width = max((len(o.domain) for o in outcomes), default=6)
    lines = [f"{o.domain:<{width}}  {o.status:<12}  {o.from_version or '?'} -> {o.to_version}  {detail(o)}"
             for o in outcomes]
    summary = ", ".join(f"{n} {s}" for s, n in counts(outcomes).items() if n)
    lines.append(f"{len(outcomes)} domain(s) to {ref}: {summary or 'none'}")
    return "\n".join(lines)


def markdown(outcomes: list[Outcome], ref: str) -> str:
    c = counts(outcomes)
    lines = [f"## Template update to `{ref}`: {len(outcomes)} domain(s)", "",
             " · ".join(f"{ICONS[s]} {n} {s}" for s, n in c.items() if n) or "no domains", "",
             "| Domain | Status | From | Branch | Details |", "|---|---|---|---|---|"]
    for o in outcomes:
        branch = f"`{o.branch}`" if o.branch and o.status in ("updated", "conflicted", "pr-failed") else ""
        lines.append(f"| {cell(o.domain)} | {ICONS[o.status]} {o.status} | {cell(o.from_version or '?')} | "
                     f"{branch} | {cell(detail(o))} |")
    return "\n".join(lines) + "\n"


def status_text(rows: list[DomainStatus]) -> str:
    head = ("DOMAIN", "VERSION", "LATEST", "DRIFT")
    body = []
    for r in rows:
        if r.problem:
            drift = f"? ({r.problem})"
        elif r.drifted is None:
            drift = "-"
        else:
            drift = ("yes: " + ", ".join(r.drift)) if r.drifted else "no"
        latest = (r.latest or ("?" if r.problem else NO_RELEASE)) + (" (behind)" if r.behind else "")
        body.append((r.domain, r.version or "?", latest, drift))
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(3)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:<{widths[2]}}  {d}" for a, b, c, d in [head, *body]]
    tally = {"behind": sum(1 for r in rows if r.behind), "drifted": sum(1 for r in rows if r.drifted),
             "with a problem": sum(1 for r in rows if r.problem)}
    lines.append(f"{len(rows)} domain(s): " + (", ".join(f"{n} {k}" for k, n in tally.items() if n) or "all current"))
    if any(r.latest is None and not r.problem for r in rows):
        lines.append(f"{NO_RELEASE}: the template has no release tag (a version such as v1.2.0; pre-releases "
                     "do not count), so no domain can be behind it: tag a release")
    return "\n".join(lines)



def needs_attention(rows: list[DomainStatus]) -> bool:
    """`fleet status --check`: some domain is behind its template's latest release or has drifted."""
    return any(r.behind or r.drifted for r in rows)
