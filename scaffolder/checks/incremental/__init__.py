"""Incremental checks: `scaffolder test CONTRACT --data SOURCE --state STATE` reads only new files.

STATE (a DuckDB file) records what every check needs to be answered for the
whole table without the old files: per-check partial counts and aggregates,
distinct-value sets, and key indexes (keys and their counts) for uniqueness.
A run reads the files not seen before, grows those partials in one
transaction, and scores the checks from the combined partials, so the result
equals a full run's. See docs/incremental.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from scaffolder.checks.incremental import run
from scaffolder.checks.incremental.run import IncrementalReport
from scaffolder.checks.run import Progress
from scaffolder.contract.model import Contract
from scaffolder.errors import UsageError
from scaffolder.pgurl import describe, is_postgres

__all__ = ["run_incremental"]


def run_incremental(contract: Contract | str | Path, source: str, state: str, *, full: bool = False,
                    now: dt.datetime | None = None, samples: int = 0, source_format: str | None = None,
                    progress: Progress | None = None, engine: Any = "duckdb",
                    engine_options: dict[str, Any] | None = None) -> IncrementalReport:
    """Check `source` against `contract`, reading only the files `state` has not seen; the results
    equal run_checks' on the same engine. `engine`: "duckdb" (checks.incremental.run), or "spark" or
    an open SparkEngine, which the caller keeps (checks.incremental.spark); `engine_options` as in
    run_checks. Raises ContractError / SourceError / StateError (UsageErrors) like run_checks."""
    kw: dict[str, Any] = {"full": full, "now": now, "samples": samples, "source_format": source_format}
    duckdb = isinstance(engine, str) and engine == "duckdb"
    if is_postgres(state):
        return _in_postgres(run.loaded(contract), source, state, duckdb, progress, kw)
    if duckdb:
        return run.run_incremental(contract, source, state, progress=progress, **kw)
    from scaffolder.checks.incremental.spark import run_spark

    return run_spark(run.loaded(contract), source, state, engine, engine_options or {},
                     progress or (lambda _m: None), **kw)


def _in_postgres(contract: Contract, source: str, url: str, duckdb: bool, progress: Progress | None,
                 kw: dict[str, Any]) -> IncrementalReport:
    """STATE checked out of PostgreSQL for the run, written back when it succeeds (checks.incremental.pgstate)."""
    from scaffolder.checks.incremental import pgstate

    if not duckdb:
        raise UsageError("--state postgresql://... works with --engine duckdb: on Spark the key index is "
                         "Parquet segments beside a STATE file; give a STATE file the cluster can read")
    with pgstate.checked_out(url, pgstate.key_of(contract.name, source)) as path:
        report = run.run_incremental(contract, source, path, progress=progress, **kw)
    if report.run is not None:
        report.run.state = describe(url)
    return report
