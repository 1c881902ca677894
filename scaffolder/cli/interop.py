"""`import` and `export`: contracts from what exists, and into what other tools read."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    from scaffolder.interop.formats import EXPORTS, FORMATS, IMPORTS

    listing = "; ".join(f"{f.name}: {f.imports}" for f in FORMATS if f.imports)
    p = sub.add_parser("import", help="draft a contract from a dbt model, data files, DDL, Avro or JSON Schema",
                       description=f"Draft a contract from what exists. Formats: {listing}. "
                       "Review the owner, domain and version it sets.",
                       epilog="Exit codes: 0 written, 1 the draft does not validate (written anyway, errors "
                       "listed), 2 the source cannot be read.")
    p.add_argument("source", metavar="SOURCE", help="the file, glob, manifest or table to read")
    p.add_argument("--format", "-f", dest="source_format", required=True, choices=IMPORTS,
                   help="what SOURCE is")
    p.add_argument("--to", choices=("datamesh", "odcs"), default="datamesh",
                   help="the contract format to write (default: %(default)s)")
    p.add_argument("-o", "--output", metavar="OUT", default=None,
                   help="file to write; an existing folder, or a new one when several tables are imported, gets one file per table (default: stdout)")
    p.add_argument("--model", action="append", default=[], metavar="NAME",
                   help="dbt: the model to import (repeatable; default: every model, or those under --select)")
    p.add_argument("--select", metavar="FOLDER", default=None,
                   help="dbt: every model whose file lies under FOLDER (e.g. models/marts)")
    p.add_argument("--dialect", default="duckdb", metavar="DIALECT", help="sql: the DDL's dialect (sqlglot's name)")
    p.add_argument("--profile", action="store_true",
                   help="parquet/csv/duckdb: scan the data and propose enums, min/max, not-null and a primary key")
    p.add_argument("--domain", default=None, help="the contract's domain (default: from the source, or `imported`)")
    p.add_argument("--owner", default=None, help="spec.owner (default: owner@example.com, to be replaced)")
    p.add_argument("--version", dest="contract_version", default=None, metavar="SEMVER",
                   help="metadata.version (default: 0.1.0)")
    p.set_defaults(run=run_import)

    e = sub.add_parser("export", help="write a contract as ODCS, Avro, JSON Schema, SQL DDL or dbt schema.yml",
                       description="Write a contract in another format: "
                       + "; ".join(f"{f.name}: {f.exports}" for f in FORMATS if f.exports) + ".",
                       epilog="Exit codes: 0 written, 1 the contract is invalid, 2 wrong usage.")
    e.add_argument("contract", metavar="CONTRACT")
    e.add_argument("--format", "-f", dest="target", required=True, type=_target, metavar="FORMAT",
                   help=f"one of {', '.join(EXPORTS)}; sql:DIALECT for a dialect (default duckdb)")
    e.add_argument("--table", metavar="NAME", default=None,
                   help="an ODCS contract with several tables: the table (schema object) to export")
    e.add_argument("-o", "--output", metavar="OUT", default=None, help="file to write (default: stdout)")
    e.set_defaults(run=run_export)


def _target(text: str) -> tuple[str, str | None]:
    from scaffolder.interop.formats import EXPORTS
    from scaffolder.interop.sql import DIALECTS

    name, _, option = text.partition(":")
    if name not in EXPORTS:
        raise argparse.ArgumentTypeError(f"unknown format {text!r} (one of {', '.join(EXPORTS)})")
    if option and (name != "sql" or option not in DIALECTS):
        raise argparse.ArgumentTypeError(f"{text!r}: only sql takes a dialect, one of {', '.join(DIALECTS)}")
    return name, option or None


def _read_text(path: str) -> str:
    from scaffolder.contract.load import LoadError, read_text
    from scaffolder.errors import UsageError

    try:
        return read_text(path)
    except LoadError as exc:
        raise UsageError(exc.findings[0].text()) from None


def _needs(fmt: str, purpose: str) -> None:
    """The interop extra's packages, for the formats that use them (a usage error naming the extra)."""
    from scaffolder.extras import require

    if fmt in ("dbt", "parquet", "csv", "duckdb", "sql"):
        require("sqlglot", "interop", purpose)
    if fmt == "avro":
        require("fastavro", "interop", purpose)


