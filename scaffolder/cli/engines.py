"""`--engine` and its options, shared by the commands that run data checks (`test`, `ci`)."""

from __future__ import annotations

import argparse
from typing import Any


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    from scaffolder.checks.engines import ENGINES

    parser.add_argument("--engine", choices=list(ENGINES), default="duckdb",
                        help="where the checks run: " + "; ".join(f"{e.name}: {e.summary}" for e in ENGINES.values()))
    dbt = parser.add_argument_group("--engine dbt (--data is a relation of the target: schema.table)")
    dbt.add_argument("--dbt-project", metavar="DIR", default=None, help="the dbt project folder (default: .)")
    dbt.add_argument("--profiles-dir", metavar="DIR", default=None,
                     help="where profiles.yml is (default: the project folder if it has one, else ~/.dbt)")
    dbt.add_argument("--target", metavar="NAME", default=None, help="the profile's target (default: its default)")


def engine_options(args: argparse.Namespace) -> dict[str, Any]:
    """The chosen engine's options from the command line (what checks.engines.make_engine takes)."""
    from scaffolder.errors import UsageError

    dbt = {k: v for k, v in {"project_dir": args.dbt_project, "profiles_dir": args.profiles_dir,
                             "target": args.target}.items() if v is not None}
    if args.engine == "dbt":
        return dbt
    if dbt:
        raise UsageError("--dbt-project, --profiles-dir and --target apply only to --engine dbt")
    return {}
