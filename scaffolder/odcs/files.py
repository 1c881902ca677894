"""`scaffolder convert`'s library half: contract files in, converted YAML texts out."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.contract.load import LoadError, load_file
from scaffolder.odcs.convert import from_odcs, to_odcs
from scaffolder.odcs.detect import is_odcs
from scaffolder.report.finding import Finding, Severity

FORMATS = ("odcs", "datamesh")


@dataclass
class Conversion:
    """What converting some files gave: one text per output file (name: a table, or None), and findings."""

    outputs: list[tuple[str | None, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)


def dump_yaml(data: Any) -> str:
    """Block-style YAML in the data's key order (what people write by hand)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    yaml.width = 4096
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def convert_files(paths: list[str | Path], to: str) -> Conversion:
    """Every source validated (its errors stop the conversion), then converted to `to`.

    To ODCS, all sources become one document (one `schema` object per contract);
    to datamesh, each table of each ODCS source becomes one contract.
    """
    from scaffolder.contract.validate import validate_file

    result = Conversion()
    contracts: list[dict[str, Any]] = []
    for path in paths:
        validation = validate_file(path)
        result.findings.extend(f for v in validation.each for f in v.findings)
        if not all(v.ok for v in validation.each):
            continue
        try:
            data = load_file(path).data
        except LoadError as exc:  # changed since it validated
            result.findings.extend(exc.findings)
            continue
        read = from_odcs(data) if is_odcs(data) else data
        contracts.extend(read if isinstance(read, list) else [read])
    if not result.ok or not contracts:
        return result
    if to == "odcs":
        result.outputs.append((None, dump_yaml(to_odcs(contracts))))
    else:
        for c in contracts:
            name = str(c.get("metadata", {}).get("name", "contract"))
            result.outputs.append((name if len(contracts) > 1 else None, dump_yaml(c)))
    return result
