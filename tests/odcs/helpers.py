"""Shared by the ODCS tests: fixtures, conversion to files, a deep "nothing lost" comparison."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scaffolder.contract.load import load_file
from scaffolder.odcs.convert import to_odcs
from scaffolder.odcs.files import dump_yaml

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
ODCS_FIXTURES = sorted(FIXTURES.glob("*.odcs.yaml"))
# Our contracts that must survive datamesh -> ODCS -> datamesh with no diff finding.
DATAMESH = [ROOT / "examples/seed/data-product-contract.yaml", Path("/work/shared/examples/seed/data-product-contract.yaml"),
            ROOT / "tests/contract/base.yaml", FIXTURES / "everything.datamesh.yaml"]
DATAMESH = [p for p in DATAMESH if p.is_file()]


def missing(orig: Any, regen: Any, path: str = "$") -> list[str]:
    """Every part of `orig` that `regen` lacks (a list item may move, but must be there)."""
    if isinstance(orig, dict):
        if not isinstance(regen, dict):
            return [path]
        out = []
        for k, v in orig.items():
            out += [f"{path}.{k}"] if k not in regen else missing(v, regen[k], f"{path}.{k}")
        return out
    if isinstance(orig, list):
        if not isinstance(regen, list):
            return [path]
        return [f"{path}[{i}] {json.dumps(v)[:120]}" for i, v in enumerate(orig)
                if not any(not missing(v, w) for w in regen)]
    return [] if orig == regen else [f"{path}: {orig!r} != {regen!r}"]


def write_odcs(src: Path, dst: Path) -> Path:
    dst.write_text(dump_yaml(to_odcs(load_file(src).data)), encoding="utf-8")
    return dst
