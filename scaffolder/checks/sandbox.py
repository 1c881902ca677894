"""A DuckDB connection that can read the named data and nothing else.

A `.duckdb` file is code as much as data: its views run in our process, and
a view over `read_text('/proc/self/environ')` would hand our tokens to the
report. So every connection starts with extension autoloading and
autoinstalling off (a SQLite file named `.duckdb` would otherwise make DuckDB
download the sqlite extension), and once the source is known, external access
is switched off except for exactly the source's files, and the configuration
is locked so that nothing run later (a view, a macro) can switch it back.
"""

from __future__ import annotations

import os
from typing import Any

# Set at connect time: they must hold before anything is attached or read.
CONNECT_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}


def connect() -> Any:
    """An in-memory DuckDB connection that neither installs nor loads extensions."""
    import duckdb

    return duckdb.connect(":memory:", config=dict(CONNECT_CONFIG))


def allow_only(con: Any, paths: list[str]) -> None:
    """From now on, only `paths` (as given and resolved, plus a database's WAL) can be read."""
    from scaffolder.checks.guards import escape_glob
    from scaffolder.checks.sql import literal

    allowed: set[str] = set()
    for p in paths:
        for form in (p, os.path.abspath(p), os.path.realpath(p)):
            allowed.update((form, form + ".wal", escape_glob(form)))  # file_list escapes names
    con.execute(f"SET allowed_paths = [{', '.join(literal(a) for a in sorted(allowed))}]")
    con.execute("SET enable_external_access = false")


def lock(con: Any) -> None:
    """No setting can change any more on this connection (`SET`, `RESET`, a view's side effects)."""
    con.execute("SET lock_configuration = true")
