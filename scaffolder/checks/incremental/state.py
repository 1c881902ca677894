"""STATE: the DuckDB file an incremental run reads and grows, attached to the check connection.

Tables: `scaffolder_state` (key/value: format version, contract hash, source,
format, columns), `scaffolder_files` (the files seen), and one table per
partial (checks.incremental.partials): `p_*` partial aggregates (one row per
run that read files for it), `k_*` key indexes (keys and their counts; on
Spark, the list of the index's Parquet segments beside STATE:
checks.incremental.spark_keys), `d_*` distinct-value sets. Every write of a
run happens in one transaction, committed at the very end: a run that fails
or is killed leaves STATE as it was.
"""

from __future__ import annotations

import json
import os
from typing import Any

from scaffolder.checks.guards import regular
from scaffolder.checks.incremental.files import Seen
from scaffolder.checks.sources import first_line
from scaffolder.checks.sql import literal
from scaffolder.errors import UsageError

ALIAS = "__scaffolder_state"
META = f"{ALIAS}.scaffolder_state"
FILES = f"{ALIAS}.scaffolder_files"
VERSION = "1"
# A run's batch of at least this many keys is written straight into STATE's file as whole row groups,
# not through the WAL and again at the checkpoint: 100k keys into two key indexes took 54 ms with
# DuckDB's 122,880 (15 ms commit, 25 ms checkpoint) and take 33 ms; 10M keys take 150 MB, not 132.
ROW_GROUP_SIZE = 16_384


def paths(path: str) -> list[str]:
    """The files DuckDB touches for STATE (the sandbox allows exactly these, and the WAL)."""
    return [path, path + ".wal.checkpoint"]
PREFIXES = ("p_", "k_", "d_")


class StateError(UsageError):
    """STATE cannot be used (not a DuckDB file, someone else's database, in use): exit 2."""


class State:
    """STATE attached to `con` as `ALIAS`; what it recorded, read once."""

    def __init__(self, con: Any, path: str):
        import duckdb

        self.con, self.path = con, path
        self.writing = False
        if os.path.lexists(path):
            regular(path)
        try:
            con.execute(f"ATTACH {literal(path)} AS {ALIAS} (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                raise StateError(f"{path}: in use by another run (it holds the file's lock); run again when "
                                 "it has finished") from exc
            raise StateError(f"{path}: cannot be opened as a state file: {first_line(exc)}") from exc
        tables = self._tables()
        if tables and "scaffolder_state" not in tables:
            raise StateError(f"{path}: a DuckDB file that is not a scaffolder state (it has other tables); "
                             "give a new file or one an earlier `--state` run wrote")
        self.meta: dict[str, str] = {}
        self.files: dict[str, Seen] = {}
        if tables:
            self.meta = dict(self.rows(f"SELECT key, value FROM {META}"))
            if self.meta.get("version") != VERSION:
                raise StateError(f"{path}: state format {self.meta.get('version')!r}, this scaffolder writes "
                                 f"{VERSION!r}: delete the file (the next run is a full run)")
            self.files = {p: Seen(p, s, m, d) for p, s, m, d in
                          self.rows(f"SELECT path, size, mtime_ns, digest FROM {FILES}")}
        self.partials = {t for t in tables if t.startswith(PREFIXES)}

    def _tables(self) -> set[str]:
        return {r[0] for r in self.rows(
            f"SELECT table_name FROM duckdb_tables() WHERE database_name = {literal(ALIAS)}")}

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    @property
    def columns(self) -> dict[str, str] | None:
        text = self.meta.get("columns")
        return json.loads(text) if text else None

    def table(self, name: str) -> str:
        return f"{ALIAS}.{name}"

    # -- writes: only between begin() and commit()

    def begin(self) -> None:
        self.con.execute("BEGIN TRANSACTION")
        self.writing = True

    def rollback(self) -> None:
        if self.writing:
            self.writing = False
            self.con.execute("ROLLBACK")

    def commit(self) -> None:
        self.con.execute("COMMIT")
        self.writing = False
        self.con.execute(f"CHECKPOINT {ALIAS}")  # the WAL folded in: STATE is one file again

    def drop(self, names: set[str]) -> None:
        for name in sorted(names):
            self.con.execute(f"DROP TABLE IF EXISTS {self.table(name)}")
        self.partials -= names

    def record(self, meta: dict[str, str], seen: dict[str, Seen]) -> None:
        """The contract, source and columns of this run, and every file it covers (only the rows
        that differ from the record are written: a run costs the new files, not all the files)."""
        self.con.execute(f"CREATE OR REPLACE TABLE {META} (key VARCHAR, value VARCHAR)")
        self.con.executemany(f"INSERT INTO {META} VALUES (?, ?)", [["version", VERSION], *map(list, meta.items())])
        self.con.execute(f"CREATE TABLE IF NOT EXISTS {FILES} (path VARCHAR, size BIGINT, mtime_ns BIGINT, "
                         "digest VARCHAR)")
        stale = [p for p, f in self.files.items() if seen.get(p) != f]
        if stale:
            self.con.execute(f"DELETE FROM {FILES} WHERE list_contains($1::VARCHAR[], path)", [stale])
        fresh = [f for p, f in seen.items() if self.files.get(p) != f]
        if fresh:  # one statement of four lists, not a statement per file
            self.con.execute(f"INSERT INTO {FILES} SELECT unnest($1::VARCHAR[]), unnest($2::BIGINT[]), "
                             "unnest($3::BIGINT[]), unnest($4::VARCHAR[])",
                             [[f.path for f in fresh], [f.size for f in fresh], [f.mtime_ns for f in fresh],
                              [f.digest for f in fresh]])
