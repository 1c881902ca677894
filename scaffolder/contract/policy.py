"""Governance policy: the mesh's rules applied to one contract as located findings.

Policy is computed on every run, never audited by hand. The settings come from
`mesh.yaml` through `mesh.py`; each rule is one entry below (id, summary, check).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from scaffolder.contract.mesh import Mesh
from scaffolder.contract.model import Contract
from scaffolder.report.finding import Finding


@dataclass(frozen=True)
class Violation:
    message: str
    path: tuple[Any, ...]
    key: bool = False  # point at the key rather than the value
    rule: str | None = None  # another id this check emits (declared in its entry's `summaries`)


@dataclass(frozen=True)
class PolicyRule:
    """One check and the ids it emits, each with its one-line summary (the first is its own)."""

    summaries: dict[str, str]
    check: Callable[[Contract, Mesh], Iterator[Violation]]

    @property
    def id(self) -> str:
        return next(iter(self.summaries))


RULES: list[PolicyRule] = []


Check = Callable[[Contract, Mesh], Iterator[Violation]]


def rule(rule_id: str, summary: str, **also: str) -> Callable[[Check], Check]:
    """Register a check under `rule_id`; `also` names (with `_` for `-`) the other ids it emits."""
    def register(fn: Check) -> Check:
        RULES.append(PolicyRule({rule_id: summary, **{k.replace("_", "-"): v for k, v in also.items()}}, fn))
        return fn
    return register


def check_policy(contract: Contract, mesh: Mesh) -> list[Finding]:
    """Governance (contract.md stage 4): the mesh's policy applied to one contract."""
    suffix = f" (policy in {mesh.path})" if mesh.path else ""
    return [Finding(v.rule or r.id, v.message + suffix, location=contract.doc.location(v.path, key=v.key))
            for r in RULES for v in r.check(contract, mesh)]


@rule("policy-naming", "product and field names follow the mesh's naming patterns")
def _naming(contract: Contract, mesh: Mesh) -> Iterator[Violation]:
    if mesh.product_pattern and contract.name and not re.search(mesh.product_pattern, contract.name):
        yield Violation(f"product name {contract.name!r} does not match {mesh.product_pattern}", ("metadata", "name"))
    if mesh.product_prefix_is_domain and contract.name and contract.domain:
        prefix = contract.name.split(".", 1)[0]
        if prefix not in (contract.domain, f"{contract.domain}-domain"):
            yield Violation(f"product name {contract.name!r} must start with its domain {contract.domain!r}",
                            ("metadata", "name"))
    if mesh.field_pattern:
        for f in contract.fields:
            if not re.search(mesh.field_pattern, f.name):
                yield Violation(f"field name {f.name!r} does not match {mesh.field_pattern}", (*f.path, "name"))


@rule("policy-required", "a contract states what the mesh requires (SLA, freshness, descriptions, checks)")
def _required(contract: Contract, mesh: Mesh) -> Iterator[Violation]:
    spec = contract.doc.data.get("spec") if isinstance(contract.doc.data.get("spec"), dict) else {}
    # `require.owner` needs no check here: the contract schema itself requires spec.owner.
    if mesh.require.get("sla") and "sla" not in spec:
        yield Violation("every product states an SLA (spec.sla)", ("spec",), key=True)
    if mesh.require.get("freshness") and (contract.sla is None or contract.sla.freshness is None):
        yield Violation("every product states a freshness SLA (spec.sla.freshness)", ("spec", "sla"), key=True)
    if mesh.require.get("description") and not contract.description:
        yield Violation("every product has a description (metadata.description)", ("metadata",), key=True)
    if mesh.require.get("field_descriptions"):
        for f in contract.fields:
            if not f.description:
                yield Violation(f"field {f.name!r} has no description", (*f.path, "name"))
    if mesh.require.get("quality_checks") and not contract.checks:
        yield Violation("every product declares quality checks (spec.quality.checks)", ("spec",), key=True)


@rule("policy-pii-masking", "a PII field is masked when the mesh requires masking",
      policy_masking_method="a masking method is one the mesh allows")
def _masking(contract: Contract, mesh: Mesh) -> Iterator[Violation]:
    for f in contract.fields:  # field by field, both rules: findings in the fields' order
        k = f.constraints
        if k.pii and mesh.require_masking and (k.masking is None or k.masking == "none"):
            yield Violation(f"field {f.name!r} is PII and must be masked (one of {', '.join(mesh.allowed_masking)})",
                            (*f.path, "constraints", "pii"), key=True)
        if k.masking and k.masking != "none" and k.masking not in mesh.allowed_masking:
            yield Violation(f"masking {k.masking!r} on {f.name!r} is not allowed here "
                            f"(allowed: {', '.join(mesh.allowed_masking)})", (*f.path, "constraints", "masking"), rule="policy-masking-method")


def _unknown(kind: str, known: list[str] | None, used: list[str], key: str) -> Iterator[Violation]:
    if known is None:
        return
    for i, value in enumerate(used):
        if value not in known:
            yield Violation(f"access {kind} {value!r} is not one the mesh knows ({', '.join(known) or 'none'})",
                            ("spec", "access", key, i))


@rule("policy-unknown-role", "an access role is one the mesh declares")
def _unknown_role(contract: Contract, mesh: Mesh) -> Iterator[Violation]:
    yield from _unknown("role", mesh.roles, contract.roles, "roles")


@rule("policy-unknown-policy", "an access policy is one the mesh declares")
def _unknown_policy(contract: Contract, mesh: Mesh) -> Iterator[Violation]:
    yield from _unknown("policy", mesh.policies, contract.policies, "policies")
