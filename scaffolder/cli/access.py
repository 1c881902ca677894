"""`access explain` and `access compile`: who reads which column, and the SQL that enforces it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.cli.common import add_format, add_mesh_root, mesh_from_args, parse_key_values

if TYPE_CHECKING:
    from scaffolder.access.decide import Decider
    from scaffolder.contract.model import Contract
    from scaffolder.contract.policy import Mesh

DIALECT_NAMES = ("duckdb", "postgres", "snowflake", "databricks", "bigquery")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("access", help="who reads which column: decide (Rego) and compile into SQL")
    asub = p.add_subparsers(dest="access_command", metavar="SUBCOMMAND")
    e = asub.add_parser("explain", help="for one role, allow / mask(method) / deny per column, and why",
                        description="Decide a role's access to each column of a data product with the "
                        "Rego query data.mesh.access.decision: the default policy from the contract "
                        "(access.roles read, PII masked by its masking method, anything else denied), "
                        "refined by the mesh's policies in package mesh.access.",
                        epilog="Exit codes: 0 the role reads at least one column, 1 it reads nothing, "
                        "2 wrong usage, an invalid contract or a policy error.")
    e.add_argument("product", metavar="PRODUCT", help="a contract file, or a product's metadata.name")
    e.add_argument("--role", required=True, help="the role asking to read")
    _add_attrs(e)
    add_format(e, "text", "json", "markdown")
    add_mesh_root(e)
    e.set_defaults(run=run_explain)

    c = asub.add_parser("compile", help="emit the SQL that enforces access: per-role views and grants",
                        description="Compile every product's access into SQL for one engine: one view "
                        "per role that may read it (masked columns computed, denied ones left out) and "
                        "the grants; see docs/access.md.",
                        epilog="Exit codes: 0 compiled, 2 wrong usage, an invalid contract or a policy error.")
    c.add_argument("paths", nargs="*", metavar="PATH",
                   help="contract files, folders or globs (default: every contract of the mesh)")
    c.add_argument("--dialect", required=True, choices=DIALECT_NAMES)
    c.add_argument("-o", "--output", metavar="DIR",
                   help="write one <product>.sql per product into DIR (default: print to stdout)")
    c.add_argument("--role", action="append", default=[], metavar="ROLE",
                   help="also decide for this role (the contract's and mesh.yaml's roles always are)")
    c.add_argument("--schema", default="access", help="schema of the views (default: %(default)s)")
    c.add_argument("--source-schema", default=None,
                   help="schema of the products' tables (default per dialect: duckdb main, postgres "
                   "public, snowflake PUBLIC, databricks default, bigquery analytics)")
    _add_attrs(c)
    add_format(c, "text", "json", "dbt")
    add_mesh_root(c)
    c.set_defaults(run=run_compile)
    p.set_defaults(run=lambda args: (p.print_help(), 2)[1])


def _add_attrs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--attr", action="append", default=[], metavar="K=V",
                   help="an attribute of the reader, as input.attrs.K in the policies (repeatable)")


def parse_attrs(items: list[str]) -> dict[str, str]:
    return parse_key_values(items, "--attr")


def _decider(mesh: Mesh) -> Decider:
    from scaffolder.access.decide import Decider
    from scaffolder.policy.mesh_policies import find_modules

    return Decider(find_modules(mesh.root / mesh.rego, mesh.root))


def _load(path: Path, mesh: Mesh) -> Contract:
    from scaffolder.contract.validate import ContractError, load_contract
    from scaffolder.errors import UsageError

    try:
        return load_contract(path, mesh)
    except ContractError as exc:
        raise UsageError(f"the contract is not valid:\n{exc}") from None


def find_product(product: str, mesh: Mesh) -> Contract:
    """A contract file, or the mesh's contract whose metadata.name is `product`."""
    from scaffolder.contract.discover import expand
    from scaffolder.contract.load import LoadError, load_file
    from scaffolder.errors import UsageError

    if Path(product).is_file():
        return _load(Path(product), mesh)
    for path in expand([], mesh, allow_empty=True):
        try:
            name = (load_file(path, within=mesh.root).data.get("metadata") or {}).get("name")
        except (LoadError, AttributeError):
            continue
        if name == product:
            return _load(path, mesh)
    raise UsageError(f"{product}: no such contract file, and no contract of the mesh is named so")


def run_explain(args: argparse.Namespace) -> int:
    from scaffolder.access import render
    from scaffolder.report.output import dumps

    mesh = mesh_from_args(args)
    contract = find_product(args.product, mesh)
    decision = _decider(mesh).decide(contract, args.role, parse_attrs(args.attr))
    if args.format == "json":
        print(dumps(decision.to_json()))
    elif args.format == "markdown":
        print(render.markdown(decision))
    else:
        print(render.text(decision))
    return 0 if decision.reads_anything else 1


def run_compile(args: argparse.Namespace) -> int:
    import json

    from scaffolder.access.compile import compile_all
    from scaffolder.contract.discover import expand
    from scaffolder.fsutil import atomic_write
    from scaffolder.report.output import dumps

    mesh = mesh_from_args(args)
    contracts = [_load(p, mesh) for p in expand(args.paths, mesh)]
    compiled = compile_all(contracts, args.dialect, decider=_decider(mesh), mesh_roles=mesh.roles,
                           extra_roles=args.role, schema=args.schema, source_schema=args.source_schema,
                           attrs=parse_attrs(args.attr))
    written: dict[str, str] = {}
    if args.output:
        out = Path(args.output)
        out.mkdir(parents=True, exist_ok=True)
        for c in compiled:
            target = out / f"{c.product}.sql"
            atomic_write(target, c.sql())
            written[c.product] = str(target)
    if args.format == "dbt":  # the arguments of `dbt run-operation apply_access` (the domain template)
        print(json.dumps({"statements": [s for c in compiled for s in c.statements]}))
    elif args.format == "json":
        print(dumps({"dialect": args.dialect, "products": [
            {"product": c.product, "views": c.views, "roles": c.roles, "file": written.get(c.product),
             "sql": c.sql(), "statements": c.statements, "decisions": [d.to_json() for d in c.decisions]}
            for c in compiled]}))
    elif args.output:
        for c in compiled:
            print(f"{written[c.product]}: {len(c.views)} view(s) for {', '.join(c.roles) or 'no role'}")
    else:
        print("\n".join(c.sql() for c in compiled), end="")
    return 0
