"""Incremental checks on tables: a Delta table's new snapshot and a DuckDB table's rows past a watermark.

N rows already checked (a Delta table written in 10 appends; a DuckDB table) plus NEW new rows (one
more append; rows with later `event_ts`, the watermark): the baseline is a full `run_checks` over all
N + NEW rows, measured in the same run against `run_incremental` with STATE recorded over the N rows
(restored from a copy before each repeat, the copy timed apart and taken off). The contract is
bench_incremental's workload without uniqueness checks (its key index costs the same whatever the
source) and with them. Library calls in process, best of REPEAT (BENCH_REPEAT, default 3); sizes
BENCH_INCREMENTAL_SIZES (default 1,000,000) and BENCH_INCREMENTAL_NEW (default 10,000).

Run: PYTHONPATH=. python benchmarks/bench_incremental_tables.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_incremental import GENERATE, NO_UNIQUENESS, WORKLOAD, best  # noqa: E402

SIZES = [int(s) for s in os.environ.get("BENCH_INCREMENTAL_SIZES", "1000000").split(",") if s]
NEW = int(os.environ.get("BENCH_INCREMENTAL_NEW", "10000"))
PARTS = 10


def _rows(start: int, end: int):  # noqa: ANN202  (a pyarrow Table)
    import duckdb

    con = duckdb.connect()
    sql = GENERATE.split("COPY (", 1)[1].rsplit(") TO", 1)[0].format(start=start, end=end)
    return con.sql(sql).to_arrow_table()


def _watermarked(text: str) -> str:
    return text.replace("  schema:\n    type: parquet\n", "  schema:\n    type: parquet\n    watermark: event_ts\n", 1)


def measure(text: str, source: str, grow, work: Path) -> tuple[float, float]:  # noqa: ANN001
    """(full run, incremental run) once `grow()` added NEW rows to a source STATE has recorded."""
    from scaffolder.checks.incremental import run_incremental
    from scaffolder.checks.run import run_checks
    from scaffolder.contract.validate import load_contract_text

    contract = load_contract_text(text, "bench.yaml")
    state, saved = work / "state.duckdb", work / "saved.duckdb"
    state.unlink(missing_ok=True)
    run_incremental(contract, source, str(state))
    shutil.copyfile(state, saved)
    grow()
    full = best(lambda: run_checks(contract, source))

    def incremental() -> None:
        shutil.copyfile(saved, state)
        report = run_incremental(contract, source, str(state))
        assert report.run is not None and report.run.mode == "incremental", report.run

    copy = best(lambda: shutil.copyfile(saved, state))
    return full, max(best(incremental) - copy, 0.0)


def _duckdb_table(db: Path, start: int, end: int, create: bool) -> None:
    import duckdb

    con = duckdb.connect(str(db))
    try:
        con.register("batch", _rows(start, end))
        con.execute("CREATE TABLE orders AS SELECT * FROM batch" if create else "INSERT INTO orders SELECT * FROM batch")
    finally:
        con.close()


def main() -> None:
    from functools import partial

    from deltalake import write_deltalake

    print(f"incremental checks on tables: N rows checked + {NEW:,} new rows, best of "
          f"{os.environ.get('BENCH_REPEAT', '3')}, in process")
    print(f"{'source, rows, contract':<44} {'full run':>9} {'incremental':>12} {'% of full':>10}")
    for n in SIZES:
        for name, text in (("no uniqueness", NO_UNIQUENESS), ("with uniqueness", WORKLOAD)):
            work = Path(tempfile.mkdtemp(prefix="bench-incremental-tables-"))
            try:
                delta = str(work / "delta")
                step = n // PARTS
                for k in range(PARTS):
                    write_deltalake(delta, _rows(k * step, (k + 1) * step), mode="append")
                grow = partial(write_deltalake, delta, _rows(n, n + NEW), mode="append")
                full, inc = measure(text, delta, grow, work)
                print(f"{'Delta':<8} {n:>10,} + {NEW:,} {name:<15} {full:>8.2f}s {inc:>11.3f}s "
                      f"{100 * inc / full:>9.1f}%")
                db = work / "warehouse.duckdb"
                _duckdb_table(db, 0, n, create=True)
                full, inc = measure(_watermarked(text), f"{db}::orders", partial(_duckdb_table, db, n, n + NEW, False),
                                    work)
                print(f"{'DuckDB':<8} {n:>10,} + {NEW:,} {name:<15} {full:>8.2f}s {inc:>11.3f}s "
                      f"{100 * inc / full:>9.1f}%")
            finally:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
