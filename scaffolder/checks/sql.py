"""Safe SQL text: quoted identifiers, escaped literals and numbered parameters.

Every value that comes from a contract goes through `Params.add` (a bound
`$n` parameter); the few places that need a literal (file paths in table
functions, which DuckDB does not accept as parameters in a view) use
`literal`. Column names are always `ident`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffolder.checks.dialects import Dialect


def ident(name: str) -> str:
    """A quoted identifier: `"` doubled, so any name is one identifier."""
    if "\x00" in name:
        raise ValueError(f"column name {name!r} contains a NUL character")
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A standard SQL string literal: `'` doubled (DuckDB does not treat backslashes specially)."""
    if "\x00" in text:
        raise ValueError(f"{text!r} contains a NUL character")
    return "'" + text.replace("'", "''") + "'"




def _duckdb() -> Dialect:
    from scaffolder.checks.dialects import DUCKDB

    return DUCKDB


@dataclass
class Params:
    """Numbered parameters collected while compiling one statement, marked as its dialect marks them."""

    values: list[Any] = field(default_factory=list)
    dialect: Dialect = field(default_factory=_duckdb)

    @property
    def bound(self) -> list[Any] | dict[str, Any]:
        """The values as the driver takes them: a list, or `{"p1": ...}` for named markers."""
        if self.dialect.named:
            return {f"p{i}": v for i, v in enumerate(self.values, start=1)}
        return list(self.values)

    def add(self, value: Any) -> str:
        top = 2 ** (self.dialect.int_bits - 1)
        if isinstance(value, int) and not isinstance(value, bool) and not -top <= value < top:
            # DuckDB binds integers up to 128 bits (HUGEINT), others 64. One past that lies beyond
            # every value a column can hold, so its double compares the same (contracts allow 100 digits).
            value = float(value)
        if self.dialect.inline:
            from scaffolder.checks.literals import literal as inline

            return inline(value, self.dialect.name)
        self.values.append(value)
        return self.dialect.marker(len(self.values))
