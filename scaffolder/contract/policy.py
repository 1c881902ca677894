"""Governance policy: the mesh's rules applied to one contract as located findings.

Policy is computed on every run, never audited by hand. The settings come from
`mesh.yaml` through `mesh.py`.
"""

from __future__ import annotations

import re
from typing import Any

from scaffolder.contract.mesh import Mesh
from scaffolder.contract.model import Contract
from scaffolder.report.finding import Finding


def check_policy(contract: Contract, mesh: Mesh) -> list[Finding]:
    """Governance (contract.md stage 4): the mesh's policy applied to one contract."""
    out: list[Finding] = []

    def add(rule: str, message: str, path: tuple[Any, ...], key: bool = False) -> None:
        suffix = f" (policy in {mesh.path})" if mesh.path else ""
        out.append(Finding(rule, message + suffix, location=contract.doc.location(path, key=key)))

    if mesh.product_pattern and contract.name and not re.search(mesh.product_pattern, contract.name):
        add("policy-naming", f"product name {contract.name!r} does not match {mesh.product_pattern}", ("metadata", "name"))
    if mesh.product_prefix_is_domain and contract.name and contract.domain:
        prefix = contract.name.split(".", 1)[0]
        if prefix not in (contract.domain, f"{contract.domain}-domain"):
            add("policy-naming", f"product name {contract.name!r} must start with its domain {contract.domain!r}",
                ("metadata", "name"))
    if mesh.field_pattern:
        for f in contract.fields:
            if not re.search(mesh.field_pattern, f.name):
                add("policy-naming", f"field name {f.name!r} does not match {mesh.field_pattern}", (*f.path, "name"))
    spec = contract.doc.data.get("spec") if isinstance(contract.doc.data.get("spec"), dict) else {}
    # `require.owner` needs no check here: the contract schema itself requires spec.owner.
    if mesh.require.get("sla") and "sla" not in spec:
        add("policy-required", "every product states an SLA (spec.sla)", ("spec",), key=True)
    if mesh.require.get("freshness") and (contract.sla is None or contract.sla.freshness is None):
        add("policy-required", "every product states a freshness SLA (spec.sla.freshness)", ("spec", "sla"), key=True)
    if mesh.require.get("description") and not contract.description:
        add("policy-required", "every product has a description (metadata.description)", ("metadata",), key=True)
    if mesh.require.get("field_descriptions"):
        for f in contract.fields:
            if not f.description:
                add("policy-required", f"field {f.name!r} has no description", (*f.path, "name"))
    if mesh.require.get("quality_checks") and not contract.checks:
        add("policy-required", "every product declares quality checks (spec.quality.checks)", ("spec",), key=True)
    for f in contract.fields:
        k = f.constraints
        if k.pii and mesh.require_masking and (k.masking is None or k.masking == "none"):
            add("policy-pii-masking", f"field {f.name!r} is PII and must be masked (one of {', '.join(mesh.allowed_masking)})",
                (*f.path, "constraints", "pii"), key=True)
        if k.masking and k.masking != "none" and k.masking not in mesh.allowed_masking:
            add("policy-masking-method", f"masking {k.masking!r} on {f.name!r} is not allowed here (allowed: {', '.join(mesh.allowed_masking)})",
                (*f.path, "constraints", "masking"))
    for kind, known, used in (("role", mesh.roles, contract.roles), ("policy", mesh.policies, contract.policies)):
        if known is None:
            continue
        for i, value in enumerate(used):
            if value not in known:
                key = "roles" if kind == "role" else "policies"
                add(f"policy-unknown-{kind}", f"access {kind} {value!r} is not one the mesh knows ({', '.join(known) or 'none'})",
                    ("spec", "access", key, i))
    return out
