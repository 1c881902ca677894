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
