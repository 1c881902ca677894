"""Small nasty data and a contract that uses every assertion and every constraint on it.

The data is written by DuckDB as Parquet (every engine reads Parquet); its
reference answer is DuckDB's, whose counts the hand-worked tests in
tests/checks pin. Parity asserts every other engine gives the same
failed/total/passed for every check.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

# (id, s, f, dec, ts, tz, day, allnull, a, b)
ROWS = """
(1,    'abc',  1.5,          1.10, TIMESTAMP '2024-01-01 00:00:00', TIMESTAMPTZ '2024-01-01 00:00:00+00', DATE '2024-01-01', NULL, 'x',  1),
(2,    '',     'NaN',        2.25, TIMESTAMP '2024-01-01 23:59:59', TIMESTAMPTZ '2024-01-01 23:30:00-05', DATE '2024-01-02', NULL, 'x',  1),
(NULL, 'ünï✓', NULL,         0.30, TIMESTAMP '2024-01-02 00:00:00', TIMESTAMPTZ '2024-01-02 00:00:00+00', DATE '2024-12-31', NULL, 'x',  NULL),
(NULL, NULL,   'Infinity',   NULL, NULL,                            NULL,                                   NULL,              NULL, 'x',  NULL),
(3,    'abc',  -2.0,         10.00, TIMESTAMP '2023-12-31 23:59:59', TIMESTAMPTZ '2023-12-31 23:59:59+00', DATE '2023-12-31', NULL, NULL, NULL),
(3,    'A-1',  0.0,          0.29, TIMESTAMP '2024-06-01 12:00:00', TIMESTAMPTZ '2024-06-01 12:00:00+02', DATE '2024-06-01', NULL, NULL, NULL),
(4,    'new' || chr(10) || 'line', 100.0, 99.99, TIMESTAMP '2025-01-01 00:00:00', TIMESTAMPTZ '2025-01-01 00:00:00+00', DATE '2025-01-01', NULL, NULL, 2),
(5,    'it''s', 99.999, 100.00, TIMESTAMP '2024-12-31 23:59:59.999', TIMESTAMPTZ '2024-12-31 23:59:59.999+00', DATE '2024-12-30', NULL, 'y', 2)
"""
TYPES = ("id INTEGER, s VARCHAR, f DOUBLE, dec DECIMAL(10,2), ts TIMESTAMP, tz TIMESTAMPTZ, day DATE, "
         "allnull VARCHAR, a VARCHAR, b INTEGER")


def write(folder: Path) -> dict[str, str]:
    """`full` (the rows) and `empty` (zero rows, same columns) as Parquet files."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE TABLE t ({TYPES})")
    con.execute(f"INSERT INTO t VALUES {ROWS}")
    out = {}
    for name, where in (("full", ""), ("empty", " WHERE false")):
        path = folder / f"{name}.parquet"
        con.execute(f"COPY (SELECT * FROM t{where}) TO '{path}' (FORMAT parquet)")
        out[name] = str(path)
    return out


def _q(column: str | None, assertion: str, name: str, **value: object) -> dict[str, object]:
    check: dict[str, object] = {"name": name, "assertion": f"expect_{assertion}", "value": value}
    if column:
        check["column"] = column
    return check


