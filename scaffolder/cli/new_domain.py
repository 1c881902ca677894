"""Domain scaffolding: `new-domain` and `dbt-schema`.

`new-domain` adds a domain to a mesh with Copier; what it decides (template,
release, inherited answers, CODEOWNERS) is `scaffolder.fleet.onboard`.

`dbt-schema` prints a domain's `models/schema.yml` from its contract, or
checks that the two agree (the template renders both on day one; the
domain edits them afterwards).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scaffolder.cli.common import add_format, add_mesh_root
from scaffolder.report.words import plural


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new-domain", help="add a domain to the mesh from the platform's Copier template",
        description="Create domains/NAME in the mesh with Copier (same as `copier copy --vcs-ref TAG "
        "TEMPLATE domains/NAME`), from the template the mesh was made from, at the release mesh.yaml "
        "pins (templates.ref) or else the template's latest release (never an older one: a new domain "
        "is not behind at birth), and add the domain's owners to the root CODEOWNERS.")
    p.add_argument("name", metavar="NAME", help="domain name, a lowercase slug (e.g. payments)")
    add_mesh_root(p)
    p.add_argument("--template", metavar="SRC", default=None,
                   help="template repo: an absolute path or a URL (default: the mesh's own _src_path)")
    p.add_argument("--ref", metavar="TAG", default=None,
                   help="template release tag (default: mesh.yaml's templates.ref when it pins one, else the "
                   "template's latest release tag)")
    p.add_argument("--data", "-d", metavar="KEY=VALUE", action="append", default=[],
                   help="answer a template question (repeatable), e.g. -d warehouse=snowflake")
    p.add_argument("--interactive", action="store_true",
                   help="ask the questions not answered by --data (default: take the defaults)")
    p.set_defaults(run=run_new_domain)

    d = sub.add_parser(
        "dbt-schema", help="print models/schema.yml from a contract, or check that they agree",
        description="Print the dbt schema.yml a contract calls for (contract: {enforced: true}, "
        "data_type = the contract type's dbt spelling, not_null/unique/accepted_values from its "
        "constraints), or with --check report where an existing schema.yml has drifted from it.")
    d.add_argument("contract", metavar="CONTRACT", help="the contract file")
    d.add_argument("--check", metavar="SCHEMA_YML", default=None,
                   help="compare this schema.yml with the contract instead of printing one")
    d.add_argument("--model", metavar="NAME", default=None,
                   help="dbt model name (default: the product, the part of metadata.name after the domain)")
    d.add_argument("--table", metavar="NAME", default=None,
                   help="an ODCS contract with several tables: the table (schema object) to use")
    add_format(d, "text", "json", "github")
    d.set_defaults(run=run_dbt_schema)


def run_new_domain(args: argparse.Namespace) -> int:
    from scaffolder.cli.common import parse_key_values
    from scaffolder.fleet.onboard import new_domain

    made = new_domain(args.name, Path(args.mesh_root) if args.mesh_root else None,
                      template=args.template, ref=args.ref, data=parse_key_values(args.data, "--data"),
                      interactive=args.interactive)
    print(f"created {made.rel}: {made.answers.get('domain', args.name)}.{made.answers.get('product', '?')} "
          f"(template {made.source} at {made.answers.get('_commit', made.ref or 'HEAD')}: {made.why})")
    if made.codeowners_added:
        print(f"added /domains/{args.name}/ to CODEOWNERS")
    print(f"next: cd {made.rel} && dbt build --profiles-dir . && scaffolder validate data-product-contract.yaml")
    return 0


def run_dbt_schema(args: argparse.Namespace) -> int:
    from scaffolder.contract.load import LoadError, load_file
    from scaffolder.contract.validate import pick_table, validate_file
    from scaffolder.dbt.schema import check, render
    from scaffolder.errors import UsageError
    from scaffolder.report.annotations import annotation
    from scaffolder.report.output import dumps

    for path in filter(None, (args.contract, args.check)):
        if not Path(path).is_file():
            raise UsageError(f"{path}: no such file")
    result = pick_table(validate_file(args.contract), args.table)
    if result.contract is None or not result.ok:
        findings = result.findings
    elif args.check is None:
        print(render(result.contract, args.model), end="")
        return 0
    else:
        try:
            findings = check(result.contract, load_file(args.check), args.model)
        except LoadError as exc:
            findings = exc.findings
    if args.format == "json":
        print(dumps({"ok": not findings, "contract": args.contract, "schema": args.check,
                     "findings": [f.to_json() for f in findings]}))
    elif args.format == "github":
        for f in findings:
            print(annotation(f))
    else:
        for f in findings:
            print(f.text())
        if args.check and result.ok:
            verdict = "agree" if not findings else f"disagree ({plural(len(findings), 'finding')})"
            print(f"{args.check} and {args.contract}: {verdict}")
    return 1 if findings else 0
