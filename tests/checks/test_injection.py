"""A contract can never inject SQL: hostile column names, enum values and regexes are data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from scaffolder.checks.run import run_checks
from scaffolder.contract.validate import load_contract_text

DROP = "'; DROP TABLE t; --"
QUOTE = 'quo"te'
SLASH = "back\\slash"
NEWLINE = "new\nline"
UNICODE = "ünï✓ \u200b"
VALUES = [DROP, "it's", 'say "hi"', "back\\slash", "line\nbreak", "ünï✓", "$1", "?"]
REGEX = r"""^a'b"c\\d$"""  # a literal a'b"c\d


def _contract() -> str:
    doc = {
        "apiVersion": "datamesh.io/v1", "kind": "DataProduct",
        "metadata": {"name": "evil.product", "domain": "evil", "version": "1.0.0"},
        "spec": {
            "owner": "x@example.com",
            "schema": {"fields": [
                {"name": DROP, "type": "string", "constraints": {"enum": VALUES}},
                {"name": QUOTE, "type": "string", "constraints": {"pattern": REGEX}},
                {"name": SLASH, "type": "string", "constraints": {"unique": True}},
                {"name": NEWLINE, "type": "string", "constraints": {"nullable": False}},
                {"name": UNICODE, "type": "int", "constraints": {"min": 0, "max": 10}},
            ]},
            "quality": {"checks": [
                {"column": DROP, "assertion": "expect_column_values_to_not_be_in_set", "value": {"value_set": [DROP]}},
                {"column": QUOTE, "assertion": "expect_column_values_to_not_match_regex",
                 "value": {"regex": "'; DROP TABLE t; --"}},
                {"assertion": "expect_compound_columns_to_be_unique", "value": {"column_list": [DROP, SLASH]}},
                {"column": SLASH, "assertion": "expect_column_distinct_values_to_be_in_set",
                 "value": {"value_set": ["x'); DELETE FROM t; --", "y"]}},
            ]},
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)  # JSON is YAML


ROWS = [
    # DROP (enum)     QUOTE (regex)   SLASH (unique)  NEWLINE     UNICODE
    (DROP, "a'b\"c\\d", "x'); DELETE FROM t; --", "n", 1),
    ("it's", "a'b\"c\\d", "x'); DELETE FROM t; --", "n", 2),
    ('say "hi"', "a'b\"c d", "x'); DELETE FROM t; --", None, 3),  # regex fails; null
    ("evil", "'; DROP TABLE t; --", "y", "n", 11),  # not in enum; matches forbidden regex; > max
    ("EVIL", None, "z", "n", None),  # not in enum
    ("line\nbreak", "a'b\"c\\d", None, "n", 0),
]


def _write(folder: Path) -> tuple[Path, Path]:
    db = folder / "evil.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t AS SELECT 42 AS sentinel")
    names = [DROP, QUOTE, SLASH, NEWLINE, UNICODE]
    cols = ", ".join('"' + n.replace('"', '""') + '" ' + ("INTEGER" if n == UNICODE else "VARCHAR") for n in names)
    con.execute(f"CREATE TABLE data ({cols})")
    con.executemany("INSERT INTO data VALUES (?, ?, ?, ?, ?)", ROWS)
    parquet = folder / "evil.parquet"
    escaped = str(parquet).replace("'", "''")
    con.execute(f"COPY data TO '{escaped}' (FORMAT parquet)")
    con.close()
    return db, parquet


EXPECTED = {
    f"{DROP}.schema": (0, 1), f"{QUOTE}.schema": (0, 1), f"{SLASH}.schema": (0, 1),
    f"{NEWLINE}.schema": (0, 1), f"{UNICODE}.schema": (0, 1),
    f"{DROP}.enum": (2, 6),  # evil, EVIL
    f"{QUOTE}.pattern": (2, 5),  # a'b"c d and the DROP string; one null
    f"{SLASH}.unique": (3, 5),  # the x'); DELETE... group of three
    f"{NEWLINE}.not_null": (1, 6),
    f"{UNICODE}.min": (0, 5),
    f"{UNICODE}.max": (1, 5),  # 11
    f"{DROP}.values_to_not_be_in_set": (1, 6),  # the DROP string itself
    f"{QUOTE}.values_to_not_match_regex": (1, 5),
    "compound_columns_to_be_unique": (0, 6),
    f"{SLASH}.distinct_values_to_be_in_set": (1, 3),  # z
}


@pytest.mark.parametrize("kind", ["duckdb", "parquet"])
def test_hostile_contract_counts_correctly_and_touches_nothing(kind: str, tmp_path: Path) -> None:
    db, parquet = _write(tmp_path)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (db, parquet)}
    contract = load_contract_text(_contract(), str(tmp_path / "evil.yaml"))
    source = f"{db}::main.data" if kind == "duckdb" else str(parquet)
    report = run_checks(contract, source, samples=5)
    assert {c.id: (c.failed, c.total) for c in report.checks} == EXPECTED
    assert [c.error for c in report.checks if c.error] == []
    samples = {c.id: c.samples for c in report.checks if not c.passed}
    assert sorted(samples[f"{DROP}.enum"]) == ["EVIL", "evil"]
    assert samples[f"{SLASH}.unique"] == ["x'); DELETE FROM t; --"]
    assert samples[f"{QUOTE}.values_to_not_match_regex"] == ["'; DROP TABLE t; --"]
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (db, parquet)}
    assert after == before
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT sentinel FROM t").fetchall() == [(42,)]
    assert con.execute("SELECT count(*) FROM data").fetchone()[0] == len(ROWS)


def test_hostile_source_paths_are_literals(tmp_path: Path) -> None:
    folder = tmp_path / "it's a \"dir\"; DROP"
    folder.mkdir()
    _, parquet = _write(folder)
    contract = load_contract_text(_contract(), "evil.yaml")
    report = run_checks(contract, str(parquet))
    assert report.rows == len(ROWS)
    tables = {r[0] for r in duckdb.connect(str(folder / "evil.duckdb"), read_only=True)
              .execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {"t", "data"}
