"""Differential test: our failed/total against Great Expectations 1.x on pandas, over the same files.

Every assertion of the catalogue runs on small Parquet and CSV files with the edge cases
that once disagreed (nulls in and around sets, empty sets, NaN, exact thresholds, float
means, aggregates of no values). Each case states our counts, worked out by hand, and how
GE's compare: the same (`ge=SAME`), different on purpose (`ge=(failed, total, success)`
with `why`, the README's "Where we differ from Great Expectations on purpose"), or not
expressible in GE (`ge=CANNOT` with `why`: GE rejects the expectation or raises). Nothing
is skipped silently.

GE counts: unexpected_count of element_count (minus missing_count where nulls are
ignored); aggregates, row counts and column sets compare pass/fail (failed 0/1 of 1).
Cases whose types CSV cannot carry (dates, timestamps, decimals, all-null or empty columns:
pandas and DuckDB's sniffer read them as text) run on Parquet only.
GE is slow to import (~10 s): this module is marked `ge` and needs the `ge` extra.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def _keep_spark_connect_from_exiting() -> None:
    """GE imports pyspark's Spark Connect if pyspark is installed (optional, inside `except
    ImportError`). Spark Connect calls sys.exit(0) on import when `__main__` has no file, as in
    a pytest-xdist worker, and its own dependencies are missing: that would end the worker.
    Make it the ImportError GE expects; GE on pandas never uses Spark."""
    import importlib.util

    if importlib.util.find_spec("grpc_status") is not None:
        return  # the client's dependencies are there (extra `spark`): nothing exits, leave it importable
    main = sys.modules.get("__main__")
    if getattr(main, "__spec__", None) is None and not hasattr(main, "__file__"):
        sys.modules.setdefault("pyspark.sql.connect", None)  # type: ignore[arg-type]


os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
_keep_spark_connect_from_exiting()
gx = pytest.importorskip("great_expectations", reason="Great Expectations is not installed (extra `ge`)")
pd = pytest.importorskip("pandas")

from scaffolder.checks.assertions import ASSERTIONS  # noqa: E402
from scaffolder.checks.compile import Counting  # noqa: E402
from scaffolder.checks.run import run_checks  # noqa: E402
from scaffolder.contract.validate import load_contract_text  # noqa: E402
from tests.checks.data import SMALL, copy_to  # noqa: E402

# numpy warns while GE averages [inf, -inf] (mean_not_finite): expected, not a problem.
pytestmark = [pytest.mark.ge, pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")]

SAME = "same"
CANNOT = "cannot"
Counts = tuple[int | None, int | None, bool]

STR3 = "SELECT * FROM (VALUES ('a'), ('b'), (NULL)) v(x)"  # a, b, null
NAN = "'NaN'::DOUBLE"


@dataclass(frozen=True)
class Case:
    name: str
    select: str  # DuckDB SQL for the data, written to Parquet and CSV
    types: dict[str, str]  # column -> contract type
    assertion: str
    args: dict[str, Any]
    ours: Counts  # (failed, total, passed), by hand
    ge: str | Counts = SAME
    why: str = ""  # why GE differs or cannot express it
    threshold: float | None = None
    formats: tuple[str, ...] = ("parquet", "csv")
    column: str | None = "x"


def _c(name: str, select: str, assertion: str, args: dict[str, Any], ours: Counts, *,
       types: dict[str, str] | None = None, **kw: Any) -> Case:
    return Case(name, select, types or {"x": "string"}, f"expect_{assertion}", args, ours, **kw)


INTS = {"x": "long"}
DOUBLES = {"x": "double"}
CASES = [
    _c("not_null", STR3, "column_values_to_not_be_null", {}, (1, 3, False)),
    _c("not_null_mostly", STR3, "column_values_to_not_be_null", {}, (1, 3, True), threshold=0.6),
    _c("be_null", "SELECT * FROM (VALUES ('a'), (NULL), (NULL)) v(x)", "column_values_to_be_null", {}, (1, 3, False)),
    _c("unique", "SELECT * FROM (VALUES ('a'), ('a'), ('b'), (NULL)) v(x)", "column_values_to_be_unique", {},
       (2, 3, False)),
    _c("between", "SELECT * FROM (VALUES (0), (5), (10), (11), (NULL)) v(x)", "column_values_to_be_between",
       {"min_value": 0, "max_value": 10}, (1, 4, False), types=INTS),
    _c("between_strict", "SELECT * FROM (VALUES (0), (5), (10), (11), (NULL)) v(x)", "column_values_to_be_between",
       {"min_value": 0, "max_value": 10, "strict_min": True, "strict_max": True}, (3, 4, False), types=INTS),
    _c("between_zero_rows", "SELECT 1.5::DOUBLE AS x WHERE false", "column_values_to_be_between",
       {"min_value": 0}, (0, 0, True), types=DOUBLES, formats=("parquet",)),
    _c("between_dates", "SELECT * FROM (VALUES (DATE '2024-01-01'), (DATE '2024-12-31'), (DATE '2025-01-01')) v(x)",
       "column_values_to_be_between", {"min_value": "2024-01-01", "max_value": "2024-12-31"}, (1, 3, False),
       types={"x": "date"}, formats=("parquet",)),
    _c("between_nan", f"SELECT * FROM (VALUES (1.0::DOUBLE), (10.0), ({NAN}), (NULL)) v(x)",
       "column_values_to_be_between", {"min_value": 0, "max_value": 10}, (1, 3, False), types=DOUBLES,
       ge=(0, 2, True), why="NaN: pandas reads it as missing; we count it as a value outside every bound"),
    _c("between_date_only_on_timestamp",
       "SELECT * FROM (VALUES (TIMESTAMP '2024-03-01 00:00:00'), (TIMESTAMP '2024-03-01 12:00:00')) v(x)",
       "column_values_to_be_between", {"max_value": "2024-03-01"}, (1, 2, False), types={"x": "timestamp"},
       ge=CANNOT, why="a date-only bound on a timestamp is midnight for us; GE 1.x raises (Timestamp vs date)",
       formats=("parquet",)),
    _c("between_decimal", "SELECT 0.30::DECIMAL(10,2) AS x", "column_values_to_be_between", {"max_value": 0.3},
       (0, 1, True), types={"x": "decimal(10,2)"}, formats=("parquet",), ge=(1, 1, False),
       why="decimals compare exactly for us (0.30 <= 0.3); GE compares Decimal('0.30') with the double 0.3"),
    _c("in_set", "SELECT * FROM (VALUES ('a'), ('b'), ('c'), (NULL)) v(x)", "column_values_to_be_in_set",
       {"value_set": ["a", "b"]}, (1, 3, False)),
    _c("in_set_null_member", STR3, "column_values_to_be_in_set", {"value_set": ["a", None]}, (1, 2, False)),
    _c("in_set_empty", STR3, "column_values_to_be_in_set", {"value_set": []}, (2, 2, False)),
    _c("in_set_threshold_just_above", "SELECT * FROM (VALUES (0), (1), (2)) v(x)", "column_values_to_be_in_set",
       {"value_set": [0, 1]}, (1, 3, False), types=INTS, threshold=0.66666666666667),
    _c("in_set_threshold_two_thirds", "SELECT * FROM (VALUES (0), (1), (2)) v(x)", "column_values_to_be_in_set",
       {"value_set": [0, 1]}, (1, 3, True), types=INTS, threshold=0.6666666666666666),
    _c("in_set_string_members_on_numbers", "SELECT * FROM (VALUES (1), (2), (3)) v(x)",
       "column_values_to_be_in_set", {"value_set": ["1", "2"]}, (1, 3, False), types=INTS, ge=(3, 3, False),
       why="string members are cast to a numeric column's type for us; GE compares '1' with 1 (never equal)"),
    _c("in_set_nan", f"SELECT * FROM (VALUES (1.0::DOUBLE), ({NAN})) v(x)", "column_values_to_be_in_set",
       {"value_set": [1]}, (1, 2, False), types=DOUBLES, ge=(0, 1, True),
       why="NaN: pandas reads it as missing; we count it as a value outside every set that does not name it"),
    _c("not_in_set", STR3, "column_values_to_not_be_in_set", {"value_set": ["b"]}, (1, 2, False)),
    _c("not_in_set_empty", STR3, "column_values_to_not_be_in_set", {"value_set": []}, (0, 2, True)),
    _c("not_in_set_null_member", STR3, "column_values_to_not_be_in_set", {"value_set": ["b", None]}, (1, 2, False)),
    _c("match_regex", "SELECT * FROM (VALUES ('abc'), ('ab1'), (NULL)) v(x)", "column_values_to_match_regex",
       {"regex": "^[a-z]+$"}, (1, 2, False)),
    _c("match_regex_unanchored", "SELECT * FROM (VALUES ('xabcx'), ('b')) v(x)", "column_values_to_match_regex",
       {"regex": "abc"}, (1, 2, False)),
    _c("match_regex_unicode_letters", "SELECT * FROM (VALUES ('été'), ('a1')) v(x)", "column_values_to_match_regex",
       {"regex": "^\\p{L}+$"}, (1, 2, False)),
    _c("match_regex_digits_are_ascii", "SELECT * FROM (VALUES ('12'), ('١٢')) v(x)", "column_values_to_match_regex",
       {"regex": "^\\d+$"}, (1, 2, False), ge=(0, 2, True),
       why="regexes are RE2 (DuckDB), where \\d is 0-9; in GE on pandas \\d matches any Unicode digit"),
    _c("not_match_regex", "SELECT * FROM (VALUES ('ax'), ('b'), (NULL)) v(x)", "column_values_to_not_match_regex",
       {"regex": "x"}, (1, 2, False)),
    _c("value_lengths", "SELECT * FROM (VALUES ('a'), ('abc'), (NULL)) v(x)", "column_value_lengths_to_be_between",
       {"min_value": 2, "max_value": 3}, (1, 2, False)),
    _c("min", "SELECT * FROM (VALUES (3), (5), (NULL)) v(x)", "column_min_to_be_between", {"min_value": 4},
       (1, 1, False), types=INTS),
    _c("min_all_null", "SELECT NULL::DOUBLE AS x FROM range(2)", "column_min_to_be_between", {"min_value": 0},
       (1, 1, False), types=DOUBLES, formats=("parquet",)),
    _c("max", "SELECT * FROM (VALUES (3), (5)) v(x)", "column_max_to_be_between", {"max_value": 5}, (0, 1, True),
       types=INTS),
    _c("max_zero_rows", "SELECT 1.5::DOUBLE AS x WHERE false", "column_max_to_be_between", {"max_value": 5},
       (1, 1, False), types=DOUBLES, formats=("parquet",)),
    _c("max_nan", f"SELECT * FROM (VALUES (1.0::DOUBLE), ({NAN})) v(x)", "column_max_to_be_between",
       {"max_value": 100}, (1, 1, False), types=DOUBLES, ge=(0, 1, True),
       why="NaN: pandas skips it as missing; for us the maximum is NaN, outside every bound"),
    _c("max_decimal", "SELECT 0.30::DECIMAL(10,2) AS x", "column_max_to_be_between", {"max_value": 0.3},
       (0, 1, True), types={"x": "decimal(10,2)"}, formats=("parquet",), ge=(1, 1, False),
       why="decimals compare exactly for us (0.30 <= 0.3); GE compares Decimal('0.30') with the double 0.3"),
    _c("mean", "SELECT * FROM (VALUES (1), (2), (NULL)) v(x)", "column_mean_to_be_between",
       {"min_value": 1.5, "max_value": 1.5}, (0, 1, True), types=INTS),
    _c("mean_of_tenths", "SELECT 0.1::DOUBLE AS x FROM range(2000)", "column_mean_to_be_between",
       {"min_value": 0.1}, (0, 1, True), types=DOUBLES),
    _c("mean_not_finite", "SELECT * FROM (VALUES ('inf'::DOUBLE), ('-inf'::DOUBLE)) v(x)",
       "column_mean_to_be_between", {"min_value": 0}, (1, 1, False), types=DOUBLES, formats=("parquet",)),
    _c("mean_all_null", "SELECT NULL::DOUBLE AS x FROM range(2)", "column_mean_to_be_between",
       {"min_value": 0, "max_value": 1}, (1, 1, False), types=DOUBLES, formats=("parquet",)),
    _c("distinct_in_set", "SELECT * FROM (VALUES ('a'), ('b'), ('b'), (NULL)) v(x)",
       "column_distinct_values_to_be_in_set", {"value_set": ["a"]}, (1, 2, False)),
    _c("distinct_null_member", STR3, "column_distinct_values_to_be_in_set", {"value_set": ["a", None]},
       (1, 2, False)),
    _c("distinct_empty_set", STR3, "column_distinct_values_to_be_in_set", {"value_set": []}, (2, 2, False),
       ge=CANNOT, why="GE requires a non-empty value_set; for us an empty set holds nothing"),
    _c("distinct_threshold", STR3, "column_distinct_values_to_be_in_set", {"value_set": ["a"]}, (1, 2, True),
       threshold=0.5, ge=CANNOT, why="a threshold on distinct-value checks is ours; GE has no `mostly` there"),
    Case("compound_unique", "SELECT * FROM (VALUES ('a', 1), ('a', 1), (NULL, NULL), ('b', NULL)) v(x, y)",
         {"x": "string", "y": "long"}, "expect_compound_columns_to_be_unique", {"column_list": ["x", "y"]},
         (2, 3, False), column=None),
    Case("row_count", STR3, {"x": "string"}, "expect_table_row_count_to_be_between", {"min_value": 4},
         (1, 1, False), column=None),
    Case("row_count_zero_rows", "SELECT 'a' AS x WHERE false", {"x": "string"},
         "expect_table_row_count_to_be_between", {"min_value": 0, "max_value": 10}, (0, 1, True), column=None,
         formats=("parquet",)),
    Case("columns_exact", "SELECT 'a' AS x, 1 AS y", {"x": "string", "y": "long"},
         "expect_table_columns_to_match_set", {"column_set": ["x"]}, (1, 2, False), column=None),
    Case("columns_subset", "SELECT 'a' AS x, 1 AS y", {"x": "string", "y": "long"},
         "expect_table_columns_to_match_set", {"column_set": ["x"], "exact_match": False}, (0, 1, True),
         column=None),
]


def _contract(case: Case) -> str:
    fields = "".join(f"      - {{name: {n}, type: {json.dumps(t)}}}\n" for n, t in case.types.items())
    check: dict[str, Any] = {"name": "c", "assertion": case.assertion, "value": case.args}
    if case.column:
        check["column"] = case.column
    if case.threshold is not None:
        check["threshold"] = case.threshold
    return SMALL + "  schema:\n    fields:\n" + fields + "  quality:\n    checks:\n      - " + json.dumps(check) + "\n"


def _ours(case: Case, path: Path) -> Counts:
    report = run_checks(load_contract_text(_contract(case), "c.yaml"), str(path))
    c = next(r for r in report.checks if r.id == "c")
    assert c.error is None, c.error
    return c.failed, c.total, c.passed


@pytest.fixture(scope="module")
def batch_definition() -> Any:
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("files")
    return source.add_dataframe_asset("frame").add_batch_definition_whole_dataframe("whole")


def _expectation(case: Case) -> Any:
    """GE's expectation for the case: ExpectColumnValuesToBeInSet(column=..., mostly=...)."""
    cls = getattr(gx.expectations, "".join(p.title() for p in case.assertion.split("_")))
    kwargs = dict(case.args)
    if case.column:
        kwargs["column"] = case.column
    if case.threshold is not None:
        kwargs["mostly"] = case.threshold
    return cls(**kwargs)


def _raised(info: Any) -> bool:
    if isinstance(info, dict):
        return bool(info.get("raised_exception")) or any(_raised(v) for v in info.values())
    return False


def _ge(case: Case, frame: Any, batch_definition: Any) -> str | Counts:
    """GE's (failed, total, success) in our counting terms; CANNOT when it rejects or raises."""
    try:
        expectation = _expectation(case)
    except Exception:  # GE's pydantic validation rejects the arguments
        return CANNOT
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(expectation)
    if _raised(result.exception_info):
        return CANNOT
    r, ok = result.result, bool(result.success)
    counting = ASSERTIONS[case.assertion].counting
    if counting is Counting.ALL_ROWS:
        return r["unexpected_count"], r["element_count"], ok
    if counting in (Counting.NON_NULL, Counting.DUPLICATES):
        return r["unexpected_count"], r["element_count"] - r["missing_count"], ok
    if counting is Counting.DISTINCT:
        return r["unexpected_count"], None, ok
    if counting is Counting.COLUMNS:
        mismatched = (r.get("details") or {}).get("mismatched") or {}
        extra = mismatched.get("unexpected", []) if case.args.get("exact_match", True) else []
        return len(extra) + len(mismatched.get("missing", [])), None, ok
    return (0 if ok else 1), 1, ok  # aggregates and row counts: one value


def _read(path: Path) -> Any:
    # A null in a one-column CSV is an empty line: keep it a row.
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, skip_blank_lines=False)


def _comparable(ge: Counts, ours: Counts) -> Counts:
    """Ours with the counts GE does not report (None) left out."""
    return tuple(None if g is None else o for g, o in zip(ge, ours, strict=True))  # type: ignore[return-value]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_counts_agree_with_great_expectations(case: Case, tmp_path: Path, batch_definition: Any) -> None:
    for fmt in case.formats:
        path = tmp_path / f"data.{fmt}"
        copy_to(path, case.select)
        ours = _ours(case, path)
        assert ours == case.ours, f"{fmt}: ours"
        ge = _ge(case, _read(path), batch_definition)
        if case.ge == SAME:
            assert ge != CANNOT, f"{fmt}: GE cannot run it"
            assert ge == _comparable(ge, ours), f"{fmt}: GE {ge} vs ours {ours}"
        else:
            assert case.why, "a case where GE differs says why"
            assert ge == case.ge, f"{fmt}: GE, expected to differ on purpose ({case.why})"


def test_every_assertion_is_compared() -> None:
    # an ODCS `sql` rule runs the contract's own query: GE has no expectation that compares one value
    ours_alone = {n for n, a in ASSERTIONS.items() if a.counting is Counting.QUERY}
    assert {c.assertion for c in CASES} == set(ASSERTIONS) - ours_alone
    assert len({c.name for c in CASES}) == len(CASES)
