"""Predicates: the SQL that is TRUE for a failing row, built from an assertion's arguments.

Each builder takes the tested expression, the assertion's arguments, the
column (`Col`) and the statement's `Params`; every contract value becomes a
parameter marker of the statement's dialect, every column a quoted
identifier, and every function that differs between engines comes from the
`Dialect` (checks.dialects).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scaffolder.checks import conform
from scaffolder.checks.dialects import DUCKDB, Dialect
from scaffolder.checks.sql import Params

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
    QUERY = "query"  # the contract's own read-only SELECT (an ODCS `sql` rule): its one value compared


class CheckError(ValueError):
    """A check that cannot be compiled against this data (bad bound, missing column)."""


@dataclass
class Col:
    """What a builder needs to know about the column it tests."""

    name: str
    physical: str = ""
    family: str = "other"  # conform.family(): number|date|timestamp|timestamptz|string|time|other
    timezone: str = "UTC"  # zone of naive timestamps (constraints.timezone, else UTC)
    dialect: Dialect = field(default=DUCKDB, compare=False)

    @property
    def sql(self) -> str:
        return self.dialect.ident(self.name)

    @property
    def is_float(self) -> bool:
        """Binary floating point: the only types that hold NaN."""
        return conform.normalise(self.physical) in conform.FLOATS

    def text(self, expr: str) -> str:
        """The expression as text, for regexes and lengths on non-string columns."""
        return expr if self.family == "string" else self.dialect.cast(expr, "VARCHAR")


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
                return params.dialect.cast(params.add(dt.time.fromisoformat(text).isoformat()), "TIME")
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
                return params.dialect.cast(params.add(stamp.astimezone(dt.UTC).isoformat()), "TIMESTAMPTZ")
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(zone).replace(tzinfo=None)
        except OverflowError as exc:  # 9999-12-31T23:59:59-14:00 is past year 9999 in UTC
            raise CheckError(f"bound {value!r} is out of range in time zone {col.timezone}") from exc
        if fam == "date" and stamp.time() == dt.time(0) and len(text) <= 10:
            return params.dialect.cast(params.add(stamp.date().isoformat()), "DATE")
        return params.dialect.cast(params.add(stamp.isoformat()), "TIMESTAMP")
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


def between(expr: str, args: dict[str, Any], col: Col, params: Params, *, length: bool = False,
             finite: bool = False) -> str:
    """Outside the bounds. NaN lies outside every bound (DuckDB sorts it above +inf, so
    `NaN < min` alone would pass it); with `finite` (a mean) so do +-inf."""
    target = f"length({col.text(expr)})" if length else expr
    parts = []
    if finite:
        parts.append(params.dialect.not_finite(target))
    elif col.is_float and not length:
        parts.append(params.dialect.isnan(target))
    if args.get("min_value") is not None:
        lo = params.add(int(args["min_value"])) if length else bound(args["min_value"], col, params)
        parts.append(f"{target} {'<=' if args.get('strict_min') else '<'} {lo}")
    if args.get("max_value") is not None:
        hi = params.add(int(args["max_value"])) if length else bound(args["max_value"], col, params)
        parts.append(f"{target} {'>=' if args.get('strict_max') else '>'} {hi}")
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


def in_set(expr: str, args: dict[str, Any], col: Col, params: Params) -> str:
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


def regex(expr: str, args: dict[str, Any], col: Col, params: Params) -> str:
    return params.dialect.regex(col.text(expr), params.add(str(args["regex"])))
