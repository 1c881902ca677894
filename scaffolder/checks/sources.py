"""SOURCE -> a DuckDB view named `RELATION`, whatever the data is stored as.

Files and globs are read by DuckDB's own readers (format from the extension,
or `--source-format`); a DuckDB table (`file.duckdb::schema.table`) is
attached read-only; Delta and Iceberg tables are read through Arrow (the
`deltalake` and `pyiceberg` packages), because DuckDB's delta/iceberg
extensions need a download.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.checks import sandbox
from scaffolder.checks.guards import (
    SourceError,
    check_text,
    check_width,
    data_files,
    escape_glob,
    regular,
)
from scaffolder.checks.sql import ident, literal
from scaffolder.extras import require

__all__ = ["RELATION", "Source", "SourceError", "detect", "open_source"]

RELATION = "__scaffolder_data"
FORMATS = ("parquet", "csv", "json", "ndjson", "duckdb", "delta", "iceberg")
_EXTENSIONS = {
    ".parquet": "parquet", ".pq": "parquet",
    ".csv": "csv", ".tsv": "csv", ".csv.gz": "csv", ".tsv.gz": "csv",
    ".json": "json", ".json.gz": "json",
    ".ndjson": "ndjson", ".jsonl": "ndjson", ".ndjson.gz": "ndjson", ".jsonl.gz": "ndjson",
    ".duckdb": "duckdb", ".ddb": "duckdb", ".db": "duckdb",
}
TYPED = {"parquet", "duckdb", "delta", "iceberg", "table"}  # formats with declared column types (table: Spark's catalog)


@dataclass
class Source:
    text: str
    format: str
    files: list[str] = field(default_factory=list)  # Parquet files, for metadata shortcuts
    keep: list[Any] = field(default_factory=list)  # Arrow objects registered with DuckDB
    columns: dict[str, str] = field(default_factory=dict)  # name -> DuckDB type, as DESCRIBE prints it

    @property
    def typed(self) -> bool:
        return self.format in TYPED


def detect(text: str, fmt: str | None = None) -> str:
    """The format of SOURCE: the override, else `::` (a DuckDB table), a table folder, the extension."""
    if fmt:
        if fmt not in FORMATS:
            raise SourceError(f"unknown source format {fmt!r} (one of {', '.join(FORMATS)})")
        return fmt
    if "::" in text:
        left = text.rsplit("::", 1)[0]
        return "iceberg" if "://" in left else "duckdb"
    p = Path(text)
    if p.is_dir():
        if (p / "_delta_log").is_dir():
            return "delta"
        if (p / "metadata").is_dir():
            return "iceberg"
        raise SourceError(f"{text}: a folder that is neither a Delta table (_delta_log/) nor an Iceberg "
                          "table (metadata/); give a file, a glob, or --source-format")
    name = text.lower()
    for ext in sorted(_EXTENSIONS, key=len, reverse=True):
        if name.endswith(ext):
            return _EXTENSIONS[ext]
    raise SourceError(f"{text}: cannot tell the format from the extension; pass --source-format "
                      f"({', '.join(FORMATS)})")


def file_list(files: list[str]) -> str:
    """A DuckDB list literal of file paths, for table functions (which take no parameters in a view).

    DuckDB globs every path it is given: `data[1].parquet` would read `data1.parquet`. Each of
    `*?[` in a name is therefore written as a one-character class (`[[]`), which matches only itself.
    """
    return "[" + ", ".join(literal(escape_glob(f)) for f in files) + "]"


def open_source(con: Any, text: str, fmt: str | None = None, *, text_columns: list[str] | None = None,
                lock: bool = True) -> Source:
    """Create the view `RELATION` over SOURCE in `con`.

    `text_columns` are read as VARCHAR from CSV (contract strings): the sniffer
    would otherwise turn `007` into the integer 7. Afterwards `con` can read
    only this source's files and its configuration is locked (checks.sandbox);
    `lock=False` leaves the lock to the caller, which must take it before it
    queries the data (run_checks first sets what the planned checks need).
    """
    source = _open(con, text, fmt, text_columns or [])
    if lock:
        sandbox.lock(con)
    return source


def _open(con: Any, text: str, fmt: str | None, text_columns: list[str]) -> Source:
    kind = detect(text, fmt)
    source = Source(text, kind)
    if kind in ("parquet", "csv", "json", "ndjson"):
        files = data_files(text)
        for f in files:
            check_text(f, kind)
        sandbox.allow_only(con, files)
        if kind == "parquet":
            source.files = files
        # text is parsed once into a table: the scan and the uniqueness pass then read columns
        source.columns = _view(con, file_reader(con, kind, files, text_columns), text,
                               materialise=kind != "parquet")
        if any(_RENAMED.fullmatch(c) for c in source.columns):  # DuckDB renames the second of a clash
            _case_clash(text, _stored_names(con, kind, files[0]), source.columns)
    elif kind == "duckdb":
        source.columns = _duckdb(con, text)
    elif kind == "delta":
        sandbox.allow_only(con, [])
        source.columns = _arrow(con, source, _delta(text), text)
    else:
        sandbox.allow_only(con, [])
        source.columns = _arrow(con, source, _iceberg(text), text)
    return source


def file_reader(con: Any, kind: str, files: list[str], text_columns: list[str]) -> str:
    """The DuckDB table function reading `files` of a file format (parquet, csv, json, ndjson)."""
    listing = file_list(files)
    if kind == "parquet":
        return f"read_parquet({listing})"
    if kind == "csv":
        return _csv_reader(con, listing, text_columns)
    if kind == "json":
        return f"read_json_auto({listing})"
    return f"read_json({listing}, format = 'newline_delimited')"


def _view(con: Any, reader: str, text: str, *, materialise: bool = False,
          name: str = RELATION) -> dict[str, str]:
    """`name` (default `RELATION`) over `reader`; its columns (reading them proves the source opens)."""
    import duckdb

    try:
        if materialise:
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {reader}")
        else:
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {reader}")
        columns = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {name}").fetchall()}
    except duckdb.Error as exc:
        raise SourceError(f"{text}: cannot be read: {first_line(exc)}") from exc
    check_width(text, len(columns))
    return columns


_RENAMED = re.compile(r".+_[0-9]+")


def _stored_names(con: Any, kind: str, first: str) -> list[str]:
    """Column names as the file spells them (DuckDB renames `amount` to `amount_1` beside `Amount`)."""
    import duckdb

    try:
        if kind == "parquet":
            rows = con.execute(f"SELECT name, num_children FROM parquet_schema({file_list([first])})").fetchall()
            return _top_level(rows)
        if kind == "csv":
            row = con.execute(f"SELECT * FROM read_csv({file_list([first])}, header = false, "
                              "all_varchar = true) LIMIT 1").fetchone()
            return [str(v) for v in row or ()]
    except duckdb.Error:
        pass  # the data was read already; without the names there is just no clash to report
    return []


def _top_level(rows: list[tuple[Any, ...]]) -> list[str]:
    """The top-level names of a flattened Parquet schema (root first, children after their parent)."""
    names: list[str] = []
    i, top = 1, (rows[0][1] or 0) if rows else 0
    while len(names) < top and i < len(rows):
        names.append(rows[i][0])
        pending = 1
        while pending and i < len(rows):  # this element and everything nested in it
            pending += (rows[i][1] or 0) - 1
            i += 1
    return names


def _case_clash(text: str, names: list[str], columns: dict[str, str]) -> None:
    """Columns that differ only in case cannot be told apart: DuckDB matches names case-insensitively
    (and renames the second); `columns` (what DuckDB kept) tells a header from a first data row."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(name.lower(), name)
        if other != name and other in columns and name not in columns:
            raise SourceError(f"{text}: columns {other!r} and {name!r} differ only in case; the checks run on "
                              "DuckDB, which matches column names case-insensitively, so they cannot be told "
                              "apart: rename one")


