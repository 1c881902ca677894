"""`validate`, `explain` and `schema`: the contract itself."""

from __future__ import annotations

import argparse
from pathlib import Path

from scaffolder.cli.common import add_format, add_mesh_root, mesh_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="validate contracts (YAML, schema, meaning, mesh policy)",
                       description="Validate data product contracts: YAML syntax, the JSON Schema, "
                       "meaning (types, constraints, checks) and the mesh's governance policy. "
                       "Every error is reported as PATH:LINE:COL: message [rule-id].",
                       epilog="Exit codes: 0 valid, 1 a contract (or mesh.yaml) has errors, 2 wrong usage, "
                       "also when no contract is found (unless --allow-empty).")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="contract files, folders or globs (default: every contract of the mesh)")
    add_format(p, "text", "json", "github")
    add_mesh_root(p)
    p.add_argument("--no-policy", action="store_true", help="skip the mesh's governance policy (stage 4), mesh.yaml's and the Rego policies")
    p.add_argument("--allow-empty", action="store_true",
                   help="finding no contract is fine (exit 0); by default it is an error (exit 2), since "
                   "globs that match nothing usually hold a typo")
    p.set_defaults(run=run_validate)

    e = sub.add_parser("explain", help="say in plain words what a contract promises")
    e.add_argument("path", metavar="CONTRACT")
    add_format(e, "text", "json")
    e.set_defaults(run=run_explain)

    s = sub.add_parser("schema", help="print the contract's JSON Schema (for editors)")
    s.add_argument("--mesh", action="store_true", help="print the schema of mesh.yaml instead")
    s.set_defaults(run=run_schema)


def run_validate(args: argparse.Namespace) -> int:
    from scaffolder.contract.discover import expand
    from scaffolder.contract.validate import validate_files
    from scaffolder.report.annotations import annotation
    from scaffolder.report.finding import Severity, has_errors
    from scaffolder.report.output import dumps

    mesh = mesh_from_args(args)
    if not args.no_policy:
        from scaffolder.policy.mesh_policies import attach

        attach(mesh)  # the mesh's Rego policies (policies/**/*.rego), compiled once for the run
    files = expand(args.paths, mesh, allow_empty=args.allow_empty)
    results = validate_files(files, None if args.no_policy else mesh, within=mesh.root)
    mesh_findings = mesh.findings
    ok = not has_errors(mesh_findings) and all(r.ok for r in results)
    if args.format == "json":
        print(dumps({"ok": ok, "mesh": {"path": mesh.path, "findings": [f.to_json() for f in mesh_findings]},
                     "contracts": [r.to_json() for r in results]}))
    elif args.format == "github":
        for f in [*mesh_findings, *(f for r in results for f in r.findings)]:
            print(annotation(f))
    else:
        for f in mesh_findings:
            print(f.text())
        for r in results:
            for f in r.findings:
                print(f.text())
        everything = [*mesh_findings, *(f for r in results for f in r.findings)]
        errors = sum(f.severity is Severity.ERROR for f in everything)
        warnings = sum(f.severity is Severity.WARNING for f in everything)
        counts = f"({_plural(errors, 'error')}, {_plural(warnings, 'warning')})"
        bad = [f"{sum(not r.ok for r in results)} invalid"] if not all(r.ok for r in results) else []
        if has_errors(mesh_findings):  # the summary names every reason for a non-zero exit
            bad.append(f"{mesh.path or 'mesh.yaml'} invalid")
        if not files:
            print(f"no contracts found under {mesh.root} (globs: {', '.join(mesh.contracts)})"
                  + (f"; {', '.join(bad)} {counts}" if bad else ""))
        else:
            word = "contract" if len(files) == 1 else "contracts"
            verdict = "all valid" if ok else ", ".join(bad)
            print(f"{len(files)} {word} checked: {verdict} {counts}")
    return 0 if ok else 1


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def run_explain(args: argparse.Namespace) -> int:
    from scaffolder.contract.explain import explain, explain_json
    from scaffolder.contract.validate import validate_file
    from scaffolder.errors import UsageError
    from scaffolder.report.output import dumps

    if not Path(args.path).is_file():
        raise UsageError(f"{args.path}: no such file")
    result = validate_file(args.path)
    for f in result.findings:
        print(f.text())
    if result.contract is None or not result.ok:
        return 1
    print(dumps(explain_json(result.contract)) if args.format == "json" else explain(result.contract))
    return 0


def run_schema(args: argparse.Namespace) -> int:
    import json

    from scaffolder.contract.schema import load_schema

    print(json.dumps(load_schema("mesh_schema.json" if args.mesh else "schema.json"), indent=2))
    return 0
