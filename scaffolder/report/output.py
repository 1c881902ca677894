"""Small helpers every command uses to print: JSON, and where output may go."""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, default=str)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes") or "GITHUB_ACTIONS" in os.environ


def interactive() -> bool:
    """A person is watching: a terminal, and not CI (progress bars only then)."""
    return sys.stderr.isatty() and not in_ci()
