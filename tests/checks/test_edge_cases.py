"""Edge cases where counts once disagreed with Great Expectations or with themselves across formats.

Each case states the data, the check and the expected failed/total worked out by
hand (tests/checks/test_ge_differential.py compares the same cases with GE).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import duckdb
import pytest

from scaffolder.checks.results import passes
from scaffolder.checks.run import run_checks
from scaffolder.contract.validate import ContractError, load_contract_text
from tests.checks.data import SMALL, _iceberg, copy_to

Counts = dict[str, tuple[int | None, int | None, bool]]


def _contract(fields: str, checks: str = "") -> str:
    text = SMALL + "  schema:\n    fields:\n" + fields
    return text + ("  quality:\n    checks:\n" + checks if checks else "")


def _run(tmp_path: Path, select: str, fields: str, checks: str = "", ext: str = "parquet") -> Counts:
    path = tmp_path / f"data.{ext}"
    copy_to(path, select)
    report = run_checks(load_contract_text(_contract(fields, checks), "c.yaml"), str(path))
    assert {c.id: c.error for c in report.checks if c.error} == {}
    return {c.id: (c.failed, c.total, c.passed) for c in report.checks if c.source != "schema"}


STRINGS = "SELECT * FROM (VALUES ('a'), ('b'), (NULL)) v(x)"
X_STRING = "      - {name: x, type: string}\n"


@pytest.mark.parametrize("ext", ["parquet", "csv"])
def test_a_null_in_the_value_set_does_not_hide_non_members(ext: str, tmp_path: Path) -> None:
    """x = [a, b, null], value_set [a, null]: b is not a member (GE: 1 of 2)."""
    got = _run(tmp_path, STRINGS, X_STRING, """\
      - {name: in, column: x, assertion: expect_column_values_to_be_in_set, value: {value_set: [a, null]}}
      - {name: distinct, column: x, assertion: expect_column_distinct_values_to_be_in_set, value: {value_set: [a, null]}}
      - {name: not_in, column: x, assertion: expect_column_values_to_not_be_in_set, value: {value_set: [b, null]}}
""", ext)
    assert got == {"in": (1, 2, False), "distinct": (1, 2, False), "not_in": (1, 2, False)}


@pytest.mark.parametrize("ext", ["parquet", "csv"])
def test_an_empty_value_set_holds_nothing(ext: str, tmp_path: Path) -> None:
    """in_set([]): every non-null value is outside (GE 2/2); not_in_set([]): nothing is forbidden (0/2)."""
    got = _run(tmp_path, STRINGS, X_STRING, """\
      - {name: in, column: x, assertion: expect_column_values_to_be_in_set, value: {value_set: []}}
      - {name: only_null, column: x, assertion: expect_column_values_to_be_in_set, value: {value_set: [null]}}
      - {name: distinct, column: x, assertion: expect_column_distinct_values_to_be_in_set, value: {value_set: []}}
      - {name: not_in, column: x, assertion: expect_column_values_to_not_be_in_set, value: {value_set: []}}
""", ext)
    assert got == {"in": (2, 2, False), "only_null": (2, 2, False), "distinct": (2, 2, False),
                   "not_in": (0, 2, True)}


NANS = "SELECT * FROM (VALUES (1.0::DOUBLE), (10.0), ('NaN'::DOUBLE), (NULL)) v(x)"
NAN_CHECKS = """\
      - {name: between, column: x, assertion: expect_column_values_to_be_between, value: {min_value: 0, max_value: 10}}
      - {name: above, column: x, assertion: expect_column_values_to_be_between, value: {min_value: 0}}
      - {name: below, column: x, assertion: expect_column_values_to_be_between, value: {max_value: 10}}
      - {name: in, column: x, assertion: expect_column_values_to_be_in_set, value: {value_set: [1, 10]}}
      - {name: in_named, column: x, assertion: expect_column_values_to_be_in_set, value: {value_set: [1, 10, "NaN"]}}
      - {name: not_in, column: x, assertion: expect_column_values_to_not_be_in_set, value: {value_set: [2]}}
      - {name: not_in_named, column: x, assertion: expect_column_values_to_not_be_in_set, value: {value_set: [.nan]}}
      - {name: distinct, column: x, assertion: expect_column_distinct_values_to_be_in_set, value: {value_set: [1, 10]}}
      - {name: min, column: x, assertion: expect_column_min_to_be_between, value: {min_value: 0}}
      - {name: max, column: x, assertion: expect_column_max_to_be_between, value: {min_value: 0}}
      - {name: mean, column: x, assertion: expect_column_mean_to_be_between, value: {min_value: 0}}
