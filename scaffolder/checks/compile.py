"""Contract -> checks -> SQL: one aggregate statement for every per-row check.

The catalogue `RULES` holds one entry per assertion: how it counts
(`Counting`) and a builder that turns the assertion's arguments into the SQL
predicate that is TRUE for a failing row (or a failing aggregate). Contract
constraints are mapped onto the same assertions by `CONSTRAINTS`, so a
`pattern` constraint and an `expect_column_values_to_match_regex` check are
compiled by the same code.

Everything from the contract is a bound `$n` parameter; every column is a
quoted identifier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scaffolder.checks import conform
from scaffolder.checks.sql import Params, ident
from scaffolder.contract.load import PathKey
from scaffolder.contract.model import Contract
from scaffolder.contract.model import Field as ContractField

HEX_DIGEST = "^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{64})$"
MAX_DECIMAL_WIDTH = 38  # DuckDB's widest DECIMAL


class Counting(StrEnum):
    """How failed/total are counted (checks.md, "Counting")."""

    ALL_ROWS = "all_rows"  # failed = rows where the predicate holds, total = all rows
    NON_NULL = "non_null"  # failed = non-null rows that break it, total = non-null rows
    DUPLICATES = "duplicates"  # failed = every member of a duplicate group, total = non-null rows
    AGGREGATE = "aggregate"  # one value of the column (min/max/mean): failed 0/1 of 1; no value fails
    DISTINCT = "distinct"  # failed = distinct values that break it, total = distinct non-null values
    ROW_COUNT = "row_count"  # failed 0/1, total 1, evaluated even on zero rows
    COLUMNS = "columns"  # from the data's column list, no scan
    FRESHNESS = "freshness"  # now - max(column) <= sla.freshness


class CheckError(ValueError):
    """A check that cannot be compiled against this data (bad bound, missing column)."""


@dataclass
class Col:
    """What a builder needs to know about the column it tests."""

    name: str
    physical: str = ""
    family: str = "other"  # conform.family(): number|date|timestamp|timestamptz|string|time|other
    timezone: str = "UTC"  # zone of naive timestamps (constraints.timezone, else UTC)

    @property
    def sql(self) -> str:
        return ident(self.name)

    @property
    def is_float(self) -> bool:
        """Binary floating point: the only types that hold NaN."""
        return conform.normalise(self.physical) in conform.FLOATS

    def text(self, expr: str) -> str:
        """The expression as text, for regexes and lengths on non-string columns."""
        return expr if self.family == "string" else f"CAST({expr} AS VARCHAR)"


Builder = Callable[[str, dict[str, Any], Col, Params], str]


@dataclass(frozen=True)
class Rule:
    assertion: str
    counting: Counting
    build: Builder | None  # predicate TRUE when failing; None when counting needs none
    summary: str  # what a failing row is, for messages


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CheckError(f"unknown time zone {name!r}") from exc


def bound(value: Any, col: Col, params: Params) -> str:
    """A contract value as a typed parameter for comparing with this column.

    Naive bounds on a TIMESTAMP WITH TIME ZONE column are read in the column's
    zone (constraints.timezone, else UTC); bounds with an offset on a naive
    TIMESTAMP column are converted to that zone first. Dates compare as dates.
    """
    fam = col.family
    if fam in ("date", "timestamp", "timestamptz", "time"):
        if isinstance(value, dt.datetime | dt.date | dt.time):
            text = value.isoformat()
        elif isinstance(value, str):
            text = value.strip()
        else:
            raise CheckError(f"bound {value!r} is not a date or timestamp, but {col.name!r} is {col.physical}")
        if fam == "time":
            try:
                return f"CAST({params.add(dt.time.fromisoformat(text).isoformat())} AS TIME)"
            except ValueError as exc:
                raise CheckError(f"bound {value!r} is not a time") from exc
        try:
            stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError as exc:
            raise CheckError(f"bound {value!r} is not a date or timestamp (ISO 8601)") from exc
        zone = _zone(col.timezone)
        try:
            if fam == "timestamptz":
                if stamp.tzinfo is None:
                    stamp = stamp.replace(tzinfo=zone)
                return f"CAST({params.add(stamp.astimezone(dt.UTC).isoformat())} AS TIMESTAMPTZ)"
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(zone).replace(tzinfo=None)
        except OverflowError as exc:  # 9999-12-31T23:59:59-14:00 is past year 9999 in UTC
            raise CheckError(f"bound {value!r} is out of range in time zone {col.timezone}") from exc
        if fam == "date" and stamp.time() == dt.time(0) and len(text) <= 10:
            return f"CAST({params.add(stamp.date().isoformat())} AS DATE)"
        return f"CAST({params.add(stamp.isoformat())} AS TIMESTAMP)"
    if fam == "number" and isinstance(value, str):
        try:
            value = int(value)
        except ValueError:
            try:
                value = float(value)  # also "NaN" and "inf": a set may name them
            except ValueError as exc:
                raise CheckError(f"bound {value!r} is not a number, but {col.name!r} is {col.physical}") from exc
    if fam == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise CheckError(f"bound {value!r} is not a number, but {col.name!r} is {col.physical}")
    exact = _decimal_bound(value, col.physical) if fam == "number" else None
    return params.add(value if exact is None else exact)


def _decimal_bound(value: int | float, physical: str) -> Decimal | None:
    """A bound on a DECIMAL column as the decimal it was written as, so it compares exactly.

    A binary double would compare `0.30` with 0.299999999999999988898.... None when
    the column is not DECIMAL, the value is not finite, or the common type would
    exceed DuckDB's 38 digits (then the double's order is exact enough: the bound
    lies beyond every value the column can hold).
    """
    typed = conform.decimal(physical)
    if typed is None:
        return None
    exact = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(int(value))
    if not exact.is_finite():
        return None
    width, scale = typed
    _, digits, exponent = exact.as_tuple()
    assert isinstance(exponent, int)
    bound_scale = max(0, -exponent)
    bound_int = max(0, len(digits) + exponent)
    if max(width - scale, bound_int) + max(scale, bound_scale) > MAX_DECIMAL_WIDTH:
        return None
    return exact


def _between(expr: str, args: dict[str, Any], col: Col, params: Params, *, length: bool = False,
             finite: bool = False) -> str:
    """Outside the bounds. NaN lies outside every bound (DuckDB sorts it above +inf, so
    `NaN < min` alone would pass it); with `finite` (a mean) so do +-inf."""
    target = f"length({col.text(expr)})" if length else expr
    parts = []
    if finite:
        parts.append(f"NOT isfinite({target})")
    elif col.is_float and not length:
        parts.append(f"isnan({target})")
    if args.get("min_value") is not None:
        lo = params.add(int(args["min_value"])) if length else bound(args["min_value"], col, params)
        parts.append(f"{target} {'<=' if args.get('strict_min') else '<'} {lo}")
    if args.get("max_value") is not None:
        hi = params.add(int(args["max_value"])) if length else bound(args["max_value"], col, params)
        parts.append(f"{target} {'>=' if args.get('strict_max') else '>'} {hi}")
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


def _in_set(expr: str, args: dict[str, Any], col: Col, params: Params) -> str:
    """Membership: TRUE or FALSE for a non-null value, NULL for a null one (never counted).

    A null member is dropped: `x IN ('a', NULL)` is NULL, not FALSE, for every other
    value, so non-members would never count (Great Expectations ignores it too). An
    empty set holds nothing. NaN is a member only when the set names it.
    """
    values = [v for v in args.get("value_set") or [] if v is not None]
    if not values:
        return f"(CASE WHEN {expr} IS NULL THEN NULL ELSE FALSE END)"
    typed = [bound(v, col, params) for v in values]
    return f"({expr} IN ({', '.join(typed)}))"


def _regex(expr: str, args: dict[str, Any], col: Col, params: Params) -> str:
    return f"regexp_matches({col.text(expr)}, {params.add(str(args['regex']))})"


RULES: dict[str, Rule] = {r.assertion: r for r in [
    Rule("expect_column_values_to_not_be_null", Counting.ALL_ROWS,
         lambda e, a, c, p: f"({e} IS NULL)", "null"),
    Rule("expect_column_values_to_be_null", Counting.ALL_ROWS,
         lambda e, a, c, p: f"({e} IS NOT NULL)", "not null"),
    Rule("expect_column_values_to_be_unique", Counting.DUPLICATES, None, "duplicated"),
    Rule("expect_column_values_to_be_between", Counting.NON_NULL, _between, "out of bounds"),
    Rule("expect_column_values_to_be_in_set", Counting.NON_NULL,
         lambda e, a, c, p: f"(NOT {_in_set(e, a, c, p)})", "not in the set"),
    Rule("expect_column_values_to_not_be_in_set", Counting.NON_NULL, _in_set, "in the forbidden set"),
    Rule("expect_column_values_to_match_regex", Counting.NON_NULL,
         lambda e, a, c, p: f"(NOT {_regex(e, a, c, p)})", "not matching the regex"),
    Rule("expect_column_values_to_not_match_regex", Counting.NON_NULL, _regex, "matching the forbidden regex"),
    Rule("expect_column_value_lengths_to_be_between", Counting.NON_NULL,
         lambda e, a, c, p: _between(e, a, c, p, length=True), "of a length out of bounds"),
    Rule("expect_column_min_to_be_between", Counting.AGGREGATE, _between, "minimum out of bounds"),
    Rule("expect_column_max_to_be_between", Counting.AGGREGATE, _between, "maximum out of bounds"),
    Rule("expect_column_mean_to_be_between", Counting.AGGREGATE,
         lambda e, a, c, p: _between(e, a, c, p, finite=True), "mean out of bounds"),
    Rule("expect_column_distinct_values_to_be_in_set", Counting.DISTINCT,
         lambda e, a, c, p: f"(NOT {_in_set(e, a, c, p)})", "distinct values not in the set"),
    Rule("expect_compound_columns_to_be_unique", Counting.DUPLICATES, None, "duplicated combinations"),
    Rule("expect_table_row_count_to_be_between", Counting.ROW_COUNT,
         lambda e, a, c, p: _between(e, a, Col("", family="number"), p), "row count out of bounds"),
    Rule("expect_table_columns_to_match_set", Counting.COLUMNS, None, "columns differ"),
]}

AGGREGATES = {
    "expect_column_min_to_be_between": "min",
    "expect_column_max_to_be_between": "max",
    "expect_column_mean_to_be_between": "avg",
}


@dataclass(frozen=True)
class ConstraintCheck:
    """A field constraint expressed as a catalogue assertion."""

    suffix: str  # the check id is `<column>.<suffix>`
    assertion: str
    keys: tuple[str | None, ...]  # constraint keys to point at, first one present wins
    args: Callable[[ContractField], dict[str, Any] | None]  # None: the field does not have it
    summary: str | None = None  # what a failing value is, when the assertion's words do not fit


CONSTRAINTS = [
    ConstraintCheck("not_null", "expect_column_values_to_not_be_null", ("nullable", "null", None, "primary_key"),
                    lambda f: {} if f.constraints.not_null else None),
    ConstraintCheck("unique", "expect_column_values_to_be_unique", ("unique", "primary_key"),
                    lambda f: {} if f.constraints.is_unique else None),
    ConstraintCheck("enum", "expect_column_values_to_be_in_set", ("enum",),
                    lambda f: {"value_set": f.constraints.enum} if f.constraints.enum is not None else None),
    ConstraintCheck("min", "expect_column_values_to_be_between", ("min",),
                    lambda f: {"min_value": f.constraints.min} if f.constraints.min is not None else None),
    ConstraintCheck("max", "expect_column_values_to_be_between", ("max",),
                    lambda f: {"max_value": f.constraints.max} if f.constraints.max is not None else None),
    ConstraintCheck("min_length", "expect_column_value_lengths_to_be_between", ("min_length",),
                    lambda f: {"min_value": f.constraints.min_length} if f.constraints.min_length is not None else None),
    ConstraintCheck("max_length", "expect_column_value_lengths_to_be_between", ("max_length",),
                    lambda f: {"max_value": f.constraints.max_length} if f.constraints.max_length is not None else None),
    ConstraintCheck("pattern", "expect_column_values_to_match_regex", ("pattern",),
                    lambda f: {"regex": f.constraints.pattern} if f.constraints.pattern is not None else None),
    ConstraintCheck("masking", "expect_column_values_to_match_regex", ("masking",),
                    lambda f: {"regex": HEX_DIGEST} if f.constraints.masking == "hash" else None,
                    "not a hex digest (32 or 64 hex characters)"),
]


@dataclass
class Check:
    """One check to run: where it comes from, what it asserts, and how it counts."""

    id: str
    source: str  # constraint | quality | schema | sla
    assertion: str
    column: str | None
    args: dict[str, Any]
    threshold: float
    path: PathKey  # the contract node, for locations
    json_path: str
    columns: tuple[str, ...] = ()  # compound uniqueness / column sets
    error: str | None = None  # set when it cannot run against this data
    cols: dict[str, Col] = field(default_factory=dict)
    summary: str | None = None  # overrides the rule's summary in messages

    @property
    def rule(self) -> Rule | None:
        return RULES.get(self.assertion)

    @property
    def counting(self) -> Counting:
        if self.source == "schema":
            return Counting.COLUMNS
        if self.source == "sla":
            return Counting.FRESHNESS
        assert self.rule is not None
        return self.rule.counting

    @property
    def key(self) -> tuple[str, ...]:
        """The columns the check reads: its column list, else its column (none for table checks)."""
        return self.columns or ((self.column,) if self.column else ())

    @property
    def col(self) -> Col:
        assert self.column is not None
        return self.cols[self.column]

    def aggregate(self) -> str:
        """min/max/mean of the column. A float mean is a compensated sum over the count:
        DuckDB's `avg` of 2,000 x 0.1 is 0.09999999999999647, `fsum` gives 0.1."""
        name = AGGREGATES[self.assertion]
        if name == "avg" and self.col.is_float:
            return f"(fsum({self.col.sql}) / count({self.col.sql}))"
        return f"{name}({self.col.sql})"

    def predicate(self, params: Params, expr: str | None = None) -> str:
        """The SQL that is TRUE for a failing row (or aggregate value)."""
        rule = self.rule
        assert rule is not None and rule.build is not None
        if self.column is None:
            return rule.build(expr or "count(*)", self.args, Col(""), params)
        return rule.build(expr or self.col.sql, self.args, self.col, params)


