"""The ODCS JSON Schema, as shipped by the `open-data-contract-standard` package.

The package (3.2.0) ships one schema; its `apiVersion` enum lists v3.0.0 to
v3.2.0 (and v2.2.x), and v3.0.x/v3.1.0 documents are valid under it (it keeps
their forms, e.g. `team` as a list, as deprecated alternatives). So every v3
document is validated against that one schema.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from scaffolder.contract.load import Document
from scaffolder.contract.schema import ecma_validator, validate_structure
from scaffolder.errors import UsageError
from scaffolder.odcs.mapping import V30_RULES
from scaffolder.report.finding import Finding

PACKAGE = "open_data_contract_standard"


@cache
def odcs_schema() -> dict[str, Any]:
    """The ODCS JSON Schema (read once; do not mutate)."""
    return json.loads(schema_text())


def schema_text() -> str:
    """The schema as shipped, for `scaffolder schema --odcs` (editors)."""
    try:
        return resources.files(PACKAGE).joinpath("schema.json").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise UsageError("ODCS contracts need the ODCS schema of the open-data-contract-standard package: "
                         "pip install 'datamesh-scaffolder[odcs]'") from None


def package_version() -> str:
    from importlib.metadata import version

    return version("open-data-contract-standard")


@cache
def _validator() -> Any:
    from jsonschema import Draft201909Validator

    return ecma_validator(Draft201909Validator, odcs_schema())


@cache
def _fast() -> Any:
    """jsonschema-rs (the `odcs` extra), when installed: it tells a valid document ten times faster
    than jsonschema, which then runs only on an invalid one, for the located messages."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    return jsonschema_rs.Draft201909Validator(odcs_schema())


def validate_odcs_structure(doc: Document) -> list[Finding]:
    """Every error of an ODCS document against the ODCS schema, located like ours.

    The schema applies its per-logicalType rules with `if: {logicalType: const}`, which holds
    vacuously for a property without a logicalType: every type's rules would fire at once. Those
    errors are replaced by one that says what is missing.
    """
    data = _as_v31(doc.data)
    fast = _fast()
    if fast is not None and fast.is_valid(data):
        return []
    validator = _validator()
    kept, untyped = [], {}
    for error in validator.iter_errors(data):
        owner = _untyped_owner(doc.data, tuple(error.absolute_path), error.absolute_schema_path)
        if owner is None:
            kept.append(error)
        else:
            untyped.setdefault(owner, error)
    findings = validate_structure(doc, validator=validator, errors=kept)
    for owner in untyped:
        label = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in owner).lstrip(".")
        findings.append(Finding("missing-key", f"{label} has type options (logicalTypeOptions, items, map) "
                                "but no logicalType", location=doc.location(owner, key=True)))
    return findings


def _as_v31(data: Any) -> Any:
    """A v3.0 document as the schema reads it: a quality rule named by `rule` alone (v3.0's form,
    which the schema keeps as a deprecated key but without its meaning) has that rule's metric."""
    if not (isinstance(data, dict) and str(data.get("apiVersion", "")).startswith("v3.0")):
        return data
    import copy

    data = copy.deepcopy(data)
    objects = [o for o in data.get("schema") or [] if isinstance(o, dict)] if isinstance(data.get("schema"), list) else []
    stack = list(objects)
    while stack:
        node = stack.pop()
        for rule in node.get("quality") or [] if isinstance(node.get("quality"), list) else []:
            if isinstance(rule, dict) and isinstance(rule.get("rule"), str) and rule["rule"] in V30_RULES \
                    and "metric" not in rule:
                rule["metric"] = V30_RULES[rule["rule"]]
        props = node.get("properties")
        stack.extend(p for p in (props if isinstance(props, list) else []) if isinstance(p, dict))
    return data


def _untyped_owner(data: Any, path: tuple[Any, ...], schema_path: Any) -> tuple[Any, ...] | None:
    """The property (a path) an error of a logicalType branch concerns, when it has no logicalType."""
    if "then" not in schema_path:
        return None
    nodes = [data]
    for part in path:
        try:
            nodes.append(nodes[-1][part])
        except (KeyError, IndexError, TypeError):
            return None
    for depth in range(len(path), -1, -1):
        node = nodes[depth]
        if isinstance(node, dict) and "name" in node and depth >= 1 and path[:depth][-2:-1] == ("properties",):
            return path[:depth] if "logicalType" not in node else None
    return None
