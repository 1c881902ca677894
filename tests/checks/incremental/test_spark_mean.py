"""`--state` on Spark: an integer or decimal mean combines from partial sums, and equals Spark's `avg`.

After each append, the incremental Spark run's observed mean (the same Python value: a float, or a
Decimal of Spark's avg type) and pass/fail equal a full Spark run's, with the mean rebuilt rather
than read from every file. The values are picked where rounding matters: a decimal mean whose
result-scale digit is a tie (Spark rounds half up, away from zero), bounds on the last digit, an
integer mean that is not a short binary fraction. A bigint column whose absolute values pass 2^53
(where Spark's double sum rounds in its own order) reads every file instead, and says why.
One Spark session for the module.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from scaffolder.checks.incremental import run_incremental, spark_mean
from scaffolder.checks.run import run_checks
from tests.checks.engines.conftest import spark_session  # noqa: F401  (the module's one session)
from tests.checks.incremental.support import results

CONTRACT = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: shop.means, domain: shop, version: 1.0.0}
spec:
  owner: team@example.com
  schema:
    fields:
      - {name: i, type: int}
      - {name: b, type: long}
      - {name: d, type: "decimal(10,2)"}
      - {name: w, type: "decimal(38,4)"}
  quality:
    checks:
      - {name: i_mean, column: i, assertion: expect_column_mean_to_be_between, value: {min_value: 0, max_value: 1.6666666666666667}}
      - {name: b_mean, column: b, assertion: expect_column_mean_to_be_between, value: {min_value: -1000000000000000}}
      - {name: d_mean, column: d, assertion: expect_column_mean_to_be_between, value: {max_value: 0.000312}}
      - {name: d_neg, column: d, assertion: expect_column_mean_to_be_between, value: {min_value: -0.000312}}
      - {name: w_mean, column: w, assertion: expect_column_mean_to_be_between, value: {min_value: 0}}
"""
TYPES = "i INTEGER, b BIGINT, d DECIMAL(10,2), w DECIMAL(38,4)"
MEANS = ["i_mean", "b_mean", "d_mean", "d_neg", "w_mean"]


def _write(path: Path, rows: list[tuple[Any, ...]]) -> None:
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TABLE t ({TYPES})")
        con.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
        con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    finally:
        con.close()


@pytest.fixture(scope="module")
def engine(spark_session):  # noqa: F811
    from scaffolder.checks.engines.spark import SparkEngine

    return SparkEngine(spark=spark_session)


def _steps(tmp_path: Path) -> list[list[tuple[Any, ...]]]:
    """Three appends. After the third, d's 32 values sum to 0.01 (mean 0.0003125: a tie at Spark's
    scale 6, half up to 0.000313, which fails max 0.000312); i's mean is 5/3 after the first."""
    big = Decimal("1234567890123456789012345678.0123")  # 28 integer digits: the mean's scale is 8
    first = [(1, 10, Decimal("0.01"), big), (2, -3, Decimal("0.00"), Decimal("0.0001")),
             (2, None, None, Decimal("3.3333"))]
    second = [(i % 7, 2**40 + i, Decimal("0.00"), Decimal("-0.0007")) for i in range(20)]
    third = [(None, 5, Decimal("0.00"), Decimal(i).scaleb(-4)) for i in range(10)]
    return [first, second, third]


def _check(contract: Path, source: str, state: str, engine) -> tuple:
    inc = run_incremental(contract, source, state, engine=engine)
    full = run_checks(contract, source, engine=engine)
    assert [(c.id, c.error) for c in inc.checks if c.error] == []
    assert results(inc) == results(full)
    return inc, full


def test_integer_and_decimal_means_combine_and_equal_a_full_run(tmp_path: Path, engine) -> None:
    contract = tmp_path / "c.yaml"
    contract.write_text(CONTRACT)
    (tmp_path / "data").mkdir()
    source, state = str(tmp_path / "data" / "*.parquet"), str(tmp_path / "state.duckdb")
    for step, batch in enumerate(_steps(tmp_path)):
        _write(tmp_path / "data" / f"{step}.parquet", batch)
        inc, full = _check(contract, source, state, engine)
        assert inc.run is not None and inc.run.mode == ("full" if step == 0 else "incremental")
        assert not set(inc.run.every) & set(MEANS)  # rebuilt from the parts, not read from every file
        if step:
            assert len(inc.run.read) == 1
        observed = {c.id: c.observed for c in full.checks}
        if step == 0:
            assert observed["i_mean"] == 5 / 3 and {c.id: c.passed for c in full.checks}["i_mean"]
    by_id = {c.id: c for c in full.checks}
    assert by_id["d_mean"].observed == Decimal("0.000313") and not by_id["d_mean"].passed  # the tie, half up
    assert isinstance(by_id["w_mean"].observed, Decimal) and by_id["w_mean"].observed.as_tuple().exponent == -8
    assert isinstance(by_id["b_mean"].observed, float)
    with decimal.localcontext() as ctx:  # the exact mean differs from Spark's in the last digit
        ctx.prec = 60
        rows = [r for batch in _steps(tmp_path) for r in batch]
        exact = sum(r[3] for r in rows) / len(rows)
    assert exact != by_id["w_mean"].observed

    negated = tmp_path / "neg"  # the same tie below zero: -0.0003125 is -0.000313, which fails min -0.000312
    negated.mkdir()
    for step, batch in enumerate(_steps(tmp_path)):
        _write(negated / f"{step}.parquet", [(i, b, None if d is None else -d, w) for i, b, d, w in batch])
        inc, full = _check(contract, str(negated / "*.parquet"), str(tmp_path / "neg.duckdb"), engine)
    by_id = {c.id: c for c in full.checks}
    assert by_id["d_neg"].observed == Decimal("-0.000313") and not by_id["d_neg"].passed


