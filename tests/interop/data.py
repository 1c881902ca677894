"""One small table, written as Parquet, CSV and a DuckDB table with declared constraints."""

from __future__ import annotations

from pathlib import Path

import duckdb

DDL = """CREATE TABLE orders (
    order_id VARCHAR PRIMARY KEY,
    status VARCHAR NOT NULL,
    amount DECIMAL(10,2) NOT NULL,
    qty INTEGER,
    placed_at TIMESTAMP NOT NULL,
    day DATE,
    email VARCHAR UNIQUE,
    tags VARCHAR[]
)"""
ROWS = [(f"O-{i:03d}", ["placed", "paid", "it's"][i % 3], f"{i * 7.25:.2f}", None if i == 4 else i % 5,
         f"2026-01-{i + 1:02d} 10:00:00", None if i % 4 == 0 else f"2026-02-{i + 1:02d}",
         None if i % 2 else f"c{i}@example.com", ["a", "b"] if i % 2 else []) for i in range(12)]


def write_all(folder: Path) -> dict[str, str]:
    """The table as parquet, csv and duckdb sources; returns format -> SOURCE text."""
    db = folder / "shop.duckdb"
    con = duckdb.connect(str(db))
    con.execute(DDL)
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ROWS)
    parquet, csv = folder / "orders.parquet", folder / "orders.csv"
    con.execute(f"COPY orders TO '{parquet}' (FORMAT parquet)")
    con.execute(f"COPY (SELECT * EXCLUDE (tags) FROM orders) TO '{csv}' (HEADER)")
    con.close()
    return {"parquet": str(parquet), "csv": str(csv), "duckdb": f"{db}::orders"}
