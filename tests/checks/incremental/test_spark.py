"""`--state` on Spark: after appended, rewritten and deleted files, an incremental Spark run reports
exactly what a full Spark run reports; a failed run leaves STATE (and its key index) usable; the CLI.

One Spark session for the module (tests.checks.engines.conftest's). The steps plant nulls (partial
nulls in compound keys), duplicate keys across files, NaN and out-of-range values; the contract adds
a date maximum, a timestamp minimum and an integer distinct set to tests.checks.data's (every
combinable assertion), so values of every kind pass through STATE.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from pathlib import Path

import duckdb
import pytest

from scaffolder.checks.incremental import run_incremental
from scaffolder.checks.incremental.state import State
from scaffolder.checks.run import parse_now, run_checks
from tests.checks.data import CONTRACT, NOW, rows
from tests.checks.engines.conftest import spark_session  # noqa: F401  (the module's one session)
from tests.checks.incremental.support import results, write

NOW_TS = parse_now(NOW)
EXTRA = """      - {name: day_max, column: day, assertion: expect_column_max_to_be_between, value: {max_value: "2024-12-31"}}
      - {name: ts_min, column: ts, assertion: expect_column_min_to_be_between, value: {min_value: "2024-03-01T11:00:00"}}
      - {name: qty_set, column: qty, assertion: expect_column_distinct_values_to_be_in_set, value: {value_set: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}}
