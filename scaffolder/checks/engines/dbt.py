"""The dbt engine: the same checks, run through the adapter of a dbt profile.

`--engine dbt --dbt-project DIR [--profiles-dir DIR] [--target prod]` loads
the project and its profile as dbt itself would (dbt-core's Python API), so
every warehouse dbt reaches (Postgres, Snowflake, BigQuery, Databricks,
Redshift, DuckDB, ...) is checked with the credentials the domain already
has. `--data` names one relation of the target (`schema.table`, `table` in the
target's schema, or `database.schema.table`); the statements read only it.

Contract values are bound through the adapter's cursor where dbt exposes a
driver that binds them (Postgres: psycopg2's named `%(p1)s`; DuckDB: `$1`);
other adapters get escaped literals of their dialect (checks.literals), never
formatted text. Each adapter's session is set to UTC (naive bounds and
freshness read as UTC, as on DuckDB) and, where the warehouse allows it, to
read-only transactions.

dbt keeps its adapters in a process-wide registry, so one DbtEngine is open
at a time in a process (close it before opening the next).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scaffolder.checks.dialects import (
    BIGQUERY,
    DATABRICKS,
    DUCKDB,
    POSTGRES,
    SNOWFLAKE,
    SPARK,
    TRINO,
    Dialect,
)
from scaffolder.checks.engines.base import Engine
from scaffolder.checks.guards import SourceError
from scaffolder.checks.sources import Source, first_line
from scaffolder.errors import UsageError
from scaffolder.extras import MissingExtra, require

PURPOSE = "running checks through a dbt profile (--engine dbt)"
CONNECTION = "scaffolder-test"


def _pyformat_ident(name: str) -> str:
    """A Postgres identifier for psycopg2's pyformat: `%` doubled, so no name reads as a marker."""
    return ('"' + name.replace('"', '""') + '"').replace("%", "%%")


@dataclass(frozen=True)
class Adapter:
    """What the checks need to know about one dbt adapter type."""

    dialect: Dialect
    bind: bool  # values bound through the adapter's cursor (else inlined literals)
    bound_quote: Callable[[str], str] | None = None  # identifier quoting when values are bound (psycopg2: `%%`)
    extra: str | None = None  # our extra that installs it (None: `pip install dbt-<type>`)
    setup: tuple[str, ...] = ()  # session settings, committed before any check runs


ADAPTERS: dict[str, Adapter] = {
    "postgres": Adapter(POSTGRES, True, _pyformat_ident, "postgres",
                        ("SET TIME ZONE 'UTC'", "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")),
    "duckdb": Adapter(DUCKDB, True, None, "dbt", ("SET TimeZone = 'UTC'",)),
    "redshift": Adapter(replace(POSTGRES, name="redshift"), False, None, None,
                        ("SET TIME ZONE 'UTC'",)),
    "snowflake": Adapter(SNOWFLAKE, False, None, None,
                         ("ALTER SESSION SET TIMEZONE = 'UTC'",)),
    "bigquery": Adapter(BIGQUERY, False),  # BigQuery's sessions are UTC
    "databricks": Adapter(DATABRICKS, False, None, None, ("SET TIME ZONE 'UTC'",)),
    "spark": Adapter(SPARK, False, None, None, ("SET TIME ZONE 'UTC'",)),
    "trino": Adapter(TRINO, False, None, None, ("SET TIME ZONE 'UTC'",)),
}

# A relation name part: no quote, dot, space or control character, so it reads the same quoted or
# not (dbt's catalog macros interpolate names into their SQL).
_NAME = re.compile(r"^[^\W\d][\w$]*$")

# Postgres SQLSTATE classes (the first two characters) said in our words.
SQLSTATES: tuple[tuple[str, str], ...] = (
    ("42883", "the check does not fit the column's type in the data"),  # undefined function/operator
    ("42804", "the check does not fit the column's type in the data"),  # datatype mismatch
    ("2201B", "the regex is not valid in this warehouse's regex dialect"),
    ("22", "a value in the data cannot be converted to the type the check needs"),
    ("53", "the warehouse ran out of a resource (memory, disk, connections)"),
    ("57", "the query was cancelled by the warehouse"),
)


class RelationSource(Source):
    """A relation of the warehouse: its columns have declared types."""

    @property
    def typed(self) -> bool:
        return True


