"""Peers: `scaffolder test` against Soda Core 4 (soda-duckdb) and datacontract-cli, whole processes.

The workload is bench_checks.py's: its generated Parquet (planted duplicate
keys, an unknown status, negative amounts; data from 2024, so the 15-minute
freshness SLA fails) and its contract of 19 checks: 6 schema checks,
not-null x2 (one with a 0.99 threshold), primary key, compound key, enum,
hash masking (a regex), min and max bounds, a date range, a mean, row count
and freshness. Each peer gets the same checks in its own contract language
(PEER_GAPS says what a peer cannot express), and must find the same failing
checks as scaffolder before its time counts.

Every figure is a whole process (interpreter start, imports, contract
parsing, the scan, the report), the tools interleaved in each round so that
noise from other processes hits all alike; wall and CPU seconds and peak RSS
come from the kernel (os.wait4). Medians of BENCH_REPEAT rounds (default 5).

- scaffolder: `python -m scaffolder test CONTRACT --data FILE --format json`
- bare scan: one DuckDB process (this venv's) that reads the same columns and does the
  work no checker can skip: `count(DISTINCT order_id)` and the hash-masking regex
- soda: `soda contract verify` (soda-core + soda-duckdb, the dataset a view over the file)
- datacontract: `datacontract test` (datacontract-cli[duckdb,parquet], a local Parquet server)

The peers are installed, pinned, each in its own virtualenv (they pin
conflicting DuckDB versions) under BENCH_PEERS_DIR (default
~/.cache/scaffolder-bench-peers), never in the repo. Their telemetry is off
(it retries to a host this machine may not reach). BENCH_PEERS_ALSO=DIR adds a
row for another scaffolder checkout (e.g. the main branch, for an A/B).

Run: nox -s bench_peers   (or python benchmarks/bench_peers.py; BENCH_PEERS_SIZES=1000000 for a quick run)
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_checks import CONTRACT, generate  # noqa: E402 (the benchmark folder is not a package)

from scaffolder.checks.compile import HEX_DIGEST  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
SIZES = [int(s) for s in os.environ.get("BENCH_PEERS_SIZES", "1000000,10000000").split(",") if s]
PEERS = Path(os.environ.get("BENCH_PEERS_DIR", Path.home() / ".cache" / "scaffolder-bench-peers"))
ALSO = os.environ.get("BENCH_PEERS_ALSO", "")
WORK = Path(os.environ.get("BENCH_PEERS_WORK", Path(tempfile.gettempdir()) / "scaffolder-bench-peers"))

PINS = {
    "soda": ["soda-core==4.28.0", "soda-duckdb==4.28.0"],
    "datacontract": ["datacontract-cli[duckdb,parquet]==1.2.8"],
}
QUIET = {"SODA_CORE_TELEMETRY_ENABLED": "false", "DO_NOT_TRACK": "1", "NO_COLOR": "1", "COLUMNS": "250"}

# What a peer cannot say as a declarative check, and how its contract says it instead.
PEER_GAPS = {
    "soda": "the 6 schema checks are one `schema` check (types of all columns); the date range is a "
            "`failed_rows` SQL expression (valid_min/valid_max take numbers only)",
    "datacontract": "the 6 type checks are skipped on Parquet ('Checking types in parquet files is not "
                    "supported yet': presence only); the date range and the mean are SQL quality checks",
}

BARE = ("SELECT count(*), count(DISTINCT order_id), count_if(NOT regexp_matches(customer_id, '{hex}')), "
        "count(customer_id), max(event_ts), sum(length(status)), sum(amount), sum(line_no) "
        "FROM read_parquet('{path}')")

SODA_SOURCE = """\
type: duckdb
name: bench
connection:
  database: {db}
  read_only: true
