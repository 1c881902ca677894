"""Parquet statistics answer some checks without a scan, with the same results as a scan."""


from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from scaffolder.checks.run import parse_now, run_checks
from scaffolder.contract.validate import load_contract_text
from tests.checks.data import CONTRACT, EXPECTED, NOW, SMALL, make_table


def _counts(report) -> dict[str, tuple[int | None, int | None, bool]]:
    return {c.id: (c.failed, c.total, c.passed) for c in report.checks}


def test_statistics_and_scan_agree(tmp_path: Path) -> None:
    con = duckdb.connect()
    make_table(con)
    path = tmp_path / "groups.parquet"
    con.execute(f"COPY t TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 4)")  # several row groups
    contract = load_contract_text(CONTRACT, "c.yaml")
    fast = run_checks(contract, str(path), now=parse_now(NOW))
    slow = run_checks(contract, str(path), now=parse_now(NOW), use_metadata=False)
    assert _counts(fast) == _counts(slow) == EXPECTED
    via = {c.id for c in fast.checks if c.via == "metadata"}
    # null counts are exact; bounds that hold over [min, max] need no scan; failing bounds are counted by
    # the scan; the float column `amount` never uses min/max (writers leave NaN out of them)
    assert via == {"id.not_null", "ts.not_null", "code.values_to_not_be_null", "note.values_to_be_null",
                   "sla.freshness"}
    # lone comparisons on columns nothing else reads run as their own pruned query (not floats)
    assert {c.id for c in fast.checks if c.via == "pushdown"} == {"day.min", "day.max", "ts.values_to_be_between"}
    assert next(c for c in fast.checks if c.id == "amount.min_to_be_between").observed == -1.5
    assert {c.via for c in slow.checks} <= {"scan"}


def test_bounds_that_hold_are_proven(tmp_path: Path) -> None:
    path = tmp_path / "ok.parquet"
    duckdb.connect().execute(f"COPY (SELECT i::INTEGER AS n, DATE '2024-01-01' + i::INTEGER AS d FROM range(1000) r(i)) "
                             f"TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 100)")
    text = SMALL + """\
  schema:
    fields:
      - {name: n, type: int, constraints: {min: 0, max: 999, nullable: false}}
      - {name: d, type: date, constraints: {min: "2024-01-01", max: "2026-12-31"}}
"""
    report = run_checks(load_contract_text(text, "c.yaml"), str(path))
    assert {c.id: (c.failed, c.total, c.via) for c in report.checks if c.source == "constraint"} == {
        "n.min": (0, 1000, "metadata"), "n.max": (0, 1000, "metadata"), "n.not_null": (0, 1000, "metadata"),
        "d.min": (0, 1000, "metadata"), "d.max": (0, 1000, "metadata")}
    tight = run_checks(load_contract_text(text.replace("max: 999", "max: 998"), "c.yaml"), str(path))
    assert {c.id: (c.failed, c.via) for c in tight.checks if c.id == "n.max"} == {"n.max": (1, "pushdown")}


def test_files_without_statistics_are_scanned(tmp_path: Path) -> None:
    con = duckdb.connect()
    make_table(con)
    path = tmp_path / "nostats.parquet"
    pq.write_table(con.sql("SELECT * FROM t").to_arrow_table(), path, write_statistics=False)
    report = run_checks(load_contract_text(CONTRACT, "c.yaml"), str(path), now=parse_now(NOW))
    assert _counts(report) == EXPECTED
    assert {c.via for c in report.checks} == {"scan"}