class DbtEngine(Engine):
    name = "dbt"

    def __init__(self, project_dir: str = ".", profiles_dir: str | None = None, target: str | None = None,
                 profile: str | None = None, bind: bool | None = None) -> None:
        if not (Path(project_dir) / "dbt_project.yml").is_file():
            raise UsageError(f"{project_dir}: no dbt_project.yml (--dbt-project names the dbt project folder)")
        require("dbt.adapters.factory", "dbt", PURPOSE)
        from dbt_common.events.event_manager import EventManager
        from dbt_common.events.event_manager_client import ctx_set_event_manager, get_event_manager
        from dbt_common.exceptions import DbtRuntimeError

        self.errors = (DbtRuntimeError,)
        self._stack = ExitStack()
        self._events = get_event_manager()
        ctx_set_event_manager(EventManager())  # dbt prints to stdout by default; our report owns it
        self._stack.callback(ctx_set_event_manager, self._events)
        try:
            self.adapter, self.config = _load(project_dir, profiles_dir, target, profile)
            self._stack.callback(_release, self.adapter)
            kind = self.adapter.type()
            spec = ADAPTERS.get(kind)
            if spec is None:
                raise UsageError(f"dbt adapter {kind!r} is not supported by --engine dbt "
                                 f"(one of {', '.join(sorted(ADAPTERS))})")
            self.spec = spec
            self.bind = spec.bind if bind is None else bind
            if self.bind:  # names quoted so the driver's formatting gives them back unchanged
                self.dialect = replace(spec.dialect, quote=spec.bound_quote) if spec.bound_quote else spec.dialect
            else:  # nothing formats the text afterwards: the dialect's plain quoting
                self.dialect = replace(spec.dialect, inline=True)
            self._stack.enter_context(self.adapter.connection_named(CONNECTION))
        except BaseException:
            self._stack.close()
            raise

    def open(self, source: str, fmt: str | None, text_columns: list[str]) -> Source:
        if fmt is not None:
            raise UsageError("--source-format does not apply to --engine dbt: --data names a relation "
                             "(schema.table) of the dbt target")
        database, schema, table = self._parts(source)
        try:
            for statement in self.spec.setup:
                self._run(statement, None)
            self.adapter.commit_if_has_connection()
            self.adapter.cache.clear()  # dbt caches a schema's relations once listed: ask the warehouse
            found = self.adapter.get_relation(database, schema, table)
            if found is None:
                raise SourceError(f"{source}: no such relation in dbt target {self.config.target_name!r} "
                                  f"(looked for {database}.{schema}.{table})")
            columns = self.adapter.get_columns_in_relation(found)
        except self.errors as exc:
            raise SourceError(f"{source}: cannot be read through dbt target {self.config.target_name!r}: "
                              f"{self.in_our_words(exc)[1]}") from exc
        parts = [p for p in (found.database, found.schema, found.identifier) if p]
        if self.spec.dialect.name == "postgres" and len(parts) == 3:
            parts = parts[1:]  # Postgres reads only the connected database: schema.table says it
        self.relation = ".".join(self.dialect.ident(p) for p in parts)
        kind = self.adapter.type()
        return RelationSource(source, "table", columns={c.name: duckdb_type(c, kind) for c in columns})

    def _parts(self, source: str) -> tuple[str, str, str]:
        parts = source.split(".")
        if not 1 <= len(parts) <= 3 or not all(_NAME.match(p) for p in parts):
            raise SourceError(f"{source}: with --engine dbt, --data is a relation of the target: schema.table, "
                              "table or database.schema.table (letters, digits, `_`, `$`); for another name, "
                              "make a view")
        creds = self.config.credentials
        if len(parts) == 1:
            return creds.database, creds.schema, parts[0]
        if len(parts) == 2:
            return creds.database, parts[0], parts[1]
        return parts[0], parts[1], parts[2]

    def execute(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self._run(sql, params)

    def run_query(self, sql: str) -> list[tuple[Any, ...]]:
        """A `sql` rule's query as written: psycopg2 formats every statement it binds, so `%` is doubled."""
        return self._run(sql.replace("%", "%%") if self.bind and self.dialect.named else sql, None)

    def _run(self, sql: str, params: list[Any] | dict[str, Any] | None) -> list[tuple[Any, ...]]:
        manager = self.adapter.connections
        if not hasattr(manager, "add_query"):  # not a DB-API adapter (BigQuery): literals only
            _, table = self.adapter.execute(sql, fetch=True)
            return [tuple(row) for row in table.rows]
        bindings: Any = None
        if self.bind:  # psycopg2 reads `%%` as `%` only when it formats: always give it the values
            bindings = params if params else ({} if self.dialect.named else None)
        _, cursor = manager.add_query(sql, auto_begin=True, bindings=bindings)
        if cursor.description is None:
            return []
        return [tuple(row) for row in cursor.fetchall()]

    def close(self) -> None:
        self._stack.close()

    def in_our_words(self, exc: BaseException) -> tuple[str, str]:
        cause = exc.__cause__ or exc
        detail = first_line(cause)
        try:
            import duckdb

            if isinstance(cause, duckdb.Error):
                return super().in_our_words(cause)
        except ImportError:
            pass
        code = getattr(cause, "pgcode", None) or ""
        for prefix, message in SQLSTATES:
            if code.startswith(prefix):
                return message, detail
        from scaffolder.checks.engine_errors import FALLBACK

        return FALLBACK, detail


def _load(project_dir: str, profiles_dir: str | None, target: str | None, profile: str | None) -> tuple[Any, Any]:
    """The project's RuntimeConfig and its registered adapter, with dbt's own macros (for catalog queries)."""
    from argparse import Namespace

    import dbt.flags as flags
    from dbt.adapters.factory import get_adapter, register_adapter
    from dbt.config.runtime import RuntimeConfig
    from dbt.context.providers import generate_runtime_macro_context
    from dbt.mp_context import get_mp_context
    from dbt.parser.manifest import ManifestLoader
    from dbt_common.context import set_invocation_context
    from dbt_common.exceptions import DbtRuntimeError

    set_invocation_context(dict(os.environ))  # what env_var() in profiles.yml reads
    args = Namespace(project_dir=str(project_dir), profiles_dir=str(profiles_dir or project_dir),
                     target=target, profile=profile, threads=None)
    if profiles_dir is None and not (Path(project_dir) / "profiles.yml").is_file():
        from dbt.cli.resolvers import default_profiles_dir

        args.profiles_dir = str(default_profiles_dir())
    try:
        flags.set_from_args(args, {})
        config = RuntimeConfig.from_args(args)
        register_adapter(config, get_mp_context())
    except DbtRuntimeError as exc:
        missing = re.search(r"Could not find adapter type (\w+)", str(exc))
        if missing:
            raise _missing_adapter(missing.group(1)) from exc
        raise UsageError(f"{project_dir}: dbt cannot load the project or its profile: "
                         f"{' '.join(str(exc).split())}") from exc
    adapter = get_adapter(config)
    manifest = ManifestLoader.load_macros(config, adapter.connections.set_query_header, base_macros_only=True)
    adapter.set_macro_resolver(manifest)
    adapter.set_macro_context_generator(generate_runtime_macro_context)
    return adapter, config


def _missing_adapter(kind: str) -> MissingExtra:
    spec = ADAPTERS.get(kind)
    if spec is not None and spec.extra:
        return MissingExtra(f"{PURPOSE} on a {kind} profile needs the {spec.extra} extra: "
                            f"pip install 'datamesh-scaffolder[{spec.extra}]' (dbt-{kind} is not installed)")
    return MissingExtra(f"{PURPOSE} on a {kind} profile needs dbt's {kind} adapter: pip install dbt-{kind}")


def _release(adapter: Any) -> None:
    from dbt.adapters.factory import reset_adapters

    with suppress(Exception):  # the connection may be gone already; there is nothing to keep
        adapter.connections.rollback_if_open()
    adapter.cleanup_connections()
    manager = type(adapter.connections)
    env = getattr(manager, "_ENV", None)  # dbt-duckdb keeps the database open for the process: close it
    if env is not None:
        with suppress(Exception):
            env.close()
    if hasattr(manager, "close_all_connections"):
        manager.close_all_connections()
    reset_adapters()


_DUCKDB_SPELLING = {"INT": "INTEGER", "INT4": "INTEGER", "INT8": "BIGINT", "INT2": "SMALLINT", "REAL": "FLOAT",
                    "FLOAT4": "FLOAT", "FLOAT8": "DOUBLE", "TEXT": "VARCHAR", "STRING": "VARCHAR",
                    "TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE", "BOOL": "BOOLEAN", "BYTEA": "BLOB",
                    "DECIMAL": "DOUBLE"}


def duckdb_type(column: Any, adapter: str) -> str:
    """A warehouse column's type in DuckDB's spelling, which checks.conform reads.

    An unconstrained NUMERIC (any precision) is compared as a DOUBLE: it has no
    DECIMAL(p, s) to conform to.
    """
    if adapter == "duckdb":
        return str(column.dtype).upper()
    precision = getattr(column, "numeric_precision", None)
    if str(column.dtype).lower() in ("numeric", "decimal") and precision:
        return f"DECIMAL({int(precision)},{int(getattr(column, 'numeric_scale', 0) or 0)})"
    try:
        from sqlglot import exp

        spelled = exp.DataType.build(str(column.data_type), dialect=ADAPTERS[adapter].dialect.name).sql("duckdb")
    except (ImportError, ValueError, exp.ParseError):  # a type sqlglot does not know: keep the warehouse's name
        spelled = str(column.dtype)
    spelled = spelled.upper()
    base = re.sub(r"\(.*\)$", "", spelled) if spelled.startswith(("VARCHAR", "CHAR", "TEXT")) else spelled
    if base.startswith("CHAR"):
        base = "VARCHAR"
    return _DUCKDB_SPELLING.get(base, base)
