"""The Spark engine: the same checks, on PySpark (local, or a cluster through Spark Connect).

SOURCE is what Spark reads: Parquet/CSV/JSON/NDJSON paths and globs (local
or object-store URIs), `--source-format delta|iceberg` when the session has
them, or a table name of the session's catalog (`catalog.schema.table`). It
becomes the temp view `RELATION`; the checks run as one aggregate statement
plus one pass for uniqueness (`_duplicate_counts`), with contract values as named
parameters (`spark.sql(sql, args=...)`) and identifiers back-quoted.

The session runs with `spark.sql.session.timeZone=UTC` (naive bounds and
`--now` read as UTC, as on DuckDB) and case-sensitive names (columns are
matched exactly, as the contract names them). Regexes are Java regexes here
(RE2 on DuckDB): the few constructs they disagree on are said in the check's
message.
"""

from __future__ import annotations

import importlib
import os
import re
import socket
import warnings
from typing import Any

from scaffolder.checks.compile import Check, not_all_null
from scaffolder.checks.dialects import SPARK
from scaffolder.checks.engines.base import Engine
from scaffolder.checks.guards import SourceError
from scaffolder.checks.sources import RELATION, Source, first_line
from scaffolder.errors import UsageError
from scaffolder.extras import PACKAGE, MissingExtra, require

PURPOSE = "running checks on Spark (--engine spark)"
FILE_FORMATS = {"parquet", "csv", "json", "ndjson"}
_EXTENSIONS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "csv", ".json": "json",
               ".ndjson": "ndjson", ".jsonl": "ndjson", ".csv.gz": "csv", ".json.gz": "json",
               ".ndjson.gz": "ndjson", ".jsonl.gz": "ndjson"}
_TABLE_NAME = re.compile(r"^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}$|^(`[^`]+`)(\.`[^`]+`){0,2}$")
CONF = {  # what the checks mean: set on every session, the caller's and a cluster's too
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.caseSensitive": "true",
    "spark.sql.ansi.enabled": "false",  # a value that does not cast is NULL, as in the other dialects' TRY_CAST
    "spark.sql.timestampType": "TIMESTAMP_NTZ",  # CSV/JSON timestamps without offset are naive, as DuckDB reads them
}
LOCAL_CONF = {  # tuning of a local session we start (a cluster keeps its own: 8 partitions would starve it)
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",  # no progress bars over the report on stderr
    "spark.sql.shuffle.partitions": "8",
}


def session(master: str = "local[*]", remote: str | None = None) -> Any:
    """A SparkSession: Spark Connect at `remote` (sc://HOST:PORT), else a local one at `master`."""
    sql = require("pyspark.sql", "spark", PURPOSE)
    if remote:
        _connect_client()
        _reachable(remote)
    builder = sql.SparkSession.builder.appName("scaffolder-test")
    builder = builder.remote(remote) if remote else builder.master(master)
    for key, value in (CONF if remote else {**CONF, **LOCAL_CONF}).items():
        builder = builder.config(key, value)
    errors = require("pyspark.errors", "spark", PURPOSE)
    try:
        return builder.getOrCreate()
    except errors.PySparkException as exc:
        where = f"the Spark Connect server at {_where(remote)}" if remote else f"a Spark session at {master}"
        raise UsageError(f"cannot start {where}: {first_line(exc)}") from exc


def _connect_client() -> None:
    """The Connect client's own packages (gRPC, protobuf, Arrow), which plain `pyspark` lacks."""
    with warnings.catch_warnings():  # PySpark's "pandas >= 3 not fully supported" is not the user's concern
        warnings.simplefilter("ignore", FutureWarning)
        try:
            importlib.import_module("pyspark.sql.connect.session")
        except ImportError as exc:
            raise MissingExtra(f"{PURPOSE} through Spark Connect needs the spark extra: pip install "
                               f"'{PACKAGE}[spark]' ({first_line(exc)})") from exc


def _address(remote: str) -> tuple[str, int]:
    """HOST and PORT of a Spark Connect URL (sc://HOST:PORT/;params: a token may be a param, never shown)."""
    from urllib.parse import urlsplit

    scheme = remote.split("://", 1)[0][:20] + "://" if "://" in remote else "no scheme"
    bad = UsageError(f"--spark-remote must be a Spark Connect URL, sc://HOST:PORT (this one has {scheme!r})")
    if not remote.startswith("sc://"):
        raise bad
    try:
        url = urlsplit("tcp://" + remote[5:].split("/", 1)[0])
        host, port = url.hostname, url.port or 15002
    except ValueError as exc:
        raise bad from exc
    if not host:
        raise bad
    return host, port


