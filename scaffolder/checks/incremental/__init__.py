"""Incremental checks: `scaffolder test CONTRACT --data SOURCE --state STATE` reads only new files.

STATE (a DuckDB file) records what every check needs to be answered for the
whole table without the old files: per-check partial counts and aggregates,
distinct-value sets, and key indexes (keys and their counts) for uniqueness.
A run reads the files not seen before, grows those partials in one
transaction, and scores the checks from the combined partials, so the result
equals a full run's. See docs/incremental.md.
"""

from __future__ import annotations

from scaffolder.checks.incremental.run import run_incremental

__all__ = ["run_incremental"]
