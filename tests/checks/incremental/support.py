"""Writing data files of the 9-column test table (tests.checks.data) and comparing two runs' results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from tests.checks.data import COLUMNS, SQL_TYPES

_con = duckdb.connect()


def write(path: Path, rows: list[tuple[Any, ...]]) -> None:
    """`rows` (tuples in COLUMNS order) as one file; the format from the extension."""
    cols = ", ".join(f'"{c}" {t}' for c, t in zip(COLUMNS, SQL_TYPES, strict=True))
    _con.execute(f"CREATE OR REPLACE TABLE w ({cols})")
    if rows:
        _con.executemany(f"INSERT INTO w VALUES ({', '.join('?' for _ in COLUMNS)})", rows)
    fmt = {".parquet": "parquet", ".csv": "csv, HEADER", ".ndjson": "json", ".json": "json, ARRAY true"}[path.suffix]
    _con.execute(f"COPY w TO '{path}' (FORMAT {fmt})")


def results(report: Any) -> dict[str, Any]:
    """What a run found, without how it found it (`via`: metadata, pushdown) or how it read the files."""
    out = report.to_json()
    out.pop("incremental", None)
    for c in out["checks"]:
        c.pop("via", None)
        c.pop("samples", None)
    return out


def arrow(rows: list[tuple[Any, ...]]) -> Any:
    """`rows` (tuples in COLUMNS order) as a pyarrow Table with the test table's types."""
    cols = ", ".join(f'"{c}" {t}' for c, t in zip(COLUMNS, SQL_TYPES, strict=True))
    _con.execute(f"CREATE OR REPLACE TABLE w ({cols})")
    if rows:
        _con.executemany(f"INSERT INTO w VALUES ({', '.join('?' for _ in COLUMNS)})", rows)
    return _con.sql("SELECT * FROM w").to_arrow_table()
