"""ODCS v3: export a datamesh contract as an Open Data Contract Standard document.

The mapping itself lives in `scaffolder.odcs.convert` (one definition, used by
`scaffolder convert` too); this module only adapts it to `export`/`import --to odcs`.
"""

from __future__ import annotations

from typing import Any

from scaffolder.odcs.convert import to_odcs
from scaffolder.odcs.files import dump_yaml as dump

__all__ = ["dump", "to_odcs", "write"]


def write(contract: Any) -> str:
    return dump(to_odcs(contract.doc.data))