"""
NAN_EXPECTED: Counts = {
    "x.min": (1, 3, False),  # the constraint min: 0
    "between": (1, 3, False), "above": (1, 3, False), "below": (1, 3, False),
    "in": (1, 3, False), "in_named": (0, 3, True), "not_in": (0, 3, True), "not_in_named": (1, 3, False),
    "distinct": (1, 3, False),
    "min": (0, 1, True),  # the least value is 1.0 (NaN sorts above every number)
    "max": (1, 1, False), "mean": (1, 1, False),  # NaN: outside every bound
}


def _nan_sources(tmp_path: Path) -> dict[str, str]:
    """The same values as DuckDB Parquet, pyarrow Parquet (min/max statistics leave NaN out: DuckDB
    then folds `isnan(x)` and `x > 10` to false), CSV, JSON and a DuckDB table. Totals count non-null
    values, so the file without the null row expects the same counts."""
    import pyarrow.parquet as pq

    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS {NANS}")
    out = {}
    for name, fmt in (("duckdb.parquet", "parquet"), ("data.csv", "csv, HEADER"), ("data.json", "json")):
        con.execute(f"COPY t TO '{tmp_path / name}' (FORMAT {fmt})")
        out[name] = str(tmp_path / name)
    for name, where in (("arrow.parquet", "true"), ("arrow-no-nulls.parquet", "x IS NOT NULL")):
        pq.write_table(con.sql(f"SELECT * FROM t WHERE {where}").to_arrow_table(), tmp_path / name)
        out[name] = str(tmp_path / name)
    db = duckdb.connect(str(tmp_path / "db.duckdb"))
    db.execute(f"CREATE TABLE t AS {NANS}")
    db.close()
    out["duckdb"] = f"{tmp_path / 'db.duckdb'}::main.t"
    from deltalake import write_deltalake

    arrow = con.sql("SELECT * FROM t").to_arrow_table()
    write_deltalake(str(tmp_path / "delta"), arrow)
    out["delta"] = str(tmp_path / "delta")
    out["iceberg"] = _iceberg(tmp_path, arrow)
    return out


def test_nan_is_outside_every_bound_and_set_on_every_format(tmp_path: Path) -> None:
    contract = load_contract_text(_contract("      - {name: x, type: double, constraints: {min: 0}}\n", NAN_CHECKS),
                                  "c.yaml")
    got = {}
    for name, source in _nan_sources(tmp_path).items():
        report = run_checks(contract, source)
        got[name] = {c.id: (c.failed, c.total, c.passed) for c in report.checks if c.source != "schema"}
    assert got == {name: NAN_EXPECTED for name in got}


def test_a_non_finite_mean_fails_any_bound(tmp_path: Path) -> None:
    """mean([inf, -inf]) is NaN; mean([inf, 1]) is inf: both fail a lone min_value and a lone max_value."""
    checks = """\
      - {name: lo, column: x, assertion: expect_column_mean_to_be_between, value: {min_value: 0}}
      - {name: hi, column: x, assertion: expect_column_mean_to_be_between, value: {max_value: 0}}
"""
    field = "      - {name: x, type: double}\n"
    both = _run(tmp_path, "SELECT * FROM (VALUES ('inf'::DOUBLE), ('-inf'::DOUBLE)) v(x)", field, checks)
    assert both == {"lo": (1, 1, False), "hi": (1, 1, False)}
    up = _run(tmp_path, "SELECT * FROM (VALUES ('inf'::DOUBLE), (1.0)) v(x)", field, checks)
    assert up == {"lo": (1, 1, False), "hi": (1, 1, False)}


@pytest.mark.parametrize(("threshold", "passed"), [
    ("0.66666666666667", False),  # 2 of 3 is below it (a tolerance of 1e-12 once let it pass)
    ("0.6666666666666666", True),  # the double nearest 2/3 is below 2/3 itself
    ("0.6667", False),
    ("0.5", True),
])
def test_thresholds_compare_exactly(threshold: str, passed: bool, tmp_path: Path) -> None:
    got = _run(tmp_path, "SELECT * FROM (VALUES (0), (1), (2)) v(x)", "      - {name: x, type: int}\n",
               f"      - {{name: in, column: x, assertion: expect_column_values_to_be_in_set, threshold: {threshold}, "
               "value: {value_set: [0, 1]}}\n")
    assert got == {"in": (1, 3, passed)}


def test_thresholds_are_exact_for_large_totals() -> None:
    total = 10**15
    assert passes(1, total, 1 - 1e-15) is True
    assert passes(2, total, 1 - 1e-15) is False
    assert passes(0, 0, 1.0) is True and passes(0, 0, 1.0, zero_rows_pass=False) is False


@pytest.mark.parametrize("ext", ["parquet", "csv"])
def test_the_mean_of_many_tenths_is_a_tenth(ext: str, tmp_path: Path) -> None:
    """2,000 x 0.1: DuckDB's avg gives 0.09999999999999647, below a min_value of 0.1."""
    got = _run(tmp_path, "SELECT 0.1::DOUBLE AS x FROM range(2000)", "      - {name: x, type: double}\n",
               "      - {name: mean, column: x, assertion: expect_column_mean_to_be_between, "
               "value: {min_value: 0.1, max_value: 0.1}}\n", ext)
    assert got == {"mean": (0, 1, True)}


