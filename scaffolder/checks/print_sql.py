"""`test --print-sql`: the statements a check run would send, in any dialect, without running them.

Columns are typed from the contract (there is no data to describe), so the
SQL is what an engine would run on data that matches the contract. Contract
values stay parameters: each statement is followed by a comment with its
parameters as JSON (escaped: no raw newline or control character reaches the
terminal). A dialect's traps are handled in checks.dialects (Snowflake's
anchored REGEXP_LIKE, parameter markers, DuckDB-only functions).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from scaffolder.checks import conform
from scaffolder.checks.compile import Check, Col, Counting, main_statement, plan
from scaffolder.checks.dialects import DIALECTS, Dialect
from scaffolder.checks.predicates import CheckError
from scaffolder.checks.sources import RELATION
from scaffolder.checks.sql import Params
from scaffolder.checks.uniqueness import grouping_sets_statement
from scaffolder.contract.model import Contract


@dataclass
class Printed:
    sql: str
    params: list[Any] | dict[str, Any]

    def text(self) -> str:
        shown = json.dumps(self.params, default=str, ensure_ascii=True)
        return f"{self.sql};\n-- parameters: {shown}"


def relation(table: str | None, dialect: Dialect) -> str:
    """The relation the statements read: a (dotted) table name quoted part by part, else the view name."""
    if not table:
        return RELATION
    return ".".join(dialect.ident(part) for part in table.split("."))


def statements(contract: Contract, dialect_name: str, table: str | None = None) -> list[Printed]:
    """The main scan and, when there are uniqueness checks, the uniqueness pass."""
    dialect = DIALECTS[dialect_name]
    rel = relation(table, dialect)
    checks = plan(contract)
    for c in checks:
        if c.counting is Counting.COLUMNS:
            continue
        for name in c.reads:
            f = contract.field(name)
            if f is None or f.type is None:
                c.error = f"column {name!r} is not in the contract"
                break
            physical = f.type.duckdb()
            zone = f.constraints.timezone or "UTC"
            c.cols[name] = Col(name, physical, conform.family(physical), zone, dialect)
        if c.error is None and c.column and c.rule is not None and c.rule.build is not None:
            try:
                c.predicate(Params(dialect=dialect))
            except CheckError as exc:
                c.error = str(exc)
    fresh = next((c for c in checks if c.counting is Counting.FRESHNESS and c.error is None), None)
    scanned = [c for c in checks if c.error is None and c.counting not in (Counting.COLUMNS, Counting.FRESHNESS)]
    main = main_statement(scanned, rel, fresh, dialect)
    out = [Printed(main.sql, main.bound)]
    keys = _keys(scanned)
    if keys:
        out.append(Printed(grouping_sets_statement(keys, rel, dialect), Params(dialect=dialect).bound))
    return out


def _keys(checks: list[Check]) -> list[tuple[str, ...]]:
    return list(dict.fromkeys(c.reads for c in checks if c.counting is Counting.DUPLICATES))
