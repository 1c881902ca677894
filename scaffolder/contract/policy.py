"""Mesh-wide settings and governance policy from `mesh.yaml`.

Policy is computed on every run, never audited by hand: the checks below turn
each rule of the file into located findings on the contracts it governs.
A missing `mesh.yaml` means the defaults documented in the README.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.contract.load import Document, LoadError, load_file
from scaffolder.contract.model import MODES, Contract
from scaffolder.report.finding import Finding, Location

MESH_FILE = "mesh.yaml"
DEFAULT_GLOBS = ["**/data-product-contract.yaml", "**/*.contract.yaml"]


@dataclass
class Mesh:
    root: Path
    doc: Document | None = None
    name: str = "mesh"
    contracts: list[str] = field(default_factory=lambda: list(DEFAULT_GLOBS))
    product_pattern: str | None = None
    field_pattern: str | None = None
    product_prefix_is_domain: bool = False
    require: dict[str, bool] = field(default_factory=lambda: {"owner": True, "sla": True})
    require_masking: bool = True
    allowed_masking: list[str] = field(default_factory=lambda: ["hash", "redact", "tokenize"])
    roles: list[str] | None = None  # None: any role is accepted
    policies: list[str] | None = None
    compatibility: str = "consumer"
    rule_overrides: dict[str, str] = field(default_factory=dict)
    exceptions_doc: Document | None = None  # the changes.exceptions_file; inline entries are read from `doc`
    templates: dict[str, Any] = field(default_factory=dict)
    rego: str = "policies"  # the folder of Rego policies (scaffolder.policy), relative to the root
    # The compiled Rego policies, attached by the command that evaluates them (scaffolder.policy.
    # mesh_policies.attach): called as rego_policies(contract) while validating, and
    # rego_policies.on_change(new, old, changes) while checking a change.
    rego_policies: Any = None
    findings: list[Finding] = field(default_factory=list)  # problems in mesh.yaml itself

    @property
    def path(self) -> str | None:
        return self.doc.path if self.doc else None


def find_root(start: Path | None = None) -> Path:
    """The mesh root: the nearest folder with mesh.yaml, else the git top level, else `start`."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / MESH_FILE).is_file():
            return folder
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def load_mesh(root: Path | None = None) -> Mesh:
    root = find_root(root)
    mesh = Mesh(root=root)
    path = root / MESH_FILE
    if not path.is_file():
        return mesh
    from scaffolder.contract.discover import display

    try:
        doc = load_file(display(path), within=root)
    except LoadError as exc:
        mesh.findings = exc.findings
        return mesh
    mesh.doc = doc
    from scaffolder.contract.schema import MESH_SCHEMA, validate_structure

    mesh.findings = validate_structure(doc, MESH_SCHEMA)
    _apply(mesh, doc.data)
    for key, pattern in (("product", mesh.product_pattern), ("field", mesh.field_pattern)):
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                mesh.findings.append(Finding("invalid-regex", f"policy.naming.{key}: invalid regex: {exc}",
                                             location=doc.location(("policy", "naming", key))))
    return mesh


def _get(data: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(k)
    return data


def _apply(mesh: Mesh, data: dict[str, Any]) -> None:
    if isinstance(data.get("name"), str):
        mesh.name = data["name"]
    if isinstance(data.get("contracts"), list):
        mesh.contracts = [g for g in data["contracts"] if isinstance(g, str)]
    if isinstance(_get(data, "policy", "rego"), str):
        mesh.rego = data["policy"]["rego"]
    naming = _get(data, "policy", "naming") or {}
    mesh.product_pattern = naming.get("product") if isinstance(naming.get("product"), str) else None
    mesh.field_pattern = naming.get("field") if isinstance(naming.get("field"), str) else None
    mesh.product_prefix_is_domain = naming.get("product_prefix_is_domain") is True
    req = _get(data, "policy", "require")
    if isinstance(req, dict):
        mesh.require.update({k: v for k, v in req.items() if isinstance(v, bool)})
    pii = _get(data, "policy", "pii") or {}
    if isinstance(pii.get("require_masking"), bool):
        mesh.require_masking = pii["require_masking"]
    if isinstance(pii.get("allowed_masking"), list):
        mesh.allowed_masking = [m for m in pii["allowed_masking"] if isinstance(m, str)]
    access = _get(data, "policy", "access") or {}
    if isinstance(access.get("roles"), list):
        mesh.roles = [r for r in access["roles"] if isinstance(r, str)]
    if isinstance(access.get("policies"), list):
        mesh.policies = [p for p in access["policies"] if isinstance(p, str)]
    changes = data.get("changes") if isinstance(data.get("changes"), dict) else {}
    if changes.get("compatibility") in MODES:
        mesh.compatibility = changes["compatibility"]
    if isinstance(changes.get("rules"), dict):
        mesh.rule_overrides = {k: v for k, v in changes["rules"].items() if isinstance(v, str)}
    if isinstance(changes.get("exceptions_file"), str):
        _load_exceptions_file(mesh, changes["exceptions_file"])
    if isinstance(data.get("templates"), dict):
        mesh.templates = data["templates"]


def _load_exceptions_file(mesh: Mesh, name: str) -> None:
    from scaffolder.contract.discover import display

    path = display(mesh.root / name)
    if mesh.doc is not None and not Path(os.path.abspath(mesh.root / name)).is_relative_to(mesh.root):
        mesh.findings.append(Finding("exceptions-file-outside", f"changes.exceptions_file {name!r} must be a file "
                                     "inside the mesh (no `..` or absolute path out of it)",
                                     location=mesh.doc.location(("changes", "exceptions_file"))))
        return
    try:
        doc = load_file(path, within=mesh.root)
    except LoadError as exc:
        mesh.findings.extend(exc.findings)
        return
    items = doc.data.get("exceptions")
    if not isinstance(items, list):
        mesh.findings.append(Finding("wrong-type", "an exceptions file holds `exceptions:`, a list",
                                     location=Location(str(path), 1, 1, "$")))
        return
    mesh.exceptions_doc = doc


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
