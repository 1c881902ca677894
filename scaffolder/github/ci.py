"""`scaffolder ci`: the Action's whole job on a pull request, in two library calls.

`run_ci` checks changed contracts against the merge-base, runs data checks
where data is given, finds the consumers a break touches and writes the JSON
file, job summary and outputs; `post_comment` then posts the one sticky PR
comment. The report never waits on, or fails with, the GitHub API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.catalog.impact import find_impact, impact_markdown
from scaffolder.changes.render_markdown import Verdict, code, render_markdown
from scaffolder.changes.report import ChangeReport
from scaffolder.contract.mesh import Mesh
from scaffolder.contract.semver import BUMPS, Bump
from scaffolder.fsutil import atomic_write
from scaffolder.github.comment import MARKER, CommentResult
from scaffolder.github.environment import GitHubContext
from scaffolder.report.annotations import annotation
from scaffolder.report.finding import Finding, Location, Severity, has_errors
from scaffolder.report.output import dumps
from scaffolder.report.redact import redact
from scaffolder.report.words import plural


@dataclass
class CiOptions:
    base_ref: str | None = None
    head_ref: str | None = None
    fail_on: str = "bump"
    approve_label: str = "approved-breaking-change"
    comment: str = "auto"  # auto | always | off
    data: list[str] = field(default_factory=list)  # SOURCE, or CONTRACT-NAME=SOURCE
    report_path: Path | None = None
    today: dt.date | None = None
    now: dt.datetime | None = None
    comment_author: str | None = None
    working_directory: Path | None = None
    engine: str = "duckdb"  # where data checks run (checks.engines.ENGINES)
    engine_options: dict[str, Any] = field(default_factory=dict)  # dbt: project_dir defaults to the contract's folder


def _engine_options(opts: CiOptions, contract: Path) -> dict[str, Any]:
    """The engine's options for one contract: a dbt project is the contract's folder unless named."""
    if opts.engine == "dbt" and "project_dir" not in opts.engine_options:
        return {**opts.engine_options, "project_dir": str(contract.parent)}
    return dict(opts.engine_options)


@dataclass
class CiOutcome:
    report: ChangeReport
    markdown: str
    payload: dict[str, Any]
    annotations: list[str]
    outputs: dict[str, str]
    comment: CommentResult | None
    ok: bool
    notes: list[str] = field(default_factory=list)


def _checkable(report: ChangeReport) -> list[Any]:
    """Changed contracts whose head validated: an invalid one (a symlink too) is never read again."""
    return [c for c in report.contracts if c.status != "removed" and not has_errors(c.errors)]


def _data_specs(specs: list[str], report: ChangeReport) -> list[tuple[Any, str]]:
    """Pair each data source with the changed contract it checks."""
    live = _checkable(report)
    pairs = []
    for spec in specs:
        name, sep, source = spec.partition("=")
        if sep and not Path(spec).exists():
            match = [c for c in live if c.name == name or Path(c.path) == Path(name)]
            pairs.extend((c, source) for c in match)
        elif len(live) == 1:
            pairs.append((live[0], spec))
    return pairs


def _dbt_outputs(report: ChangeReport, root: Path, taken: set[str]) -> list[tuple[Any, str]]:
    """Where no data was named: the product table a domain's `dbt build` left in target/dev.duckdb."""
    pairs = []
    for c in _checkable(report):
        if c.name in taken:
            continue
        database = (root / c.path).parent / "target" / "dev.duckdb"
        if database.is_file():
            pairs.append((c, f"{database}::main.{c.name.rsplit('.', 1)[-1]}"))
    return pairs


def _data_verdict(data_reports: list[Any]) -> Verdict | None:
    """What the data checks add to the headline: how many failed, for which products."""
    if not data_reports:
        return None
    bad = [r for r in data_reports if not r.ok]
    if not bad:
        return Verdict("Data checks", True, f"{plural(len(data_reports), 'product')} checked")
    detail = ", ".join(f"{len(r.failed)} of {len(r.checks)} failed for {code(r.product)}" for r in bad)
    return Verdict("Data checks", False, detail)


def run_ci(ctx: GitHubContext, opts: CiOptions) -> CiOutcome:
    """Check, then write the report, outputs and job summary. The PR comment is `post_comment`'s job,
    run after: GitHub being unreachable must never cost the report or change the exit code."""
    from scaffolder.contract.mesh import load_mesh
    from scaffolder.github.sinks import annotations, write_outputs, write_summary
    from scaffolder.policy.mesh_policies import attach

    root = (opts.working_directory or ctx.workspace or Path.cwd()).resolve()
    mesh = load_mesh(root)
    attach(mesh, "ci", ctx.labels)  # the mesh's Rego policies see the PR's labels
    report, fail_on, notes = _gate(ctx, opts, root, mesh)
    data_reports = _data_checks(opts, report, root)
    impact = find_impact(report, mesh)
    report_path = opts.report_path or root / "scaffolder-report.json"
    markdown = _markdown(report, impact_markdown(impact), data_reports, notes, report_path)

    ok = report.ok and (all(r.ok for r in data_reports) or fail_on == "never")
    payload = {**report.to_json(), "ok": ok, "impact": {k: [i.to_json() for i in v] for k, v in impact.items()},
               "data_checks": [r.to_json() for r in data_reports], "notes": notes}
    report_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(report_path, redact(dumps(payload)))
    if ctx.in_actions:  # beside the JSON: the Markdown, for the workflow_run commenter of fork PRs
        atomic_write(report_path.with_suffix(".md"), redact(markdown))

    findings: list[Finding] = report.all_findings() + [f for r in data_reports for f in r.findings()]
    outputs = _outputs(report, ok, report_path)
    write_outputs(ctx.output_file, outputs)
    write_summary(ctx.summary_file, markdown, str(report_path))
    return CiOutcome(report, markdown, payload, annotations(findings), outputs, None, ok, notes)