def test_a_wrong_formula_is_caught(tmp_path: Path, engine, monkeypatch) -> None:
    """The comparison is sharp: a rebuild rounding half even (0.0003125 -> 0.000312) differs from a full run."""
    right = spark_mean.rebuild

    def half_even(spark_type: str, rows: list[tuple[Any, ...]]) -> tuple[Any, str]:
        value, why = right(spark_type, rows)
        if isinstance(value, Decimal):
            with decimal.localcontext() as ctx:
                ctx.prec = 80
                total = sum(Decimal(s) for s, _u, n in rows if int(n or 0))
                count = sum(int(n or 0) for _s, _u, n in rows)
                value = (total / count).quantize(Decimal(1).scaleb(value.as_tuple().exponent),
                                                 rounding=decimal.ROUND_HALF_EVEN)
        return value, why

    monkeypatch.setattr(spark_mean, "rebuild", half_even)
    contract = tmp_path / "c.yaml"
    contract.write_text(CONTRACT)
    (tmp_path / "data").mkdir()
    source, state = str(tmp_path / "data" / "*.parquet"), str(tmp_path / "state.duckdb")
    steps = _steps(tmp_path)
    _write(tmp_path / "data" / "0.parquet", steps[0])
    _check(contract, source, state, engine)  # no tie yet: the same values
    _write(tmp_path / "data" / "1.parquet", steps[1])
    _write(tmp_path / "data" / "2.parquet", steps[2])
    with pytest.raises(AssertionError):
        _check(contract, source, state, engine)


def test_a_bigint_mean_past_2_53_reads_every_file(tmp_path: Path, engine) -> None:
    """Spark adds a bigint column's values as doubles: past 2^53 the sum rounds, in the order of its
    partitions. The run reads every file for that check (and says why) and equals a full run."""
    contract = tmp_path / "c.yaml"
    contract.write_text(CONTRACT)
    (tmp_path / "data").mkdir()
    source, state = str(tmp_path / "data" / "*.parquet"), str(tmp_path / "state.duckdb")
    _write(tmp_path / "data" / "0.parquet", [(1, 2**53, Decimal(0), Decimal(0))])
    _check(contract, source, state, engine)
    _write(tmp_path / "data" / "1.parquet", [(1, 1, Decimal(0), Decimal(0))] * 3)
    inc, full = _check(contract, source, state, engine)
    assert inc.run is not None and inc.run.mode == "incremental"
    assert "past 2^53" in inc.run.every["b_mean"] and set(inc.run.every) == {"b_mean"}
    observed = {c.id: c.observed for c in full.checks}["b_mean"]
    assert observed != float(2**53 + 3) / 4  # the exact sum over the count is not what Spark says


def test_the_rebuild_rules_without_spark() -> None:
    """spark_mean.rebuild on hand-made parts: ties away from zero, the null past the result's precision,
    Spark's `1E-34` texts, and where it refuses (2^53 for integers, the sum type for decimals)."""
    rebuild = spark_mean.rebuild
    assert rebuild("decimal(10,2)", [("0.01", "0.01", "1"), ("0.00", "0.00", "31")]) == (Decimal("0.000313"), "")
    assert rebuild("decimal(10,2)", [("-0.01", "0.01", "32")]) == (Decimal("-0.000313"), "")
    assert rebuild("decimal(10,2)", [("-0.01", "0.01", "30000")]) == (Decimal("0.000000"), "")  # no negative zero
    assert str(rebuild("decimal(10,2)", [("-0.01", "0.01", "30000")])[0]) == "0.000000"
    assert rebuild("decimal(38,34)", [("1E-34", "1E-34", "20000")]) == (Decimal("1E-38"), "")  # 0.5e-38, half up
    big = "1234567890123456789012345678.0123456789"
    assert rebuild("decimal(38,10)", [(big, big, "3")]) == (None, "")  # 27 integer digits > decimal(38,14)'s 24
    assert rebuild("decimal(10,2)", [(None, None, "0"), ("1.00", "1.00", "2")]) == (Decimal("0.500000"), "")
    assert rebuild("decimal(10,2)", [(None, None, "0")]) == (None, "")  # no values: null, as avg
    assert "overflowed" in rebuild("decimal(10,2)", [(None, None, "5")])[1]
    assert "decimal(38,0)" in rebuild("decimal(38,0)", [("1", "1" + "0" * 38, "2")])[1]
    assert rebuild("bigint", [(str(2**53), str(2**53), "2")]) == (2.0**52, "")
    assert "2^53" in rebuild("bigint", [(str(2**53), str(2**53), "1"), ("-1", "1", "1")])[1]
    assert rebuild("int", [("5", "5", "3")]) == (5 / 3, "")
    assert rebuild("int", [(None, None, "0")]) == (None, "")
    assert spark_mean.result_type("decimal(36,30)") == "decimal(38,34)"
    assert spark_mean.result_type("bigint") == "double"
