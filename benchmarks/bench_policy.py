"""Benchmark: `validate` of 1,000 contracts with 10 Rego rules against `validate` without them.

Goal (issue 19): within 2x. The modules and the query of all rules are
compiled once per process; each contract is then one query of a compiled
bundle. Prints ratios against the baseline measured in the same run.

Run: python benchmarks/bench_policy.py [N_CONTRACTS]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _timing import PY, best_of, table  # noqa: E402
from bench_changes import contract  # noqa: E402

# Ten rule bodies, the kind a platform team writes: naming, owner, PII, roles, SLA, descriptions.
POLICIES = {
    "naming.rego": """package mesh.naming

import rego.v1

deny contains {"msg": "product name is not DOMAIN.PRODUCT", "path": "$.metadata.name"} if {
  not regex.match(`^[a-z][a-z0-9-]*\\.[a-z][a-z0-9_]*$`, input.contract.name)
}

deny contains {"msg": "product name must start with its domain", "path": "$.metadata.name"} if {
  not startswith(input.contract.name, concat("", [input.contract.domain, "."]))
}

deny contains {"msg": sprintf("field '%s' is not snake_case", [f.name]), "path": f.path} if {
  some f in input.contract.fields
  not regex.match(`^[a-z][a-z0-9_]*$`, f.name)
}
""",
    "owner.rego": """package mesh.owner

import rego.v1

deny contains "every product names its owner" if not is_string(input.contract.owner)

warn contains {"msg": "owner looks like a person", "path": "$.spec.owner"} if {
  not startswith(input.contract.owner, "team-")
}
""",
    "pii.rego": """package mesh.pii

import rego.v1

deny contains {"msg": sprintf("field '%s' is PII and unmasked", [f.name]), "path": f.path} if {
  some f in input.contract.fields
  f.pii
  not f.masking in {"hash", "redact", "tokenize"}
}

warn contains {"msg": sprintf("PII field '%s' is a primary key", [f.name]), "path": f.path} if {
  some f in input.contract.fields
  f.pii
  f.primary_key
}
""",
    "access.rego": """package mesh.access

import rego.v1

deny contains sprintf("role '%s' is unknown", [r]) if {
  some r in input.contract.roles
  not r in {"analyst", "data-scientist", "data-engineer"}
}

warn contains "no SLA" if input.contract.sla == null

warn contains "no description" if input.contract.description == null
""",
}


def mesh(root: Path, n: int, with_policies: bool) -> None:
    (root / "domains").mkdir(parents=True)
    (root / "mesh.yaml").write_text("apiVersion: datamesh.io/v1\nkind: Mesh\nname: bench\n"
                                    "contracts: ['domains/*/*.contract.yaml']\n")
    for i in range(n):
        folder = root / "domains" / f"d{i % 50}"
        folder.mkdir(exist_ok=True)
        (folder / f"p{i}.contract.yaml").write_text(contract(i))
    if with_policies:
        (root / "policies").mkdir()
        for name, text in POLICIES.items():
            (root / "policies" / name).write_text(text)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    tmp = Path(tempfile.mkdtemp(prefix="bench-policy-"))
    try:
        plain, rego = tmp / "plain", tmp / "rego"
        mesh(plain, n, False)
        mesh(rego, n, True)
        cmd = [PY, "-m", "scaffolder", "validate"]
        baseline = best_of(cmd, runs=3, cwd=str(plain))
        with_rego = best_of(cmd, runs=3, cwd=str(rego))
        table(f"validate, {n} contracts", "without Rego policies", baseline,
              [("with 10 Rego rules (4 modules)", with_rego)])
        print(f"\nratio {with_rego / baseline:.2f} (goal: < 2.0)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
