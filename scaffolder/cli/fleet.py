"""`fleet`: where every domain stands, and rolling a template release out to all of them."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

_REF = re.compile(r"^(?!-)(?!.*\.\.)[A-Za-z0-9._/+-]+$")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fleet", help="roll template releases out across every domain",
                       description="Every domain is found by its .copier-answers.yml: domains/* of a mesh "
                       "monorepo (--root), or the polyrepos a fleet file lists (--fleet-file).")
    fs = p.add_subparsers(dest="fleet_command", metavar="SUBCOMMAND")

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--root", default=".", help="the mesh repository (default: the current folder)")
        q.add_argument("--fleet-file", metavar="FILE", help="a YAML list of domain repositories (polyrepos)")
        q.add_argument("--only", action="append", metavar="DOMAIN", help="just this domain (repeatable)")

    s = fs.add_parser("status", help="template version, latest release and drift of every domain",
                      description="Drift = local edits to platform-owned files, found by rendering each "
                      "domain's recorded template version with its answers and comparing (files in the "
                      "template's _skip_if_exists belong to the domain and are not compared). LATEST is the "
                      "template's highest release tag, '? (no release)' when it has none. Exit codes: 0 "
                      "(behind or drifted domains are only shown), 1 when a domain or its template cannot be "
                      "read, and with --check also 1 when a domain is behind or drifted; 2 wrong usage.")
    common(s)
    s.add_argument("--jobs", "-j", type=int, default=2, help="parallel render processes (default: %(default)s)")
    s.add_argument("--no-drift", action="store_true", help="skip the drift check (no rendering)")
    s.add_argument("--format", "-f", choices=("text", "json"), default="text")
    s.add_argument("--check", action="store_true",
                   help="exit 1 when a domain is behind its template's latest release or has drifted (for CI)")
    s.set_defaults(run=run_status)

    u = fs.add_parser("update", help="update every domain to a template release, one branch each",
                      description="Each domain is updated by `copier update` (3-way merge) in its own git "
                      "worktree on the branch template-update/REF/DOMAIN (template-update/REF in a polyrepo), "
                      "in its own process; the base branch is never modified. Exit 1 when a domain is "
                      "conflicted, needs an answer or failed.")
    common(u)
    u.add_argument("--to", required=True, metavar="REF", help="the template release (a tag, e.g. v1.5.0)")
    u.add_argument("--jobs", "-j", type=int, default=2, help="domains updated in parallel (default: %(default)s)")
    u.add_argument("--base", help="branch the update branches start from (default: main, else master)")
    u.add_argument("--open-prs", action="store_true",
                   help="push each branch and open or edit its PR (GITHUB_TOKEN, GITHUB_API_URL)")
    u.add_argument("--remote", default="origin", help="where branches are pushed (default: %(default)s)")
    u.add_argument("--repository", metavar="OWNER/NAME",
                   help="GitHub repository of the PRs (default: $GITHUB_REPOSITORY, else the remote's URL)")
    u.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    u.add_argument("--report-path", metavar="FILE", help="also write the JSON report here")
    u.set_defaults(run=run_update)

    m = fs.add_parser("plan", help="a GitHub Actions matrix: one job per domain",
                      description="Print {\"include\": [...]} with one entry per domain (domain, path, branch, "
                      "command). In Actions it is also written to $GITHUB_OUTPUT as `matrix` and `count`.")
    common(m)
    m.add_argument("--to", required=True, metavar="REF")
    m.add_argument("--matrix", action="store_true", required=True, help="print the matrix JSON (one line)")
    m.add_argument("--pending", action="store_true", help="leave out domains already on REF")
    m.set_defaults(run=run_plan)
    p.set_defaults(run=lambda args: _help(p))


def _help(p: argparse.ArgumentParser) -> int:
    p.print_help()
    return 2


def _domains(args: argparse.Namespace) -> list[Any]:
    from pathlib import Path

    from scaffolder.errors import UsageError
    from scaffolder.fleet.discover import discover

    if getattr(args, "to", None) is not None and not _REF.match(args.to):
        raise UsageError(f"--to {args.to!r}: not a git ref name")
    if getattr(args, "jobs", 1) < 1:
        raise UsageError("--jobs must be at least 1")
    fleet_file = Path(args.fleet_file) if args.fleet_file else None
    if fleet_file and not fleet_file.is_file():
        raise UsageError(f"{fleet_file}: no such fleet file")
    domains = discover(Path(args.root), fleet_file, args.only)
    if not domains:
        raise UsageError(f"{args.root}: no domain found (no domains/*/.copier-answers.yml)")
    return domains


class _Progress:
    """A rich progress bar when a person watches; one plain line per domain in CI and pipes."""

    def __init__(self, total: int, label: str):
        import sys

        from scaffolder.report.output import interactive

        self.total, self.done, self.label = total, 0, label
        self.bar: Any = None
        self.stream = sys.stderr
        if interactive():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            from scaffolder.report.sink import unfiltered

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), transient=True, console=Console(file=unfiltered(sys.stderr)))
            self.task = self.bar.add_task(label, total=total)
            self.bar.start()

    def step(self, name: str, status: str) -> None:
        self.done += 1
        if self.bar is not None:
            from scaffolder.report.redact import redact

            self.bar.console.print(redact(f"{name}: {status}"), markup=False)
            self.bar.update(self.task, advance=1, description=f"{self.label} ({name})")
        else:
            print(f"[{self.done}/{self.total}] {name}: {status}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def run_status(args: argparse.Namespace) -> int:
    from scaffolder.fleet.report import needs_attention, status_text
    from scaffolder.fleet.status import fleet_status
    from scaffolder.report.output import dumps

    domains = _domains(args)
    progress = _Progress(len(domains), "status") if not args.no_drift else None
    try:
        rows = fleet_status(domains, jobs=args.jobs, drift=not args.no_drift,
                            on_done=(lambda st: progress.step(st.domain, _drift_word(st)))
                            if progress else None)
    finally:
        if progress:
            progress.close()
    print(dumps([r.to_json() for r in rows]) if args.format == "json" else status_text(rows))
    return 1 if any(r.problem for r in rows) or (args.check and needs_attention(rows)) else 0


def _drift_word(st: Any) -> str:
    return "problem" if st.problem else "drifted" if st.drifted else "no drift"


def run_update(args: argparse.Namespace) -> int:
    import os

    from scaffolder.errors import UsageError
    from scaffolder.fleet import report
    from scaffolder.fleet.scratch import scratch_dir
    from scaffolder.fleet.template import TemplateCache
    from scaffolder.fleet.update import update_fleet
    from scaffolder.report.output import dumps
    from scaffolder.report.redact import redact
    from scaffolder.vcs import git

    domains = _domains(args)
    token = os.environ.get("GITHUB_TOKEN", "")
    if args.open_prs and not token:
        raise UsageError("--open-prs needs GITHUB_TOKEN (a token that may push and open pull requests)")
    with scratch_dir() as workdir, git.run_lock([d.repo_root for d in domains]):
        progress = _Progress(len(domains), f"update to {args.to}")
        try:
            cache = TemplateCache(workdir)
            if args.open_prs:
                from scaffolder.fleet.prs import fetch_branches

                fetch_branches(domains, args.to, args.remote)
            outcomes = update_fleet(domains, args.to, jobs=args.jobs, base=args.base, workdir=workdir,
                                    cache=cache, on_done=lambda o: progress.step(o.domain, o.status))
        finally:
            progress.close()
        if args.open_prs:
            from scaffolder.fleet.prs import open_prs

            open_prs(outcomes, domains, cache, base=args.base, remote=args.remote, repository=args.repository,
                     api_url=os.environ.get("GITHUB_API_URL") or "https://api.github.com", token=token)
    data = report.to_json(outcomes, args.to)
    if args.report_path:
        from scaffolder.fsutil import atomic_write

        atomic_write(args.report_path, redact(dumps(data)) + "\n")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:  # through the sink: redacted, and cut at GitHub's 1 MiB limit
        from scaffolder.github.sinks import write_summary

        write_summary(Path(summary), report.markdown(outcomes, args.to).removesuffix("\n"), args.report_path)
    if args.format == "json":
        print(dumps(data))
    elif args.format == "markdown":
        print(report.markdown(outcomes, args.to), end="")
    else:
        print(report.text(outcomes, args.to))
    return 0 if report.ok(outcomes) else 1


def run_plan(args: argparse.Namespace) -> int:
    import json
    import os

    from scaffolder.fleet.plan import matrix, pending
    from scaffolder.fleet.scratch import scratch_dir
    from scaffolder.fleet.template import TemplateCache
    from scaffolder.github.sinks import write_outputs

    domains = _domains(args)
    if args.pending:
        with scratch_dir() as workdir:
            domains = pending(domains, args.to, TemplateCache(workdir))
    extra = ["--fleet-file", args.fleet_file] if args.fleet_file else []
    text = json.dumps(matrix(domains, args.to, extra_args=extra), separators=(",", ":"))
    out = os.environ.get("GITHUB_OUTPUT")
    write_outputs(Path(out) if out else None, {"matrix": text, "count": str(len(domains))})
    print(text)
    return 0