def _where(remote: str) -> str:
    host, port = _address(remote)
    return f"sc://{host}:{port}" if ":" not in host else f"sc://[{host}]:{port}"


def _reachable(remote: str, timeout: float = 10.0) -> None:
    """Fail fast on a server that is not there: the Connect client itself retries for minutes."""
    try:
        socket.create_connection(_address(remote), timeout=timeout).close()
    except OSError as exc:
        raise UsageError(f"cannot reach the Spark Connect server at {_where(remote)}: "
                         f"{exc.strerror or exc}") from exc


def spark_type(simple: str) -> str:
    """A Spark type (`simpleString`) in DuckDB's spelling, which checks.conform reads."""
    t = simple.strip().lower()
    plain = {"tinyint": "TINYINT", "byte": "TINYINT", "smallint": "SMALLINT", "short": "SMALLINT",
             "int": "INTEGER", "integer": "INTEGER", "bigint": "BIGINT", "long": "BIGINT", "float": "FLOAT",
             "double": "DOUBLE", "string": "VARCHAR", "boolean": "BOOLEAN", "date": "DATE",
             "timestamp": "TIMESTAMP WITH TIME ZONE", "timestamp_ltz": "TIMESTAMP WITH TIME ZONE",
             "timestamp_ntz": "TIMESTAMP", "binary": "BLOB", "void": "NULL"}
    if t in plain:
        return plain[t]
    if t.startswith(("varchar(", "char(")):
        return "VARCHAR"
    if t.startswith("decimal("):
        return t.upper().replace(" ", "")
    if t.startswith("array<") and t.endswith(">"):
        return spark_type(t[6:-1]) + "[]"
    if t.startswith("map<") and t.endswith(">"):
        k, v = _split(t[4:-1])
        return f"MAP({spark_type(k)}, {spark_type(v)})"
    if t.startswith("struct<") and t.endswith(">"):
        parts = [p.split(":", 1) for p in _split_all(simple.strip()[7:-1])]
        return "STRUCT(" + ", ".join(f"{n} {spark_type(x)}" for n, x in parts) + ")"
    return simple.upper()


def _split_all(text: str) -> list[str]:
    """Top-level comma-separated parts (types nest in <...> and (...))."""
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += 1 if ch in "<(" else -1 if ch in ">)" else 0
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [*out, cur] if cur else out


def _split(text: str) -> tuple[str, str]:
    k, v = _split_all(text)
    return k, v


