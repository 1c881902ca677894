"""Counted nouns in messages: "1 product", "2 products", never "1 products"."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """`n` and the noun in the number it needs (`many` for irregular plurals)."""
    return f"{n} {word if n == 1 else many or word + 's'}"
