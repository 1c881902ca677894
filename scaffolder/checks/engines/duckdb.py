"""The DuckDB engine (the default): in process, sandboxed, with the Parquet footer shortcuts.

The connection reads only the source's files and its configuration is locked
before any check runs (checks.sandbox). On Parquet, checks the footer
statistics prove are answered before the scan (checks.metadata), and
uniqueness uses the two-pass plan of checks.uniqueness, whose table of
duplicate groups also gives the samples.
"""

from __future__ import annotations

from typing import Any

from scaffolder.checks import metadata, sandbox
from scaffolder.checks.compile import Check, Counting
from scaffolder.checks.dialects import DUCKDB
from scaffolder.checks.engines.base import Engine, Say, Shortcuts, Values
from scaffolder.checks.sources import RELATION, Source, open_source
from scaffolder.checks.uniqueness import DuplicatePlan

DUPS = "__scaffolder_dups"


class DuckDBEngine(Engine):
    name = "duckdb"
    dialect = DUCKDB

    def __init__(self) -> None:
        import duckdb

        self.errors = (duckdb.Error,)
        self.con = sandbox.connect()
        # naive bounds and --now read as UTC, never the machine's zone; GLOBAL, so that cursors
        # (checks.incremental.jobs) read so too
        self.con.execute("SET GLOBAL TimeZone = 'UTC'")
        self.dups: DuplicatePlan | None = None

    def open(self, source: str, fmt: str | None, text_columns: list[str]) -> Source:
        return open_source(self.con, source, fmt, text_columns=text_columns, lock=False)

    def prepare(self, checks: list[Check]) -> None:
        metadata.distrust_float_statistics(self.con, checks)  # a setting: before the lock
        sandbox.lock(self.con)

    def execute(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    def close(self) -> None:
        self.con.close()

    def refuse_query(self, query: str, column: str | None) -> str | None:
        """One SELECT of the relation alone, by DuckDB's own parser; the locked sandbox reads the source alone."""
        from scaffolder.checks.query import refuse_duckdb, render

        return refuse_duckdb(self.con, render(query, self.relation, column, self.dialect), self.relation)

    def shortcuts(self, source: Source, checks: list[Check], values: Values, say: Say) -> Shortcuts:
        found = Shortcuts()
        if source.format != "parquet":
            return found
        say("reading Parquet statistics")
        rows = self.one(f"SELECT count(*) FROM {RELATION}")[0]
        footer = metadata.Footer(self.con, source.files, source.columns)
        scanned = [c for c in checks if c.counting is not Counting.FRESHNESS]
        for cid in metadata.answer(footer, checks, values, rows):
            found.via[cid] = "metadata"
        waiting = [c for c in checks if c.id not in found.via]
        for cid in metadata.pushdown(footer, RELATION, waiting, values, rows):
            found.via[cid] = "pushdown"
        found.counted = metadata.key_totals(footer, scanned, values, rows)
        return found

    def duplicates(self, checks: list[Check], values: Values, on_error: Any) -> None:
        """Every key's duplicate groups (uniqueness.DuplicatePlan); each check sums its own groups."""
        import duckdb

        con = self.con
        users = [c for c in checks if c.error is None and c.counting is Counting.DUPLICATES]
        self.dups = dups = DuplicatePlan.of(checks, DUPS)
        if dups is None:
            return

        def fail(keys: list[tuple[str, ...]], exc: duckdb.Error) -> None:
            for c in users:
                if c.reads in keys:
                    on_error(c, exc)

        try:
            con.execute(dups.create(RELATION))
            con.execute(dups.first_pass(RELATION))
        except duckdb.Error as exc:
            fail(dups.keys, exc)
            return
        for key in dups.leading:
            try:
                if con.execute(dups.candidates(key)).fetchone()[0]:
                    con.execute(dups.second_pass(key, RELATION))
            except duckdb.Error as exc:
                fail([key], exc)
        for c in users:
            if c.error is None:
                where, _ = dups.where(c.reads)
                values[(c.id, "failed")] = self.one(f"SELECT coalesce(sum(n), 0) FROM {dups.table} WHERE {where}")[0]

    def duplicate_samples(self, c: Check, n: int) -> list[Any]:
        assert self.dups is not None
        where, keys = self.dups.where(c.reads)
        rows = self.execute(f"SELECT {keys} FROM {self.dups.table} WHERE {where} ORDER BY n DESC, {keys} LIMIT {int(n)}")
        return [row[0] if len(row) == 1 else list(row) for row in rows]