def drafts(args: argparse.Namespace) -> list[Any]:
    """Read SOURCE with the chosen importer."""
    from scaffolder.errors import UsageError
    from scaffolder.interop import avro, dbt, jsonschema, sql, tabular

    fmt = args.source_format
    _needs(fmt, f"import --format {fmt}")
    if fmt != "dbt" and (args.model or args.select):
        raise UsageError("--model and --select apply to --format dbt only")
    if args.profile and fmt not in ("parquet", "csv", "duckdb"):
        raise UsageError("--profile applies to parquet, csv and duckdb sources")
    if fmt == "dbt":
        skipped: list[str] = []
        found = dbt.read(dbt.load_manifest(args.source), args.model, args.select, skipped)
        for note in skipped:
            print(f"scaffolder import: {note}", file=sys.stderr)
        return found
    if fmt in ("parquet", "csv", "duckdb"):
        return tabular.read(args.source, fmt, tabular.Options(profile=args.profile))
    if not Path(args.source).is_file():
        raise UsageError(f"{args.source}: no such file")
    text = _read_text(args.source)
    if fmt == "sql":
        return sql.read(text, args.dialect, args.source)
    return (avro if fmt == "avro" else jsonschema).read(text, args.source)


def run_import(args: argparse.Namespace) -> int:
    from scaffolder.contract.validate import validate_text
    from scaffolder.interop import draft, odcs
    from scaffolder.interop.draft import Identity

    who = Identity(domain=args.domain, owner=args.owner or draft.DEFAULT_OWNER,
                   version=args.contract_version or draft.DEFAULT_VERSION)
    found = drafts(args)
    outputs: list[tuple[str, str]] = []
    ok = True
    for d in found:
        text = draft.to_yaml(d, who, args.source)
        if args.to == "odcs":
            text = odcs.dump(odcs.to_odcs(draft.to_dict(d, who)))
        name = draft.product_name(d.product) + (".odcs.yaml" if args.to == "odcs" else ".yaml")
        result = validate_text(text, name)  # the ODCS output against the standard's own schema
        for f in result.findings:
            print(f.text(), file=sys.stderr)
        ok = ok and result.ok
        outputs.append((name, text))
    _emit(outputs, args.output)
    return 0 if ok else 1


def _emit(outputs: list[tuple[str, str]], out: str | None) -> None:
    from scaffolder.errors import UsageError
    from scaffolder.fsutil import atomic_write

    if out is None:
        sys.stdout.write("---\n".join(text for _, text in outputs))
        return
    if len(outputs) == 1 and not Path(out).is_dir():
        atomic_write(out, outputs[0][1])
        print(f"wrote {out}", file=sys.stderr)
        return
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{out}: several tables were imported; -o must be a folder")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in outputs:
        atomic_write(folder / name, text)
        print(f"wrote {folder / name}", file=sys.stderr)


def run_export(args: argparse.Namespace) -> int:
    from scaffolder.contract.validate import pick_table, validate_file
    from scaffolder.errors import UsageError
    from scaffolder.interop import sql
    from scaffolder.interop.formats import BY_NAME, module

    if not Path(args.contract).is_file():
        raise UsageError(f"{args.contract}: no such file")
    result = pick_table(validate_file(args.contract), args.table)
    for f in result.findings:
        print(f.text(), file=sys.stderr)
    if not result.ok or result.contract is None:
        return 1
    name, option = args.target
    _needs(name, f"export --format {name}")
    if name == "sql":
        text = sql.write(result.contract, option or "duckdb")
    else:
        text = module(BY_NAME[name]).write(result.contract)
    _emit([("", text)], args.output)
    return 0
