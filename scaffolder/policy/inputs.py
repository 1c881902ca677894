"""What a mesh policy sees as `input`: the contract, the mesh, and during a change its base,
the change findings and the pull request's labels.

Documented in docs/governance.md; the shape is a promise to policy authors, so
keys are only ever added. Every field carries its JSON path, so a rule can
answer `{"msg": ..., "path": f.path}` and be reported at that field's line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffolder.contract.mesh import Mesh
    from scaffolder.contract.model import Contract, Field
    from scaffolder.report.finding import Finding


# The top-level keys of `input` (policy_input below).
INPUT_KEYS = ("event", "contract", "mesh", "base", "changes", "labels")


def plain(value: Any) -> Any:
    """YAML data as JSON data (dates become ISO text)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


def field_input(f: Field) -> dict[str, Any]:
    from scaffolder.contract.load import to_json_path

    k = f.constraints
    return {
        "name": f.name,
        "type": f.type_text,
        "description": f.description,
        "path": to_json_path(f.path),  # where it stands in the file: `$.spec.schema.fields[3]`
        "pii": k.pii,
        "masking": k.masking,
        "primary_key": k.primary_key,
        "nullable": not k.not_null,
        "unique": k.is_unique,
        "deprecated": f.deprecated is not None,
    }


def contract_input(contract: Contract) -> dict[str, Any]:
    """The contract normalised: identity, fields with their paths, access. (Not the raw document:
    rego-cpp's cost grows with the input, and everything a rule needs is here.)"""
    return {
        "file": contract.doc.path,
        "name": contract.name,
        "domain": contract.domain,
        "version": contract.version_text,
        "owner": contract.owner,
        "status": contract.status,
        "tags": list(contract.tags),
        "fields": [field_input(f) for f in contract.fields],
        "roles": list(contract.roles),
        "policies": list(contract.policies),
        "upstream": list(contract.upstream),
        "description": contract.description,
        "sla": None if contract.sla is None else {
            "freshness": str(contract.sla.freshness) if contract.sla.freshness is not None else None,
            "availability": contract.sla.availability},
        "checks": len(contract.checks),
    }


def mesh_input(mesh: Mesh) -> dict[str, Any]:
    return {
        "name": mesh.name,
        "roles": mesh.roles,
        "policies": mesh.policies,
        "allowed_masking": list(mesh.allowed_masking),
        "require_masking": mesh.require_masking,
        "require": dict(mesh.require),
        "compatibility": mesh.compatibility,
    }


def policy_input(contract: Contract | None, mesh: Mesh | dict[str, Any], *, base: Contract | None = None,
                 changes: Iterable[Finding] = (), labels: Iterable[str] = (),
                 event: str = "validate") -> dict[str, Any]:
    """`input` for one contract. `event` says which command asks: validate, check or ci.
    `contract` is None (null) when a change removes the contract; `base` is then the old one."""
    return {
        "event": event,
        "contract": contract_input(contract) if contract is not None else None,
        "mesh": mesh if isinstance(mesh, dict) else mesh_input(mesh),
        "base": contract_input(base) if base is not None else None,
        "changes": [_change(f) for f in changes],
        "labels": sorted(set(labels)),
    }


def _change(f: Finding) -> dict[str, Any]:
    out = f.to_json()
    out.pop("fingerprint", None)
    out.pop("line", None)
    out.pop("col", None)
    return plain(out)
