"""Contract -> checks -> SQL: one aggregate statement for every per-row check.

The assertion catalogue (checks.assertions) holds one entry per assertion:
how it counts (`Counting`) and a builder that turns the assertion's arguments
into the SQL predicate that is TRUE for a failing row (or a failing aggregate). Contract
constraints are mapped onto the same assertions by `CONSTRAINTS`, so a
`pattern` constraint and an `expect_column_values_to_match_regex` check are
compiled by the same code.

Everything from the contract is a bound parameter; every column is a quoted
identifier; the SQL is written in the statement's dialect (checks.dialects).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scaffolder.checks.assertions import ASSERTIONS, Assertion
from scaffolder.checks.dialects import DUCKDB, Dialect
from scaffolder.checks.predicates import CheckError, Col, Counting
from scaffolder.checks.sql import Params
from scaffolder.contract.load import PathKey
from scaffolder.contract.model import Contract
from scaffolder.contract.model import Field as ContractField

HEX_DIGEST = "^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{64})$"

__all__ = ["ASSERTIONS", "Check", "CheckError", "Col", "Counting", "Statement", "main_statement", "plan"]


@dataclass(frozen=True)
class ConstraintCheck:
    """A field constraint expressed as a catalogue assertion."""

    suffix: str  # the check id is `<column>.<suffix>`
    assertion: str
    keys: tuple[str, ...]  # constraint keys to point at, first one present wins
    args: Callable[[ContractField], dict[str, Any] | None]  # None: the field does not have it
    summary: str | None = None  # what a failing value is, when the assertion's words do not fit


CONSTRAINTS = [
    ConstraintCheck("not_null", "expect_column_values_to_not_be_null", ("nullable", "null", "primary_key"),
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
    def rule(self) -> Assertion | None:
        return ASSERTIONS.get(self.assertion)

    @property
    def counting(self) -> Counting:
        if self.source == "schema":
            return Counting.COLUMNS
        if self.source == "sla":
            return Counting.FRESHNESS
        assert self.rule is not None
        return self.rule.counting

    @property
    def reads(self) -> tuple[str, ...]:
        """The columns the check reads: its column list, else its column (none for table checks)."""
        return self.columns or ((self.column,) if self.column else ())

    @property
    def col(self) -> Col:
        assert self.column is not None
        return self.cols[self.column]

    def aggregate(self) -> str:
        """min/max/mean of the column. A float mean is a compensated sum over the count:
        DuckDB's `avg` of 2,000 x 0.1 is 0.09999999999999647, `fsum` gives 0.1."""
        rule = self.rule
        assert rule is not None and rule.aggregate is not None
        if rule.aggregate == "avg":
            d = self.col.dialect
            return d.float_mean(self.col.sql) if self.col.is_float else d.exact_mean(self.col.sql)
        return f"{rule.aggregate}({self.col.sql})"

    def predicate(self, params: Params, expr: str | None = None) -> str:
        """The SQL that is TRUE for a failing row (or aggregate value)."""
        rule = self.rule
        assert rule is not None and rule.build is not None
        if self.column is None:
            return rule.build(expr or "count(*)", self.args, Col("", dialect=params.dialect), params)
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
        for cc in CONSTRAINTS:
            args = cc.args(f)
            if args is None:
                continue
            where = f.constraint(f.written(*cc.keys) or cc.keys[-1])  # the key that asks for it
            checks.append(Check(f"{f.name}.{cc.suffix}", "constraint", cc.assertion, f.name, args, 1.0,
                                where.doc, where.json, summary=cc.summary))
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
    bound: list[Any] | dict[str, Any] = field(default_factory=list)  # params as the driver takes them


def main_statement(checks: list[Check], relation: str, freshness: Check | None,
                   dialect: Dialect = DUCKDB) -> Statement:
    """The single scan: conditional aggregates for every check that reads rows.

    Uniqueness totals come from here (or from Parquet null counts); their
    duplicate groups come from `uniqueness.DuplicatePlan` (or the engine's own pass).
    """
    params = Params(dialect=dialect)
    d = dialect
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
            out(c, "failed", d.count_if(c.predicate(params)))
            out(c, "total", "count(*)")
        elif kind is Counting.NON_NULL:
            out(c, "failed", d.count_if(c.predicate(params)))
            out(c, "total", f"count({c.col.sql})")
        elif kind is Counting.DUPLICATES:
            cols = c.reads
            if len(cols) == 1:
                out(c, "total", f"count({d.ident(cols[0])})")
            else:
                out(c, "total", d.count_if(not_all_null(cols, d)))
        elif kind is Counting.AGGREGATE:
            agg = c.aggregate()
            out(c, "failed", f"CASE WHEN {agg} IS NULL OR {c.predicate(params, agg)} THEN 1 ELSE 0 END")
            out(c, "total", "1")
            out(c, "observed", agg)
        elif kind is Counting.DISTINCT:
            out(c, "failed", d.count_distinct_if(c.col.sql, c.predicate(params)))
            out(c, "total", f"count(DISTINCT {c.col.sql})")
        elif kind is Counting.ROW_COUNT:
            out(c, "failed", f"CASE WHEN {c.predicate(params, 'count(*)')} THEN 1 ELSE 0 END")
            out(c, "total", "1")
            out(c, "observed", "count(*)")
    if freshness is not None and freshness.error is None:
        col = freshness.col
        value = col.sql if col.family == "timestamptz" else d.cast(col.sql, "TIMESTAMP")
        out(freshness, "observed", d.epoch_us(f"max({value})"))
        out(freshness, "latest", d.cast(f"max({value})", "VARCHAR"))  # also says `infinity`, years past 9999
    sql = "SELECT " + ",\n       ".join(exprs) + f"\nFROM {relation}"
    return Statement(sql, params.values, outputs, params.bound)


def not_all_null(cols: tuple[str, ...], dialect: Dialect = DUCKDB) -> str:
    return "NOT (" + " AND ".join(f"{dialect.ident(c)} IS NULL" for c in cols) + ")"
