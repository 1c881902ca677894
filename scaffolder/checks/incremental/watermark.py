"""Database tables for `--state`: the rows past a watermark column the contract names.

A table has no files to tell old rows from new ones, so the contract names a
column that grows with every new row (`spec.schema.watermark`: a timestamp,
date or integer field). STATE records the largest value read and how many
rows the table had then (every row is at or below that maximum, or has no
watermark). Next run:

- the rows at or below the recorded maximum, plus those without a watermark,
  are counted first: a count other than the recorded one means rows were
  deleted, arrived late (below the watermark) or without a watermark, which
  the partials cannot take back or would never see, so the run is full;
- otherwise the new rows are `watermark > recorded maximum`.

The maximum is recorded as DuckDB's text of the value and always compared as
a bound parameter (DuckDB casts it to the column's type: an integer compares
as an integer, a timestamp to the nanosecond). A row updated in place below
the watermark keeps the count and is not seen (docs/incremental.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scaffolder.checks.sql import ident
from scaffolder.contract.model import Contract
from scaffolder.errors import UsageError
from scaffolder.report.words import plural

FORMATS = ("duckdb",)
COLUMN, MAX, ROWS = "watermark_column", "watermark_max", "watermark_rows"  # STATE's meta keys
_ORDERED = re.compile(r"U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|DATE|TIMESTAMP(_S|_MS|_NS| WITH TIME ZONE)?")


def column(contract: Contract, source: str) -> str:
    """The contract's watermark column; without one a table cannot be read incrementally (exit 2)."""
    if not contract.watermark:
        raise UsageError(f"{source}: --state on a table reads the rows past a watermark column, and "
                         f"{contract.path} names none: add `watermark: <field>` under spec.schema (a timestamp, "
                         "date or integer field that grows with every new row), or run without --state")
    return contract.watermark


@dataclass
class Mark:
    """The watermark of a table: what STATE recorded, and the predicates over `table` it gives."""

    column: str
    table: str  # the table's SQL name
    recorded_max: str | None = None  # DuckDB's text of the largest value read; None: no value yet
    recorded_rows: int | None = None

    @classmethod
    def of(cls, col: str, table: str, meta: dict[str, str]) -> Mark:
        same = meta.get(COLUMN) == col
        rows = meta.get(ROWS) if same else None
        return cls(col, table, meta.get(MAX) or None if same else None, int(rows) if rows is not None else None)

    def check_type(self, source: str, physical: dict[str, str]) -> None:
        kind = physical.get(self.column)
        if kind is None:
            raise UsageError(f"{source}: has no column {self.column!r}, the contract's watermark")
        if not _ORDERED.fullmatch(kind):
            raise UsageError(f"{source}: the watermark column {self.column!r} is {kind}; a watermark is an "
                             "integer, date or timestamp column")

    def _old(self) -> tuple[str, list[Any]]:
        col = ident(self.column)
        if self.recorded_max is None:
            return f"{col} IS NULL", []
        return f"({col} <= $1 OR {col} IS NULL)", [self.recorded_max]

    def new_rows(self) -> tuple[str, list[Any]]:
        """The rows past the recorded maximum: a query and its parameters."""
        col = ident(self.column)
        if self.recorded_max is None:
            return f"SELECT * FROM {self.table} WHERE {col} IS NOT NULL", []
        return f"SELECT * FROM {self.table} WHERE {col} > $1", [self.recorded_max]

    def reasons(self, con: Any, meta: dict[str, str]) -> list[str]:
        """Why the run must be full: another column, or other rows at or below the recorded maximum."""
        if meta.get(COLUMN) != self.column:
            return [f"the watermark column changed ({meta.get(COLUMN) or 'none'} recorded, {self.column} now)"]
        where, params = self._old()
        old = con.execute(f"SELECT count(*) FROM {self.table} WHERE {where}", params).fetchone()[0]
        if old == self.recorded_rows:
            return []
        at = f"at or below {self.column} = {self.recorded_max}" if self.recorded_max is not None else "recorded"
        return [f"{plural(old, 'row')} {at} or without a watermark, {self.recorded_rows} recorded: rows were deleted, "
                "or arrived late (below the watermark) or without one"]

    def now(self, con: Any, new: str | None = None) -> dict[str, str]:
        """What STATE records for the next run: the largest value and the table's row count.

        A full run reads them from the table; an incremental one from `new` (the rows it read past
        the recorded maximum) and the record: every other row was counted by `reasons`, so the
        table is not scanned a second time.
        """
        top, rows = con.execute(f"SELECT CAST(max({ident(self.column)}) AS VARCHAR), count(*) "
                                f"FROM {new or self.table}").fetchone()
        if new is not None and self.recorded_rows is not None:
            rows += self.recorded_rows
            top = top if top is not None else self.recorded_max
        return {COLUMN: self.column, MAX: top if top is not None else "", ROWS: str(rows)}

    def describe(self) -> str:
        return (f"{self.column} > {self.recorded_max}" if self.recorded_max is not None
                else f"{self.column} is not null")