CHECKS = [
    _q("id", "column_values_to_not_be_null", "id_nn"),
    _q("allnull", "column_values_to_be_null", "allnull_null"),
    _q("s", "column_values_to_be_null", "s_null"),
    _q("id", "column_values_to_be_unique", "id_unique"),
    _q("s", "column_values_to_be_unique", "s_unique"),
    _q("allnull", "column_values_to_be_unique", "allnull_unique"),
    _q("f", "column_values_to_be_between", "f_between", min_value=0, max_value=100),
    _q("f", "column_values_to_be_between", "f_strict", min_value=0, max_value=100, strict_min=True, strict_max=True),
    _q("dec", "column_values_to_be_between", "dec_between", min_value=0.3, max_value=99.99),
    _q("dec", "column_values_to_be_between", "dec_strict", min_value=0.3, strict_min=True),
    _q("ts", "column_values_to_be_between", "ts_dates", min_value="2024-01-01", max_value="2024-12-31"),
    _q("ts", "column_values_to_be_between", "ts_zoned", max_value="2024-01-01T00:00:00-05:00"),
    _q("tz", "column_values_to_be_between", "tz_naive", min_value="2024-01-01T00:00:00", max_value="2024-12-31"),
    _q("tz", "column_values_to_be_between", "tz_zoned", max_value="2024-01-02T00:00:00+01:00", strict_max=True),
    _q("day", "column_values_to_be_between", "day_between", min_value="2024-01-01", max_value="2024-12-31"),
    _q("s", "column_values_to_be_in_set", "s_in", value_set=["abc", "", "ünï✓", None]),
    _q("s", "column_values_to_be_in_set", "s_in_empty", value_set=[]),
    _q("f", "column_values_to_be_in_set", "f_in_nan", value_set=["NaN", 1.5]),
    _q("s", "column_values_to_not_be_in_set", "s_not_in", value_set=["abc", "it's"]),
    _q("s", "column_values_to_not_be_in_set", "s_not_in_empty", value_set=[]),
    _q("s", "column_values_to_match_regex", "s_regex", regex="^[a-z]+$"),
    _q("s", "column_values_to_match_regex", "s_regex_unanchored", regex="b"),
    _q("s", "column_values_to_not_match_regex", "s_not_regex", regex="[A-Z]"),
    _q("id", "column_values_to_match_regex", "id_regex_number", regex="^[0-3]$"),
    _q("s", "column_value_lengths_to_be_between", "s_len", min_value=1, max_value=3),
    _q("f", "column_min_to_be_between", "f_min", min_value=-2),
    _q("f", "column_max_to_be_between", "f_max", max_value=100),
    _q("dec", "column_mean_to_be_between", "dec_mean", min_value=20, max_value=30),
    _q("id", "column_mean_to_be_between", "id_mean", min_value=3, max_value=3),
    _q("f", "column_mean_to_be_between", "f_mean", min_value=0),
    _q("s", "column_distinct_values_to_be_in_set", "s_distinct", value_set=["abc", ""]),
    _q(None, "compound_columns_to_be_unique", "ab_unique", column_list=["a", "b"]),
    _q(None, "compound_columns_to_be_unique", "id_a_unique", column_list=["id", "a"]),
    _q(None, "table_row_count_to_be_between", "rows", min_value=1, max_value=8),
    _q(None, "table_columns_to_match_set", "columns",
       column_set=["id", "s", "f", "dec", "ts", "tz", "day", "allnull", "a", "b"]),
]

FIELDS = [
    {"name": "id", "type": "int", "constraints": {"primary_key": True, "min": 1, "max": 4}},
    {"name": "s", "type": "string", "constraints": {"enum": ["abc", "", "it's"], "min_length": 1, "max_length": 4,
                                                    "pattern": "c$"}},
    {"name": "f", "type": "double", "constraints": {"min": -1, "max": 100}},
    {"name": "dec", "type": "decimal(10,2)", "constraints": {"min": 0.3, "max": 99.99}},
    {"name": "ts", "type": "timestamp", "constraints": {"nullable": False, "min": "2024-01-01",
                                                        "max": "2024-12-31T23:59:59"}},
    {"name": "tz", "type": "timestamp_tz", "constraints": {"min": "2024-01-01T00:00:00+00:00"}},
    {"name": "day", "type": "date", "constraints": {"min": "2024-01-01", "max": "2024-12-31", "unique": True}},
    {"name": "allnull", "type": "string", "constraints": {"masking": "hash", "pii": True}},
    {"name": "a", "type": "string"},
    {"name": "b", "type": "int"},
]


def contract_text() -> str:
    doc = {
        "apiVersion": "datamesh.io/v1", "kind": "DataProduct",
        "metadata": {"name": "nasty.data", "domain": "nasty", "version": "1.0.0"},
        "spec": {"owner": "x@example.com", "schema": {"fields": FIELDS}, "quality": {"checks": CHECKS},
                 "sla": {"freshness": "1h", "freshness_column": "ts"}},
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)
