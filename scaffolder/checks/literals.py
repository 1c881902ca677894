"""Contract values as SQL literals, per dialect, for engines that cannot bind parameters.

Some dbt adapters reach their warehouse through a client with no parameter
binding dbt exposes (BigQuery's client, Snowflake's default client-side
`pyformat`); there each value is written into the statement by this module,
never by string formatting: strings through sqlglot's literal for that
dialect (it knows which dialects treat backslashes as escapes), Postgres
strings as `E'...'` (correct whatever `standard_conforming_strings` says),
numbers from their Python repr, NaN and infinities as typed casts.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

_DOUBLE = {"postgres": "DOUBLE PRECISION", "redshift": "DOUBLE PRECISION", "bigquery": "FLOAT64",
           "snowflake": "DOUBLE", "spark": "DOUBLE", "databricks": "DOUBLE", "trino": "DOUBLE",
           "duckdb": "DOUBLE"}


def string(text: str, dialect: str) -> str:
    """A string literal that reads back as `text` in `dialect`."""
    if "\x00" in text:
        raise ValueError(f"{text!r} contains a NUL character")
    if dialect in ("postgres", "redshift"):
        body = text.replace("\\", "\\\\").replace("'", "''")
        return f"E'{body}'" if body != text else f"'{body}'"
    from sqlglot import exp

    return exp.Literal.string(text).sql(dialect)


def literal(value: Any, dialect: str) -> str:
    """`value` (a str, number, bool, date or None, as checks.sql.Params collects them) as SQL text."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if math.isfinite(value):
            return f"CAST({float(value)!r} AS {_DOUBLE.get(dialect, 'DOUBLE')})"
        word = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        return f"CAST({string(word, dialect)} AS {_DOUBLE.get(dialect, 'DOUBLE')})"
    if isinstance(value, Decimal):
        if value.is_finite():
            return format(value, "f")
        return literal(float(value), dialect)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return string(value.isoformat(), dialect)
    if isinstance(value, str):
        return string(value, dialect)
    raise TypeError(f"no SQL literal for a {type(value).__name__}")
