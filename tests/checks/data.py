"""A 20-row table with defects planted at known rows, written in every source format.

EXPECTED holds the failed/total each check must report, worked out by hand
from the planted defects (see the comments), never by running the checker.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

COLUMNS = ["id", "code", "status", "amount", "day", "ts", "hashed", "qty", "note"]
SQL_TYPES = ["VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "DATE", "TIMESTAMP", "VARCHAR", "INTEGER", "VARCHAR"]
STATUSES = ["new", "paid", "it's", 'quote"d']


def rows() -> list[tuple[Any, ...]]:
    out = []
    for i in range(20):
        r = {
            "id": f"A-{i:03d}",
            "code": f"C{chr(65 + i)}-{i:03d}",
            "status": STATUSES[i % 4],
            "amount": i * 5.0,
            "day": dt.date(2024, 1, 1) + dt.timedelta(days=i),
            "ts": dt.datetime(2024, 3, 1, 12) + dt.timedelta(hours=i),
            "hashed": f"{i:032x}" if i % 2 == 0 else f"{i:064x}",
            "qty": i % 10 + 1,
            "note": None,
        }
        if i == 5:
            r["id"] = "A-004"  # duplicate of row 4
        if i == 12:
            r["id"] = None
        if i == 1:
            r["code"], r["status"] = "CA-000", "new"  # duplicate code of row 0, and (code, status) pair
        if i == 3:
            r["code"], r["note"] = "XX-12", "x"  # too short, breaks the pattern
        if i == 4:
            r["note"] = "y"
        if i == 7:
            r["code"] = "toolongcode"  # too long, breaks the pattern
        if i == 9:
            r["code"] = None
        if i == 2:
            r["status"] = "lost"
        if i == 8:
            r["status"] = "PAID"
        if i == 10:
            r["status"] = None
        if i == 1:
            r["amount"] = -1.5
        if i == 6:
            r["amount"] = 100.5
        if i == 11:
            r["amount"] = None
        if i == 13:
            r["amount"] = 100.0  # on the bound: passes
        if i == 15:
            r["day"] = dt.date(2023, 12, 31)
        if i == 16:
            r["day"] = dt.date(2025, 1, 1)
        if i == 17:
            r["ts"] = None
        if i == 0:
            r["hashed"] = "zz" + "0" * 30  # 32 characters, not hex
        if i == 18:
            r["hashed"] = "abc"
        if i == 19:
            r["hashed"] = None
        if i == 5:
            r["qty"] = 0
        if i == 6:
            r["qty"] = 11
        out.append(tuple(r[c] for c in COLUMNS))
    return out


SMALL = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: a.b, domain: a, version: 1.0.0}
spec:
  owner: x@example.com
"""  # the head of a small test contract: add `spec` keys (two-space indent) below it


def copy_to(path: Path, select: str) -> None:
    """Write a query's rows to `path`, as Parquet or CSV by its suffix."""
    fmt = "FORMAT parquet" if path.suffix == ".parquet" else "FORMAT csv, HEADER"
    duckdb.connect().execute(f"COPY ({select}) TO '{path}' ({fmt})")


CONTRACT = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: shop.orders
  domain: shop
  version: 1.0.0