"""

# Our check ids as names, so the failing checks can be compared one by one.
SODA_CONTRACT = """\
dataset: bench/main/orders
columns:
  - name: order_id
    data_type: VARCHAR
    checks:
      - missing: {{name: order_id.not_null}}
      - duplicate: {{name: order_id.unique}}
      - missing:
          name: order_id.values_to_not_be_null
          qualifier: threshold
          threshold: {{metric: percent, must_be_less_than_or_equal: 1}}
  - name: event_ts
    data_type: TIMESTAMP
    checks:
      - missing: {{name: event_ts.not_null}}
      - failed_rows:
          name: event_ts.values_to_be_between
          expression: "event_ts < TIMESTAMP '2023-01-01' OR event_ts > TIMESTAMP '2025-12-31'"
  - name: customer_id
    data_type: VARCHAR
    checks:
      - invalid:
          name: customer_id.masking
          valid_format: {{name: hex digest, regex: '{hex}'}}
  - name: status
    data_type: VARCHAR
    checks:
      - invalid:
          name: status.enum
          valid_values: [placed, paid, shipped, delivered, cancelled]
  - name: amount
    data_type: DECIMAL
    checks:
      - invalid: {{name: amount.min, qualifier: min, valid_min: 0}}
      - invalid: {{name: amount.max, qualifier: max, valid_max: 10000}}
      - aggregate:
          name: amount.mean_to_be_between
          function: avg
          threshold: {{must_be_between: {{greater_than_or_equal: 100, less_than_or_equal: 1000}}}}
  - name: line_no
    data_type: INTEGER
checks:
  - schema: {{name: schema}}
  - row_count:
      name: row_count_to_be_between
      threshold: {{must_be_greater_than_or_equal: 1}}
  - duplicate: {{name: compound_columns_to_be_unique, columns: [order_id, line_no]}}
  - freshness:
      name: sla.freshness
      column: event_ts
      threshold: {{unit: minute, must_be_less_than_or_equal: 15}}
"""

DATACONTRACT = """\
apiVersion: v3.1.0
kind: DataContract
id: orders-bench
name: orders
version: 1.0.0
status: active
servers:
  - server: local
    type: local
    format: parquet
    path: {path}
schema:
  - name: orders
    physicalType: table
    properties:
      - {{name: order_id, logicalType: string, physicalType: VARCHAR, required: true, unique: true,
         quality: [{{type: library, metric: nullValues, unit: percent, mustBeLessOrEqualTo: 1}}]}}
      - {{name: event_ts, logicalType: timestamp, physicalType: TIMESTAMP, required: true}}
      - name: customer_id
        logicalType: string
        physicalType: VARCHAR
        quality: [{{type: library, metric: invalidValues, arguments: {{pattern: '{hex}'}}, mustBe: 0}}]
      - name: status
        logicalType: string
        physicalType: VARCHAR
        quality:
          - {{type: library, metric: invalidValues, mustBe: 0,
             arguments: {{validValues: [placed, paid, shipped, delivered, cancelled]}}}}
      - {{name: amount, logicalType: number, physicalType: "DECIMAL(10,2)",
         logicalTypeOptions: {{minimum: 0, maximum: 10000}}}}
      - {{name: line_no, logicalType: integer, physicalType: INTEGER}}
    quality:
      - {{type: library, metric: rowCount, mustBeGreaterOrEqualTo: 1}}
      - {{type: library, metric: duplicateValues, arguments: {{properties: [order_id, line_no]}}, mustBe: 0}}
      - type: sql
        query: "SELECT count(*) FROM orders WHERE event_ts < TIMESTAMP '2023-01-01' OR event_ts > TIMESTAMP '2025-12-31'"
        mustBe: 0
      - {{type: sql, query: "SELECT avg(amount) FROM orders", mustBeBetween: [100, 1000]}}
slaProperties:
  - {{property: freshness, element: orders.event_ts, value: 15, unit: m}}
"""

# datacontract-cli's check keys -> our check ids (its key names the model, field and kind).
DC_KEYS = {
    "orders__order_id__field_required": "order_id.not_null",
    "orders__order_id__field_unique": "order_id.unique",
    "orders__order_id__field_null_values": "order_id.values_to_not_be_null",
    "orders__event_ts__field_required": "event_ts.not_null",
    "orders__quality_sql_2": "event_ts.values_to_be_between",
    "orders__customer_id__field_invalid_values": "customer_id.masking",
    "orders__status__field_invalid_values": "status.enum",
    "orders__amount__field_minimum": "amount.min",
    "orders__amount__field_maximum": "amount.max",
    "orders__quality_sql_3": "amount.mean_to_be_between",
    "orders__row_count": "row_count_to_be_between",
    "orders__model_duplicate_values": "compound_columns_to_be_unique",
    "orders__event_ts__servicelevel_freshness": "sla.freshness",
}


@dataclass
class Run:
    seconds: float
    cpu: float
    peak_mb: float
    failed: set[str]
    checked: set[str]


@dataclass
class Tool:
    name: str
    argv: list[str]
    parse: Callable[[str, Path], tuple[set[str], set[str]]]  # (stdout, work dir) -> (failed ids, checked ids)
    env: dict[str, str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)


def venv(name: str) -> Path:
    """The peer's own virtualenv, created and installed (pinned) on first use."""
    home = PEERS / name
    python = home / "bin" / "python"
    marker = home / ".installed"
    if not marker.exists() or marker.read_text() != " ".join(PINS[name]):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(home)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PINS[name]], check=True)
        marker.write_text(" ".join(PINS[name]))
    return home / "bin"


