"""The quality assertion catalogue: one declarative entry per Great Expectations name.

Validation reads `scope`, `args` and `required` from here to reject unknown
assertions and wrong arguments; the compiler adds each entry's SQL builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Argument kinds understood by validation.
NUMBER_OR_DATE = "bound"  # a number, or a date/timestamp string
LIST = "list"
STRING = "string"
INT = "int"
BOOL = "bool"
COLUMNS = "columns"


@dataclass(frozen=True)
class Assertion:
    name: str
    scope: str  # "column": needs `column`; "table": must not have one
    description: str
    args: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()  # all of these must be given
    one_of: tuple[str, ...] = ()  # at least one of these must be given
    example: dict[str, Any] = field(default_factory=dict)


def _between(name: str, scope: str, description: str, kind: str = NUMBER_OR_DATE) -> Assertion:
    return Assertion(
        name, scope, description,
        args={"min_value": kind, "max_value": kind, "strict_min": BOOL, "strict_max": BOOL},
        one_of=("min_value", "max_value"),
        example={"min_value": 0, "max_value": 100},
    )


_ENTRIES = [
    Assertion("expect_column_values_to_not_be_null", "column", "no value is null (counted over all rows)"),
    Assertion("expect_column_values_to_be_null", "column", "every value is null"),
    Assertion("expect_column_values_to_be_unique", "column", "no non-null value occurs twice"),
    _between("expect_column_values_to_be_between", "column", "every non-null value lies within the bounds (inclusive)"),
    Assertion("expect_column_values_to_be_in_set", "column", "every non-null value is one of value_set",
              args={"value_set": LIST}, required=("value_set",), example={"value_set": ["placed", "paid"]}),
    Assertion("expect_column_values_to_not_be_in_set", "column", "no non-null value is one of value_set",
              args={"value_set": LIST}, required=("value_set",), example={"value_set": ["test"]}),
    Assertion("expect_column_values_to_match_regex", "column", "every non-null value matches regex (RE2, unanchored)",
              args={"regex": STRING}, required=("regex",), example={"regex": "^[A-Z]{3}-\\d+$"}),
    Assertion("expect_column_values_to_not_match_regex", "column", "no non-null value matches regex (RE2, unanchored)",
              args={"regex": STRING}, required=("regex",), example={"regex": "@"}),
    _between("expect_column_value_lengths_to_be_between", "column", "every non-null value's length lies within the bounds", INT),
    _between("expect_column_min_to_be_between", "column", "the column's minimum lies within the bounds"),
    _between("expect_column_max_to_be_between", "column", "the column's maximum lies within the bounds"),
    _between("expect_column_mean_to_be_between", "column", "the column's mean lies within the bounds"),
    Assertion("expect_column_distinct_values_to_be_in_set", "column", "every distinct non-null value is one of value_set",
              args={"value_set": LIST}, required=("value_set",), example={"value_set": ["EUR", "USD"]}),
    Assertion("expect_compound_columns_to_be_unique", "table", "no combination of column_list occurs twice",
              args={"column_list": COLUMNS}, required=("column_list",), example={"column_list": ["order_id", "line_no"]}),
    _between("expect_table_row_count_to_be_between", "table", "the row count lies within the bounds", INT),
    Assertion("expect_table_columns_to_match_set", "table", "the table's columns are column_set (exactly, unless exact_match is false)",
              args={"column_set": COLUMNS, "exact_match": BOOL}, required=("column_set",),
              example={"column_set": ["order_id", "event_ts"], "exact_match": True}),
]

ASSERTIONS: dict[str, Assertion] = {a.name: a for a in _ENTRIES}
