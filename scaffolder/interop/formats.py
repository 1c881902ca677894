"""The formats `scaffolder import` reads and `scaffolder export` writes, as data.

Each entry names its module and says which directions it supports; the CLI
reads this table for its choices and its help, and a test checks that every
listed direction exists in the module (and that every module is listed).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Format:
    name: str
    module: str  # under scaffolder.interop
    imports: str | None  # what `import` reads, None: export only
    exports: str | None  # what `export` writes, None: import only
    suffix: str = ".txt"  # of an exported file


FORMATS: tuple[Format, ...] = (
    Format("dbt", "dbt", "models of a dbt manifest.json (--model, --select FOLDER)",
           "the model's schema.yml (as `scaffolder dbt-schema`)", ".yml"),
    Format("parquet", "tabular", "a Parquet file or glob: schema, REQUIRED fields; --profile", None),
    Format("csv", "tabular", "a CSV file or glob: the sniffed schema; --profile", None),
    Format("duckdb", "tabular", "FILE.duckdb::schema.table: schema, NOT NULL, keys; --profile", None),
    Format("sql", "sql", "CREATE TABLE DDL in any --dialect sqlglot reads",
           "CREATE TABLE DDL: sql:duckdb|postgres|spark|snowflake|bigquery", ".sql"),
    Format("avro", "avro", "an Avro record schema (.avsc)", "an Avro record schema (.avsc)", ".avsc"),
    Format("jsonschema", "jsonschema", "a JSON Schema of one row (an object)",
           "a JSON Schema (2020-12) of one row", ".schema.json"),
    Format("odcs", "odcs", None, "an ODCS v3 data contract (`import --to odcs` writes ODCS from any source)",
           ".odcs.yaml"),
)
BY_NAME = {f.name: f for f in FORMATS}
IMPORTS = tuple(f.name for f in FORMATS if f.imports)
EXPORTS = tuple(f.name for f in FORMATS if f.exports)


def module(fmt: Format) -> Any:
    return importlib.import_module(f"scaffolder.interop.{fmt.module}")