def _unique_ids(checks: list[Check]) -> None:
    seen: dict[str, int] = {}
    for c in checks:
        n = seen.get(c.id, 0)
        seen[c.id] = n + 1
        if n:
            c.id = f"{c.id}#{n + 1}"


def _short(assertion: str) -> str:
    return assertion.removeprefix("expect_").removeprefix("column_").removeprefix("table_")


def plan(contract: Contract) -> list[Check]:
    """Every check the contract asks for, in contract order: schema, constraints, quality, SLA."""
    checks: list[Check] = []
    for f in contract.fields:
        checks.append(Check(f"{f.name}.schema", "schema", "schema_conformance", f.name, {"type": f.type_text},
                            1.0, (*f.path, "type"), f"{f.json_path}.type"))
    for f in contract.fields:
        raw = contract.doc.data["spec"]["schema"]["fields"][f.path[-1]].get("constraints") or {}
        for cc in CONSTRAINTS:
            args = cc.args(f)
            if args is None:
                continue
            key = next((k for k in cc.keys if k in raw), cc.keys[-1])
            path = (*f.path, "constraints", key) if key is not None else (*f.path, "constraints")
            checks.append(Check(f"{f.name}.{cc.suffix}", "constraint", cc.assertion, f.name, args, 1.0,
                                path, f"{f.json_path}.constraints.{key if key is not None else 'null'}",
                                summary=cc.summary))
    for qc in contract.checks:
        ident_ = qc.name or (f"{qc.column}.{_short(qc.assertion)}" if qc.column else _short(qc.assertion))
        columns = tuple(qc.value.get("column_list") or qc.value.get("column_set") or ())
        checks.append(Check(ident_, "quality", qc.assertion, qc.column, dict(qc.value), qc.threshold,
                            qc.path, qc.json_path, columns=tuple(str(c) for c in columns)))
    fresh = contract.freshness_column
    if contract.sla and contract.sla.freshness and fresh:
        checks.append(Check("sla.freshness", "sla", "freshness", fresh,
                            {"max_age_seconds": contract.sla.freshness.seconds, "max_age": str(contract.sla.freshness)},
                            1.0, ("spec", "sla", "freshness"), "$.spec.sla.freshness"))
    _unique_ids(checks)
    return checks


