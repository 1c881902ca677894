"""Contract values inside Markdown (PR comments, job summaries): shown, never interpreted."""

from __future__ import annotations

import re

_CELL = str.maketrans({"&": "&amp;", "<": "&lt;", "\\": "\\\\", "|": "\\|", "`": "\\`",
                       "[": "\\[", "]": "\\]", "\n": " ", "\r": ""})


_MENTION = re.compile(r"(?<![0-9A-Za-z_.+-])@(?=[0-9A-Za-z])")


def cell(text: object) -> str:
    """Plain text safe in a Markdown table cell or line (a PR comment shows contract values).

    One line; `<` and `&` as entities (no HTML tag such as `</td><img ...>` opens); the characters that end a
    cell, open a code span or make a link (`|`, backtick, `[`, `]`) escaped; a `@name` that GitHub would turn
    into a mention (a notification to that person or team) gets a zero-width space after its `@`, as
    Renovate and Dependabot write them. An e-mail address (`team@company.io`) is no mention and stays.
    """
    return _MENTION.sub("@&#8203;", str(text).translate(_CELL))


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
