"""Where run records live: a DuckDB file (default, embedded) or a PostgreSQL database (shared).

One record is one transaction (the run row and its check rows commit
together or not at all), so a killed run never leaves half a record.

Concurrent writers:
- PostgreSQL handles them itself; the tables are created once under an
  advisory lock so two first runs cannot race on CREATE TABLE.
- A DuckDB file can be open for writing by one process at a time. Writers
  first take an exclusive `flock` on `STORE.lock` beside the file (parallel
  domain jobs queue there instead of failing), and every open, readers
  included, also retries DuckDB's own "could not set lock" error with bounded
  exponential backoff (LOCK_WAIT seconds in all), so a reader never breaks a
  writer and vice versa. Past that wait the command fails with exit 2.

Timestamps are epoch seconds (DOUBLE) in both backends: the same SQL runs on both.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from scaffolder.errors import UsageError
from scaffolder.health.record import RunRecord
from scaffolder.pgurl import describe, is_postgres

LOCK_WAIT = float(os.environ.get("SCAFFOLDER_STORE_LOCK_WAIT", "60"))  # seconds, then give up
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, product TEXT NOT NULL, contract_version TEXT, "
    "contract_hash TEXT, engine TEXT, source TEXT, started_at DOUBLE PRECISION NOT NULL, "
    "ended_at DOUBLE PRECISION NOT NULL, row_count BIGINT, outcome TEXT NOT NULL, freshness_lag_s DOUBLE PRECISION, "
    "freshness_sla_s DOUBLE PRECISION, availability_pct DOUBLE PRECISION, error TEXT)",
    "CREATE TABLE IF NOT EXISTS checks (run_id TEXT NOT NULL, product TEXT NOT NULL, ended_at DOUBLE PRECISION NOT NULL, "
    "check_id TEXT NOT NULL, failed BIGINT, total BIGINT, passed BOOLEAN NOT NULL, samples TEXT)",
)
PG_INDEXES = (
    "CREATE INDEX IF NOT EXISTS runs_product_at ON runs (product, ended_at)",
    "CREATE INDEX IF NOT EXISTS checks_product_at ON checks (product, ended_at)",
)
RUN_COLUMNS = ("run_id", "product", "contract_version", "contract_hash", "engine", "source", "started_at",
               "ended_at", "row_count", "outcome", "freshness_lag_s", "freshness_sla_s", "availability_pct", "error")
def _run_row(r: RunRecord) -> tuple:
    return (r.run_id, r.product, r.contract_version, r.contract_hash, r.engine, r.source, r.started_at,
            r.ended_at, r.rows, r.outcome, r.freshness_lag_s, r.freshness_sla_s, r.availability_pct, r.error)


def _check_rows(r: RunRecord) -> list[tuple]:
    return [(r.run_id, r.product, r.ended_at, c.id, c.failed, c.total, c.passed,
             json.dumps(c.samples, default=str) if c.samples else None) for c in r.checks]


class Store:
    """A connection to one store. `query` takes `?` placeholders on either backend."""

    kind = "?"

    def append(self, record: RunRecord) -> None:
        self.append_many([record])

    def append_many(self, records: Sequence[RunRecord]) -> None:  # one transaction per call
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DuckStore(Store):
    kind = "duckdb"

    def __init__(self, path: Path, write: bool) -> None:
        self.path, self.write = path, write
        self._lock = _file_lock(Path(str(path) + ".lock")) if write else None
        if self._lock is not None:
            self._lock.__enter__()
        try:
            self.con = _retry(lambda: _duck_connect(path, write), f"the store {path} is busy")
            if write:
                for stmt in SCHEMA:
                    self.con.execute(stmt)
        except BaseException:
            self._release()
            raise

    def append_many(self, records: Sequence[RunRecord]) -> None:
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            _insert(con, records, con.executemany)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.con.execute(sql, list(params)).fetchall()

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.__exit__(None, None, None)
            self._lock = None


def _insert(con: Any, records: Sequence[RunRecord], many: Any, mark: str = "?") -> None:
    marks = ", ".join([mark] * len(RUN_COLUMNS))
    many(f"INSERT INTO runs ({', '.join(RUN_COLUMNS)}) VALUES ({marks})", [_run_row(r) for r in records])
    checks = [row for r in records for row in _check_rows(r)]
    if checks:
        many(f"INSERT INTO checks (run_id, product, ended_at, check_id, failed, total, passed, samples) "
             f"VALUES ({', '.join([mark] * 8)})", checks)


def _duck_connect(path: Path, write: bool) -> Any:
    import duckdb

    if not write and not path.is_file():
        raise UsageError(f"{path}: no such store (record runs with `scaffolder test ... --record {path}`)")
    return duckdb.connect(str(path), read_only=not write)


def _busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def _retry(connect: Any, message: str) -> Any:
    """Retry DuckDB's file-lock error: exponential backoff with jitter, LOCK_WAIT seconds in all."""
    import duckdb

    deadline, delay = time.monotonic() + LOCK_WAIT, 0.02
    while True:
        try:
            return connect()
        except duckdb.Error as exc:
            if not _busy(exc):
                raise UsageError(f"cannot open the store: {str(exc).splitlines()[0]}") from None
            if time.monotonic() >= deadline:
                raise UsageError(f"{message} (still locked after {LOCK_WAIT:g} s)") from None
        time.sleep(min(delay * (1 + random.random()), max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 1.0)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock (POSIX flock); where there is none, DuckDB's retry alone serialises."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise UsageError(f"the store {path} is busy (lock held for {LOCK_WAIT:g} s)") from None
                time.sleep(0.01 + random.random() * 0.04)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class PgStore(Store):
    kind = "postgresql"

    def __init__(self, url: str, write: bool) -> None:
        import psycopg

        try:
            self.con = psycopg.connect(url, connect_timeout=10, autocommit=True)
        except psycopg.Error as exc:
            raise UsageError(f"cannot connect to the store {describe(url)}: "
                             f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}") from None
        if write:
            with self.con.transaction():
                self.con.execute("SELECT pg_advisory_xact_lock(7242019)")  # one creator at a time
                for stmt in (*SCHEMA, *PG_INDEXES):
                    self.con.execute(stmt)

    def append_many(self, records: Sequence[RunRecord]) -> None:
        with self.con.transaction(), self.con.cursor() as cur:
            _insert(cur, records, cur.executemany, "%s")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), list(params))
            return cur.fetchall()

    def close(self) -> None:
        self.con.close()


def open_store(url: str, *, write: bool = False) -> Store:
    """A PostgreSQL URL (postgresql://...) or a DuckDB file path; `write` creates the tables."""
    if is_postgres(url):
        return PgStore(url, write)
    path = Path(url)
    if path.is_dir():
        raise UsageError(f"{url}: is a folder; the store is a DuckDB file (e.g. health.duckdb) or a PostgreSQL URL")
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
    return DuckStore(path, write)


def append(url: str, record: RunRecord) -> None:
    """Open, append one record in one transaction, close: hold the store as briefly as possible."""
    with open_store(url, write=True) as store:
        store.append(record)
