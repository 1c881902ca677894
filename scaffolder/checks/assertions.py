"""The assertion catalogue: one record per Great Expectations name, everything the tool knows.

Validation reads `scope`, `args`, `required` and `one_of`; the compiler reads
`counting`, `build` (the predicate TRUE for a failing row, see
checks.predicates) and `aggregate`; the Parquet shortcuts read `footer` and
`pushdown`; the change gate reads `grading` (how a change to each argument is
graded); messages use `summary`, samples `samples_by_key`; OpenLineage uses
`lineage`; incremental runs (checks.incremental) read `combine`. A new assertion
is one entry here (tests/checks/test_catalogue.py holds every entry complete).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from scaffolder.checks.predicates import Col, Counting, between, in_set, regex
from scaffolder.checks.sql import Params

# Argument kinds understood by validation.
NUMBER_OR_DATE = "bound"  # a number, or a date/timestamp string
LIST = "list"
STRING = "string"
INT = "int"
BOOL = "bool"
COLUMNS = "columns"

Builder = Callable[[str, dict[str, Any], Col, Params], str]


class Grade(StrEnum):
    """How a change to one argument is graded by the change gate (changes.diff)."""

    CHANGED = "changed"  # any change is a check-changed finding
    SET_GROWS_LOOSENS = "set_grows_loosens"  # a larger value set lets more data through
    SET_GROWS_TIGHTENS = "set_grows_tightens"  # a larger value set lets less data through
    LOWER_BOUND = "lower_bound"  # lowering it loosens
    UPPER_BOUND = "upper_bound"  # raising it loosens


class Footer(StrEnum):
    """What a Parquet footer answers for the assertion without a scan (checks.metadata)."""

    NONE = "none"
    NULLS = "nulls"  # failed = the null count
    NON_NULLS = "non_nulls"  # failed = rows minus the null count
    RANGE = "range"  # passes when [min, max] lies within the bounds
    MIN = "min"  # the observed value is the footer's min
    MAX = "max"  # the observed value is the footer's max


class Combine(StrEnum):
    """How an incremental run (checks.incremental) joins what new files hold with what STATE recorded."""

    SUM = "sum"  # failed/total counts add up
    MIN = "min"  # the minimum of the recorded and the new minimum
    MAX = "max"  # the maximum of the recorded and the new maximum
    ROWS = "rows"  # the row counts add up; the bounds are compared with the sum
    DISTINCT_SET = "distinct_set"  # the recorded set of distinct values, grown by the new ones
    KEY_INDEX = "key_index"  # the recorded keys and their counts, grown by the new ones
    MEAN = "mean"  # the sums and counts add up (exact for integers and decimals; a float mean reads every file)
    COLUMNS = "columns"  # read from the column list: nothing to combine
    FULL = "full"  # cannot combine exactly: every run reads every file for this check


@dataclass(frozen=True)
class Assertion:
    name: str
    scope: str  # "column": needs `column`; "table": must not have one; "any": either
    description: str
    counting: Counting
    summary: str  # what a failing row is, for messages
    build: Builder | None = None  # predicate TRUE when failing; None when counting needs none
    args: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()  # all of these must be given
    one_of: tuple[str, ...] = ()  # at least one of these must be given
    example: dict[str, Any] = field(default_factory=dict)
    grading: dict[str, Grade] = field(default_factory=dict)  # arg -> how a change to it is graded
    aggregate: str | None = None  # min | max | avg: the value an AGGREGATE check compares
    footer: Footer = Footer.NONE
    pushdown: bool = False  # a lone `count(*) WHERE predicate` the Parquet reader can skip row groups for
    lineage: str = ""  # the short class OpenLineage consumers show (default: the name)
    samples_by_key: bool = False  # samples are the primary key of failing rows (their value says nothing)
    combine: Combine = Combine.SUM  # how an incremental run combines partials (checks.incremental)

    @property
    def lineage_class(self) -> str:
        return self.lineage or self.name


_BOUNDS = {"min_value": Grade.LOWER_BOUND, "max_value": Grade.UPPER_BOUND, "strict_min": Grade.CHANGED,
           "strict_max": Grade.CHANGED}


def _between(name: str, scope: str, description: str, summary: str, kind: str = NUMBER_OR_DATE, *,
             counting: Counting = Counting.NON_NULL, build: Builder = between, **more: Any) -> Assertion:
    return Assertion(
        name, scope, description, counting, summary, build,
        args={"min_value": kind, "max_value": kind, "strict_min": BOOL, "strict_max": BOOL},
        one_of=("min_value", "max_value"),
        example={"min_value": 0, "max_value": 100},
        grading=dict(_BOUNDS), **more,
    )


def _not(build: Builder) -> Builder:
    return lambda e, a, c, p: f"(NOT {build(e, a, c, p)})"


def _row_count(e: str, a: dict[str, Any], c: Col, p: Params) -> str:
    return between(e, a, Col("", family="number", dialect=p.dialect), p)


# ODCS's comparison operators, the threshold of a `sql` rule: argument kind, and how a change is graded.
OPERATORS: dict[str, tuple[str, Grade]] = {
    "mustBe": (NUMBER_OR_DATE, Grade.CHANGED), "mustNotBe": (NUMBER_OR_DATE, Grade.CHANGED),
    "mustBeGreaterThan": (NUMBER_OR_DATE, Grade.LOWER_BOUND),
    "mustBeGreaterOrEqualTo": (NUMBER_OR_DATE, Grade.LOWER_BOUND),
    "mustBeLessThan": (NUMBER_OR_DATE, Grade.UPPER_BOUND), "mustBeLessOrEqualTo": (NUMBER_OR_DATE, Grade.UPPER_BOUND),
    "mustBeBetween": (LIST, Grade.CHANGED), "mustNotBeBetween": (LIST, Grade.CHANGED),
}
QUERY = "expect_sql_query_result"
_SET = {"value_set": LIST}
_GROWS_LOOSENS = {"value_set": Grade.SET_GROWS_LOOSENS}


_ENTRIES = [
    Assertion("expect_column_values_to_not_be_null", "column", "no value is null (counted over all rows)",
              Counting.ALL_ROWS, "null", lambda e, a, c, p: f"({e} IS NULL)", footer=Footer.NULLS,
              lineage="not_null", samples_by_key=True),
    Assertion("expect_column_values_to_be_null", "column", "every value is null",
              Counting.ALL_ROWS, "not null", lambda e, a, c, p: f"({e} IS NOT NULL)", footer=Footer.NON_NULLS),
    Assertion("expect_column_values_to_be_unique", "column", "no non-null value occurs twice",
              Counting.DUPLICATES, "duplicated", lineage="unique", combine=Combine.KEY_INDEX),
    _between("expect_column_values_to_be_between", "column", "every non-null value lies within the bounds (inclusive)",
             "out of bounds", footer=Footer.RANGE, pushdown=True, lineage="between"),
    Assertion("expect_column_values_to_be_in_set", "column", "every non-null value is one of value_set",
              Counting.NON_NULL, "not in the set", _not(in_set), args=_SET, required=("value_set",),
              example={"value_set": ["placed", "paid"]}, grading=_GROWS_LOOSENS, pushdown=True,
              lineage="accepted_values"),
    Assertion("expect_column_values_to_not_be_in_set", "column", "no non-null value is one of value_set",
              Counting.NON_NULL, "in the forbidden set", in_set, args=_SET, required=("value_set",),
              example={"value_set": ["test"]}, grading={"value_set": Grade.SET_GROWS_TIGHTENS}, pushdown=True),
    Assertion("expect_column_values_to_match_regex", "column", "every non-null value matches regex (RE2, unanchored)",
              Counting.NON_NULL, "not matching the regex", _not(regex), args={"regex": STRING},
              required=("regex",), example={"regex": "^[A-Z]{3}-\\d+$"}, lineage="regex"),
    Assertion("expect_column_values_to_not_match_regex", "column", "no non-null value matches regex (RE2, unanchored)",
              Counting.NON_NULL, "matching the forbidden regex", regex, args={"regex": STRING},
              required=("regex",), example={"regex": "@"}),
    _between("expect_column_value_lengths_to_be_between", "column", "every non-null value's length lies within the bounds",
             "of a length out of bounds", INT, build=lambda e, a, c, p: between(e, a, c, p, length=True)),
    _between("expect_column_min_to_be_between", "column", "the column's minimum lies within the bounds",
             "minimum out of bounds", counting=Counting.AGGREGATE, aggregate="min", footer=Footer.MIN,
             combine=Combine.MIN),
    _between("expect_column_max_to_be_between", "column", "the column's maximum lies within the bounds",
             "maximum out of bounds", counting=Counting.AGGREGATE, aggregate="max", footer=Footer.MAX,
             combine=Combine.MAX),
    _between("expect_column_mean_to_be_between", "column", "the column's mean lies within the bounds",
             "mean out of bounds", counting=Counting.AGGREGATE, aggregate="avg",
             build=lambda e, a, c, p: between(e, a, c, p, finite=True),
             # an exact sum over the count; a float mean is a compensated sum whose rounding depends
             # on every value at once, so checks.incremental.partials reads every file for it
             combine=Combine.MEAN),
    Assertion("expect_column_distinct_values_to_be_in_set", "column", "every distinct non-null value is one of value_set",
              Counting.DISTINCT, "distinct values not in the set", _not(in_set), args=_SET, required=("value_set",),
              example={"value_set": ["EUR", "USD"]}, grading=_GROWS_LOOSENS, combine=Combine.DISTINCT_SET),
    Assertion("expect_compound_columns_to_be_unique", "table", "no combination of column_list occurs twice",
              Counting.DUPLICATES, "duplicated combinations", args={"column_list": COLUMNS},
              required=("column_list",), example={"column_list": ["order_id", "line_no"]},
              combine=Combine.KEY_INDEX),
    _between("expect_table_row_count_to_be_between", "table", "the row count lies within the bounds",
             "row count out of bounds", INT, counting=Counting.ROW_COUNT, build=_row_count, lineage="row_count",
             combine=Combine.ROWS),
    Assertion("expect_table_columns_to_match_set", "table",
              "the table's columns are column_set (exactly, unless exact_match is false)",
              Counting.COLUMNS, "columns differ", args={"column_set": COLUMNS, "exact_match": BOOL},
              required=("column_set",), example={"column_set": ["order_id", "event_ts"], "exact_match": True},
              combine=Combine.COLUMNS),
    Assertion(QUERY, "any", "the query's one value meets every operator given (an ODCS `sql` rule: one "
              "read-only SELECT of the checked data, `{object}` naming it and `{property}` the column)",
              Counting.QUERY, "query result out of bounds", args={"query": STRING, **{k: v[0] for k, v in OPERATORS.items()}},
              required=("query",), one_of=tuple(OPERATORS),
              example={"query": "SELECT count(*) FROM {object} WHERE amount < 0", "mustBe": 0},
              grading={"query": Grade.CHANGED, **{k: v[1] for k, v in OPERATORS.items()}}, lineage="sql",
              combine=Combine.FULL),
]

ASSERTIONS: dict[str, Assertion] = {a.name: a for a in _ENTRIES}