"""
MARK = "      - {assertion: expect_table_row_count_to_be_between, value: {min_value: 1, max_value: 100}}\n"


def _contract(tmp: Path) -> Path:
    assert MARK in CONTRACT
    path = tmp / "c.yaml"
    path.write_text(CONTRACT.replace(MARK, MARK + EXTRA))
    return path


def _planted() -> list[tuple]:
    """Partial-null compound keys, keys repeated from the first file, NaN, out-of-range values."""
    base = rows()
    out = []
    for i, r in enumerate(base[:6]):
        r = list(r)
        r[2] = None if i % 2 else r[2]  # (code, NULL) pairs
        r[7] = None if i == 1 else 11 + i  # out of range, a new distinct qty, a null in (id, qty)
        r[3] = math.nan if i == 2 else (-7.0 if i == 3 else r[3])
        r[4] = dt.date(2025, 6, 1) if i == 4 else r[4]
        r[5] = dt.datetime(2024, 2, 1, 8) if i == 5 else r[5]
        out.append(tuple(r))
    return out


@pytest.fixture(scope="module")
def engine(spark_session):  # noqa: F811
    from scaffolder.checks.engines.spark import SparkEngine

    return SparkEngine(spark=spark_session)


def _runs(contract: Path, source: str, state: str, engine) -> tuple:
    inc = run_incremental(contract, source, state, now=NOW_TS, engine=engine)
    full = run_checks(contract, source, now=NOW_TS, engine=engine)
    assert [(c.id, c.error) for c in inc.checks if c.error] == []
    assert results(inc) == results(full)
    return inc, full


def _listed(state: str) -> set[str]:
    con = duckdb.connect(state, read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'k_%'")
                 .fetchall()]
        return {f"{n}/{s}" for n in names for (s,) in con.execute(f'SELECT segment FROM "{n}"').fetchall()}
    finally:
        con.close()


def _on_disk(state: str) -> set[str]:
    root = Path(state + ".spark")
    return {f"{p.name}/{s.name}" for p in root.iterdir() for s in p.iterdir()}


def test_incremental_equals_full_after_every_step(tmp_path: Path, engine, monkeypatch) -> None:
    from scaffolder.checks.incremental import spark_keys

    monkeypatch.setattr(spark_keys, "MAX_SEGMENTS", 2)  # the third append compacts each key index
    contract, data = _contract(tmp_path), tmp_path / "data"
    data.mkdir()
    source, state = str(data / "*.parquet"), str(tmp_path / "state.duckdb")
    write(data / "a.parquet", rows()[:10])
    first, _ = _runs(contract, source, state, engine)
    assert first.run is not None and first.run.mode == "full"
    failing = {c.id for c in first.checks if not c.passed}
    assert {"id.unique", "amount.min_to_be_between", "status.distinct_values_to_be_in_set"} <= failing

    write(data / "b.parquet", rows()[5:14])  # keys of a.parquet again: duplicates across files
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "incremental" and inc.run.read == [str(data / "b.parquet")]
    assert inc.rows == 19

    assert len(_listed(state)) == 2 * 4  # two segments for each of the 4 uniqueness keys
    write(data / "c.parquet", _planted())
    inc, full = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "incremental" and inc.run.read == [str(data / "c.parquet")]
    assert len(_listed(state)) == 4  # compacted: one each
    by_id = {c.id: c for c in full.checks}
    assert not by_id["day_max"].passed and not by_id["ts_min"].passed and not by_id["qty_set"].passed
    assert _on_disk(state) == _listed(state)

    write(data / "b.parquet", rows()[14:])  # rewritten: a full run, a new key index
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "full" and "changed since the last run" in inc.run.reasons[0]
    (data / "a.parquet").unlink()
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "full" and "deleted since the last run" in inc.run.reasons[0]
    assert _on_disk(state) == _listed(state)  # the old segments are gone

    write(data / "d.parquet", rows()[:3] + _planted()[:2])
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "incremental"
    again, _ = _runs(contract, source, state, engine)  # nothing new: everything from STATE
    assert again.run is not None and again.run.read == [] and results(again) == results(inc)


def test_a_failed_run_leaves_state_usable(tmp_path: Path, engine, monkeypatch) -> None:
    contract, data = _contract(tmp_path), tmp_path / "data"
    data.mkdir()
    source, state = str(data / "*.parquet"), str(tmp_path / "state.duckdb")
    write(data / "a.parquet", rows()[:10])
    run_incremental(contract, source, state, now=NOW_TS, engine=engine)
    listed = _listed(state)
    write(data / "b.parquet", rows()[4:])

    def broken(*_a, **_k):
        raise RuntimeError("disk gone")

    with monkeypatch.context() as m:
        m.setattr(State, "record", broken)  # after the new segments are written and listed, before the commit
        with pytest.raises(RuntimeError):
            run_incremental(contract, source, state, now=NOW_TS, engine=engine)
    assert _listed(state) == listed and _on_disk(state) > listed  # the failed run's segments are no one's
    inc, _ = _runs(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "incremental" and inc.run.read == [str(data / "b.parquet")]
    assert _on_disk(state) == _listed(state)  # and are swept


def test_cli_engine_spark_with_state(tmp_path: Path, spark_session, capsys) -> None:  # noqa: F811
    from scaffolder.cli import main

    contract, data = _contract(tmp_path), tmp_path / "data"
    data.mkdir()
    source, state = str(data / "*.parquet"), str(tmp_path / "state.duckdb")
    write(data / "a.parquet", rows()[:10])
    args = ["test", str(contract), "--data", source, "--state", state, "--now", NOW, "--engine", "spark"]
    assert main(args) == 1  # the test data has planted defects
    assert "full run: read all 1 file (STATE has no record yet (the first run))" in capsys.readouterr().out
    write(data / "b.parquet", rows()[10:])
    assert main([*args, "--samples", "2"]) == 1
    out = capsys.readouterr().out
    assert "incremental run: read 1 new file of 2" in out and f"read {data / 'b.parquet'}" in out
    assert main([*args, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["incremental"]["read"] == [] and report["rows"] == 20
    assert main(["test", str(contract), "--data", source, "--state", state, "--now", NOW]) == 1  # DuckDB now
    assert "STATE was recorded by --engine spark" in capsys.readouterr().out
    assert spark_session.sql("SELECT 1").collect()[0][0] == 1  # the caller's session still runs


def test_an_object_store_source_spark_cannot_list_is_a_usage_error(tmp_path: Path, spark_session, capsys) -> None:  # noqa: F811
    """No S3 file system in this session: the listing fails with Hadoop's reason, exit 2, no STATE
    (a URI Spark can list: tests/checks/incremental/test_spark_uris.py)."""
    from scaffolder.cli import main

    contract = _contract(tmp_path)
    code = main(["test", str(contract), "--data", "s3://bucket/orders/*.parquet", "--state",
                 str(tmp_path / "s.duckdb"), "--engine", "spark"])
    err = capsys.readouterr().err
    assert code == 2 and "s3://bucket/orders/*.parquet: Spark cannot list its files for --state: " in err
    assert "Traceback" not in err
    assert not os.path.exists(tmp_path / "s.duckdb")


def test_a_sql_rule_reads_every_file_on_spark(tmp_path: Path, engine) -> None:
    """An ODCS `sql` rule with --state on Spark: its query runs over every file, as on DuckDB."""
    contract = _contract(tmp_path)
    contract.write_text(contract.read_text() + "      - {name: few, assertion: expect_sql_query_result, "
                        "value: {query: 'SELECT count(*) FROM {object}', mustBeLessThan: 12}}\n")
    (tmp_path / "data").mkdir()
    source, state = str(tmp_path / "data" / "*.parquet"), str(tmp_path / "state.duckdb")
    for i, batch in enumerate((rows()[:10], rows()[10:])):
        write(tmp_path / "data" / f"{i}.parquet", batch)
        inc, _ = _runs(contract, source, state, engine)
        few = next(c for c in inc.checks if c.id == "few")
        assert few.observed == inc.rows == (10 if i == 0 else len(rows()))  # every file, not the new one
        if i:
            assert inc.run is not None and inc.run.mode == "incremental" and len(inc.run.read) == 1
            assert inc.run.every["few"] == "an ODCS sql rule's query reads the whole table"
