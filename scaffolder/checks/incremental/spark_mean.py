"""A mean on Spark rebuilt from partial sums: exactly what a full Spark run's `avg` gives.

A full Spark run scores `expect_column_mean_to_be_between` with `avg(col)`
(checks.dialects.SPARK's `exact_mean`). What Spark's `Average` computes, and how
the incremental run gets the same value from what STATE keeps for each batch of
files (`s` the exact sum, `u` the sum of absolute values, `n` the count, all as
Spark's text of them):

- an integer column (tinyint, smallint, int, bigint): Spark casts each value to
  DOUBLE, adds the doubles (per partition, then the partitions' sums) and divides
  by the count as a DOUBLE. While the sum of the absolute values is at most
  2^53, every one of those sums is an integer a double holds exactly, whatever
  the order, so the result is the exact sum as a double over the count: the
  batch sums are kept exact (`sum(CAST(col AS DECIMAL(38, 0)))`) and divided so.
  Past 2^53 Spark's double sum rounds, and how depends on the order the rows
  are added in (partitions, tasks): that value cannot be rebuilt, and the check
  reads every file on that run (`why_not` says so);
- a decimal(p, s) column: Spark adds the values exactly in a
  decimal(min(p + 10, 38), s) and divides by the count into a
  decimal(min(p + 4, 38), min(s + 4, 38)), rounding half up (away from zero),
  null past that precision (ANSI off, as the engine sets it). The batch sums are
  kept as `sum(col)` of that type; the division is done here in integers, which
  is exact. Measured on PySpark 4.3 against `avg` over random decimals of every
  precision up to 38 (400 cases) and ties: the quotient is rounded once, at the
  result scale (not to 39 digits first). While the sum of the absolute values
  fits the sum's type no partial sum overflows; past it Spark's sum may be null
  depending on the order, and the check reads every file.

Float means never combine (their compensated sum depends on every value).
"""

from __future__ import annotations

import re
from decimal import Context, Decimal

from scaffolder.checks.dialects import Dialect

EXACT = 2**53  # the integers a double holds exactly: up to here a double sum of integers is exact
_INTEGERS = ("tinyint", "smallint", "int", "bigint", "byte", "short", "integer", "long")
_DECIMAL = re.compile(r"^decimal\((\d+),(\d+)\)$")
_DUCK_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT")
_WIDE = Context(prec=100)  # exact for any decimal(38, s) and its scaling


def combines(physical: str) -> bool:
    """Whether a mean of a column of this type (DuckDB's spelling, as checks read it) combines on Spark."""
    t = physical.replace(" ", "").upper()
    return t in _DUCK_INTEGERS or t.startswith("DECIMAL(")


def exprs(column_sql: str, physical: str, d: Dialect) -> list[tuple[str, str]]:
    """The part's columns over a batch, in Spark SQL: exact sum, sum of absolute values, count."""
    exact = column_sql if physical.upper().startswith("DECIMAL") else d.cast(column_sql, "DECIMAL(38,0)")
    return [("s", f"sum({exact})"), ("u", f"sum(abs({exact}))"), ("n", f"count({column_sql})")]


def result_type(spark_type: str) -> str:
    """The type of Spark's `avg` of a column of this Spark type."""
    m = _DECIMAL.match(spark_type.replace(" ", "").lower())
    if m is None:
        return "double"
    p, s = int(m[1]), int(m[2])
    return f"decimal({min(p + 4, 38)},{min(s + 4, 38)})"


def rebuild(spark_type: str, rows: list[tuple[str | None, str | None, str | None]]) -> tuple[
        float | Decimal | None, str]:
    """Spark's `avg` over every row, from each batch's (s, u, n) texts: (the value, "") or
    (None, why it cannot be rebuilt bit for bit)."""
    t = spark_type.replace(" ", "").lower()
    m = _DECIMAL.match(t)
    scale = int(m[2]) if m else 0
    total = absolute = count = 0
    for s, u, n in rows:
        if not int(n or 0):
            continue
        if s is None or u is None:  # the batch's own sum overflowed its type
            return None, "a batch's sum overflowed the sum's type"
        total += _units(s, scale)
        absolute += _units(u, scale)
        count += int(n)
    if m is None:
        if t not in _INTEGERS:
            return None, f"a mean of a {spark_type} column"
        if absolute > EXACT:
            return None, ("the absolute values add up past 2^53, where Spark's double sum rounds in an order "
                          "that depends on its partitions")
        return (float(total) / float(count) if count else None), ""
    p = int(m[1])
    if absolute >= 10 ** min(p + 10, 38):
        return None, f"the absolute values add up past decimal({min(p + 10, 38)},{scale}), Spark's sum type"
    if not count:
        return None, ""
    out_p, out_s = min(p + 4, 38), min(scale + 4, 38)
    q, r = divmod(abs(total) * 10 ** (out_s - scale), count)
    q += 2 * r >= count  # half up, away from zero
    if q >= 10**out_p:  # past the result's precision: null (ANSI off)
        return None, ""
    return Decimal((int(total < 0 and q > 0), tuple(int(c) for c in str(q)), -out_s)), ""


def _units(text: str, scale: int) -> int:
    """A Spark decimal's text (plain or `1.5E-7`) as an integer count of 10^-scale."""
    value = _WIDE.scaleb(Decimal(text), scale)
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} has more than {scale} decimals")
    return int(value)
