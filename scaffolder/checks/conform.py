"""Schema conformance: does a column's physical DuckDB type carry the contract's logical type?

The rule (documented in the README): a physical type conforms when every
value it can hold is a value of the logical type and it is the same kind of
value. Narrower integers and decimals conform (an INTEGER column satisfies
`long`), wider ones do not (BIGINT does not satisfy `int`). `timestamp` is a
naive TIMESTAMP (any precision) and `timestamp_tz` is TIMESTAMP WITH TIME ZONE:
they never stand in for each other. Complex types must match exactly.

Text formats (CSV, JSON) carry no declared types, so their columns are
compared by family: DuckDB's sniffer reads every integer as BIGINT and every
CSV value is text, so there `int` accepts any integer type, numbers accept any
numeric type and `string` accepts anything.
"""

from __future__ import annotations

import re

from scaffolder.contract.types import LogicalType

_SIGNED = {"TINYINT": 3, "SMALLINT": 5, "INTEGER": 10, "BIGINT": 19, "HUGEINT": 39}
_UNSIGNED = {"UTINYINT": 3, "USMALLINT": 5, "UINTEGER": 10, "UBIGINT": 20, "UHUGEINT": 39}
_FITS = {
    "int": {"TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT"},
    "long": {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"},
}
_INTEGERS = set(_SIGNED) | set(_UNSIGNED)
_NAIVE_TS = {"TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATETIME"}
_TZ_TS = {"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"}
_SIMPLE = {
    "boolean": {"BOOLEAN"},
    "float": {"FLOAT"},
    "double": {"DOUBLE", "FLOAT"},
    "date": {"DATE"},
    "timestamp": _NAIVE_TS,
    "timestamp_tz": _TZ_TS,
    "time": {"TIME"},
    "bytes": {"BLOB"},
    "uuid": {"UUID", "VARCHAR"},
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


def normalise(physical: str) -> str:
    return re.sub(r"\s+", " ", physical.replace('"', "").strip().upper())


FLOATS = ("FLOAT", "DOUBLE")  # binary floating point: the only types that hold NaN


def decimal(physical: str) -> tuple[int, int] | None:
    """(width, scale) of a DECIMAL type, else None."""
    m = _DECIMAL.match(normalise(physical))
    return (int(m.group(1)), int(m.group(2))) if m else None


def _numeric(physical: str) -> bool:
    return physical in _INTEGERS or physical in FLOATS or decimal(physical) is not None


def conforms(logical: LogicalType, physical: str, *, typed: bool = True) -> bool:
    """True when `physical` (a DuckDB type as DESCRIBE prints it) carries `logical`."""
    phys = normalise(physical)
    name = logical.name
    if not typed:
        if name == "string":
            return True
        if name in ("int", "long"):
            return phys in _INTEGERS
        if name in ("float", "double", "decimal"):
            return _numeric(phys)
    if name == "string":
        return phys == "VARCHAR" or phys.startswith("ENUM(")
    if name in _FITS:
        return phys in _FITS[name]
    if name == "decimal":
        assert logical.precision is not None and logical.scale is not None
        whole = logical.precision - logical.scale
        dec = decimal(phys)
        if dec is not None:
            return dec[0] - dec[1] <= whole and dec[1] <= logical.scale
        digits = _SIGNED.get(phys) or _UNSIGNED.get(phys)
        return digits is not None and digits <= whole
    if name in _SIMPLE:
        return phys in _SIMPLE[name]
    # array / map / struct: the same DuckDB spelling, quotes and spacing aside.
    return _compact(phys) == _compact(normalise(logical.duckdb()))


def _compact(text: str) -> str:
    return text.replace(" ", "")


def family(physical: str) -> str:
    """What comparisons on this column should use: number, date, timestamp, timestamptz, string, other."""
    phys = normalise(physical)
    if _numeric(phys):
        return "number"
    if phys == "DATE":
        return "date"
    if phys in _NAIVE_TS:
        return "timestamp"
    if phys in _TZ_TS:
        return "timestamptz"
    if phys == "VARCHAR" or phys.startswith("ENUM("):
        return "string"
    if phys == "TIME":
        return "time"
    return "other"
