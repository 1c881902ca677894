"""The assertion catalogue is complete: every assertion carries every field its users read."""

from __future__ import annotations

import pytest

from scaffolder.changes.diff import _grading
from scaffolder.checks.assertions import ASSERTIONS, Assertion, Combine, Footer, Grade
from scaffolder.checks.compile import Col, Counting
from scaffolder.checks.dialects import DIALECTS
from scaffolder.checks.sql import Params

# Countings whose checks need a predicate in the scan; the others are answered without one.
NEEDS_SQL = {Counting.ALL_ROWS, Counting.NON_NULL, Counting.AGGREGATE, Counting.DISTINCT, Counting.ROW_COUNT}


@pytest.mark.parametrize("name", sorted(ASSERTIONS))
def test_every_assertion_has_every_field(name: str) -> None:
    a = ASSERTIONS[name]
    assert isinstance(a, Assertion) and a.name == name
    assert a.scope in ("column", "table", "any")
    assert a.description and a.summary and a.lineage_class
    assert isinstance(a.counting, Counting)
    assert (a.build is not None) is (a.counting in NEEDS_SQL), "a predicate exactly when the scan needs one"
    assert (a.aggregate is not None) is (a.counting is Counting.AGGREGATE)
    assert set(a.required) <= set(a.args) and set(a.one_of) <= set(a.args)
    assert set(a.example) <= set(a.args)
    assert set(a.grading) <= set(a.args) and all(isinstance(g, Grade) for g in a.grading.values())
    for arg in a.args:  # an argument without a grade is graded as "changed" by the gate
        assert _grading(name).get(arg, Grade.CHANGED) in Grade
    assert a.footer in Footer
    if a.footer in (Footer.MIN, Footer.MAX):
        assert a.aggregate == a.footer.value
    if a.pushdown:
        assert a.counting is Counting.NON_NULL


@pytest.mark.parametrize("name", sorted(n for n, a in ASSERTIONS.items() if a.build is not None))
@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_every_predicate_builds_in_every_dialect(name: str, dialect: str) -> None:
    a = ASSERTIONS[name]
    d = DIALECTS[dialect]
    params = Params(dialect=d)
    col = Col("x", "BIGINT", "number", dialect=d)
    args = dict(a.example)
    if "regex" in args or "value_set" in args:
        col = Col("x", "VARCHAR", "string", dialect=d)
    assert a.build is not None
    sql = a.build(col.sql, args, col, params)
    assert sql and all(str(v) not in sql for v in params.values if isinstance(v, str) and len(v) > 2)


def test_bounds_and_sets_are_graded() -> None:
    assert ASSERTIONS["expect_column_values_to_be_in_set"].grading["value_set"] is Grade.SET_GROWS_LOOSENS
    assert ASSERTIONS["expect_column_values_to_not_be_in_set"].grading["value_set"] is Grade.SET_GROWS_TIGHTENS
    assert ASSERTIONS["expect_column_values_to_be_between"].grading["min_value"] is Grade.LOWER_BOUND


# How incremental runs may combine each counting (checks.incremental); FULL reads every file.
COMBINES = {
    Counting.ALL_ROWS: {Combine.SUM}, Counting.NON_NULL: {Combine.SUM},
    Counting.DUPLICATES: {Combine.KEY_INDEX}, Counting.DISTINCT: {Combine.DISTINCT_SET},
    Counting.AGGREGATE: {Combine.MIN, Combine.MAX, Combine.MEAN, Combine.FULL}, Counting.ROW_COUNT: {Combine.ROWS},
    Counting.COLUMNS: {Combine.COLUMNS}, Counting.QUERY: {Combine.FULL},
}


@pytest.mark.parametrize("name", sorted(ASSERTIONS))
def test_every_assertion_declares_how_it_combines(name: str) -> None:
    from scaffolder.checks.compile import Check
    from scaffolder.checks.incremental.partials import parts_of

    a = ASSERTIONS[name]
    assert a.combine in COMBINES[a.counting]
    if a.combine in (Combine.MIN, Combine.MAX):
        assert a.aggregate == a.combine.value
    column = None if a.scope == "table" else "x"
    cols = tuple(a.example.get("column_list", ())) if a.counting is Counting.DUPLICATES else ()
    c = Check("c", "quality", name, column, dict(a.example), 1.0, (), "$", columns=cols)
    c.cols = {k: Col(k, "BIGINT", "number") for k in (*cols, "x")}
    # partials exist exactly for the assertions that combine from them
    assert bool(parts_of(c)) is (a.combine not in (Combine.FULL, Combine.COLUMNS))