def measure(tool: Tool, cwd: Path) -> Run:
    """One whole process; wall and CPU seconds and peak RSS of that process (os.wait4)."""
    out = cwd / f"{tool.name}.out"
    env = {k: v for k, v in {**os.environ, **QUIET, **tool.env}.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with out.open("w") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(tool.argv, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = out.read_text(errors="replace")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{tool.name} exited {proc.returncode}:\n{text[-3000:]}")
    failed, checked = tool.parse(text, cwd)
    (cwd / "datacontract.json").unlink(missing_ok=True)  # never read a previous round's results
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, failed, checked)


def ours(text: str, _cwd: Path) -> tuple[set[str], set[str]]:
    report = json.loads(text[text.index("{"):])
    return {c["id"] for c in report["checks"] if not c["passed"]}, {c["id"] for c in report["checks"]}


def soda(text: str, _cwd: Path) -> tuple[set[str], set[str]]:
    """Soda's result table: `| column | check name | threshold | outcome | ...` (names are our ids)."""
    failed, checked = set(), set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 5 and re.fullmatch(r"[\w.]+", cells[2] or "-") and cells[4]:
            outcome = cells[4].split()[-1]
            if outcome in ("PASSED", "FAILED", "NOT_EVALUATED", "ERROR"):
                checked.add(cells[2])
                if outcome != "PASSED":
                    failed.add(cells[2])
    return _schema_as_ours(failed, "schema" in failed), _schema_as_ours(checked, "schema" in checked)


def _schema_as_ours(ids: set[str], schema: bool) -> set[str]:
    """A peer's one schema check stands for our six."""
    rest = ids - {"schema"}
    return rest | ({f"{c}.schema" for c in ("order_id", "event_ts", "customer_id", "status", "amount", "line_no")}
                   if schema else set())


def datacontract(_text: str, cwd: Path) -> tuple[set[str], set[str]]:
    report = json.loads((cwd / "datacontract.json").read_text())
    failed, checked = set(), set()
    for c in report["checks"]:
        if c["key"].endswith("__field_type"):  # a warning: types are not checked on Parquet
            continue
        cid = DC_KEYS.get(c["key"], c["key"])
        checked.add(cid)
        if c["result"] != "passed":
            failed.add(cid)
    return failed, checked


def bare(text: str, _cwd: Path) -> tuple[set[str], set[str]]:
    return set(), set()


def tools(n: int, path: Path) -> list[Tool]:
    """Every tool's contract for `path`, written into WORK/<n>."""
    cwd = WORK / str(n)
    cwd.mkdir(parents=True, exist_ok=True)
    (cwd / "contract.yaml").write_text(CONTRACT)
    soda_bin, dc_bin = venv("soda"), venv("datacontract")
    db = cwd / "soda.duckdb"  # Soda reads tables and views of a database: a view over the file
    if db.exists():
        db.unlink()
    subprocess.run([str(soda_bin / "python"), "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).execute("
                    "\"CREATE VIEW orders AS SELECT * FROM read_parquet('\" + sys.argv[2] + \"')\")", str(db),
                    str(path)], check=True)
    (cwd / "soda-source.yaml").write_text(SODA_SOURCE.format(db=db))
    (cwd / "soda.yaml").write_text(SODA_CONTRACT.format(hex=HEX_DIGEST))
    (cwd / "odcs.yaml").write_text(DATACONTRACT.format(path=path, hex=HEX_DIGEST))
    found = [
        Tool("scaffolder", [sys.executable, "-m", "scaffolder", "test", "contract.yaml", "--data", str(path),
                            "--format", "json"], ours, {"PYTHONPATH": str(ROOT)}),
        Tool("bare scan", [sys.executable, "-c", "import duckdb, sys; duckdb.connect().execute(sys.argv[1]).fetchall()",
                           BARE.format(hex=HEX_DIGEST, path=path)], bare),
        Tool("soda", [str(soda_bin / "soda"), "contract", "verify", "-c", "soda.yaml", "-ds", "soda-source.yaml"],
             soda),
        Tool("datacontract", [str(dc_bin / "datacontract"), "test", "odcs.yaml", "--output-format", "json",
                              "--output", "datacontract.json"], datacontract),
    ]
    for src in filter(None, [str(ROOT), ALSO]):  # as installed: bytecode compiled (peers' was, by pip)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(src) / "scaffolder")], check=True)
    if ALSO:
        found.insert(1, Tool(f"scaffolder@{Path(ALSO).name}", found[0].argv, ours, {"PYTHONPATH": ALSO}))
    return found


def agree(tool: Tool, truth: Run) -> str:
    """Does the tool fail exactly the checks scaffolder fails, among those it can run, in every round?"""
    if tool.name == "bare scan":
        return "-"
    for run in tool.runs:
        missing = (truth.failed & run.checked) - run.failed
        extra = run.failed - truth.failed
        if missing or extra:
            return f"DIFFERS: missed {sorted(missing)}, extra {sorted(extra)}"
    unchecked = truth.checked - tool.runs[0].checked
    return f"same {len(truth.failed)} failing" + (f" ({len(unchecked)} not checked)" if unchecked else "")


def main() -> None:
    print(f"peers: the 19 checks of bench_checks.py, whole processes, median of {REPEAT} interleaved rounds")
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for name, gap in PEER_GAPS.items():
        print(f"  {name}: {gap}")
    for n in SIZES:
        path = generate(n)
        found = tools(n, path)
        for _ in range(REPEAT):
            for tool in found:
                tool.runs.append(measure(tool, WORK / str(n)))
        wall = {t.name: statistics.median(r.seconds for r in t.runs) for t in found}
        cpu = {t.name: statistics.median(r.cpu for r in t.runs) for t in found}
        peak = {t.name: max(r.peak_mb for r in t.runs) for t in found}
        ref = found[0].name
        print(f"\n{n:,} rows ({path.stat().st_size / 1e6:.0f} MB Parquet); load average now "
              f"{os.getloadavg()[0]:.1f}")
        print(f"{'tool':<22} {'wall s':>7} {'CPU s':>6} {'peak MB':>8} {'wall ÷ ours':>11} {'CPU ÷ ours':>10}  defects")
        for t in found:
            print(f"{t.name:<22} {wall[t.name]:7.2f} {cpu[t.name]:6.2f} {peak[t.name]:8.0f} "
                  f"{wall[t.name] / wall[ref]:10.2f}x {cpu[t.name] / cpu[ref]:9.2f}x  {agree(t, found[0].runs[0])}")
        print(f"scaffolder failing: {', '.join(sorted(found[0].runs[0].failed))}")
        goals = [("ours ÷ bare scan <= 1.3", wall[ref] / wall["bare scan"], cpu[ref] / cpu["bare scan"], 1.3, -1),
                 ("soda ÷ ours >= 1.5", wall["soda"] / wall[ref], cpu["soda"] / cpu[ref], 1.5, 1),
                 ("datacontract ÷ ours >= 3", wall["datacontract"] / wall[ref], cpu["datacontract"] / cpu[ref], 3, 1)]
        for name, w, c, bound, sign in goals:
            ok = [sign * (x - bound) >= 0 for x in (w, c)]
            verdict = "met" if all(ok) else "wall only" if ok[0] else "CPU only" if ok[1] else "NOT met"
            print(f"goal {name}: wall {w:.2f}x, CPU {c:.2f}x: {verdict}")
        print(f"goal peak RSS <= 1 GB: {peak[ref]:.0f} MB: {'met' if peak[ref] <= 1024 else 'NOT met'}")
        print("all walls: " + "; ".join(f"{t.name} " + " ".join(f"{r.seconds:.2f}" for r in t.runs) for t in found))


if __name__ == "__main__":
    main()
