"""Contract values inside Markdown (PR comments, job summaries): shown, never interpreted."""

from __future__ import annotations

import re

_CELL = str.maketrans({"&": "&amp;", "<": "&lt;", "\\": "\\\\", "|": "\\|", "`": "\\`",
                       "[": "\\[", "]": "\\]", "\n": " ", "\r": ""})


def cell(text: object) -> str:
    """Plain text safe in a Markdown table cell or line (a PR comment shows contract values).

    One line; `<` and `&` as entities (no HTML tag such as `</td><img ...>` opens); the characters that end a
    cell, open a code span or make a link (`|`, backtick, `[`, `]`) escaped.
    """
    return str(text).translate(_CELL)


def code(text: object) -> str:
    """`text` as one inline code span, whatever it holds (HTML inside a code span is shown, not run).

    The fence is one backtick longer than the longest run inside (CommonMark),
    pipes are escaped for tables, newlines become spaces.
    """
    s = str(text).replace("\r", "").replace("\n", " ").replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or (s.startswith(" ") and s.endswith(" ") and s.strip()) else ""
    return f"{fence}{pad}{s}{pad}{fence}"
