"""The dbt engine's options (`--dbt-project`, `--profiles-dir`, `--target`), for the commands that run checks."""

from __future__ import annotations

import argparse
from typing import Any


def add_dbt_options(parser: argparse.ArgumentParser) -> None:
    dbt = parser.add_argument_group("--engine dbt (--data is a relation of the target: schema.table)")
    dbt.add_argument("--dbt-project", metavar="DIR", default=None, help="the dbt project folder (default: .)")
    dbt.add_argument("--profiles-dir", metavar="DIR", default=None,
                     help="where profiles.yml is (default: the project folder if it has one, else ~/.dbt)")
    dbt.add_argument("--target", metavar="NAME", default=None, help="the profile's target (default: its default)")


def dbt_options(args: argparse.Namespace) -> dict[str, Any]:
    """DbtEngine's options from the command line ({} for another engine; given there, a usage error)."""
    from scaffolder.errors import UsageError

    dbt = {k: v for k, v in {"project_dir": args.dbt_project, "profiles_dir": args.profiles_dir,
                             "target": args.target}.items() if v is not None}
    if args.engine == "dbt":
        return dbt
    if dbt:
        raise UsageError("--dbt-project, --profiles-dir and --target apply only to --engine dbt")
    return {}


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """`--engine` with the options of each (for `ci`; `test` has its own group with --spark-master and
    --print-sql); `engine_options` reads both."""
    from scaffolder.checks.engines import ENGINES

    group = parser.add_argument_group("engines (docs/engines.md)")
    group.add_argument("--engine", choices=list(ENGINES), default="duckdb",
                       help="where data checks run (default: duckdb)")
    group.add_argument("--spark-remote", metavar="sc://HOST:PORT", default=None,
                       help="--engine spark: a Spark Connect server (default: a local session)")
    add_dbt_options(parser)


def engine_options(args: argparse.Namespace) -> dict[str, Any]:
    """The chosen engine's options (for `test` and `ci`); another engine's option is a usage error."""
    from scaffolder.errors import UsageError

    dbt = dbt_options(args)
    spark = {k: v for k, v in {"master": getattr(args, "spark_master", None),
                               "remote": args.spark_remote}.items() if v is not None}
    if args.engine == "spark":
        if len(spark) == 2:
            raise UsageError("--spark-master and --spark-remote exclude each other: a local session or a server")
        return spark
    if spark:
        raise UsageError(f"{' and '.join('--spark-' + k for k in spark)} applies only to --engine spark")
    return dbt