spec:
  owner: team@example.com
  sla:
    freshness: 1h
    freshness_column: ts
  schema:
    fields:
      - name: id
        type: string
        constraints: {primary_key: true}
      - name: code
        type: string
        constraints: {pattern: "^[A-Z]{2}-\\\\d{3}$", min_length: 6, max_length: 6}
      - name: status
        type: string
        constraints: {enum: [new, paid, "it's", 'quote"d']}
      - name: amount
        type: double
        constraints: {min: 0, max: 100}
      - name: day
        type: date
        constraints: {min: "2024-01-01", max: "2024-12-31"}
      - name: ts
        type: timestamp
        constraints: {nullable: false, timezone: UTC}
      - name: hashed
        type: string
        constraints: {pii: true, masking: hash}
      - name: qty
        type: int
      - name: note
        type: string
  quality:
    checks:
      - {column: code, assertion: expect_column_values_to_not_be_null, threshold: 0.9}
      - {column: note, assertion: expect_column_values_to_be_null}
      - {column: code, assertion: expect_column_values_to_be_unique}
      - {column: qty, assertion: expect_column_values_to_be_between, threshold: 0.9, value: {min_value: 1, max_value: 10}}
      - {name: qty.strict, column: qty, assertion: expect_column_values_to_be_between, value: {max_value: 10, strict_max: true}}
      - {column: status, assertion: expect_column_values_to_be_in_set, threshold: 0.5, value: {value_set: [new, paid]}}
      - {column: status, assertion: expect_column_values_to_not_be_in_set, value: {value_set: [lost]}}
      - {column: id, assertion: expect_column_values_to_not_match_regex, value: {regex: "-00[0-3]$"}}
      - {column: id, assertion: expect_column_value_lengths_to_be_between, value: {min_value: 5, max_value: 5}}
      - {column: amount, assertion: expect_column_min_to_be_between, value: {min_value: 0}}
      - {column: amount, assertion: expect_column_max_to_be_between, value: {max_value: 200}}
      - {column: qty, assertion: expect_column_mean_to_be_between, value: {min_value: 4, max_value: 6}}
      - {column: status, assertion: expect_column_distinct_values_to_be_in_set, value: {value_set: [new, paid, "it's", 'quote"d']}}
      - {assertion: expect_compound_columns_to_be_unique, value: {column_list: [code, status]}}
      - {assertion: expect_compound_columns_to_be_unique, name: id_qty, value: {column_list: [id, qty]}}
      - {column: ts, assertion: expect_column_values_to_be_between, value: {min_value: "2024-03-01T12:00:00", max_value: "2024-03-01T20:00:00+01:00"}}
      - {column: code, assertion: expect_column_values_to_match_regex, value: {regex: "^C"}}
      - {assertion: expect_table_row_count_to_be_between, value: {min_value: 1, max_value: 100}}
      - {assertion: expect_table_row_count_to_be_between, name: at_least_21, value: {min_value: 21}}
      - {assertion: expect_table_columns_to_match_set, value: {column_set: [id, code, status, amount, day, ts, hashed, qty, note]}}
