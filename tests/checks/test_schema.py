"""Schema conformance: names and physical types against the contract's logical types."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from scaffolder.checks.conform import conforms
from scaffolder.checks.run import run_checks
from scaffolder.contract.types import parse_type
from scaffolder.contract.validate import load_contract_text
from tests.checks.data import SMALL


@pytest.mark.parametrize(("logical", "physical", "ok"), [
    ("string", "VARCHAR", True),
    ("string", "INTEGER", False),
    ("long", "BIGINT", True),
    ("long", "INTEGER", True),  # narrower: every value is a long
    ("int", "BIGINT", False),  # wider: values may not fit
    ("int", "SMALLINT", True),
    ("int", "UINTEGER", False),
    ("double", "FLOAT", True),
    ("float", "DOUBLE", False),
    ("decimal(10,2)", "DECIMAL(10,2)", True),
    ("decimal(10,2)", "DECIMAL(8,2)", True),
    ("decimal(10,2)", "DECIMAL(12,2)", False),
    ("decimal(10,2)", "DECIMAL(10,4)", False),
    ("decimal(12,2)", "INTEGER", True),  # 10 integer digits fit
    ("decimal(11,2)", "INTEGER", False),  # 9 do not
    ("decimal(21,2)", "BIGINT", True),
    ("decimal(20,2)", "BIGINT", False),
    ("timestamp", "TIMESTAMP", True),
    ("timestamp", "TIMESTAMP_NS", True),
    ("timestamp", "TIMESTAMP WITH TIME ZONE", False),
    ("timestamp_tz", "TIMESTAMP WITH TIME ZONE", True),
    ("timestamp_tz", "TIMESTAMP", False),
    ("date", "TIMESTAMP", False),
    ("uuid", "UUID", True),
    ("array<int>", "INTEGER[]", True),
    ("array<int>", "BIGINT[]", False),
    ("struct<a:int,b:string>", "STRUCT(a INTEGER, b VARCHAR)", True),
    ("map<string,long>", "MAP(VARCHAR, BIGINT)", True),
])
def test_typed_sources(logical: str, physical: str, ok: bool) -> None:
    assert conforms(parse_type(logical), physical) is ok


@pytest.mark.parametrize(("logical", "physical", "ok"), [
    ("int", "BIGINT", True),  # the CSV sniffer reads every integer as BIGINT
    ("string", "BIGINT", True),  # every CSV value is text
    ("double", "BIGINT", True),
    ("date", "VARCHAR", False),  # a value that is not a date made the sniffer give up
])
def test_text_sources_compare_families(logical: str, physical: str, ok: bool) -> None:
    assert conforms(parse_type(logical), physical, typed=False) is ok


CONTRACT = SMALL + """\
  schema:
    fields:
      - {name: id, type: string, constraints: {primary_key: true}}
      - {name: n, type: int, constraints: {min: 0}}
      - {name: gone, type: string, constraints: {nullable: false}}
      - {name: Amount, type: long}
  quality:
    checks:
      - {column: gone, assertion: expect_column_values_to_match_regex, value: {regex: x}}
      - {assertion: expect_table_columns_to_match_set, value: {column_set: [id, n]}}
      - {assertion: expect_table_columns_to_match_set, name: subset, value: {column_set: [id, n], exact_match: false}}
"""


def test_missing_and_mismatched_columns_fail_extra_columns_warn(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT 'a' AS id, 5::BIGINT AS n, 7::BIGINT AS amount, 'x' AS extra) TO '{path}' (FORMAT parquet)")
    report = run_checks(load_contract_text(CONTRACT, "c.yaml"), str(path))
    by_id = {c.id: c for c in report.checks}
    assert by_id["id.schema"].passed
    assert not by_id["n.schema"].passed and "BIGINT" in by_id["n.schema"].message
    assert not by_id["gone.schema"].passed and "missing" in by_id["gone.schema"].message
    assert "case-sensitive" in by_id["Amount.schema"].message
    # checks on a missing column cannot run: they fail with an error, the rest still run
    assert by_id["gone.not_null"].error and not by_id["gone.not_null"].passed
    assert by_id["gone.values_to_match_regex"].error
    assert (by_id["n.min"].failed, by_id["n.min"].total) == (0, 1)
    assert (by_id["columns_to_match_set"].failed, by_id["columns_to_match_set"].total) == (2, 4)
    assert by_id["subset"].passed
    assert [w.data["column"] for w in report.warnings] == ["amount", "extra"]
    assert all(w.rule == "extra-column" and w.severity.value == "warning" for w in report.warnings)


def test_csv_keeps_contract_strings_as_text(tmp_path: Path) -> None:
    """`007` stays `007` (the sniffer would read 7), so lengths and patterns see what was written."""
    path = tmp_path / "d.csv"
    path.write_text("id,n\n007,1\n008,2\n")
    text = CONTRACT.replace("{primary_key: true}", "{primary_key: true, pattern: '^0\\d\\d$', min_length: 3}")
    text = text.replace("      - {name: gone, type: string, constraints: {nullable: false}}\n", "")
    text = text.replace("      - {name: Amount, type: long}\n", "").split("  quality:")[0]
    report = run_checks(load_contract_text(text, "c.yaml"), str(path))
    assert {c.id: (c.failed, c.total) for c in report.checks} == {
        "id.schema": (0, 1), "n.schema": (0, 1), "id.not_null": (0, 2), "id.unique": (0, 2),
        "id.min_length": (0, 2), "id.pattern": (0, 2), "n.min": (0, 2)}
    assert report.ok
