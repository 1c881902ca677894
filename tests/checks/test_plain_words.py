"""Check messages in our words: DuckDB's error text only in the detail, and a did-you-mean for a
column whose name differs from the contract's only by case or underscores."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from scaffolder.checks.engine_errors import ENGINE_ERRORS, in_our_words
from scaffolder.checks.run import run_checks, similar_name
from scaffolder.contract.validate import load_contract_text
from tests.conftest import run_cli

CONTRACT = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: a.b, domain: a, version: 1.0.0}
spec:
  owner: a@b.io
  schema:
    fields:
      - {name: order_id, type: string}
      - {name: amount, type: int}
  quality:
    checks:
      - column: amount
        assertion: expect_column_values_to_be_between
        value: {min_value: 0, max_value: 10}
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "c.yaml").write_text(CONTRACT)
    (tmp_path / "d.csv").write_text("orderid,amount\n1,abc\n2,5\n")
    return tmp_path / "c.yaml", tmp_path / "d.csv"


def test_every_entry_names_a_real_duckdb_error_and_every_class_has_a_catch_all() -> None:
    for entry in ENGINE_ERRORS:
        cls = getattr(duckdb, entry.exception, None)
        assert isinstance(cls, type) and issubclass(cls, duckdb.Error), entry.exception
    classes = {e.exception for e in ENGINE_ERRORS}
    assert all(any(e.exception == c and e.pattern is None for e in ENGINE_ERRORS) for c in classes)


@pytest.mark.parametrize(("sql", "words"), [
    ("SELECT s > 1::INTEGER FROM t", "the data's VARCHAR values cannot be compared with the check's INTEGER value"),
    ("SELECT 'x'::INTEGER", "a value in the data cannot be read as INT32"),
    ("SELECT 300::TINYINT", "a value does not fit in INT8"),
    ("SELECT 9223372036854775807::BIGINT + 1", "a value is outside the range its type can hold"),
])
def test_duckdb_errors_in_our_words(sql: str, words: str) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (s VARCHAR)")
    with pytest.raises(duckdb.Error) as err:
        con.execute(sql)
    message, detail = in_our_words(err.value)
    assert message.startswith(words), message
    assert "Error" not in message and detail.split(":")[0].endswith("Error")


def test_a_check_that_cannot_run_says_why_in_our_words(files: tuple[Path, Path]) -> None:
    contract, data = files
    report = run_checks(load_contract_text(contract.read_text(), str(contract)), str(data))
    (between,) = [c for c in report.checks if c.id == "amount.values_to_be_between"]
    assert "Binder" not in between.error and "cannot be compared" in between.error
    assert between.detail.startswith("Binder Error: Cannot compare values of type VARCHAR")
    text = run_cli("test", str(contract), "--data", str(data))
    assert "Binder Error" not in text.out and "cannot be compared" in text.out
    verbose = run_cli("test", str(contract), "--data", str(data), "--verbose")
    assert "    engine: Binder Error: Cannot compare values of type VARCHAR" in verbose.out
    payload = json.loads(run_cli("test", str(contract), "--data", str(data), "--format", "json").out)
    (row,) = [c for c in payload["checks"] if c["id"] == "amount.values_to_be_between"]
    assert row["detail"].startswith("Binder Error") and "Binder" not in row["error"]


def test_an_extra_column_suggests_the_contracts_spelling(files: tuple[Path, Path]) -> None:
    contract, data = files
    report = run_checks(load_contract_text(contract.read_text(), str(contract)), str(data))
    (extra,) = report.warnings
    assert extra.message == ("column 'orderid' (BIGINT) is in the data but not in the contract; "
                             "did you mean the contract's 'order_id'?")
    assert extra.data["did_you_mean"] == "order_id"
    (schema,) = [c for c in report.checks if c.id == "order_id.schema"]
    assert "(found 'orderid'" in schema.message


def test_similar_name() -> None:
    assert similar_name("OrderID", ["order_id", "amount"]) == "order_id"
    assert similar_name("order-id", ["order_id"]) == "order_id"
    assert similar_name("customer", ["order_id", "amount"]) is None
