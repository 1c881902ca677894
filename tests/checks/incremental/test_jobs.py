"""checks.incremental.jobs: the reads of a run side by side on cursors, with the engine's settings."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from scaffolder.checks.engines.duckdb import DuckDBEngine
from scaffolder.checks.incremental.jobs import run_all

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the jobs run one after the other")
def test_jobs_run_side_by_side() -> None:
    eng = DuckDBEngine()
    meet = threading.Barrier(2, timeout=20)  # one after the other, the first would wait here alone and fail
    try:
        assert run_all(eng.con, [lambda cur: meet.wait(), lambda cur: meet.wait()], (duckdb.Error,)) == [None, None]
    finally:
        eng.close()


def test_a_failing_job_is_returned_and_the_others_still_run() -> None:
    eng = DuckDBEngine()
    try:
        eng.con.execute("CREATE TABLE t AS SELECT 1 AS a")
        out = run_all(eng.con, [lambda cur: cur.execute("SELECT * FROM missing"),
                                lambda cur: cur.execute("CREATE TABLE u AS SELECT a + 1 AS a FROM t")], (duckdb.Error,))
        assert isinstance(out[0], duckdb.CatalogException) and out[1] is None
        assert eng.con.execute("SELECT a FROM u").fetchall() == [(2,)]  # a job's table is the connection's too
        with pytest.raises(ZeroDivisionError):
            run_all(eng.con, [lambda cur: 1 / 0, lambda cur: None], (duckdb.Error,))
    finally:
        eng.close()


def test_not_side_by_side_runs_on_the_connection_itself() -> None:
    """An Arrow object registered with the connection (a Delta/Iceberg snapshot) is not seen by cursors."""
    import pyarrow as pa

    eng = DuckDBEngine()
    try:
        eng.con.register("snap", pa.table({"a": [1, 2]}))
        jobs = [lambda cur: cur.execute("CREATE TABLE n1 AS SELECT count(*) AS n FROM snap"),
                lambda cur: cur.execute("CREATE TABLE n2 AS SELECT sum(a) AS n FROM snap")]
        assert all(isinstance(e, duckdb.Error) for e in run_all(eng.con, jobs, (duckdb.Error,)))
        assert run_all(eng.con, jobs, (duckdb.Error,), side_by_side=False) == [None, None]
        assert eng.con.execute("SELECT (SELECT n FROM n1), (SELECT n FROM n2)").fetchall() == [(2, 3)]
    finally:
        eng.close()


def test_cursors_keep_the_engines_time_zone() -> None:
    """Where the machine's zone is not UTC, a job's cursor still casts and compares in UTC: the time
    zone is the engine's global setting, not its connection's (a TIMESTAMPTZ cast to TIMESTAMP, as a
    freshness check's latest value, would move by 5 hours)."""
    script = (
        "import duckdb\n"
        "from scaffolder.checks.engines.duckdb import DuckDBEngine\n"
        "from scaffolder.checks.incremental.jobs import run_all\n"
        "eng = DuckDBEngine(); eng.prepare([])\n"
        "got = []\n"
        "sql = \"SELECT current_setting('TimeZone'), CAST(TIMESTAMPTZ '2024-01-01 00:00:00+00' AS TIMESTAMP)\"\n"
        "run_all(eng.con, [lambda cur: got.append(cur.execute(sql).fetchone()), lambda cur: None], (duckdb.Error,))\n"
        "print(got[0][0], got[0][1].isoformat())\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "TZ": "America/New_York"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["UTC", "2024-01-01T00:00:00"]
