"""Import from data: Parquet, CSV and DuckDB tables, read by DuckDB in the checks' sandbox.

The schema and nullability come from what the source declares (Parquet's
REQUIRED fields, a DuckDB table's NOT NULL / PRIMARY KEY / UNIQUE); CSV
declares none. `--profile` scans the data once and proposes more: enums for
low-cardinality strings, min/max bounds, not-null where no null was seen and a
primary key candidate, each marked as proposed in the YAML.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
from dataclasses import dataclass
from typing import Any

from scaffolder.interop.draft import Column, Draft
from scaffolder.interop.sqltypes import logical_of

ENUM_MAX = 10  # at most this many distinct strings make an enum proposal...
ENUM_RATIO = 0.5  # ...and only when they repeat (distinct <= half the non-null rows)


@dataclass
class Options:
    profile: bool = False


def read(source: str, fmt: str, options: Options) -> list[Draft]:
    """One draft for the table behind SOURCE (a file, glob or FILE.duckdb::schema.table)."""
    from scaffolder.checks import sandbox
    from scaffolder.checks.sources import RELATION, open_source

    con = sandbox.connect()
    try:
        src = open_source(con, source, fmt)
        columns = [Column(name, logical_of(kind)) for name, kind in src.columns.items()]
        _declared(con, source, fmt, columns)
        if options.profile:
            _profile(con, RELATION, columns)
    finally:
        con.close()
    return [Draft(product=_product(source, fmt), columns=columns,
                  schema_type="parquet" if fmt == "parquet" else "table")]


def _product(source: str, fmt: str) -> str:
    if fmt == "duckdb":
        return source.rpartition("::")[2].rsplit(".", 1)[-1]
    base = os.path.basename(source.rstrip("/")) or "table"
    for ext in (".gz", ".parquet", ".pq", ".csv", ".tsv"):
        base = base.removesuffix(ext)
    return base.replace("*", "") or "table"


def _declared(con: Any, source: str, fmt: str, columns: list[Column]) -> None:
    """What the source itself promises about nulls and keys."""
    from scaffolder.checks.sources import data_files

    by_name = {c.name: c for c in columns}
    if fmt == "parquet":
        first = data_files(source)[0]
        rows = con.execute("SELECT name, repetition_type, num_children FROM parquet_schema($1)", [first]).fetchall()
        i, top = 1, rows[0][2] or 0
        for _ in range(top):  # top-level fields only; nested ones follow their parent
            name, rep, _children = rows[i]
            if rep == "REQUIRED" and name in by_name:
                by_name[name].nullable = False
            i = _skip(rows, i)
    elif fmt == "duckdb":
        schema, _, table = source.rpartition("::")[2].rpartition(".")
        schema = schema or "main"
        for name, nullable in con.execute(
                "SELECT column_name, is_nullable FROM duckdb_columns() WHERE database_name = '__scaffolder_src' "
                "AND schema_name = $1 AND table_name = $2", [schema, table]).fetchall():
            if not nullable and name in by_name:
                by_name[name].nullable = False
        for kind, cols in con.execute(
                "SELECT constraint_type, constraint_column_names FROM duckdb_constraints() "
                "WHERE database_name = '__scaffolder_src' AND schema_name = $1 AND table_name = $2",
                [schema, table]).fetchall():
            if kind == "PRIMARY KEY" and len(cols) == 1 and cols[0] in by_name:
                by_name[cols[0]].primary_key = True
            elif kind == "UNIQUE" and len(cols) == 1 and cols[0] in by_name:
                by_name[cols[0]].unique = True


def _skip(rows: list[tuple[Any, ...]], i: int) -> int:
    """The index after field `i` and all its nested children."""
    children = rows[i][2] or 0
    i += 1
    for _ in range(children):
        i = _skip(rows, i)
    return i


def _profile(con: Any, relation: str, columns: list[Column]) -> None:
    """One scan: row count, and per column nulls, distinct count, min and max."""
    from scaffolder.checks.sql import ident

    parts = ["count(*)"]
    scalar = [c for c in columns if (t := _parsed(c.type)) is not None and t.is_scalar]
    for c in scalar:
        col = ident(c.name)
        parts += [f"count({col})", f"approx_count_distinct({col})"]
        parts += [f"min({col})", f"max({col})"] if _bounded(c.type) else ["NULL", "NULL"]
    row = con.execute(f"SELECT {', '.join(parts)} FROM {relation}").fetchone()
    total = row[0]
    if not total:
        return
    seen = f"{total:,} rows scanned"
    for k, c in enumerate(scalar):
        non_null, _distinct, low, high = row[1 + 4 * k: 5 + 4 * k]
        if non_null == total and c.nullable is None and not c.primary_key:
            c.nullable, c.proposed["nullable"] = False, f"no null in {seen}"
        if low is not None and _bounded(c.type):
            c.min, c.max = _plain(low), _plain(high)
            c.proposed.update(min=f"smallest of {seen}", max=f"largest of {seen}")
    for c in scalar:  # exact distinct counts for the few candidates
        if c.type == "string" and not c.enum:
            values = con.execute(f"SELECT DISTINCT {ident(c.name)} FROM {relation} WHERE {ident(c.name)} "
                                 f"IS NOT NULL ORDER BY 1 LIMIT {ENUM_MAX + 1}").fetchall()
            non_null = con.execute(f"SELECT count({ident(c.name)}) FROM {relation}").fetchone()[0]
            if 0 < len(values) <= ENUM_MAX and len(values) <= ENUM_RATIO * non_null:
                c.enum, c.proposed["enum"] = [str(v[0]) for v in values], f"the {_plural(len(values), 'value')} in {seen}"
    if any(c.primary_key for c in columns):
        return
    candidates = sorted(scalar, key=lambda c: (not c.name.lower().endswith("id"), columns.index(c)))
    for c in candidates:
        if c.enum:
            continue
        nulls, distinct = con.execute(
            f"SELECT count(*) - count({ident(c.name)}), count(DISTINCT {ident(c.name)}) FROM {relation}").fetchone()
        if nulls == 0 and distinct == total:
            c.primary_key, c.proposed["primary_key"] = True, f"unique and never null in {seen}"
            c.nullable = None
            c.proposed.pop("nullable", None)
            return


def _parsed(type_text: str) -> Any:
    """The logical type, or None for one a contract cannot state (validation then reports it)."""
    from scaffolder.contract.types import TypeParseError, parse_type

    try:
        return parse_type(type_text)
    except TypeParseError:
        return None


def _bounded(type_text: str) -> bool:
    t = _parsed(type_text)
    return t is not None and (t.is_numeric or t.name in ("date", "timestamp", "timestamp_tz"))


def _plain(value: Any) -> Any:
    """A bound as the contract writes it: numbers as numbers, dates and times as ISO text."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
