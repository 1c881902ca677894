"""Optional dependencies (pyproject's extras), imported only by the command that needs them.

A command run without its extra is a setup the user must fix, not our bug:
`require` turns the ImportError into a usage error (exit 2) that names the
extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from scaffolder.errors import UsageError

PACKAGE = "datamesh-scaffolder"


class MissingExtra(UsageError):
    """An optional dependency is not installed (exit 2)."""


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import `module`, or raise MissingExtra: "`purpose` needs the `extra` extra: pip install ..."."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(f"{purpose} needs the {extra} extra: pip install '{PACKAGE}[{extra}]' "
                           f"({exc.name or module} is not installed)") from exc
