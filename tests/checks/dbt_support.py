"""dbt projects for the dbt engine's tests: one on a DuckDB file, one on the test PostgreSQL server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PG_TYPES = {"VARCHAR": "TEXT", "DOUBLE": "DOUBLE PRECISION", "DATE": "DATE", "TIMESTAMP": "TIMESTAMP",
            "INTEGER": "INTEGER", "TIMESTAMPTZ": "TIMESTAMPTZ"}
PASSWORD_ENV = "SCAFFOLDER_TEST_PG_PASSWORD"


def project(folder: Path, output: str) -> Path:
    """A dbt project `folder` whose profile `wh` has one target, `prod` (YAML text `output`)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dbt_project.yml").write_text('name: wh\nversion: "1.0"\nprofile: wh\n')
    body = "\n".join("      " + line for line in output.strip().splitlines())
    (folder / "profiles.yml").write_text(f"wh:\n  target: prod\n  outputs:\n    prod:\n{body}\n")
    return folder


def duckdb_project(folder: Path, database: Path) -> Path:
    return project(folder, f"type: duckdb\npath: '{database}'\nschema: main\nthreads: 1")


def postgres_project(folder: Path, pg: Any, dbname: str, user: str) -> Path:
    return project(folder, f"type: postgres\nhost: {pg.host}\nport: {pg.port}\nuser: {user}\n"
                           f"password: \"{{{{ env_var('{PASSWORD_ENV}') }}}}\"\ndbname: {dbname}\n"
                           "schema: public\nthreads: 1")


def pg_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_pg(dsn: str, table: str, columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]) -> None:
    """CREATE TABLE `table` (schema.table, quoted here) with (name, DuckDB type) columns, then the rows."""
    import psycopg

    name = ".".join(pg_ident(p) for p in table.split("."))
    cols = ", ".join(f"{pg_ident(c)} {PG_TYPES.get(t, t)}" for c, t in columns)
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute(f"CREATE TABLE {name} ({cols})")
        with con.cursor() as cur:
            cur.executemany(f"INSERT INTO {name} VALUES ({', '.join('%s' for _ in columns)})", rows)


def pg_rows(dsn: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(dsn) as con:
        return con.execute(sql).fetchall()


PASSWORD = "s3cret-pg-pw"
# DuckDB's type (as DESCRIBE prints it) -> Postgres's, for copying a table across
_PG_FROM_DUCKDB = {"INTEGER": "INTEGER", "BIGINT": "BIGINT", "SMALLINT": "SMALLINT", "VARCHAR": "TEXT",
                   "DOUBLE": "DOUBLE PRECISION", "FLOAT": "REAL", "BOOLEAN": "BOOLEAN", "DATE": "DATE",
                   "TIMESTAMP": "TIMESTAMP", "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ", "TIME": "TIME"}


class PgWarehouse:
    """One PostgreSQL database for dbt tests: role `checker` (password from PASSWORD_ENV) and a dbt project."""

    def __init__(self, pg: Any, folder: Path) -> None:
        pg.create_role("checker", PASSWORD)
        pg.create_database("wh_dbt", owner="checker")
        self.dsn = pg.dsn("wh_dbt", user="checker", password=PASSWORD)
        self.project = postgres_project(folder, pg, "wh_dbt", "checker")
        self.copied: dict[str, str] = {}

    def copy_parquet(self, path: str, schema: str = "parity") -> str:
        """The Parquet file as a Postgres table (once per file); returns schema.table."""
        if path in self.copied:
            return self.copied[path]
        import duckdb
        import psycopg

        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        columns = [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({_lit(path)})").fetchall()]
        rows = con.execute(f"SELECT * FROM read_parquet({_lit(path)})").fetchall()
        con.close()
        table = f"{schema}.t{len(self.copied) + 1}"
        with psycopg.connect(self.dsn, autocommit=True) as pgc:
            pgc.execute(f"CREATE SCHEMA IF NOT EXISTS {pg_ident(schema)}")
        load_pg(self.dsn, table, [(n, _PG_FROM_DUCKDB.get(t, t)) for n, t in columns], rows)
        self.copied[path] = table
        return table


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
