"""PostgreSQL URLs given where a file could be (`--record`, `--store`, `--state`): told apart, printed safely."""

from __future__ import annotations

import re

_PG = re.compile(r"^postgres(ql)?://", re.IGNORECASE)


def is_postgres(url: str) -> bool:
    return bool(_PG.match(url))


def describe(url: str) -> str:
    """`url` fit to print: a PostgreSQL URL without its password."""
    if not is_postgres(url):
        return url
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)
