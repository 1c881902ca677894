"""`test`: check real data against a contract with DuckDB (one scan for every check)."""

from __future__ import annotations

import argparse
from pathlib import Path

from scaffolder.cli.common import add_format

SOURCE_FORMATS = ("parquet", "csv", "json", "ndjson", "duckdb", "delta", "iceberg")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "test", help="check data against a contract (schema, constraints, quality checks, freshness)",
        description="Check real data against a data product contract, in process with DuckDB: schema "
        "conformance, every constraint, every quality check and the freshness SLA, compiled into one scan. "
        "SOURCE is a Parquet/CSV/JSON/NDJSON file or glob, FILE.duckdb::schema.table, a Delta table folder, "
        "an Iceberg table folder or CATALOG_URI::namespace.table (an Iceberg SQL catalog).",
        epilog="Exit codes: 0 every check passed, 1 a check failed or the contract is invalid, "
        "2 the data cannot be found or read.")
    p.add_argument("contract", metavar="CONTRACT", help="the contract file")
    p.add_argument("--data", "-d", required=True, metavar="SOURCE", help="the data to check")
    p.add_argument("--table", metavar="NAME", default=None,
                   help="an ODCS contract with several tables: the table (schema object) to check")
    p.add_argument("--source-format", choices=SOURCE_FORMATS, default=None,
                   help="read SOURCE as this format (default: from the extension or folder layout)")
    p.add_argument("--now", metavar="TS", default=None,
                   help="the clock for freshness, ISO 8601 (default: now; no offset means UTC)")
    p.add_argument("--samples", type=int, default=0, metavar="N",
                   help="show up to N failing values of each failing check (default: 0)")
    p.add_argument("--verbose", "-v", action="store_true",
                   help="under a check that could not run, also show the query engine's own error")
    p.add_argument("--record", metavar="STORE", default=None,
                   help="append this run to a history: a DuckDB file or a postgresql:// URL (see `scaffolder health`)")
    add_format(p, "text", "json", "markdown")
    p.set_defaults(run=run_test)


def run_test(args: argparse.Namespace) -> int:
    from scaffolder.checks.results import render_markdown, render_text
    from scaffolder.checks.run import parse_now, run_checks
    from scaffolder.contract.validate import pick_table, validate_file
    from scaffolder.errors import UsageError
    from scaffolder.report.output import dumps, interactive

    if not Path(args.contract).is_file():
        raise UsageError(f"{args.contract}: no such file")
    if args.samples < 0:
        raise UsageError("--samples must be 0 or more")
    try:
        now = parse_now(args.now) if args.now else None
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    validation = pick_table(validate_file(args.contract), args.table)
    if not validation.ok or validation.contract is None:
        if args.format == "json":
            print(dumps(validation.to_json()))
        else:
            for f in validation.findings:
                print(f.text())
        return 1
    if args.record:  # the same call, timed, and appended to the history (unreadable data too)
        from scaffolder.health.recorder import recording

        run_checks = recording(run_checks, args.record, validation.contract, now)
    if interactive() and args.format != "json":
        from rich.console import Console

        with Console(stderr=True).status("checking data…") as status:
            report = run_checks(validation.contract, args.data, now=now, samples=args.samples,
                                source_format=args.source_format, progress=lambda msg: status.update(msg))
    else:
        report = run_checks(validation.contract, args.data, now=now, samples=args.samples,
                            source_format=args.source_format)
    if args.format == "json":
        print(dumps(report.to_json()))
    elif args.format == "markdown":
        print(render_markdown(report))
    else:
        print(render_text(report, verbose=args.verbose))
    return 0 if report.ok else 1