@pytest.mark.parametrize(("rows", "nulls"), [(3, 3), (0, 0)])
def test_aggregates_of_no_values_fail(rows: int, nulls: int, tmp_path: Path) -> None:
    """An all-null column, or no rows, has no min, max or mean: nothing to compare (GE fails them).
    Per-row checks pass."""
    path = tmp_path / "nulls.parquet"
    copy_to(path, f"SELECT CAST(NULL AS DOUBLE) AS x FROM range({rows})")
    text = _contract("      - {name: x, type: double, constraints: {min: 0}}\n", """\
      - {name: min, column: x, assertion: expect_column_min_to_be_between, value: {min_value: 0}}
      - {name: max, column: x, assertion: expect_column_max_to_be_between, value: {max_value: 9}}
      - {name: mean, column: x, assertion: expect_column_mean_to_be_between, value: {min_value: 0, max_value: 9}}
""")
    report = run_checks(load_contract_text(text, "c.yaml"), str(path))
    got = {c.id: (c.failed, c.total, c.passed) for c in report.checks if c.source != "schema"}
    assert got == {"x.min": (0, 0, True), "min": (1, 1, False), "max": (1, 1, False), "mean": (1, 1, False)}
    messages = {c.id: c.message for c in report.checks if not c.passed}
    assert all(m.startswith("no non-null values") for m in messages.values()), messages


def test_decimal_bounds_compare_exactly(tmp_path: Path) -> None:
    """0.30 <= 0.3 holds; 0.10000000000000000001 > 0.1, which a binary double cannot tell apart."""
    select = ("SELECT 0.30::DECIMAL(10,2) AS price, "
              "'0.10000000000000000001'::DECIMAL(38,20) AS rate, 12345678901234567.5::DECIMAL(38,1) AS big")
    got = _run(tmp_path, select, """\
      - {name: price, type: "decimal(10,2)", constraints: {min: 0.3, max: 0.3}}
      - {name: rate, type: "decimal(38,20)", constraints: {max: 0.1}}
      - {name: big, type: "decimal(38,1)", constraints: {max: 1.0e+40}}
""", """\
      - {name: in, column: price, assertion: expect_column_values_to_be_in_set, value: {value_set: [0.3]}}
""")
    assert got == {"price.min": (0, 1, True), "price.max": (0, 1, True), "rate.max": (1, 1, False),
                   "big.max": (0, 1, True), "in": (0, 1, True)}


def test_regexes_are_validated_by_re2(tmp_path: Path) -> None:
    """RE2 runs them, so RE2 decides: `\\p{L}` is valid, `\\Z` is not, POSIX classes raise no warning."""
    good = _contract('      - {name: x, type: string, constraints: {pattern: "^\\\\p{L}+$"}}\n',
                     '      - {column: x, assertion: expect_column_values_to_match_regex, value: {regex: "^[[:alpha:]]+$"}}\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        contract = load_contract_text(good, "c.yaml")
    path = tmp_path / "x.parquet"
    copy_to(path, "SELECT * FROM (VALUES ('été'), ('abc'), ('a1')) v(x)")
    report = run_checks(contract, str(path))
    assert {c.id: (c.failed, c.total) for c in report.checks if c.source != "schema"} == {
        "x.pattern": (1, 3), "x.values_to_match_regex": (2, 3)}  # [[:alpha:]] is ASCII in RE2
    bad = good.replace("^\\\\p{L}+$", "^a\\\\Z")
    with pytest.raises(ContractError) as err:
        load_contract_text(bad, "c.yaml")
    line = bad.splitlines().index(next(ln for ln in bad.splitlines() if "\\\\Z" in ln)) + 1
    assert str(err.value).startswith(f"c.yaml:{line}:")
    assert "invalid escape sequence: \\Z" in str(err.value) and "[invalid-regex]" in str(err.value)