"""

# check id -> (failed, total, passed)
EXPECTED: dict[str, tuple[int, int, bool]] = {
    **{f"{c}.schema": (0, 1, True) for c in COLUMNS},
    "id.not_null": (1, 20, False),  # row 12
    "id.unique": (2, 19, False),  # rows 4 and 5 (both members count); row 12 null ignored
    "code.pattern": (2, 19, False),  # rows 3 and 7; row 9 null ignored
    "code.min_length": (1, 19, False),  # row 3
    "code.max_length": (1, 19, False),  # row 7
    "status.enum": (2, 19, False),  # rows 2 (lost) and 8 (PAID)
    "amount.min": (1, 19, False),  # row 1 (-1.5); rows 0 and 14 are 0: inclusive
    "amount.max": (1, 19, False),  # row 6 (100.5); row 13 is 100: inclusive
    "day.min": (1, 20, False),  # row 15
    "day.max": (1, 20, False),  # row 16
    "ts.not_null": (1, 20, False),  # row 17
    "hashed.masking": (2, 19, False),  # rows 0 (not hex) and 18 (too short)
    "code.values_to_not_be_null": (1, 20, True),  # 19/20 >= 0.9
    "note.values_to_be_null": (2, 20, False),  # rows 3 and 4
    "code.values_to_be_unique": (2, 19, False),  # rows 0 and 1
    "qty.values_to_be_between": (2, 20, True),  # rows 5 (0) and 6 (11): 18/20 = 0.9 >= 0.9
    "qty.strict": (3, 20, False),  # qty >= 10: rows 6, 9, 19
    "status.values_to_be_in_set": (10, 19, False),  # it's x3, quote"d x5, lost, PAID: 9/19 < 0.5
    "status.values_to_not_be_in_set": (1, 19, False),  # row 2
    "id.values_to_not_match_regex": (4, 19, False),  # A-000..A-003
    "id.value_lengths_to_be_between": (0, 19, True),
    "amount.min_to_be_between": (1, 1, False),  # min is -1.5
    "amount.max_to_be_between": (0, 1, True),  # max is 100.5
    "qty.mean_to_be_between": (0, 1, True),  # 108 / 20 = 5.4
    "status.distinct_values_to_be_in_set": (2, 6, False),  # lost, PAID
    "compound_columns_to_be_unique": (2, 20, False),  # rows 0 and 1: (CA-000, new)
    "id_qty": (0, 20, True),  # (A-004, 5) and (A-004, 0) differ
    "ts.values_to_be_between": (11, 19, False),  # 20:00+01:00 is 19:00 UTC: rows 8..19 but 17 (null)
    "code.values_to_match_regex": (2, 19, False),  # rows 3 (XX-12) and 7 (toolongcode)
    "row_count_to_be_between": (0, 1, True),
    "at_least_21": (1, 1, False),
    "columns_to_match_set": (0, 9, True),
    "sla.freshness": (0, 1, True),  # with --now 2024-03-02T08:00:00Z: latest ts is 07:00, 1h allowed
}
NOW = "2024-03-02T08:00:00Z"


def make_table(con: duckdb.DuckDBPyConnection, name: str = "t") -> None:
    cols = ", ".join(f'"{c}" {t}' for c, t in zip(COLUMNS, SQL_TYPES, strict=True))
    con.execute(f"CREATE TABLE {name} ({cols})")
    con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in COLUMNS)})", rows())


def write_all(folder: Path) -> dict[str, str]:
    """Every source format holding the same rows; returns format -> SOURCE text."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    make_table(con)
    out: dict[str, str] = {}
    con.execute(f"COPY t TO '{folder / 'data.parquet'}' (FORMAT parquet)")
    out["parquet"] = str(folder / "data.parquet")
    con.execute(f"COPY t TO '{folder / 'data.csv'}' (FORMAT csv, HEADER)")
    out["csv"] = str(folder / "data.csv")
    con.execute(f"COPY t TO '{folder / 'data.json'}' (FORMAT json, ARRAY true)")
    out["json"] = str(folder / "data.json")
    con.execute(f"COPY t TO '{folder / 'data.ndjson'}' (FORMAT json)")
    out["ndjson"] = str(folder / "data.ndjson")
    (folder / "parts").mkdir(exist_ok=True)
    con.execute(f"COPY (SELECT * FROM t LIMIT 10) TO '{folder / 'parts' / 'a.parquet'}' (FORMAT parquet)")
    con.execute(f"COPY (SELECT * FROM t OFFSET 10) TO '{folder / 'parts' / 'b.parquet'}' (FORMAT parquet)")
    out["glob"] = str(folder / "parts" / "*.parquet")
    db = duckdb.connect(str(folder / "warehouse.duckdb"))
    db.execute("CREATE SCHEMA marts")
    make_table(db, "marts.orders")
    db.close()
    out["duckdb"] = f"{folder / 'warehouse.duckdb'}::marts.orders"
    arrow = con.sql("SELECT * FROM t").to_arrow_table()
    from deltalake import write_deltalake

    write_deltalake(str(folder / "delta"), arrow)
    out["delta"] = str(folder / "delta")
    out["iceberg"] = _iceberg(folder, arrow)
    return out


def _iceberg(folder: Path, arrow: Any) -> str:
    from pyiceberg.catalog.sql import SqlCatalog

    (folder / "iceberg").mkdir(exist_ok=True)
    uri = f"sqlite:///{folder / 'iceberg' / 'catalog.db'}"
    catalog = SqlCatalog("test", uri=uri, warehouse=f"file://{folder / 'iceberg'}")
    catalog.create_namespace("shop")
    table = catalog.create_table("shop.orders", schema=arrow.schema)
    table.append(arrow)
    return f"{uri}::shop.orders"
