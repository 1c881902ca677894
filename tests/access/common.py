"""A contract with one column of every kind, and a mesh policy that grants, revokes and masks."""

from __future__ import annotations

from pathlib import Path

from scaffolder.contract.model import Contract
from scaffolder.contract.validate import load_contract_text

CONTRACT = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: orders.order_events, domain: orders, version: 1.0.0}
spec:
  owner: team-orders@company.io
  schema:
    type: table
    fields:
      - {name: order_id, type: string, constraints: {primary_key: true}}
      - {name: amount, type: double}
      - {name: customer_id, type: string, constraints: {pii: true, masking: hash}}
      - {name: email, type: string, constraints: {pii: true, masking: redact}}
      - {name: age, type: int, constraints: {pii: true, masking: redact}}
      - {name: phone, type: string, constraints: {pii: true, masking: tokenize}}
      - {name: city, type: string, constraints: {pii: true, masking: none}}
      - {name: ssn, type: string, constraints: {pii: true}}
  access:
    roles: [analyst, data-scientist, fraud, auditor]
"""

# The mesh's own refinement (package mesh.access): fraud reads customer_id in clear when it
# says why; auditor loses amount; data-scientist gets city masked although the contract leaves it clear.
POLICY = """\
package mesh.access

import rego.v1

grant_clear contains {"role": "fraud", "column": "customer_id", "msg": "fraud investigations"} if {
	input.attrs.purpose == "investigation"
}

grant_clear contains {"role": "fraud", "column": "customer_id", "msg": "fraud team, always"} if {
	input.role == "fraud"
	not input.attrs.purpose
}

revoke contains {"role": "auditor", "column": "amount", "msg": "auditors see no amounts"}

mask contains {"role": "data-scientist", "column": "city", "method": "hash", "msg": "city is quasi-identifying"}
"""

ROWS = [
    ("o-1", 12.5, "c-001", "a@x.io", 31, "+33 1 23", "Paris", "123-45"),
    ("o-2", 7.0, "c-002", "b@x.io", 45, "+49 30 1", "Berlin", "987-65"),
]
COLUMNS = ["order_id", "amount", "customer_id", "email", "age", "phone", "city", "ssn"]
TOKEN_KEY = "s3cr3t-key-never-in-sql"

# The test contract has a PII column without masking (to test that decision) and no SLA.
MESH = """\
name: test-mesh
policy:
  require: {owner: true, sla: false}
  pii: {require_masking: false}
"""


def contract() -> Contract:
    return load_contract_text(CONTRACT, "orders/data-product-contract.yaml")


def policies() -> dict[str, str]:
    return {"policies/access.rego": POLICY}


def write_mesh(root: Path) -> Path:
    """A mesh folder with the contract and the policy, for the CLI."""
    (root / "mesh.yaml").write_text(MESH)
    (root / "orders").mkdir()
    (root / "orders" / "data-product-contract.yaml").write_text(CONTRACT)
    (root / "policies").mkdir()
    (root / "policies" / "access.rego").write_text(POLICY)
    return root
