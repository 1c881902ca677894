"""Tell an ODCS document from one of ours by its first keys."""

from __future__ import annotations

from typing import Any


def is_odcs(data: Any) -> bool:
    """`apiVersion: v3.x` or `kind: DataContract`: either one is enough, so a typo in the other is
    reported against the ODCS schema (with a suggestion) rather than against ours."""
    if not isinstance(data, dict):
        return False
    api, kind = data.get("apiVersion"), data.get("kind")
    return (isinstance(api, str) and api.startswith(("v3", "v2"))) or kind == "DataContract"
