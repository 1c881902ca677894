"""ODCS v3: export a datamesh contract as an Open Data Contract Standard document.

The mapping itself lives in `scaffolder.odcs.convert` (one definition, used by
`scaffolder convert` too); this module only adapts it to `export`/`import --to odcs`.
"""

from __future__ import annotations

from typing import Any

from scaffolder.errors import UsageError


def to_odcs(data: dict[str, Any]) -> dict[str, Any]:
    """A datamesh contract (plain data) as an ODCS document (plain data)."""
    try:
        from scaffolder.odcs.convert import to_odcs as convert
    except ImportError:
        raise UsageError("ODCS output needs scaffolder.odcs (not in this build)") from None
    return convert(data)


def write(contract: Any) -> str:
    return dump(to_odcs(contract.doc.data))


def dump(data: dict[str, Any]) -> str:
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
