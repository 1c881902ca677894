"""Safe SQL text: quoted identifiers, escaped literals and numbered parameters.

Every value that comes from a contract goes through `Params.add` (a bound
`$n` parameter); the few places that need a literal (file paths in table
functions, which DuckDB does not accept as parameters in a view) use
`literal`. Column names are always `ident`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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


HUGEINT = 2**127  # DuckDB's widest integer: -2**127 .. 2**127 - 1


@dataclass
class Params:
    """Numbered parameters collected while compiling one statement."""

    values: list[Any] = field(default_factory=list)

    def add(self, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and not -HUGEINT <= value < HUGEINT:
            # DuckDB binds integers up to 128 bits. One past that lies beyond every value a
            # column can hold, so its double compares the same (contracts allow 100 digits).
            value = float(value)
        self.values.append(value)
        return f"${len(self.values)}"