def _gate(ctx: GitHubContext, opts: CiOptions, root: Path, mesh: Mesh) -> tuple[ChangeReport, str, list[str]]:
    """The change gate against the PR's base; the approval label turns `breaking` into `bump`."""
    from scaffolder.changes.check import check_changes

    notes: list[str] = []
    fail_on = opts.fail_on
    if fail_on == "breaking" and opts.approve_label and opts.approve_label in ctx.labels:
        fail_on = "bump"
        notes.append(f"Label `{opts.approve_label}` is on the PR: breaking changes are accepted for this run; "
                     "the version gate still applies.")
    base_ref = opts.base_ref or (f"origin/{ctx.base_ref}" if ctx.base_ref else None)
    report = check_changes(root, base_ref, opts.head_ref, mesh, opts.today or dt.date.today(), fail_on=fail_on)
    return report, fail_on, notes


def _data_checks(opts: CiOptions, report: ChangeReport, root: Path) -> list[Any]:
    """Data checks of the changed contracts that have data: named, or left by a dbt build."""
    pairs = _data_specs(opts.data, report)
    if opts.engine == "duckdb":  # the DuckDB files a dbt build left beside the contract
        pairs += _dbt_outputs(report, root, {c.name for c, _ in pairs})
    if not pairs:  # duckdb is imported only when there is data to check
        return []
    from scaffolder.checks.run import run_checks

    return [run_checks(root / result.path, source, now=opts.now, engine=opts.engine,
                       engine_options=_engine_options(opts, root / result.path))
            for result, source in pairs]


def _markdown(report: ChangeReport, impact_md: str, data_reports: list[Any], notes: list[str],
              report_path: Path) -> str:
    """The PR comment and job summary: the gate's report, then notes, consumer impact, data checks."""
    extras = [*(f"> {n}" for n in notes)]
    if impact_md:
        extras.append(impact_md)
    if data_reports:  # each report carries its own "Data checks: `product`" heading
        from scaffolder.checks.results import render_markdown as checks_markdown

        extras.extend(checks_markdown(r) for r in data_reports)
    tail = "\n\n".join(extras)
    data_verdict = _data_verdict(data_reports)
    body = render_markdown(report, marker=MARKER, full_report=f"`{report_path.name}` (job artifact) and the job summary",
                           max_chars=60_000 - len(tail) - 4, others=[data_verdict] if data_verdict else [])
    return body.rstrip("\n") + ("\n\n" + tail if tail else "") + "\n"


def _outputs(report: ChangeReport, ok: bool, report_path: Path) -> dict[str, str]:
    declared = [c.declared_bump for c in report.contracts if c.declared_bump in BUMPS]
    return {
        "ok": str(ok).lower(),
        "required-bump": report.required_bump,
        "declared-bump": Bump.largest(declared),
        "report-path": str(report_path),
        "contracts-changed": str(len(report.contracts)),
    }


def post_comment(ctx: GitHubContext, opts: CiOptions, outcome: CiOutcome) -> CommentResult | None:
    """Post the sticky comment, after everything else is written. A comment that cannot be posted is a
    warning annotation (and the `comment` output), never a failure of the run."""
    from scaffolder.github.sinks import write_outputs

    comment = _comment(ctx, opts, outcome.report, outcome.markdown)
    outcome.comment = comment
    if comment is None:
        return None
    extra = {"comment": comment.action, **({"comment-url": comment.url} if comment.url else {})}
    outcome.outputs.update(extra)
    write_outputs(ctx.output_file, extra)
    if comment.action in ("failed", "forbidden"):
        warning = Finding("pr-comment", f"the PR comment was not posted: {comment.detail}",
                          severity=Severity.WARNING, location=Location())
        outcome.annotations.append(annotation(warning))
    return comment


def _comment(ctx: GitHubContext, opts: CiOptions, report: ChangeReport, markdown: str) -> CommentResult | None:
    from scaffolder.github.comment import CommentResult, post

    if opts.comment == "off":
        return None
    if ctx.pr_number is None or not ctx.repository:
        return None
    if not ctx.token:
        return CommentResult("skipped", detail="no GITHUB_TOKEN: not commenting")
    changed = bool(report.contracts) or bool(report.findings)
    all_clear = f"{MARKER}\n## Data contract changes\n\n✅ All clear: this pull request no longer changes any data contract."
    body = markdown if changed or opts.comment == "always" else None
    return post(ctx.api_url, ctx.token, ctx.repository, ctx.pr_number, body, author=opts.comment_author,
                all_clear=all_clear)
