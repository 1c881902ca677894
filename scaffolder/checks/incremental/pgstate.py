"""STATE kept in PostgreSQL (`--state postgresql://...`, e.g. the health store's database).

A run that happens on whichever machine is free (a pool of CI runners, a
scheduler's workers) has no file of its own to keep STATE in. As Terraform's
`pg` backend keeps its state, the STATE file is kept whole as one row of
`scaffolder_check_state` (key, generation, body): the run checks it out into a
private temporary folder, runs exactly as on a local file, and writes it back
in one transaction when it succeeds. So:

- one run per key at a time: a session advisory lock on the key is held for
  the run, and a second run on the same key is "in use by another run"
  (exit 2), as with a locked DuckDB file;
- a run that fails or is killed writes nothing back (its lock goes with its
  connection): STATE stays as it was;
- the key names what is checked: the product, its table and SOURCE as given.

What it costs: the file travels both ways on every run (about 55 MB per 10M
keys of a uniqueness check). The password of the URL never reaches output
(scaffolder.pgurl.describe).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

from scaffolder.checks.incremental.state import StateError
from scaffolder.checks.sources import first_line
from scaffolder.extras import require
from scaffolder.fsutil import atomic_write
from scaffolder.pgurl import describe

TABLE = "scaffolder_check_state"
SCHEMA = (f"CREATE TABLE IF NOT EXISTS {TABLE} (key TEXT PRIMARY KEY, generation BIGINT NOT NULL, "
          "body BYTEA NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())")
CREATE_LOCK = 7242020  # one creator of the table at a time (the health store's tables take 7242019)


def key_of(product: str, source: str) -> str:
    """The row a run reads and writes: what it checks, as the user names it (not a runner's path)."""
    return f"{product}\n{source}"


@contextlib.contextmanager
def checked_out(url: str, key: str) -> Iterator[str]:
    """A local STATE file holding the row `key` of the database at `url` (empty: none yet); written
    back when the block ends without an exception. Raises StateError (exit 2) when the database
    cannot be reached or another run holds the key."""
    psycopg = require("psycopg", "postgres", "STATE in PostgreSQL (--state postgresql://...)")
    where = describe(url)
    try:
        con = psycopg.connect(url, connect_timeout=10, autocommit=True)
    except psycopg.Error as exc:
        raise StateError(f"cannot connect to the state database {where}: {first_line(exc)}") from None
    folder = tempfile.mkdtemp(prefix="scaffolder-state-")
    try:
        with con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s)", [CREATE_LOCK])
            con.execute(SCHEMA)
        held = con.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [key]).fetchone()
        if not (held and held[0]):
            raise StateError(f"{where}: the STATE of {key.splitlines()[0]!r} is in use by another run; run "
                             "again when it has finished")
        path = os.path.join(folder, "state.duckdb")
        row = con.execute(f"SELECT generation, body FROM {TABLE} WHERE key = %s", [key]).fetchone()
        if row is not None:
            atomic_write(path, bytes(row[1]))
        yield path
        _write_back(con, key, path, None if row is None else int(row[0]))
    except psycopg.Error as exc:
        raise StateError(f"the state database {where}: {first_line(exc)}") from None
    finally:
        con.close()  # releases the key's lock
        shutil.rmtree(folder, ignore_errors=True)


def _write_back(con: Any, key: str, path: str, generation: int | None) -> None:
    """The run's STATE file as the key's row, in one statement (the lock kept other runs out)."""
    with open(path, "rb") as fh:
        body = fh.read()
    if generation is None:
        con.execute(f"INSERT INTO {TABLE} (key, generation, body) VALUES (%s, 1, %s)", [key, body])
    else:
        con.execute(f"UPDATE {TABLE} SET body = %s, generation = generation + 1, updated_at = now() "
                    "WHERE key = %s AND generation = %s", [body, key, generation])
