"""Logical types: parse, normalise, map to DuckDB and dbt, and compare.

One parser for every place a type is written (contracts, aliases, nested
types), so spelling (`BIGINT`, `numeric(10, 2)`) never makes a difference.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

PRIMITIVES = {
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "int": "INTEGER",
    "long": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "timestamp_tz": "TIMESTAMP WITH TIME ZONE",
    "time": "TIME",
    "bytes": "BLOB",
    "uuid": "UUID",
}
ALIASES = {
    "integer": "int",
    "bigint": "long",
    "varchar": "string",
    "text": "string",
    "bool": "boolean",
    "numeric": "decimal",
}
COMPLEX = ("decimal", "array", "map", "struct")
KNOWN_NAMES = sorted([*PRIMITIVES, *ALIASES, *COMPLEX])
DEFAULT_DECIMAL = (18, 3)  # DuckDB's DECIMAL without arguments
# Nested array/map/struct levels. Real schemas use a handful; every consumer of a
# type (printing, DuckDB, dbt, comparing) recurses once per level.
MAX_NESTING = 32

NUMERIC = {"int", "long", "float", "double", "decimal"}
TEMPORAL = {"date", "timestamp", "timestamp_tz", "time"}
# Integer digits each integer type needs to fit in a decimal.
_INT_DIGITS = {"int": 10, "long": 19}


class TypeParseError(ValueError):
    """A type string that is not a known logical type; `offset` points into it."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class LogicalType:
    name: str  # canonical: a key of PRIMITIVES, or decimal/array/map/struct
    precision: int | None = None
    scale: int | None = None
    items: tuple[LogicalType, ...] = ()  # array: (T,); map: (K, V); struct: field types
    names: tuple[str, ...] = ()  # struct field names

    def __str__(self) -> str:
        if self.name == "decimal":
            return f"decimal({self.precision},{self.scale})"
        if self.name == "array":
            return f"array<{self.items[0]}>"
        if self.name == "map":
            return f"map<{self.items[0]},{self.items[1]}>"
        if self.name == "struct":
            return "struct<" + ",".join(f"{n}:{t}" for n, t in zip(self.names, self.items, strict=True)) + ">"
        return self.name

    @property
    def is_numeric(self) -> bool:
        return self.name in NUMERIC

    @property
    def is_temporal(self) -> bool:
        return self.name in TEMPORAL

    @property
    def is_timestamp(self) -> bool:
        return self.name in ("timestamp", "timestamp_tz")

    @property
    def is_string(self) -> bool:
        return self.name in ("string", "uuid")

    @property
    def is_scalar(self) -> bool:
        return self.name not in ("array", "map", "struct")

    def duckdb(self) -> str:
        """The DuckDB type this logical type is stored as."""
        if self.name == "decimal":
            return f"DECIMAL({self.precision},{self.scale})"
        if self.name == "array":
            return f"{self.items[0].duckdb()}[]"
        if self.name == "map":
            return f"MAP({self.items[0].duckdb()}, {self.items[1].duckdb()})"
        if self.name == "struct":
            inner = ", ".join(f'"{n}" {t.duckdb()}' for n, t in zip(self.names, self.items, strict=True))
            return f"STRUCT({inner})"
        return PRIMITIVES[self.name]

    def dbt(self) -> str:
        """The `data_type` dbt's enforced model contracts compare with (dbt-duckdb spelling)."""
        simple = {
            "string": "varchar", "boolean": "boolean", "int": "integer", "long": "bigint",
            "float": "float", "double": "double", "date": "date", "timestamp": "timestamp",
            "timestamp_tz": "timestamptz", "time": "time", "bytes": "blob", "uuid": "uuid",
        }
        if self.name == "decimal":
            return f"decimal({self.precision},{self.scale})"
        if self.name in simple:
            return simple[self.name]
        return self.duckdb().lower()


def parse_type(text: str) -> LogicalType:
    """Parse `decimal(10, 2)`, `array<struct<a:int>>`, aliases and any case."""
    if not isinstance(text, str) or not text.strip():
        raise TypeParseError("type is empty")
    parser = _Parser(text)
    result = parser.parse()
    parser.skip()
    if parser.i != len(text):
        raise TypeParseError(f"unexpected {text[parser.i:]!r} after type", parser.i)
    return result


