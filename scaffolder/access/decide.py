"""Access decisions: for one role, `allow`, `mask(<method>)` or `deny` per column, and why.

The decision is the Rego query `data.mesh.access.decision` over the default policy
(default_policy.SOURCE: contract roles read, PII masked by its `masking`, anything
else denied) plus the mesh's own modules in `package mesh.access`, which refine it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scaffolder.access.default_policy import NAME, SOURCE
from scaffolder.policy.engine import Engine, packages

if TYPE_CHECKING:
    from scaffolder.contract.model import Contract

EFFECTS = ("allow", "mask", "deny")
METHODS = ("hash", "redact", "tokenize")
QUERY = "data.mesh.access.decision"


@dataclass(frozen=True)
class ColumnDecision:
    column: str
    effect: str  # allow | mask | deny
    method: str | None  # the masking method when effect is mask
    reason: str
    source: str  # a contract JSON path, or policy:mesh.access.<set>

    @property
    def label(self) -> str:
        return f"mask({self.method})" if self.effect == "mask" else self.effect

    @property
    def readable(self) -> bool:
        return self.effect != "deny"

    def to_json(self) -> dict[str, Any]:
        return {"column": self.column, "decision": self.label, "effect": self.effect, "method": self.method,
                "reason": self.reason, "source": self.source}


@dataclass
class Decision:
    product: str
    role: str
    attrs: dict[str, str]
    columns: list[ColumnDecision] = field(default_factory=list)

    @property
    def reads_anything(self) -> bool:
        return any(c.readable for c in self.columns)

    def column(self, name: str) -> ColumnDecision | None:
        return next((c for c in self.columns if c.column == name), None)

    def to_json(self) -> dict[str, Any]:
        return {"product": self.product, "role": self.role, "attrs": dict(self.attrs),
                "columns": [c.to_json() for c in self.columns]}


class Decider:
    """The default policy and the mesh's `mesh.access` modules, compiled once for many decisions."""

    def __init__(self, mesh_modules: dict[str, str] | None = None):
        own = {name: src for name, src in (mesh_modules or {}).items()
               if _in_access_package(packages({name: src}).get(name))}
        self.engine = Engine({NAME: SOURCE, **own})
        self.query = self.engine.prepare(QUERY)
        self.policy_modules = sorted(own)

    def decide(self, contract: Contract, role: str, attrs: dict[str, str] | None = None) -> Decision:
        from scaffolder.policy.inputs import contract_input

        attrs = dict(attrs or {})
        out = self.query({"contract": contract_input(contract), "role": role, "attrs": attrs})
        rows = out if isinstance(out, list) and len(out) == len(contract.fields) else []
        decision = Decision(contract.name, role, attrs)
        for i, f in enumerate(contract.fields):
            raw = rows[i] if i < len(rows) and isinstance(rows[i], dict) else {
                "effect": "deny", "reason": "no decision", "source": QUERY}
            effect = raw.get("effect") if raw.get("effect") in EFFECTS else "deny"
            method = raw.get("method") if effect == "mask" else None
            if effect == "mask" and method not in METHODS:
                effect, method = "deny", None  # an unknown method is never read in clear
            decision.columns.append(ColumnDecision(f.name, effect, method, str(raw.get("reason", "")),
                                                   str(raw.get("source", ""))))
        return decision


def _in_access_package(package: str | None) -> bool:
    return package == "mesh.access" or (package or "").startswith("mesh.access.")


def decide(contract: Contract, role: str, attrs: dict[str, str] | None = None,
           mesh_modules: dict[str, str] | None = None) -> Decision:
    """One role's decision for one contract (compiles the policies: use a Decider for many)."""
    return Decider(mesh_modules).decide(contract, role, attrs)
