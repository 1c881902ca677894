"""DuckDB's errors said in our words.

A check that DuckDB cannot evaluate gets a message about the check and the
data ("the data's VARCHAR values cannot be compared with the check's INTEGER
value"), never the engine's own text ("Binder Error: ..."), which stays in the
result's `detail` (JSON, and `test --verbose`). One entry per DuckDB error
class, most specific pattern first; a completeness test holds every class here
to one that DuckDB really raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffolder.checks.sources import first_line


@dataclass(frozen=True)
class EngineError:
    exception: str  # the duckdb exception class name
    message: str  # ours; `{0}`, `{1}` are the pattern's groups
    pattern: str | None = None  # on DuckDB's first line; None: any message of the class


ENGINE_ERRORS: tuple[EngineError, ...] = (
    EngineError("BinderException", "the data's {0} values cannot be compared with the check's {1} value "
                "(the column's type in the data does not fit the check)",
                r"Cannot compare values of type (\w+(?:\(\d+(?:,\s*\d+)?\))?) and (?:type )?(\w+)"),
    EngineError("BinderException", "the check does not fit the column's type in the data"),
    EngineError("ConversionException", "a value in the data cannot be read as {0}, the type the check compares it as",
                r"Could not convert .* to (\w+)"),
    EngineError("ConversionException", "a value does not fit in {0}, the type the check compares it as",
                r"out of range for the destination type (\w+)"),
    EngineError("ConversionException", "a value in the data cannot be converted to the type the check needs"),
    EngineError("OutOfRangeException", "a value is outside the range its type can hold"),
    EngineError("NotImplementedException", "this check cannot be evaluated on the column's type in the data"),
    EngineError("InvalidInputException", "the data is not in the shape the check expects"),
    EngineError("IOException", "the data could not be read"),
    EngineError("OutOfMemoryException", "the check needs more memory than is available"),
    EngineError("InterruptException", "the check was interrupted"),
)
FALLBACK = "the query engine could not evaluate it"


def in_our_words(exc: BaseException) -> tuple[str, str]:
    """Our message for a DuckDB error, and the engine's first line (for `detail`)."""
    detail = first_line(exc)
    text = detail.split(": ", 1)[1] if ": " in detail else detail
    for cls in type(exc).__mro__:
        for entry in ENGINE_ERRORS:
            if entry.exception != cls.__name__:
                continue
            if entry.pattern is None:
                return entry.message, detail
            m = re.search(entry.pattern, text)
            if m:
                return entry.message.format(*m.groups()), detail
    return FALLBACK, detail
