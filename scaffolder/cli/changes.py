"""`diff`, `check`, `rules` and `bump`: contract changes and the semver gate."""

from __future__ import annotations

import argparse
from pathlib import Path

from scaffolder.cli.common import (
    add_fail_on,
    add_format,
    add_mesh_root,
    mesh_from_args,
    root_from_args,
)

REPORT_FORMATS = ("text", "json", "markdown", "github")


def _date(text: str):  # -> datetime.date (argparse type)
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r}: expected YYYY-MM-DD") from None


def _gate_options(p: argparse.ArgumentParser) -> None:
    add_fail_on(p)
    p.add_argument("--today", type=_date, default=None, metavar="YYYY-MM-DD",
                   help="the date for sunsets and exception expiry (default: today, UTC)")
    add_mesh_root(p)


def register(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("diff", help="compare two versions of a contract and apply the semver gate",
                       description="Compare OLD and NEW (two contract files): every change with its rule id, "
                       "the bump it requires, its line and JSON path, then the semver gate on metadata.version.")
    d.add_argument("old", metavar="OLD", help="the old version: a file, `-` for standard input, "
                   "or a pipe such as <(git show main:FILE)")
    d.add_argument("new", metavar="NEW", help="the new version (the same forms as OLD)")
    add_format(d, *REPORT_FORMATS)
    _gate_options(d)
    d.set_defaults(run=run_diff)

    c = sub.add_parser("check", help="check every contract changed since the merge-base (the PR gate)",
                       description="Find every contract added, modified, renamed or removed between the merge-base "
                       "of --head and --base and the head (default: the working tree), diff each and apply the gate.")
    c.add_argument("--base", metavar="REF", default=None,
                   help="target branch (default: origin/HEAD, else main, else master); compared at its merge-base")
    c.add_argument("--head", metavar="REF", default=None, help="the commit to check (default: the working tree)")
    c.add_argument("--output", "-o", metavar="FILE", default=None,
                   help="also write the full JSON report to FILE (the Markdown report points at it)")
    c.add_argument("--label", action="append", default=[], metavar="LABEL",
                   help="a pull request label the mesh's Rego policies see in input.labels (repeatable; "
                   "`ci` reads them from the GitHub event)")
    add_format(c, *REPORT_FORMATS)
    _gate_options(c)
    c.set_defaults(run=run_check)

    r = sub.add_parser("rules", help="list the change rule catalogue",
                       description="Every change rule with the bump it requires in each compatibility mode.")
    add_format(r, "text", "json", "md", "markdown")
    r.set_defaults(run=run_rules)

    b = sub.add_parser("bump", help="set metadata.version to the smallest version that passes the gate",
                       description="For each changed contract in the working tree whose version does not cover "
                       "its changes, rewrite metadata.version in place (only that line changes).")
    b.add_argument("paths", nargs="*", metavar="PATH", help="limit to these contracts or folders (default: all changed)")
    b.add_argument("--base", metavar="REF", default=None, help="target branch (default: the repo's default branch)")
    b.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")
    add_format(b, "text", "json")
    _gate_options(b)
    b.set_defaults(run=run_bump)


def _today(args: argparse.Namespace):
    import datetime as dt

    return args.today or dt.datetime.now(dt.UTC).date()


def _render(report, fmt: str, full_report: str | None = None) -> str:
    if fmt == "json":
        from scaffolder.report.output import dumps

        return dumps(report.to_json())
    if fmt == "markdown":
        from scaffolder.report.markdown import render_markdown

        return render_markdown(report, **({"full_report": full_report} if full_report else {}))
    from scaffolder.report.changes_text import render_github, render_text

    return render_github(report) if fmt == "github" else render_text(report)


def run_diff(args: argparse.Namespace) -> int:
    from scaffolder.changes.check import compare_files
    from scaffolder.errors import UsageError

    for p in (args.old, args.new):
        if p != "-" and not Path(p).exists():
            raise UsageError(f"{p}: no such file")
        if p != "-" and Path(p).is_dir():
            raise UsageError(f"{p}: a folder; `diff` compares two contract files (`-` reads standard input)")
    report = compare_files(args.old, args.new, mesh_from_args(args), _today(args), fail_on=args.fail_on)
    print(_render(report, args.format))
    return 0 if report.ok else 1


def run_check(args: argparse.Namespace) -> int:
    from scaffolder.changes.check import check_changes
    from scaffolder.policy.mesh_policies import attach
    from scaffolder.report.redact import redact

    mesh = attach(mesh_from_args(args), "check", args.label)
    report = check_changes(root_from_args(args), args.base, args.head, mesh,
                           _today(args), fail_on=args.fail_on)
    if args.output:
        from scaffolder.fsutil import atomic_write
        from scaffolder.report.output import dumps

        atomic_write(args.output, redact(dumps(report.to_json())) + "\n")
    text = _render(report, args.format, f"`{args.output}`" if args.output else None)
    if args.format == "markdown":  # the same section `ci` adds to the PR comment
        from scaffolder.report.impact import find_impact, impact_markdown

        impact = impact_markdown(find_impact(report, mesh))
        text = text.rstrip("\n") + "\n\n" + impact + "\n" if impact else text
    print(text)
    return 0 if report.ok else 1


def run_rules(args: argparse.Namespace) -> int:
    from scaffolder.changes.rules_doc import rules_json, rules_markdown, rules_text

    if args.format == "json":
        from scaffolder.report.output import dumps

        print(dumps(rules_json()))
    elif args.format in ("md", "markdown"):
        print(rules_markdown(), end="")
    else:
        print(rules_text())
    return 0


def run_bump(args: argparse.Namespace) -> int:
    from scaffolder.changes.bump import bump_versions

    mesh = mesh_from_args(args)
    root = root_from_args(args)
    paths = [_rel_to_mesh(p, mesh.root) for p in args.paths] if args.paths else None
    if paths is not None and "" in paths:
        paths = None
    results = bump_versions(root, args.base, mesh, _today(args), paths=paths, dry_run=args.dry_run)
    if args.format == "json":
        from dataclasses import asdict

        from scaffolder.report.output import dumps

        print(dumps({"bumped": [asdict(r) for r in results], "dry_run": args.dry_run}))
    else:
        verb = "would set" if args.dry_run else "set"
        for r in results:
            if r.new:
                print(f"{r.path}: {verb} version {r.old} -> {r.new} ({r.note})")
            else:
                print(f"{r.path}: {r.old} unchanged ({r.note})")
        if not results:
            print("no changed contract to bump")
    return 1 if any(r.note.startswith("invalid") for r in results) else 0


def _rel_to_mesh(path: str, mesh_root: Path) -> str:
    """A PATH argument as the '/'-path relative to the mesh root that `check` matches on."""
    from scaffolder.errors import UsageError

    p = Path(path)
    if not p.exists():
        raise UsageError(f"{path}: no such file or directory")
    try:
        rel = p.resolve().relative_to(mesh_root.resolve()).as_posix()
    except ValueError:
        raise UsageError(f"{path}: outside the mesh at {mesh_root}") from None
    return "" if rel == "." else rel
