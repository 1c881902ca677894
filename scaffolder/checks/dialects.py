"""SQL dialects the checks compile to: one entry per dialect, the functions that differ as data.

The compiler writes every statement through a `Dialect`, so no engine's own
function leaks into another's SQL (DuckDB's `count_if`, `regexp_matches`,
`fsum`, `epoch_us`). A transpiler (sqlglot) maps function names, not their
meaning, so the functions whose meaning differs are written here per dialect,
and sqlglot is what the tests parse every dialect's statements with:

- regexes stay unanchored (a contract regex matches anywhere in the value).
  Snowflake's `REGEXP_LIKE` is anchored, so Snowflake uses `REGEXP_INSTR > 0`;
  BigQuery has `REGEXP_CONTAINS`; Spark `RLIKE` (Java regex), Postgres `~`
  (POSIX), DuckDB `regexp_matches` (RE2).
- parameter markers: `$1` (DuckDB), `:p1` (Spark's named `args=`),
  `%(p1)s` (psycopg), `?` (Snowflake, Trino), `@p1` (BigQuery).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace


def _double_quoted(name: str) -> str:
    """ANSI: `"` doubled (DuckDB, Postgres, Snowflake, Trino)."""
    return '"' + name.replace('"', '""') + '"'


def _back_quoted(name: str) -> str:
    """Spark, Databricks: a backtick doubled."""
    return "`" + name.replace("`", "``") + "`"


def _bigquery_quoted(name: str) -> str:
    """BigQuery: backslash escapes inside backticks; a newline as its escape."""
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`").replace("\n", "\\n").replace("\r", "\\r") + "`"


@dataclass(frozen=True)
class Dialect:
    """How one SQL dialect spells what the checks need."""

    name: str
    marker: Callable[[int], str]  # the n-th parameter (1-based)
    named: bool  # parameters bound by name (p1, p2, ...) rather than by position
    regex: Callable[[str, str], str]  # TRUE when the text matches the pattern anywhere
    isnan: Callable[[str], str]
    not_finite: Callable[[str], str]  # NaN or +-infinity
    count_if: Callable[[str], str]  # rows where the predicate is TRUE (0 on no rows)
    count_distinct_if: Callable[[str, str], str]  # distinct values of expr where the predicate is TRUE
    float_mean: Callable[[str], str]  # the mean of a float column
    epoch_us: Callable[[str], str]  # a timestamp as integer microseconds since 1970 (wall time for naive)
    types: dict[str, str]  # our type names (DuckDB's) -> this dialect's
    quote: Callable[[str], str] = _double_quoted  # identifier quoting
    regex_flavour: str = "RE2"  # the regex engine, for messages when it is not RE2
    int_bits: int = 64  # the widest integer a parameter can bind (wider ones bind as doubles)
    inline: bool = False  # values written as escaped literals (checks.literals), for drivers that cannot bind
    # the mean of an integer or decimal column; DuckDB's is its exact sum over the count, which an
    # incremental run rebuilds bit for bit from partial sums (its `avg` divides in long double)
    exact_mean: Callable[[str], str] = lambda e: f"avg({e})"

    def ident(self, name: str) -> str:
        if "\x00" in name:
            raise ValueError(f"column name {name!r} contains a NUL character")
        return self.quote(name)

    def type(self, duckdb_type: str) -> str:
        return self.types.get(duckdb_type, duckdb_type)

    def cast(self, expr: str, duckdb_type: str) -> str:
        return f"CAST({expr} AS {self.type(duckdb_type)})"


def _count_case(pred: str) -> str:
    return f"count(CASE WHEN {pred} THEN 1 END)"


def _distinct_case(expr: str, pred: str) -> str:
    return f"count(DISTINCT CASE WHEN {pred} THEN {expr} END)"


def _isnan_eq(expr: str) -> str:
    """NaN equals NaN in these engines (unlike IEEE), so equality with NaN finds it."""
    return f"({expr} = CAST('NaN' AS DOUBLE PRECISION))"


def _not_finite_eq(expr: str) -> str:
    return (f"({expr} IN (CAST('NaN' AS DOUBLE PRECISION), CAST('Infinity' AS DOUBLE PRECISION), "
            f"CAST('-Infinity' AS DOUBLE PRECISION)))")


DUCKDB = Dialect(
    "duckdb", marker=lambda n: f"${n}", named=False,
    regex=lambda text, p: f"regexp_matches({text}, {p})",
    isnan=lambda e: f"isnan({e})", not_finite=lambda e: f"NOT isfinite({e})",
    count_if=lambda p: f"count_if({p})",
    count_distinct_if=lambda e, p: f"count(DISTINCT {e}) FILTER (WHERE {p})",
    float_mean=lambda e: f"(fsum({e}) / count({e}))",
    epoch_us=lambda e: f"epoch_us({e})",
    types={}, int_bits=128,
    exact_mean=lambda e: f"(CAST(sum({e}) AS DOUBLE) / count({e}))")

SPARK = Dialect(
    "spark", marker=lambda n: f":p{n}", named=True,
    regex=lambda text, p: f"({text} RLIKE {p})",
    isnan=lambda e: f"isnan({e})",
    not_finite=lambda e: f"(isnan({e}) OR abs({e}) = double('infinity'))",
    count_if=_count_case, count_distinct_if=_distinct_case,
    float_mean=lambda e: f"avg({e})",
    epoch_us=lambda e: f"unix_micros(CAST({e} AS TIMESTAMP_LTZ))",
    types={"VARCHAR": "STRING", "TIMESTAMPTZ": "TIMESTAMP_LTZ", "TIMESTAMP": "TIMESTAMP_NTZ"},
    quote=_back_quoted, regex_flavour="Java")

DATABRICKS = replace(SPARK, name="databricks")

POSTGRES = Dialect(
    "postgres", marker=lambda n: f"%(p{n})s", named=True,
    regex=lambda text, p: f"({text} ~ {p})",
    isnan=_isnan_eq, not_finite=_not_finite_eq,
    count_if=_count_case, count_distinct_if=_distinct_case,
    float_mean=lambda e: f"avg({e})",
    epoch_us=lambda e: f"CAST(extract(epoch FROM {e}) * 1000000 AS BIGINT)",
    types={"VARCHAR": "TEXT", "DOUBLE": "DOUBLE PRECISION"},
    regex_flavour="POSIX")

SNOWFLAKE = Dialect(
    "snowflake", marker=lambda n: "?", named=False,
    # REGEXP_LIKE matches the whole value (anchored); REGEXP_INSTR finds it anywhere
    regex=lambda text, p: f"(REGEXP_INSTR({text}, {p}) > 0)",
    isnan=_isnan_eq, not_finite=_not_finite_eq,
    count_if=_count_case, count_distinct_if=_distinct_case,
    float_mean=lambda e: f"avg({e})",
    epoch_us=lambda e: f"DATE_PART(epoch_microsecond, {e})",
    types={"TIMESTAMP": "TIMESTAMP_NTZ", "TIMESTAMPTZ": "TIMESTAMP_TZ", "DOUBLE PRECISION": "DOUBLE"},
    regex_flavour="POSIX")

BIGQUERY = Dialect(
    "bigquery", marker=lambda n: f"@p{n}", named=True,
    regex=lambda text, p: f"REGEXP_CONTAINS({text}, {p})",
    isnan=lambda e: f"IS_NAN({e})", not_finite=lambda e: f"(IS_NAN({e}) OR IS_INF({e}))",
    count_if=_count_case, count_distinct_if=_distinct_case,
    float_mean=lambda e: f"avg({e})",
    epoch_us=lambda e: f"UNIX_MICROS(CAST({e} AS TIMESTAMP))",
    types={"VARCHAR": "STRING", "TIMESTAMP": "DATETIME", "TIMESTAMPTZ": "TIMESTAMP", "DOUBLE": "FLOAT64",
           "DOUBLE PRECISION": "FLOAT64", "BIGINT": "INT64"}, quote=_bigquery_quoted)

TRINO = Dialect(
    "trino", marker=lambda n: "?", named=False,
    regex=lambda text, p: f"regexp_like({text}, {p})",  # Trino's regexp_like is unanchored
    isnan=lambda e: f"is_nan({e})", not_finite=lambda e: f"NOT is_finite({e})",
    count_if=_count_case, count_distinct_if=_distinct_case,
    float_mean=lambda e: f"avg({e})",
    epoch_us=lambda e: f"CAST(to_unixtime(CAST({e} AS TIMESTAMP WITH TIME ZONE)) * 1000000 AS BIGINT)",
    types={"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE", "DOUBLE PRECISION": "DOUBLE"},
    regex_flavour="Java")

DIALECTS: dict[str, Dialect] = {d.name: d for d in
                                [DUCKDB, SPARK, POSTGRES, SNOWFLAKE, BIGQUERY, DATABRICKS, TRINO]}
