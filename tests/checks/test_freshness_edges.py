"""Freshness at the ends of time: `infinity`, years past 9999 or BC, and clocks at the edge of
Python's datetime range. Each gives the right answer or a clear message, never OverflowError."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli

CONTRACT = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: d.t, domain: d, version: 1.0.0}
spec:
  owner: x@y.io
  sla: {freshness: 1h}
  schema:
    fields:
      - {name: id, type: int}
      - {name: ts, type: timestamp, constraints: {timezone: Europe/Paris}}
"""


def make(tmp_path: Path, ts_sql: str, fmt: str = "parquet") -> Path:
    """One row per value; parquet keeps footer statistics (the metadata shortcut), duckdb does not."""
    (tmp_path / "c.yaml").write_text(CONTRACT)
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT 1 AS id, {ts_sql} AS ts")
    if fmt == "parquet":
        con.execute(f"COPY t TO '{tmp_path / 'd.parquet'}' (FORMAT parquet)")
        return tmp_path / "d.parquet"
    con.execute(f"ATTACH '{tmp_path / 'd.duckdb'}' AS f")
    con.execute("CREATE TABLE f.t AS SELECT * FROM t")
    con.close()
    return Path(f"{tmp_path / 'd.duckdb'}::t")


def fresh(tmp_path: Path, source: Path, *extra: str) -> tuple[int, dict]:
    r = run_cli("test", str(tmp_path / "c.yaml"), "--data", str(source), "--format", "json", *extra)
    assert r.code in (0, 1), r.out + r.err
    assert "Traceback" not in r.err
    (check,) = [c for c in json.loads(r.out)["checks"] if c["id"] == "sla.freshness"]
    return r.code, check


@pytest.mark.parametrize("fmt", ["parquet", "duckdb"])
def test_an_infinite_timestamp_is_in_the_future_not_missing(tmp_path: Path, fmt: str) -> None:
    source = make(tmp_path, "TIMESTAMP 'infinity'", fmt)
    _, check = fresh(tmp_path, source, "--now", "2026-01-01T00:00:00Z")
    assert check["passed"] is True, check
    # DuckDB keeps `infinity` in its own files; Parquet holds it as the largest timestamp
    assert check["observed"]["latest"] == ("infinity" if fmt == "duckdb" else "9999-12-31T22:59:59.999999+00:00")
    assert "no rows" not in (check.get("message") or "")


def test_minus_infinity_is_never_fresh(tmp_path: Path) -> None:
    source = make(tmp_path, "TIMESTAMP '-infinity'", "duckdb")
    _, check = fresh(tmp_path, source, "--now", "2026-01-01T00:00:00Z")
    assert check["passed"] is False
    # DuckDB reads a stored -infinity back as its smallest timestamp, 290309-12-22 (BC)
    assert check["message"].startswith("latest ts is "), check
    assert "no rows" not in check["message"]


@pytest.mark.parametrize("fmt", ["parquet", "duckdb"])
def test_a_timestamp_after_year_9999_is_in_the_future(tmp_path: Path, fmt: str) -> None:
    source = make(tmp_path, "TIMESTAMP '20000-01-01 00:00:00'", fmt)
    _, check = fresh(tmp_path, source, "--now", "2026-01-01T00:00:00Z")
    assert check["passed"] is True, check
    assert check["observed"]["latest"].startswith("20000-01-01")


def test_a_bc_timestamp_is_stale(tmp_path: Path) -> None:
    source = make(tmp_path, "TIMESTAMP '0044-03-15 (BC) 12:00:00'", "duckdb")
    _, check = fresh(tmp_path, source, "--now", "2026-01-01T00:00:00Z")
    assert check["passed"] is False
    assert "(BC)" in check["message"] and check["observed"]["age_seconds"] > 2000 * 365 * 86400


@pytest.mark.parametrize(("now", "passed"), [("0001-01-01T00:00:00+14:00", True),
                                              ("9999-12-31T23:59:59-14:00", False),
                                              ("2026-01-01T00:30:00+01:00", True)])
def test_clocks_at_the_edge_of_the_datetime_range(tmp_path: Path, now: str, passed: bool) -> None:
    source = make(tmp_path, "TIMESTAMP '2026-01-01 00:00:00'", "duckdb")  # Paris wall time: 2025-12-31 23:00Z
    _, check = fresh(tmp_path, source, "--now", now)
    assert check["passed"] is passed, check
    if now.startswith("0001"):  # the data is from the clock's future
        assert check["observed"]["age_seconds"] < 0
        assert check["observed"]["now"] == "0001-01-01T00:00:00+14:00"



@pytest.mark.parametrize(("value", "passed"), [("infinity", True), ("-infinity", False)])
def test_infinity_in_a_csv(tmp_path: Path, value: str, passed: bool) -> None:
    (tmp_path / "c.yaml").write_text(CONTRACT)
    (tmp_path / "d.csv").write_text(f"id,ts\n1,{value}\n")
    _, check = fresh(tmp_path, tmp_path / "d.csv", "--now", "2026-01-01T00:00:00Z")
    assert check["passed"] is passed
    assert check["observed"] == {"latest": value, "now": "2026-01-01T00:00:00+00:00", "age_seconds": None}
    if not passed:
        assert check["message"] == "latest ts is -infinity, infinitely long before now; the SLA allows 1h"
