"""Incremental checks on Spark (`scaffolder test --engine spark --state`): new files against a full Spark run.

The data and contracts of bench_incremental.py (N rows in 10 Parquet files, one more file of NEW
rows; the issue's workload with and without its uniqueness checks), on one Spark session (local[2],
started before the clock):

- full: `run_checks(..., engine=SparkEngine(spark=...))` over all N + NEW rows
- first run: `run_incremental(..., engine=...)` building STATE (and its key index segments) over N rows
- incremental: reading the new file only (STATE and its `.spark` folder restored from a copy before
  each repeat; the copy is timed apart and taken off)

Best of BENCH_REPEAT (default 3). Sizes: BENCH_SPARK_INCREMENTAL_SIZES (default 1,000,000: 10M rows
take minutes per full Spark run on a 2-core machine), BENCH_INCREMENTAL_NEW (default 100,000);
BENCH_SPARK_MASTER (default local[2]).

Run: python benchmarks/bench_spark_incremental.py   (or: nox -s bench -- spark_incremental)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_incremental import NEW, NO_UNIQUENESS, WORKLOAD, best, generate  # noqa: E402

SIZES = [int(s) for s in os.environ.get("BENCH_SPARK_INCREMENTAL_SIZES", "1000000").split(",") if s]
MASTER = os.environ.get("BENCH_SPARK_MASTER", "local[2]")


def _restore(saved: Path, state: Path) -> None:
    shutil.copyfile(saved, state)
    shutil.rmtree(str(state) + ".spark", ignore_errors=True)
    if os.path.isdir(str(saved) + ".spark"):
        shutil.copytree(str(saved) + ".spark", str(state) + ".spark")


def measure(eng, text: str, folder: Path, new: Path, work: Path) -> tuple[float, float, float]:
    """(full run, first run, incremental run) for one contract."""
    from scaffolder.checks.incremental import run_incremental
    from scaffolder.checks.run import run_checks
    from scaffolder.contract.validate import load_contract_text

    contract = load_contract_text(text, "bench.yaml")
    source, state, saved = str(folder / "*.parquet"), work / "state.duckdb", work / "saved.duckdb"
    added = folder / "new.parquet"
    added.unlink(missing_ok=True)
    for p in (state, saved):
        p.unlink(missing_ok=True)
        shutil.rmtree(str(p) + ".spark", ignore_errors=True)
    start = time.perf_counter()
    run_incremental(contract, source, str(state), engine=eng)  # STATE over the N rows
    first = time.perf_counter() - start
    _restore(state, saved)
    shutil.copyfile(new, added)
    try:
        full = best(lambda: run_checks(contract, source, engine=eng))

        def incremental() -> None:
            _restore(saved, state)
            report = run_incremental(contract, source, str(state), engine=eng)
            assert report.run is not None and len(report.run.read) == 1, report.run

        copy = best(lambda: _restore(saved, state))
        inc = max(best(incremental) - copy, 0.0)
    finally:
        added.unlink()
    return full, first, inc


def main() -> None:
    from scaffolder.checks.engines.spark import SparkEngine, session

    spark = session(MASTER)
    eng = SparkEngine(spark=spark)
    print(f"incremental checks on Spark ({MASTER}): N rows checked + {NEW:,} new rows, best of "
          f"{os.environ.get('BENCH_REPEAT', '3')}, in process")
    print(f"{'rows, contract':<34} {'full run':>9} {'first run':>10} {'incremental':>12} {'% of full':>10}")
    work = Path(tempfile.mkdtemp(prefix="bench-spark-incremental-"))
    try:
        for n in SIZES:
            folder, new = generate(n)
            for name, text in (("with uniqueness", WORKLOAD), ("no uniqueness", NO_UNIQUENESS)):
                full, first, inc = measure(eng, text, folder, new, work)
                print(f"{n:>10,} + {NEW:,} {name:<15} {full:>8.2f}s {first:>9.2f}s {inc:>11.3f}s "
                      f"{100 * inc / full:>9.1f}%", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        spark.stop()


if __name__ == "__main__":
    main()