@dataclass
class Statement:
    """One SQL statement with its parameters, and which output column is which."""

    sql: str
    params: list[Any]
    outputs: list[tuple[str, str]]  # (check id, "failed" | "total" | "observed")


def main_statement(checks: list[Check], relation: str, freshness: Check | None) -> Statement:
    """The single scan: conditional aggregates for every check that reads rows.

    Uniqueness totals come from here (or from Parquet null counts); their
    duplicate groups come from `uniqueness.DuplicatePlan`.
    """
    params = Params()
    exprs: list[str] = ["count(*)"]
    outputs: list[tuple[str, str]] = [("", "rows")]

    def out(check: Check, kind: str, sql: str) -> None:
        exprs.append(sql)
        outputs.append((check.id, kind))

    for c in checks:
        if c.error is not None:
            continue
        kind = c.counting
        if kind is Counting.ALL_ROWS:
            out(c, "failed", f"count_if({c.predicate(params)})")
            out(c, "total", "count(*)")
        elif kind is Counting.NON_NULL:
            out(c, "failed", f"count_if({c.predicate(params)})")
            out(c, "total", f"count({c.col.sql})")
        elif kind is Counting.DUPLICATES:
            cols = c.key
            if len(cols) == 1:
                out(c, "total", f"count({ident(cols[0])})")
            else:
                out(c, "total", f"count_if({_not_all_null(cols)})")
        elif kind is Counting.AGGREGATE:
            agg = c.aggregate()
            out(c, "failed", f"CASE WHEN {agg} IS NULL OR {c.predicate(params, agg)} THEN 1 ELSE 0 END")
            out(c, "total", "1")
            out(c, "observed", agg)
        elif kind is Counting.DISTINCT:
            out(c, "failed", f"count(DISTINCT {c.col.sql}) FILTER (WHERE {c.predicate(params)})")
            out(c, "total", f"count(DISTINCT {c.col.sql})")
        elif kind is Counting.ROW_COUNT:
            out(c, "failed", f"CASE WHEN {c.predicate(params, 'count(*)')} THEN 1 ELSE 0 END")
            out(c, "total", "1")
            out(c, "observed", "count(*)")
    if freshness is not None and freshness.error is None:
        col = freshness.col
        value = col.sql if col.family == "timestamptz" else f"CAST({col.sql} AS TIMESTAMP)"
        out(freshness, "observed", f"epoch_us(max({value}))")
        out(freshness, "latest", f"CAST(max({value}) AS VARCHAR)")  # also says `infinity`, years past 9999
    sql = "SELECT " + ",\n       ".join(exprs) + f"\nFROM {relation}"
    return Statement(sql, params.values, outputs)


def _not_all_null(cols: tuple[str, ...]) -> str:
    return "NOT (" + " AND ".join(f"{ident(c)} IS NULL" for c in cols) + ")"