def _csv_reader(con: Any, listing: str, text_columns: list[str]) -> str:
    import duckdb

    try:
        sniffed = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_csv({listing})").fetchall()}
    except duckdb.Error:
        return f"read_csv({listing})"  # let _view report the error
    wanted = [c for c in text_columns if c in sniffed]
    if not wanted:
        return f"read_csv({listing})"
    types = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in wanted) + "}"
    return f"read_csv({listing}, types = {types})"


def _duckdb(con: Any, text: str) -> dict[str, str]:
    return _view(con, attach_table(con, text), text)


def attach_table(con: Any, text: str, also: list[str] | None = None) -> str:
    """Attach the DuckDB file of `FILE.duckdb::schema.table` read-only; the table's SQL name.
    The connection can then read only that file (and `also`)."""
    import duckdb

    path, _, table = text.rpartition("::")
    if not path or not table:
        raise SourceError(f"{text}: a DuckDB source is FILE.duckdb::schema.table (or ::table for schema main)")
    if not os.path.lexists(path):
        raise SourceError(f"{path}: no such file")
    regular(path)
    parts = table.split(".")
    if len(parts) > 2 or not all(parts):
        raise SourceError(f"{text}: name the table as schema.table or table")
    schema, name = parts if len(parts) == 2 else ("main", parts[0])
    sandbox.allow_only(con, [path, *(also or [])])
    try:
        con.execute(f"ATTACH {literal(path)} AS __scaffolder_src (READ_ONLY)")
    except duckdb.Error as exc:
        raise SourceError(f"{path}: cannot be opened as a DuckDB database: {first_line(exc)}") from exc
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = '__scaffolder_src' AND schema_name = $1 "
        "AND table_name = $2", [schema, name]).fetchone()[0]
    found += con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE database_name = '__scaffolder_src' AND schema_name = $1 "
        "AND view_name = $2", [schema, name]).fetchone()[0]
    if not found:
        raise SourceError(f"{path}: has no table {schema}.{name}")
    return f"__scaffolder_src.{ident(schema)}.{ident(name)}"


