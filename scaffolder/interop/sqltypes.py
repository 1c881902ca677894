"""SQL types <-> logical types, through sqlglot's parser (so every dialect it reads is covered).

One table says which SQL type family becomes which logical type; integers
wider than 64 bits and unsigned 64-bit ones become `decimal(38,0)` (no value
lost), and a type with no counterpart is an error naming it, never a guess.
"""

from __future__ import annotations

from typing import Any

from scaffolder.errors import UsageError

# sqlglot DataType.Type name -> logical type (as contract.md spells it)
SQL_TO_LOGICAL: dict[str, str] = {
    **dict.fromkeys(["CHAR", "NCHAR", "VARCHAR", "NVARCHAR", "TEXT", "NAME", "STRING", "MEDIUMTEXT",
                     "LONGTEXT", "TINYTEXT", "BPCHAR", "ENUM", "JSON", "JSONB", "XML", "INET"], "string"),
    "BOOLEAN": "boolean",
    **dict.fromkeys(["TINYINT", "UTINYINT", "SMALLINT", "USMALLINT", "MEDIUMINT", "UMEDIUMINT", "INT"], "int"),
    **dict.fromkeys(["UINT", "BIGINT"], "long"),
    **dict.fromkeys(["UBIGINT", "INT128", "UINT128", "INT256", "UINT256", "BIGDECIMAL"], "decimal(38,0)"),
    "FLOAT": "float",
    "DOUBLE": "double",
    **dict.fromkeys(["DECIMAL", "DECIMAL32", "DECIMAL64", "DECIMAL128", "MONEY", "SMALLMONEY"], "decimal"),
    **dict.fromkeys(["DATE", "DATE32"], "date"),
    **dict.fromkeys(["TIMESTAMP", "DATETIME", "DATETIME2", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS",
                     "TIMESTAMPNTZ", "SMALLDATETIME", "DATETIME64"], "timestamp"),
    **dict.fromkeys(["TIMESTAMPTZ", "TIMESTAMPLTZ"], "timestamp_tz"),
    **dict.fromkeys(["TIME", "TIMETZ"], "time"),
    **dict.fromkeys(["BINARY", "VARBINARY", "BLOB", "LONGBLOB", "MEDIUMBLOB", "TINYBLOB", "IMAGE"], "bytes"),
    "UUID": "uuid",
}
_LENGTH_TYPES = {"CHAR", "NCHAR", "VARCHAR", "NVARCHAR"}


def parse_sql_type(text: str, dialect: str = "duckdb") -> Any:
    """sqlglot's DataType for `text` (a UsageError when it does not parse)."""
    from sqlglot import exp
    from sqlglot.errors import ParseError

    try:
        return exp.DataType.build(text, dialect=dialect)
    except (ParseError, ValueError) as exc:
        raise UsageError(f"cannot read the SQL type {text!r}: {str(exc).splitlines()[0]}") from None


def to_logical(dtype: Any) -> tuple[str, int | None]:
    """(logical type text, max length) of a sqlglot DataType: `VARCHAR(20)` -> ("string", 20)."""
    from sqlglot import exp

    name = dtype.this.name
    args = dtype.expressions
    if name in ("ARRAY", "LIST"):
        if not args:
            raise UsageError(f"array type {dtype.sql()} has no item type")
        return f"array<{to_logical(args[0])[0]}>", None
    if name == "MAP":
        if len(args) != 2:
            raise UsageError(f"map type {dtype.sql()} needs a key and a value type")
        return f"map<{to_logical(args[0])[0]},{to_logical(args[1])[0]}>", None
    if name in ("STRUCT", "OBJECT"):
        parts = []
        for arg in args:
            if not isinstance(arg, exp.ColumnDef) or not isinstance(arg.args.get("kind"), exp.DataType):
                raise UsageError(f"struct type {dtype.sql()}: a field without a type")
            parts.append(f"{arg.name}:{to_logical(arg.args['kind'])[0]}")
        return f"struct<{','.join(parts)}>", None
    logical = SQL_TO_LOGICAL.get(name)
    if logical is None:
        raise UsageError(f"the SQL type {dtype.sql()} has no logical type in a contract")
    if logical == "decimal":
        nums = [int(a.name) for a in args if a.name.isdigit()]
        if not nums:
            return "decimal(38,9)" if name in ("MONEY", "SMALLMONEY") else "decimal", None
        precision, scale = nums[0], nums[1] if len(nums) > 1 else 0
        return f"decimal({min(precision, 38)},{scale})", None
    length = None
    if name in _LENGTH_TYPES and args and args[0].name.isdigit():
        length = int(args[0].name)
    return logical, length


def logical_of(text: str, dialect: str = "duckdb") -> str:
    """The logical type of a SQL type written as text (`INTEGER[]` -> `array<int>`)."""
    return to_logical(parse_sql_type(text, dialect))[0]
