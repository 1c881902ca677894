"""Incremental checks (`scaffolder test --state`): the cost of checking new files against a full run.

N rows already checked (10 Parquet files) plus NEW new rows (one more file): the
baseline is a full `run_checks` over all N + NEW rows; measured in the same run:

- incremental: `run_incremental` with STATE recorded over the N rows, reading the new file only
  (STATE is restored from a copy before each repeat; the copy is not timed)
- first run: `run_incremental` building STATE over every file (once)
- the STATE file's size, with and without uniqueness checks (with: the key index of every key)

Contracts: the issue's workload (bench_checks' contract without its mean check: primary key,
compound uniqueness, not-null, enum, hash masking, bounds, a date range, row count, freshness,
6 schema checks), the same without the uniqueness checks, and bench_checks' whole contract,
whose mean check (a decimal column: exact sums and counts, Combine.MEAN) combines too. Library calls timed in process (imports excluded, contract validation included),
best of REPEAT. Sizes: BENCH_INCREMENTAL_SIZES (default 10,000,000), BENCH_INCREMENTAL_NEW
(default 100,000). Data goes to BENCH_DATA_DIR (default: a temp folder), generated once.

Run: python benchmarks/bench_incremental.py   (or: nox -s bench -- incremental)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_checks import CONTRACT  # noqa: E402  (the same contract as the full-scan benchmark)

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
SIZES = [int(s) for s in os.environ.get("BENCH_INCREMENTAL_SIZES", "10000000").split(",") if s]
NEW = int(os.environ.get("BENCH_INCREMENTAL_NEW", "100000"))
DATA = Path(os.environ.get("BENCH_DATA_DIR", Path(tempfile.gettempdir()) / "scaffolder-bench-checks"))
FILES = 10

# Unique keys but a few planted duplicates (one in every 100,003 rows repeats its predecessor's).
GENERATE = """
COPY (SELECT
  'ORD-' || lpad(CAST(CASE WHEN i % 100003 = 17 THEN i - 1 ELSE i END AS VARCHAR), 10, '0') AS order_id,
  TIMESTAMP '2024-01-01' + to_microseconds(CAST(i AS BIGINT) * 2000000) AS event_ts,
  CASE WHEN i % 99991 = 5 THEN NULL ELSE md5(CAST(i % 700001 AS VARCHAR)) END AS customer_id,
  CASE WHEN i % 200009 = 3 THEN 'lost'
       ELSE (['placed','paid','shipped','delivered','cancelled'])[1 + CAST(i % 5 AS INTEGER)] END AS status,
  CAST(CASE WHEN i % 300007 = 11 THEN -5 ELSE (i % 100000) / 100.0 END AS DECIMAL(10,2)) AS amount,
  CAST(1 + i % 3 AS INTEGER) AS line_no
FROM range({start}, {end}) t(i)) TO '{out}' (FORMAT parquet, ROW_GROUP_SIZE 122880)
"""

MEAN = "      - {column: amount, assertion: expect_column_mean_to_be_between, value: {min_value: 100, max_value: 1000}}\n"
WORKLOAD = CONTRACT.replace(MEAN, "")
NO_UNIQUENESS = (WORKLOAD.replace("constraints: {primary_key: true}", "constraints: {nullable: false}")
                 .replace("      - {assertion: expect_compound_columns_to_be_unique, value: {column_list: "
                          "[order_id, line_no]}}\n", ""))


def generate(n: int) -> tuple[Path, Path]:
    """A folder of FILES Parquet files holding n rows, and one more file of NEW rows (kept aside)."""
    import duckdb

    folder = DATA / f"incremental_{n}"
    new = DATA / f"incremental_{n}_new.parquet"
    if not new.exists():
        folder.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        step = n // FILES
        for k in range(FILES):
            con.execute(GENERATE.format(start=k * step, end=(k + 1) * step, out=folder / f"part-{k:03d}.parquet"))
        con.execute(GENERATE.format(start=n, end=n + NEW, out=str(new) + ".tmp"))
        os.replace(str(new) + ".tmp", new)
    return folder, new


def best(fn) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(text: str, folder: Path, new: Path, work: Path) -> tuple[float, float, float, float]:
    """(full run, first run, incremental run, STATE MB) for one contract."""
    from scaffolder.checks.incremental import run_incremental
    from scaffolder.checks.run import run_checks
    from scaffolder.contract.validate import load_contract_text

    contract = load_contract_text(text, "bench.yaml")
    source, state, saved = str(folder / "*.parquet"), work / "state.duckdb", work / "saved.duckdb"
    added = folder / "new.parquet"
    added.unlink(missing_ok=True)
    state.unlink(missing_ok=True)
    start = time.perf_counter()
    run_incremental(contract, source, str(state))  # STATE over the N rows
    first = time.perf_counter() - start
    shutil.copyfile(state, saved)
    size_mb = state.stat().st_size / 1e6
    shutil.copyfile(new, added)
    try:
        full = best(lambda: run_checks(contract, source))

        def incremental() -> None:
            shutil.copyfile(saved, state)
            report = run_incremental(contract, source, str(state))
            assert report.run is not None and len(report.run.read) == 1, report.run

        copy = best(lambda: shutil.copyfile(saved, state))  # restoring STATE is timed apart, taken off
        inc = max(best(incremental) - copy, 0.0)
    finally:
        added.unlink()
    return full, first, inc, size_mb


def main() -> None:
    print(f"incremental checks: N rows checked + {NEW:,} new rows, best of {REPEAT}, in process")
    print(f"{'rows, contract':<34} {'full run':>9} {'first run':>10} {'incremental':>12} {'% of full':>10} "
          f"{'STATE MB':>9}  goal")
    work = Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    try:
        for n in SIZES:
            folder, new = generate(n)
            for name, text, goal in (("with uniqueness", WORKLOAD, 10.0), ("no uniqueness", NO_UNIQUENESS, 5.0),
                                     ("+ a mean check", CONTRACT, 10.0)):
                full, first, inc, size_mb = measure(text, folder, new, work)
                pct = 100 * inc / full
                print(f"{n:>10,} + {NEW:,} {name:<15} {full:>8.2f}s {first:>9.2f}s {inc:>11.3f}s {pct:>9.1f}% "
                      f"{size_mb:>9.0f}  <= {goal:.0f}%: {'met' if pct <= goal else 'NOT met'}"
                      + (f"; STATE < 400 MB: {'met' if size_mb < 400 else 'NOT met'}" if name == "with uniqueness"
                         else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
