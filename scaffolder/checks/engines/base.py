"""The engine seam: what run_checks needs from a query engine, and the portable defaults.

An engine opens SOURCE as one relation (`RELATION`) and says what its columns
are (in DuckDB's type spelling, which checks.conform reads), executes a
statement with parameters in its dialect, and closes. Everything else, the
checks' SQL included, is the same on every engine. Engines may answer some
checks without a scan (`shortcuts`, DuckDB on Parquet) and may count
duplicates their own way (`duplicates`); the defaults here are portable SQL:
one GROUPING SETS pass for every uniqueness key.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scaffolder.checks.compile import Check, Counting, not_all_null
from scaffolder.checks.dialects import Dialect
from scaffolder.checks.sources import RELATION, Source
from scaffolder.checks.uniqueness import grouping_mask, grouping_sets_statement

Values = dict[tuple[str, str], Any]
Say = Callable[[str], None]


@dataclass
class Shortcuts:
    """Checks answered before the scan: id -> how ("metadata" | "pushdown"), and uniqueness totals known."""

    via: dict[str, str] = field(default_factory=dict)
    counted: set[str] = field(default_factory=set)


class Engine(ABC):
    """One query engine behind run_checks."""

    name: str = ""
    dialect: Dialect
    relation: str = RELATION
    errors: tuple[type[BaseException], ...] = ()  # what a statement the engine rejects raises

    @abstractmethod
    def open(self, source: str, fmt: str | None, text_columns: list[str]) -> Source:
        """Make `relation` read SOURCE; return it with its columns (name -> DuckDB type spelling)."""

    @abstractmethod
    def execute(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one statement with its parameters; every row as a tuple."""

    def close(self) -> None:
        """Release what open() took (a connection, a session the engine started)."""
        return None

    def prepare(self, checks: list[Check]) -> None:
        """Called once the checks are bound to the columns, before any of them runs."""
        return None

    def shortcuts(self, source: Source, checks: list[Check], values: Values, say: Say) -> Shortcuts:
        """Checks the engine answers without the scan (filling `values`); none by default."""
        return Shortcuts()

    def in_our_words(self, exc: BaseException) -> tuple[str, str]:
        """Our message for an engine error, and the engine's first line (for `detail`)."""
        from scaffolder.checks.engine_errors import in_our_words

        return in_our_words(exc)

    def refuse_query(self, query: str, column: str | None) -> str | None:
        """Why an ODCS `sql` rule's query may not run here (None: it may): sqlglot reads it in the
        engine's dialect (checks.query.refuse_parsed); an engine with a sandbox says so its own way."""
        from scaffolder.checks.query import refuse_parsed
        from scaffolder.extras import require

        sqlglot = require("sqlglot", self.name, f"an ODCS sql quality rule on --engine {self.name}")
        return refuse_parsed(query, column, self.dialect, sqlglot)

    def run_query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run a `sql` rule's query as written (no parameters)."""
        return self.execute(sql)

    def one(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> tuple[Any, ...]:
        rows = self.execute(sql, params)
        return rows[0]

    # -- uniqueness: one GROUPING SETS pass (portable); DuckDB keeps its two-pass plan

    def duplicates(self, checks: list[Check], values: Values, on_error: Callable[[Check, BaseException], None]) -> None:
        """Fill `(id, "failed")` of every uniqueness check: the members of its key's duplicate groups."""
        users = [c for c in checks if c.error is None and c.counting is Counting.DUPLICATES]
        keys = list(dict.fromkeys(c.reads for c in users))
        if not keys:
            return
        try:
            found = self._duplicate_counts(keys)
        except self.errors as exc:
            for c in users:
                on_error(c, exc)
            return
        for c in users:
            values[(c.id, "failed")] = found.get(c.reads, 0)

    def _duplicate_counts(self, keys: list[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
        sql = grouping_sets_statement(keys, self.relation, self.dialect)
        if len(keys) == 1:
            return {keys[0]: int(self.one(sql)[0] or 0)}
        masks = {k: grouping_mask(list(dict.fromkeys(c for k in keys for c in k)), k) for k in keys}
        by_mask = {int(g): int(n) for g, n in self.execute(sql)}
        return {k: by_mask.get(masks[k], 0) for k in keys}

    def duplicate_samples(self, c: Check, n: int) -> list[Any]:
        """Up to n duplicated keys of `c`, the most repeated first."""
        d = self.dialect
        cols = ", ".join(map(d.ident, c.reads))
        rows = self.execute(f"SELECT {cols} FROM (SELECT {cols}, count(*) AS n FROM {self.relation} "
                            f"WHERE {not_all_null(c.reads, d)} GROUP BY {cols} HAVING count(*) > 1) dups "
                            f"ORDER BY n DESC, {cols} LIMIT {int(n)}")
        return [row[0] if len(row) == 1 else list(row) for row in rows]

