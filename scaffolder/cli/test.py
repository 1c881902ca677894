"""`test`: check real data against a contract with DuckDB, Spark or dbt (one scan for every check)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from scaffolder.checks.dialects import DIALECTS
from scaffolder.checks.engines import ENGINES
from scaffolder.cli.common import add_format
from scaffolder.cli.engines import add_dbt_options, engine_options

SOURCE_FORMATS = ("parquet", "csv", "json", "ndjson", "duckdb", "delta", "iceberg", "table")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "test", help="check data against a contract (schema, constraints, quality checks, freshness)",
        description="Check real data against a data product contract, in process with DuckDB (or on Spark, "
        "--engine spark, or in a warehouse through a dbt profile, --engine dbt): schema "
        "conformance, every constraint, every quality check and the freshness SLA, compiled into one scan. "
        "SOURCE is a Parquet/CSV/JSON/NDJSON file or glob, FILE.duckdb::schema.table, a Delta table folder, "
        "an Iceberg table folder or CATALOG_URI::namespace.table (an Iceberg SQL catalog); with --engine dbt, "
        "a relation (schema.table) of the dbt target.",
        epilog="Exit codes: 0 every check passed, 1 a check failed or the contract is invalid, "
        "2 the data cannot be found or read.")
    p.add_argument("contract", metavar="CONTRACT", help="the contract file")
    p.add_argument("--data", "-d", metavar="SOURCE",
                   help="the data to check (with --print-sql: the table name the statements read)")
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
    engines = p.add_argument_group("engines (docs/engines.md)")
    engines.add_argument("--engine", choices=list(ENGINES), default="duckdb",
                         help="where the checks run: " + "; ".join(f"{e.name}: {e.summary}" for e in ENGINES.values()))
    engines.add_argument("--spark-master", metavar="URL", default=None,
                         help="--engine spark: the master of a new session (default: local[*])")
    engines.add_argument("--spark-remote", metavar="sc://HOST:PORT", default=None,
                         help="--engine spark: a Spark Connect server instead of a local session")
    engines.add_argument("--print-sql", action="store_true",
                         help="print the compiled statements (for --dialect) instead of running them")
    engines.add_argument("--dialect", choices=list(DIALECTS), default=None,
                         help="--print-sql: the SQL dialect (default: the engine's)")
    p.add_argument("--record", metavar="STORE", default=None,
                   help="append this run to a history: a DuckDB file or a postgresql:// URL (see `scaffolder health`)")
    inc = p.add_argument_group("incremental checks (docs/incremental.md)")
    inc.add_argument("--state", metavar="STATE", default=None,
                     help="a DuckDB file (or a postgresql:// URL, e.g. the health store's database) recording "
                     "what earlier runs saw: read only new files, report for "
                     "the whole table (Parquet/CSV/JSON files on --engine duckdb or spark; Delta/Iceberg snapshots "
                     "and DuckDB tables past the contract's schema.watermark on --engine duckdb; created if missing)")
    inc.add_argument("--full", action="store_true",
                     help="with --state: read every file and rebuild STATE")
    add_dbt_options(p)
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
    if args.print_sql:
        return _print_sql(validation.contract, args)
    if not args.data:
        raise UsageError("--data SOURCE is required (the data to check)")
    check, kw = run_checks, {"engine": args.engine, "engine_options": engine_options(args)}
    if args.state or args.full:
        check, kw = _incremental(args)
    if args.record:  # the same call, timed, and appended to the history (unreadable data too)
        from scaffolder.health.recorder import recording

        check = recording(check, args.record, validation.contract, now)
    if interactive() and args.format != "json":
        from rich.console import Console

        with Console(stderr=True).status("checking data…") as status:
            report = check(validation.contract, args.data, now=now, samples=args.samples,
                           source_format=args.source_format, progress=lambda msg: status.update(msg), **kw)
    else:
        report = check(validation.contract, args.data, now=now, samples=args.samples,
                       source_format=args.source_format, **kw)
    if args.format == "json":
        print(dumps(report.to_json()))
    elif args.state:
        from scaffolder.checks.incremental import render

        print(render.markdown(report) if args.format == "markdown" else render.text(report, verbose=args.verbose))
    elif args.format == "markdown":
        print(render_markdown(report))
    else:
        print(render_text(report, verbose=args.verbose))
    return 0 if report.ok else 1


def _incremental(args: argparse.Namespace) -> tuple[Any, dict[str, object]]:
    """`--state`: checks.incremental instead of run_checks (--engine duckdb or spark)."""
    from scaffolder.checks.incremental import run_incremental
    from scaffolder.errors import UsageError

    if not args.state:
        raise UsageError("--full needs --state STATE (without --state every run reads every file)")
    if args.engine not in ("duckdb", "spark"):
        raise UsageError(f"--state works with --engine duckdb or spark, not --engine {args.engine}")
    return run_incremental, {"state": args.state, "full": args.full, "engine": args.engine,
                             "engine_options": engine_options(args)}


def _print_sql(contract: object, args: argparse.Namespace) -> int:
    from scaffolder.checks.print_sql import statements

    dialect = args.dialect or ("spark" if args.engine == "spark" else "duckdb")
    for stmt in statements(contract, dialect, args.data):  # type: ignore[arg-type]
        print(stmt.text())
    return 0