def suggest_type(text: str) -> str | None:
    word = text.strip().split("(")[0].split("<")[0].strip().lower()
    match = difflib.get_close_matches(word, KNOWN_NAMES, n=1, cutoff=0.6)
    return match[0] if match else None


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.i = 0
        self.depth = 0

    def skip(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def word(self) -> str:
        self.skip()
        start = self.i
        while self.i < len(self.text) and (self.text[self.i].isalnum() or self.text[self.i] == "_"):
            self.i += 1
        if start == self.i:
            raise TypeParseError(f"expected a type name at {self.text[start:start + 10]!r}", start)
        return self.text[start:self.i]

    def expect(self, ch: str) -> None:
        self.skip()
        if self.i >= len(self.text) or self.text[self.i] != ch:
            got = self.text[self.i] if self.i < len(self.text) else "end of text"
            raise TypeParseError(f"expected {ch!r} but found {got!r}", self.i)
        self.i += 1

    def peek(self, ch: str) -> bool:
        self.skip()
        return self.i < len(self.text) and self.text[self.i] == ch

    def integer(self) -> int:
        self.skip()
        start = self.i
        while self.i < len(self.text) and self.text[self.i] in "0123456789":
            self.i += 1
        if start == self.i:
            raise TypeParseError("expected a number", start)
        if self.i - start > 4:  # no precision or scale has more; int() of 4,300 digits raises
            raise TypeParseError(f"number {self.text[start:start + 10]}... is too large", start)
        return int(self.text[start:self.i])

    def parse(self) -> LogicalType:
        start = self.i
        self.depth += 1  # the outermost type is level 0: array<int> nests one level
        if self.depth > MAX_NESTING + 1:
            raise TypeParseError(f"type nests deeper than {MAX_NESTING} levels", start)
        try:
            return self._parse(start)
        finally:
            self.depth -= 1

    def _parse(self, start: int) -> LogicalType:
        raw = self.word()
        name = raw.lower()
        name = ALIASES.get(name, name)
        if name in PRIMITIVES:
            return LogicalType(name)
        if name == "decimal":
            p, s = DEFAULT_DECIMAL
            if self.peek("("):
                self.i += 1
                p = self.integer()
                s = 0
                if self.peek(","):
                    self.i += 1
                    s = self.integer()
                self.expect(")")
            if not 1 <= p <= 38:
                raise TypeParseError(f"decimal precision must be 1..38, got {p}", start)
            if s > p:
                raise TypeParseError(f"decimal scale {s} exceeds precision {p}", start)
            return LogicalType("decimal", precision=p, scale=s)
        if name == "array":
            self.expect("<")
            item = self.parse()
            self.expect(">")
            return LogicalType("array", items=(item,))
        if name == "map":
            self.expect("<")
            key = self.parse()
            self.expect(",")
            value = self.parse()
            self.expect(">")
            return LogicalType("map", items=(key, value))
        if name == "struct":
            self.expect("<")
            names: list[str] = []
            items: list[LogicalType] = []
            while True:
                fname = self.word()
                if fname in names:
                    raise TypeParseError(f"struct field {fname!r} appears twice", self.i)
                self.expect(":")
                names.append(fname)
                items.append(self.parse())
                if self.peek(","):
                    self.i += 1
                    continue
                break
            self.expect(">")
            return LogicalType("struct", items=tuple(items), names=tuple(names))
        hint = suggest_type(raw)
        msg = f"unknown type {raw!r}"
        if hint:
            msg += f"; did you mean {hint!r}?"
        raise TypeParseError(msg, start)


def compare(old: LogicalType, new: LogicalType) -> str:
    """How `new` relates to `old`: same | widened | narrowed | unrelated."""
    if old == new:
        return "same"
    if _widens(old, new):
        return "widened"
    if _widens(new, old):
        return "narrowed"
    return "unrelated"


def _widens(a: LogicalType, b: LogicalType) -> bool:
    """True when every value of `a` is a value of `b` (b is strictly wider)."""
    if a == b:
        return False
    pairs = {("int", "long"), ("float", "double"), ("date", "timestamp")}
    if (a.name, b.name) in pairs:
        return True
    if a.name == "decimal" and b.name == "decimal":
        assert a.precision is not None and a.scale is not None
        assert b.precision is not None and b.scale is not None
        return (b.precision - b.scale) >= (a.precision - a.scale) and b.scale >= a.scale
    if a.name in _INT_DIGITS and b.name == "decimal":
        assert b.precision is not None and b.scale is not None
        return b.precision - b.scale >= _INT_DIGITS[a.name]
    if a.name == "array" and b.name == "array":
        return _widens(a.items[0], b.items[0])
    return False
