"""`health` over 1,000 products x 90 days of hourly runs (~2.2M records), and the catalog with SLA pages.

Goals (issue 20): `scaffolder health` under 5 s on DuckDB; `catalog build`
with health for 1,000 products under 20 s. Each case is a whole `scaffolder`
process, best of 3, reported beside a baseline measured in the same run
(`scaffolder --version`, and the catalog build without a store).

    python benchmarks/bench_health.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _timing import PY, best_of, table  # noqa: E402

from tests.catalog.meshgen import name_of, write_mesh  # noqa: E402

PRODUCTS, DAYS = 1000, 90
NOW = 1_782_777_600.0  # 2026-06-30T00:00:00Z
NOW_ISO = "2026-06-30T00:00:00Z"


def fill(store: Path) -> int:
    """Hourly runs per product: every 97th unreadable, lag 0-90 minutes, SLA 1h; two checks per readable run."""
    import duckdb

    from scaffolder.health.store import SCHEMA

    con = duckdb.connect(str(store))
    for stmt in SCHEMA:
        con.execute(stmt)
    con.execute("CREATE TEMP TABLE names (i INTEGER, name TEXT)")
    con.executemany("INSERT INTO names VALUES (?, ?)", [(i, name_of(i)) for i in range(PRODUCTS)])
    hours = DAYS * 24
    con.execute(f"""
        INSERT INTO runs SELECT 'r' || n.i || '-' || h, n.name, '1.0.0', 'sha256:x', 'duckdb', 's',
          {NOW} - (h * 3600) - 5, {NOW} - (h * 3600), 100,
          CASE WHEN (h + n.i) % 97 = 0 THEN 'unreadable' WHEN (h * 7 + n.i) % 50 = 0 THEN 'failed' ELSE 'ok' END,
          CASE WHEN (h + n.i) % 97 = 0 THEN NULL ELSE ((h * 13 + n.i) % 90) * 60.0 END, 3600.0, 99.5, NULL
        FROM names n, range({hours}) r(h)""")
    con.execute("""
        INSERT INTO checks SELECT run_id, product, ended_at, c.id, CASE WHEN outcome = 'failed' AND c.id = 'b' THEN 3 ELSE 0 END,
          100, NOT (outcome = 'failed' AND c.id = 'b'), CASE WHEN outcome = 'failed' AND c.id = 'b' THEN '[1, 2, 3]' END
        FROM runs, (VALUES ('a'), ('b')) c(id) WHERE outcome <> 'unreadable'""")
    n = con.execute("SELECT count(*) FROM runs").fetchone()[0]
    con.close()
    return n


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = root / "health.duckdb"
        t0 = time.perf_counter()
        n = fill(store)
        print(f"store: {n:,} runs for {PRODUCTS} products x {DAYS} days, filled in {time.perf_counter() - t0:.1f} s")
        write_mesh(root / "mesh", PRODUCTS)
        sc = [PY, "-m", "scaffolder"]
        base = best_of([*sc, "--version"], runs=3)
        rows = [(f"health, {DAYS}d window", best_of([*sc, "health", "--store", str(store), "--now", NOW_ISO,
                                                        "--window", f"{DAYS}d", "--format", "json"], runs=3)),
                ("health, 30d window", best_of([*sc, "health", "--store", str(store), "--now", NOW_ISO], runs=3))]
        table("scaffolder health (goal < 5 s)", "scaffolder --version", base, rows)
        build = [*sc, "catalog", "build", "--no-history", "--out", str(root / "site")]
        plain = best_of(build, runs=3, cwd=str(root / "mesh"))
        with_sla = best_of([*build, "--store", str(store), "--now", NOW_ISO], runs=3, cwd=str(root / "mesh"))
        table("catalog build, 1,000 products (goal < 20 s)", "without a store", plain,
              [("with SLA pages (30d window)", with_sla)])


if __name__ == "__main__":
    main()
