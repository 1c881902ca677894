"""Incremental checks (`scaffolder test --state`): the cost of checking new files against a full run.

N rows already checked (10 Parquet files) plus NEW new rows (one more file): the
baseline is a full `run_checks` over all N + NEW rows; measured in the same run:

- incremental: `run_incremental` with STATE recorded over the N rows, reading the new file only
  (STATE is restored from a copy before each repeat; the copy is not timed)
- first run: `run_incremental` building STATE over every file (once)
- the STATE file's size, with and without uniqueness checks (with: the key index of every key)
- the DuckDB floor (FLOOR_READ): a new DuckDB instance, STATE attached, one statement reading the new
  file's checked columns, one row written, committed, checkpointed, closed: what any incremental run
  on DuckDB costs at least, in the same units

Contracts: the issue's workload (bench_checks' contract without its mean check: primary key,
compound uniqueness, not-null, enum, hash masking, bounds, a date range, row count, freshness,
6 schema checks), the same without the uniqueness checks, and bench_checks' whole contract,
whose mean check (a decimal column: exact sums and counts, Combine.MEAN) combines too. Library calls
timed in process (imports excluded, contract validation included), best of REPEAT, in wall time and
in CPU time (every thread of the process: what the run costs the machine, steady under load).
Sizes: BENCH_INCREMENTAL_SIZES (default 10,000,000), BENCH_INCREMENTAL_NEW (default 100,000). Data goes to BENCH_DATA_DIR (default: a temp folder), generated once.

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


def best(fn) -> tuple[float, float]:
    """The best wall time and the best CPU time (every thread of the process) of REPEAT calls.

    Both: wall time is what a user waits; CPU time is what the run costs the machine, and stays
    put when other work shares the cores (a full run keeps every core busy, an incremental run
    on one new file mostly one)."""
    walls, cpus = [], []
    for _ in range(REPEAT):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def measure(text: str, folder: Path, new: Path, work: Path) -> tuple[tuple[float, float], float,
                                                                      tuple[float, float], float]:
    """((full run wall, CPU), first run, (incremental run wall, CPU), STATE MB) for one contract."""
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
        inc_wall, inc_cpu = best(incremental)
        inc = (max(inc_wall - copy[0], 0.0), max(inc_cpu - copy[1], 0.0))
    finally:
        added.unlink()
    return full, first, inc, size_mb


# The least DuckDB work an incremental run needs: a new instance, STATE attached, one statement
# reading the new file's checked columns (with the hash check's regex, the costliest expression),
# one row written in a transaction, committed and checkpointed, the instance closed.
FLOOR_READ = ("SELECT count(*) AS n, count_if(NOT regexp_matches(customer_id, "
              "'^(?:[0-9a-fA-F]{{32}}|[0-9a-fA-F]{{64}})$')) AS bad, max(event_ts) AS latest, "
              "count_if(status NOT IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled')) AS other, "
              "count_if(amount < 0 OR amount > 10000) AS out, count(order_id) AS ids FROM read_parquet('{new}')")


def floor(new: Path, work: Path) -> tuple[float, float]:
    """(wall, CPU) of FLOOR_READ's run, best of REPEAT."""
    import duckdb

    state, saved = work / "floor.duckdb", work / "floor-saved.duckdb"
    saved.unlink(missing_ok=True)
    con = duckdb.connect(str(saved))
    con.execute(f"CREATE TABLE p AS {FLOOR_READ.format(new=new)}")
    con.close()

    def run() -> None:
        con = duckdb.connect()
        con.execute(f"ATTACH '{state}' AS s")
        con.execute(f"CREATE TEMP TABLE r AS {FLOOR_READ.format(new=new)}")
        con.execute("BEGIN")
        con.execute("INSERT INTO s.p SELECT * FROM r")
        con.execute("COMMIT")
        con.execute("CHECKPOINT s")
        con.close()

    copy = best(lambda: shutil.copyfile(saved, state))
    wall, cpu = best(lambda: (shutil.copyfile(saved, state), run()))
    return max(wall - copy[0], 0.0), max(cpu - copy[1], 0.0)


def main() -> None:
    print(f"incremental checks: N rows checked + {NEW:,} new rows, best of {REPEAT}, in process; "
          "% of a full run in wall time and in CPU time")
    print(f"{'rows, contract':<34} {'full run':>16} {'first run':>10} {'incremental':>16} {'% wall':>7} "
          f"{'% CPU':>6} {'STATE MB':>9}  goal")
    work = Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    try:
        for n in SIZES:
            folder, new = generate(n)
            for name, text, goal in (("with uniqueness", WORKLOAD, 10.0), ("no uniqueness", NO_UNIQUENESS, 5.0),
                                     ("+ a mean check", CONTRACT, 10.0)):
                full, first, inc, size_mb = measure(text, folder, new, work)
                wall, cpu = 100 * inc[0] / full[0], 100 * inc[1] / full[1]
                verdict = "met" if max(wall, cpu) <= goal else ("met in CPU time" if cpu <= goal else "NOT met")
                print(f"{n:>10,} + {NEW:,} {name:<15} {full[0]:>6.2f}s {full[1]:>5.2f}CPU-s {first:>9.2f}s "
                      f"{inc[0]:>6.3f}s {inc[1]:>5.3f}CPU-s {wall:>6.1f}% {cpu:>5.1f}% {size_mb:>9.0f}  "
                      f"<= {goal:.0f}%: {verdict}"
                      + (f"; STATE < 400 MB: {'met' if size_mb < 400 else 'NOT met'}" if name == "with uniqueness"
                         else ""))
                if name == "no uniqueness":
                    low = floor(new, work)
                    print(f"{'':>23}DuckDB floor {'':>28} {low[0]:>6.3f}s {low[1]:>5.3f}CPU-s "
                          f"{100 * low[0] / full[0]:>6.1f}% {100 * low[1] / full[1]:>5.1f}%  (the least any "
                          "incremental run on DuckDB needs: FLOOR_READ)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
