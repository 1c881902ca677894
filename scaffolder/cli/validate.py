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
    which = s.add_mutually_exclusive_group()
    which.add_argument("--mesh", action="store_true", help="print the schema of mesh.yaml instead")
    which.add_argument("--odcs", action="store_true",
                       help="print the ODCS v3 schema (from the open-data-contract-standard package) instead")
    s.set_defaults(run=run_schema)


def run_validate(args: argparse.Namespace) -> int:
    from scaffolder.contract import render
    from scaffolder.contract.discover import expand
    from scaffolder.contract.validate import validate_files
    from scaffolder.report.output import dumps

    mesh = mesh_from_args(args)
    if not args.no_policy:
        from scaffolder.policy.mesh_policies import attach

        attach(mesh)  # the mesh's Rego policies (policies/**/*.rego), compiled once for the run
    files = expand(args.paths, mesh, allow_empty=args.allow_empty)
    results = validate_files(files, None if args.no_policy else mesh, within=mesh.root)
    if args.format == "json":
        print(dumps(render.validation_json(mesh, results)))
    elif args.format == "github":
        out = render.validation_github(mesh, results)
        if out:
            print(out)
    else:
        print(render.validation_text(mesh, results, files))
    return 0 if render.validation_ok(mesh, results) else 1


def run_explain(args: argparse.Namespace) -> int:
    from scaffolder.contract.explain import explain, explain_json
    from scaffolder.contract.validate import validate_file
    from scaffolder.errors import UsageError
    from scaffolder.report.output import dumps

    if not Path(args.path).is_file():
        raise UsageError(f"{args.path}: no such file")
    tables = validate_file(args.path).each  # an ODCS file with several tables: each on its own
    for result in tables:
        for f in result.findings:
            print(f.text())
    if any(r.contract is None or not r.ok for r in tables):
        return 1
    contracts = [r.contract for r in tables if r.contract is not None]
    if args.format == "json":
        out = [explain_json(c) for c in contracts]
        print(dumps(out[0] if len(out) == 1 else out))
    else:
        print("\n\n".join(explain(c) for c in contracts))
    return 0


def run_schema(args: argparse.Namespace) -> int:
    import json

    from scaffolder.contract.schema import load_schema

    if args.odcs:
        from scaffolder.odcs.schema import schema_text

        print(schema_text(), end="" if schema_text().endswith("\n") else "\n")
        return 0
    print(json.dumps(load_schema("mesh_schema.json" if args.mesh else "schema.json"), indent=2))
    return 0