class SparkEngine(Engine):
    name = "spark"
    dialect = SPARK

    def __init__(self, master: str = "local[*]", remote: str | None = None, spark: Any = None) -> None:
        errors = require("pyspark.errors", "spark", PURPOSE)
        self.errors = (errors.PySparkException, *_py4j_errors())
        if spark is None and not remote:  # a session already running in this process is the caller's
            spark = require("pyspark.sql", "spark", PURPOSE).SparkSession.getActiveSession()
        self.own = spark is None
        self.spark = spark if spark is not None else session(master, remote)
        if not self.own:
            for key, value in CONF.items():
                self.spark.conf.set(key, value)
        self.cached: list[Any] = []  # the text sources' parsed rows, released at close()
        self.floats: set[str] = set()  # float columns: their keys are grouped, never hashed (-0.0 = 0.0)

    def open(self, source: str, fmt: str | None, text_columns: list[str]) -> Source:
        kind = fmt or _detect(source)
        try:
            df = self._read(source, kind, text_columns)
            df.createOrReplaceTempView(RELATION)
            columns = {f.name: spark_type(f.dataType.simpleString()) for f in df.schema.fields}
        except self.errors as exc:
            raise SourceError(f"{source}: cannot be read by Spark: {first_line(exc)}") from exc
        return Source(source, kind, columns=columns)

    def read_files(self, paths: list[str], kind: str, text_columns: list[str], view: str) -> dict[str, str]:
        """Files of one format as the temp view `view` (incremental runs: the new files, or every file);
        their columns (name -> Spark's `simpleString` type). Errors are the engine's (`errors`)."""
        df = self._read(paths, kind, text_columns)
        df.createOrReplaceTempView(view)
        return {f.name: f.dataType.simpleString() for f in df.schema.fields}

    def _read(self, source: str | list[str], kind: str, text_columns: list[str]) -> Any:
        reader = self.spark.read
        paths = [source] if isinstance(source, str) else source
        if kind == "table":
            return self.spark.table(source)
        if kind in ("delta", "iceberg"):
            return reader.format(kind).load(source)
        if kind == "parquet":
            return reader.parquet(*paths)
        if kind == "csv":
            opts = {"header": "true", "inferSchema": "true", "escape": '"', "sep": "\t" if paths[0].lower().endswith(
                (".tsv", ".tsv.gz")) else ","}
            sniffed = reader.options(**opts).csv(paths)
            wanted = [c for c in text_columns if c in sniffed.columns]
            if wanted:  # contract strings stay text: `007` is not the integer 7
                from pyspark.sql.types import StringType, StructField, StructType

                schema = StructType([StructField(f.name, StringType() if f.name in wanted else f.dataType, True)
                                     for f in sniffed.schema.fields])
                sniffed = reader.options(**{**opts, "inferSchema": "false"}).schema(schema).csv(paths)
            self.cached.append(sniffed.cache())  # text is parsed once: the scan and the uniqueness pass reuse it
            return self.cached[-1]
        if kind in ("json", "ndjson"):
            df = reader.option("multiLine", "true" if kind == "json" else "false").json(paths)
            self.cached.append(_sniff_temporal(df, text_columns).cache())
            return self.cached[-1]
        raise SourceError(f"{source}: Spark cannot read format {kind!r} (parquet, csv, json, ndjson, delta, "
                          "iceberg, or a table name)")

    def prepare(self, checks: list[Check]) -> None:
        self.floats = {name for c in checks for name, col in c.cols.items() if col.is_float}

    def _duplicate_counts(self, keys: list[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
        """Each single-column key (not of floats) with the compound keys it leads: one hashed pass
        (`hashed_family_statement`); the keys left: distributed by a shared column, else GROUPING SETS.

        Distributed by the shared column, every key's GROUP BY finds its rows in place: no
        expand, no partial aggregation (Spark's GROUPING SETS plan expands each row once per key
        and pre-aggregates near-unique keys for nothing before it shuffles).
        """
        found: dict[tuple[str, ...], int] = {}
        rest = list(keys)
        for lead in [k[0] for k in keys if len(k) == 1 and k[0] not in self.floats]:
            family = [k for k in rest if lead in k]
            if (lead,) not in family:
                continue  # led by an earlier single already
            rows = self.execute(hashed_family_statement(lead, family, self.relation))
            found.update({family[int(i)]: int(n or 0) for i, n in rows})
            rest = [k for k in rest if k not in family]
        if not rest:
            return found
        shared = [c for c in rest[0] if all(c in k for k in rest[1:])]
        if not shared:
            return {**found, **super()._duplicate_counts(rest)}
        return {**found, **{rest[int(i)]: int(n or 0)
                            for i, n in self.execute(shared_key_statement(rest, shared, self.relation))}}

    def execute(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        args = params or None
        if isinstance(args, list):
            raise TypeError("Spark takes named parameters")
        return [tuple(row) for row in self.spark.sql(sql, args=args).collect()]

    def uncache(self) -> None:
        for df in self.cached:
            df.unpersist()
        self.cached = []

    def close(self) -> None:
        self.uncache()
        if self.own:
            self.spark.stop()


HASH = "xxhash64({})"  # of a key column; tests swap in hashes that collide more


def hashed_family_statement(lead: str, family: list[tuple[str, ...]], relation: str) -> str:
    """Rows of (key index, duplicate members) for the single key `lead` and the compound keys containing it.

    One shuffle of 8-byte hashes instead of one (or two) of the key values: the rows whose
    xxhash64(lead) repeats are the candidates (a duplicate's rows all hash alike; a collision
    only adds candidates), joined back by that hash, and every key of the family is grouped
    exactly among them. A compound key repeats only where `lead` repeats, or among rows whose
    `lead` is null (their hash, xxhash64's seed, then repeats too; `<=>` keeps a null hash). Measured at 10M rows, a primary key
    and a compound key on Spark local[2]: ~20 CPU-seconds against ~42 for grouping both.
    """
    d = SPARK
    columns = list(dict.fromkeys(c for k in family for c in k))
    names = ", ".join(f"r.{d.ident(c)}" for c in columns)
    col = d.ident(lead)
    hashes = f"SELECT h FROM (SELECT {HASH.format(col)} AS h FROM {relation}) x GROUP BY h HAVING count(*) > 1"
    candidates = (f"SELECT {names} FROM {relation} r LEFT SEMI JOIN ({hashes}) hh "
                  f"ON {HASH.format('r.' + col)} <=> hh.h")  # a hash of null may be null
    branches = []
    for i, key in enumerate(family):
        cols = ", ".join(map(d.ident, key))
        branches.append(f"SELECT {i} AS k, sum(n) FROM (SELECT count(*) AS n FROM c WHERE {not_all_null(key, d)} "
                        f"GROUP BY {cols} HAVING count(*) > 1) d{i}")
    return f"WITH c AS ({candidates}) " + " UNION ALL ".join(branches)


def shared_key_statement(keys: list[tuple[str, ...]], shared: list[str], relation: str) -> str:
    """Rows of (key index, duplicate members) for keys that all contain the `shared` columns.

    The rows are distributed by `shared` once (DISTRIBUTE BY: plain SQL, any column name);
    `f` counts the rows of each group of all the keys' columns; each key sums those counts
    over its own groups (a key that is all the columns reads `f` directly). Every GROUP BY
    contains `shared`, so none needs another shuffle. (Spark's optimizer gives each branch
    only its own key's columns, so each branch shuffles its own narrow rows once.) Groups
    whose key columns are all null are left out.
    """
    d = SPARK
    columns = list(dict.fromkeys(c for k in keys for c in k))
    n, s = (_unused(a, columns) for a in ("n", "s"))  # counts' names that no column has
    names = ", ".join(map(d.ident, columns))
    rows = (f"SELECT {names}, count(*) AS {n} FROM (SELECT {names} FROM {relation} "
            f"DISTRIBUTE BY {', '.join(map(d.ident, shared))}) r GROUP BY {names}")
    branches = []
    for i, key in enumerate(keys):
        if set(key) == set(columns):
            counts, size = "f", n
        else:
            cols = ", ".join(map(d.ident, key))
            counts, size = f"(SELECT {cols}, sum({n}) AS {s} FROM f GROUP BY {cols}) k", s
        branches.append(f"SELECT {i} AS k, sum(CASE WHEN {size} > 1 AND {not_all_null(key, d)} THEN {size} END) "
                        f"FROM {counts}")
    return f"WITH f AS ({rows}) " + " UNION ALL ".join(branches)


def _unused(name: str, columns: list[str]) -> str:
    while name in columns or name.lower() in (c.lower() for c in columns):
        name += "_"
    return name


def _sniff_temporal(df: Any, text_columns: list[str]) -> Any:
    """JSON has no date type: a text column whose every value is an ISO date (or timestamp without
    offset) becomes DATE (TIMESTAMP_NTZ), as DuckDB's JSON reader types it. Contract strings stay text."""
    from pyspark.sql import functions as F

    candidates = [f.name for f in df.schema.fields
                  if f.dataType.simpleString() == "string" and f.name not in text_columns]
    if not candidates:
        return df
    date_re, ts_re = r"^\d{4}-\d{2}-\d{2}$", r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"
    probes = []
    for name in candidates:
        col = F.col(f"`{name.replace('`', '``')}`")
        probes += [F.count(col), F.count(F.when(col.rlike(date_re), 1)), F.count(F.when(col.rlike(ts_re), 1))]
    counts = df.agg(*probes).first()
    casts = {}
    for i, name in enumerate(candidates):
        total, dates, stamps = counts[3 * i], counts[3 * i + 1], counts[3 * i + 2]
        if total and dates == total:
            casts[name] = "date"
        elif total and stamps == total:
            casts[name] = "timestamp_ntz"
    if not casts:
        return df
    return df.select(*[F.col(f"`{f.name.replace('`', '``')}`").cast(casts[f.name]).alias(f.name)
                       if f.name in casts else F.col(f"`{f.name.replace('`', '``')}`") for f in df.schema.fields])


def _py4j_errors() -> tuple[type[BaseException], ...]:
    """A Java exception Spark did not translate (local sessions only; Spark Connect has no py4j)."""
    try:
        from py4j.protocol import Py4JJavaError
    except ImportError:
        return ()
    return (Py4JJavaError,)


def _detect(text: str) -> str:
    """A file format from the extension; a catalog table name when there is no path and no extension."""
    name = text.lower()
    for ext in sorted(_EXTENSIONS, key=len, reverse=True):
        if name.endswith(ext):
            return _EXTENSIONS[ext]
    if os.path.isdir(text):
        if os.path.isdir(os.path.join(text, "_delta_log")):
            return "delta"
        if os.path.isdir(os.path.join(text, "metadata")):
            return "iceberg"
        return "parquet"  # a folder of Parquet files, as Spark writes them
    if _TABLE_NAME.match(text) and "/" not in text:
        return "table"
    raise SourceError(f"{text}: cannot tell the format from the extension; pass --source-format "
                      "(parquet, csv, json, ndjson, delta, iceberg) or a table name (catalog.schema.table)")