def _arrow(con: Any, source: Source, data: Any, text: str) -> dict[str, str]:
    source.keep.append(data)
    con.register("__scaffolder_arrow", data)
    return _view(con, "__scaffolder_arrow", text)


def _delta(text: str) -> Any:
    try:
        return delta_dataset(delta_table(text), text)
    except SourceError:
        raise
    except Exception as exc:  # deltalake raises its own error types
        raise SourceError(f"{text}: cannot be read as a Delta table: {first_line(exc)}") from exc


def delta_table(text: str) -> Any:
    """The `deltalake.DeltaTable` of a Delta table folder (its latest version)."""
    DeltaTable = require("deltalake", "delta", "reading Delta tables").DeltaTable
    if not os.path.isdir(os.path.join(text, "_delta_log")):
        raise SourceError(f"{text}: not a Delta table (no _delta_log/ folder)")
    try:
        return DeltaTable(text)
    except Exception as exc:  # deltalake raises its own error types
        raise SourceError(f"{text}: cannot be read as a Delta table: {first_line(exc)}") from exc


def delta_dataset(table: Any, text: str) -> Any:
    """The table's Arrow dataset, its files opened by Arrow's own local file system.

    deltalake's default is a Python file system (its storage handler): Arrow's I/O threads then
    take the GIL for every file they open, while DuckDB scans the dataset from its own threads,
    which deadlocked now and then (a test run hung in `PyFileSystem::OpenInputFile` waiting for the
    GIL). A Delta table here is a local folder (delta_table), so no Python runs during the scan.
    """
    import pyarrow.fs as pafs

    return table.to_pyarrow_dataset(filesystem=pafs.SubTreeFileSystem(os.path.abspath(text), pafs.LocalFileSystem()))


def _iceberg(text: str) -> Any:
    try:
        return iceberg_table(text).scan().to_arrow()
    except SourceError:
        raise
    except Exception as exc:  # pyiceberg raises many types
        raise SourceError(f"{text}: cannot be read as an Iceberg table: {first_line(exc)}") from exc


def iceberg_table(text: str) -> Any:
    """An Iceberg table (pyiceberg's): `CATALOG_URI::namespace.table` (a SQL catalog) or a table folder."""
    SqlCatalog = require("pyiceberg.catalog.sql", "iceberg", "reading Iceberg tables").SqlCatalog
    StaticTable = require("pyiceberg.table", "iceberg", "reading Iceberg tables").StaticTable
    try:
        if "::" in text:
            uri, _, name = text.rpartition("::")
            if uri.startswith("sqlite:///") and not os.path.isfile(uri.removeprefix("sqlite:///")):
                raise SourceError(f"{uri.removeprefix('sqlite:///')}: no such catalog file")
            return SqlCatalog(_catalog_name(uri, name), uri=uri).load_table(name)
        metas = sorted(Path(text, "metadata").glob("*.metadata.json"), key=_metadata_order)
        if not metas:
            raise SourceError(f"{text}: no metadata/*.metadata.json: not an Iceberg table")
        return StaticTable.from_metadata(str(metas[-1]))
    except SourceError:
        raise
    except Exception as exc:  # pyiceberg and SQLAlchemy raise many types
        raise SourceError(f"{text}: cannot be read as an Iceberg table: {first_line(exc)}") from exc


def _catalog_name(uri: str, name: str) -> str:
    """The SQL catalog's name that holds `namespace.table` (a SQL catalog scopes tables by name)."""
    from sqlalchemy import create_engine, text

    namespace, _, table = name.rpartition(".")
    engine = create_engine(uri)
    try:
        with engine.connect() as con:
            found = [r[0] for r in con.execute(text(
                "SELECT DISTINCT catalog_name FROM iceberg_tables WHERE table_namespace = :ns AND table_name = :t"),
                {"ns": namespace, "t": table})]
    finally:
        engine.dispose()
    if not found:
        raise SourceError(f"{uri}: the catalog has no table {name!r}")
    return found[0]


def _metadata_order(path: Path) -> tuple[int, float]:
    head = path.name.split("-", 1)[0].lstrip("v").split(".")[0]
    return (int(head) if head.isdigit() else -1, path.stat().st_mtime)


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (DuckDB's carry context lines below)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]

