"""Durations (`15m`) and percentages (`"99.9%"`), compared by value, never by spelling."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DURATION = re.compile(r"\s*([0-9]+)\s*([smhd])\s*", re.ASCII)  # fullmatch: ASCII digits, no tail
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PERCENT = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*", re.ASCII)  # fullmatch


@dataclass(frozen=True, order=True)
class Duration:
    seconds: int
    text: str = ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Duration) and other.seconds == self.seconds

    def __hash__(self) -> int:
        return hash(self.seconds)

    def __str__(self) -> str:
        return self.text or humanize(self.seconds)


def parse_duration(text: str) -> Duration:
    m = _DURATION.fullmatch(str(text))
    if not m:
        raise ValueError(f"invalid duration {text!r}: expected <integer><s|m|h|d>, e.g. 15m")
    return Duration(int(m.group(1)) * _UNIT_SECONDS[m.group(2)], str(text).strip())


def humanize(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def parse_percent(value: str | int | float) -> float:
    """`"99.9%"` -> 99.9; a bare number is taken as a percentage too."""
    if isinstance(value, bool):
        raise ValueError(f"invalid percentage {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    else:
        m = _PERCENT.fullmatch(str(value))
        if not m:
            raise ValueError(f"invalid percentage {value!r}: expected e.g. \"99.9%\"")
        number = float(m.group(1))
    if not 0 <= number <= 100:
        raise ValueError(f"percentage {value!r} is outside 0..100")
    return number
