"""`--state` on a DuckDB table: the rows past the contract's watermark column are the only ones read;
rows deleted, arriving late (at or below the watermark) or without a watermark make the run full.
After every step the result equals a full `run_checks` on the same table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from scaffolder.checks.incremental import run_incremental
from scaffolder.checks.run import parse_now, run_checks
from scaffolder.errors import UsageError
from tests.checks.data import COLUMNS, CONTRACT, NOW, SQL_TYPES, rows
from tests.checks.incremental.support import results

NOW_TS = parse_now(NOW)
ROOT = Path(__file__).resolve().parents[3]
WATERMARKED = CONTRACT.replace("  schema:\n    fields:\n", "  schema:\n    watermark: ts\n    fields:\n", 1)
ORDERED = rows()[:17] + rows()[18:]  # ts grows by an hour a row; row 17 has no ts


class Table:
    """A DuckDB file holding marts.orders, written between runs (closed while a run reads it)."""

    def __init__(self, folder: Path):
        self.path = folder / "warehouse.duckdb"
        self.source = f"{self.path}::marts.orders"
        cols = ", ".join(f'"{c}" {t}' for c, t in zip(COLUMNS, SQL_TYPES, strict=True))
        self.sql("CREATE SCHEMA marts", f"CREATE TABLE marts.orders ({cols})")

    def sql(self, *statements: str, params: list[Any] | None = None) -> None:
        con = duckdb.connect(str(self.path))
        try:
            for s in statements:
                con.execute(s, params or [])
        finally:
            con.close()

    def add(self, batch: list[tuple[Any, ...]]) -> None:
        con = duckdb.connect(str(self.path))
        try:
            con.executemany(f"INSERT INTO marts.orders VALUES ({', '.join('?' for _ in COLUMNS)})", batch)
        finally:
            con.close()


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Table, str]:
    (tmp_path / "c.yaml").write_text(WATERMARKED)
    return tmp_path / "c.yaml", Table(tmp_path), str(tmp_path / "s.duckdb")


def _step(contract: Path, table: Table, state: str) -> Any:
    report = run_incremental(contract, table.source, state, now=NOW_TS)
    assert results(report) == results(run_checks(contract, table.source, now=NOW_TS))
    assert report.run is not None
    return report.run


def test_appended_batches_past_the_watermark_are_the_only_rows_read(setup) -> None:
    contract, table, state = setup
    table.add(ORDERED[:6])
    first = _step(contract, table, state)
    assert first.mode == "full" and first.reasons == ["STATE has no record yet (the first run)"]
    for batch in (ORDERED[6:11], ORDERED[11:12], ORDERED[12:]):  # ids of earlier batches recur (duplicates)
        table.add(batch)
        run = _step(contract, table, state)
        assert run.mode == "incremental", run.reasons
        assert run.new_rows == len(batch) and run.watermark.startswith("ts > 2024-03-01 ")
    again = _step(contract, table, state)
    assert again.mode == "incremental" and again.new_rows == 0 and again.read == []


@pytest.mark.parametrize("change, counted", [("late", 11), ("deleted", 8), ("no watermark", 11)])
def test_late_deleted_or_unmarked_rows_force_a_full_run(setup, change: str, counted: int) -> None:
    contract, table, state = setup
    table.add(ORDERED[:10])
    _step(contract, table, state)
    if change == "late":  # below the recorded maximum: would never be past it
        table.add([rows()[17][:5] + (rows()[0][5],) + rows()[17][6:]])
    elif change == "deleted":
        table.sql("DELETE FROM marts.orders WHERE id IN ('A-001', 'A-002')")
    else:
        table.add([rows()[17]])  # ts is null: never past any watermark
    table.add(ORDERED[10:13])
    run = _step(contract, table, state)
    assert run.mode == "full" and run.reasons == [
        f"{counted} rows at or below ts = 2024-03-01 21:00:00 or without a watermark, 10 recorded: rows were "
        "deleted, or arrived late (below the watermark) or without one"]
    table.add(ORDERED[13:])  # and the next run is incremental again
    assert _step(contract, table, state).mode == "incremental"


def test_an_integer_watermark_compares_as_an_integer(tmp_path: Path) -> None:
    """9 < 10 as numbers, not as text: the recorded maximum is bound as text and cast to the column's type."""
    contract = tmp_path / "c.yaml"
    contract.write_text(CONTRACT.replace("  schema:\n    fields:\n", "  schema:\n    watermark: qty\n    fields:\n", 1))
    table = Table(tmp_path)
    by_qty = [r[:7] + (i + 1,) + r[8:] for i, r in enumerate(rows())]
    table.add(by_qty[:9])
    _step(contract, table, str(tmp_path / "s.duckdb"))
    table.add(by_qty[9:])
    run = _step(contract, table, str(tmp_path / "s.duckdb"))
    assert run.mode == "incremental" and run.new_rows == 11 and run.watermark == "qty > 9"


def test_a_table_without_a_watermark_in_the_contract_is_a_usage_error(setup) -> None:
    contract, table, state = setup
    contract.write_text(CONTRACT)
    table.add(ORDERED)
    with pytest.raises(UsageError, match=r"add `watermark: <field>` under spec.schema"):
        run_incremental(contract, table.source, state)
    out = subprocess.run([sys.executable, "-m", "scaffolder", "test", str(contract), "--data", table.source,
                          "--state", state], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 2 and "names none: add `watermark: <field>`" in out.stderr
    assert "Traceback" not in out.stderr and not Path(state).exists()


def test_cli_reports_the_rows_read(setup) -> None:
    contract, table, state = setup
    table.add(ORDERED[:10])
    cli = [sys.executable, "-m", "scaffolder", "test", str(contract), "--data", table.source, "--state", state,
           "--now", NOW]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(cli, cwd=ROOT, env=env, capture_output=True, check=False)
    table.add(ORDERED[10:])
    out = subprocess.run([*cli, "--format", "json"], cwd=ROOT, env=env, capture_output=True, text=True)
    run = json.loads(out.stdout)["incremental"]
    assert run["mode"] == "incremental" and run["new_rows"] == 9 and run["watermark"] == "ts > 2024-03-01 21:00:00"
    text = subprocess.run(cli, cwd=ROOT, env=env, capture_output=True, text=True).stdout
    assert "incremental run: no new rows (ts > 2024-03-02 07:00:00); results from STATE" in text


def test_another_watermark_column_makes_the_run_full(setup) -> None:
    contract, table, state = setup
    table.add(ORDERED[:10])
    _step(contract, table, state)
    contract.write_text(WATERMARKED.replace("watermark: ts", "watermark: day"))
    table.add(ORDERED[10:])
    run = _step(contract, table, state)
    assert run.mode == "full" and run.reasons == ["the watermark column changed (ts recorded, day now)"]
    assert _step(contract, table, state).watermark == "day > 2025-01-01"
