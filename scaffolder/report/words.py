"""Counted nouns in messages: "1 product", "2 products", never "1 products"."""

from __future__ import annotations


def some(items: list[str], n: int = 3) -> str:
    """The first `n` of `items`, and how many more (for messages naming files)."""
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


def plural(n: int, word: str, many: str | None = None) -> str:
    """`n` and the noun in the number it needs (`many` for irregular plurals)."""
    return f"{n} {word if n == 1 else many or word + 's'}"
