"""Query engines the checks run on: `--engine duckdb|spark|dbt` (checks.engines.base.Engine).

Each entry names the module and class that implement it; the module is
imported only when the engine is chosen, so the CLI's start-up and the base
install never load PySpark or dbt. A missing extra is a usage error naming it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scaffolder.errors import UsageError

if TYPE_CHECKING:
    from scaffolder.checks.engines.base import Engine

__all__ = ["ENGINES", "EngineSpec", "make_engine"]


@dataclass(frozen=True)
class EngineSpec:
    name: str
    module: str
    cls: str
    extra: str | None  # the pyproject extra it needs (None: the base install)
    summary: str


ENGINES: dict[str, EngineSpec] = {e.name: e for e in [
    EngineSpec("duckdb", "scaffolder.checks.engines.duckdb", "DuckDBEngine", None,
               "in process, one machine (the default)"),
    EngineSpec("spark", "scaffolder.checks.engines.spark", "SparkEngine", "spark",
               "PySpark: local[*] or a cluster through Spark Connect"),
    EngineSpec("dbt", "scaffolder.checks.engines.dbt", "DbtEngine", "dbt",
               "a relation of a dbt profile's target, through its adapter (Postgres, Snowflake, ...)"),
]}


def make_engine(name: str, **options: Any) -> Engine:
    """A new engine by name, with its options (e.g. `master=`, `remote=` for spark)."""
    spec = ENGINES.get(name)
    if spec is None:
        raise UsageError(f"unknown engine {name!r} (one of {', '.join(ENGINES)})")
    module = importlib.import_module(spec.module)
    return getattr(module, spec.cls)(**options)
