"""Mesh policy from mesh.yaml: validated itself, applied to contracts, defaults without it."""

from __future__ import annotations

import json
import shutil

from tests.conftest import SEED, run_cli

MESH = """\
apiVersion: datamesh.io/v1
kind: Mesh
name: acme
contracts: ["domains/*/data-product-contract.yaml"]
policy:
  naming:
    product: "^[a-z]+\\\\.[a-z_]+$"
    field: "^[a-z][a-z0-9_]*$"
  require: {sla: true, freshness: true, description: true}
  pii: {require_masking: true, allowed_masking: [tokenize]}
  access: {roles: [analyst], policies: []}
"""


def _mesh(tmp_path, mesh_text: str | None = MESH):
    if mesh_text is not None:
        (tmp_path / "mesh.yaml").write_text(mesh_text)
    domain = tmp_path / "domains" / "orders"
    domain.mkdir(parents=True)
    shutil.copy(SEED, domain / "data-product-contract.yaml")
    return domain / "data-product-contract.yaml"


def test_policy_findings_on_the_seed(tmp_path):
    contract = _mesh(tmp_path)
    result = run_cli("validate", "--format", "json", cwd=tmp_path)
    assert result.code == 1, result.err
    report = json.loads(result.out)
    (entry,) = report["contracts"]
    assert entry["path"] == "domains/orders/data-product-contract.yaml"
    found = {(f["rule"], f["line"]) for f in entry["findings"]}
    assert found == {
        ("policy-naming", 6),          # orders-domain.order_events does not match ^[a-z]+\.[a-z_]+$
        ("policy-required", 5),        # no metadata.description
        ("policy-masking-method", 25),  # hash is not allowed here
        ("policy-unknown-role", 38),    # data-scientist
        ("policy-unknown-policy", 39),  # PII-RED-ACT
    }
    assert contract.exists()


def test_without_mesh_yaml_defaults_apply(tmp_path):
    (tmp_path / ".git").mkdir()
    _mesh(tmp_path, None)
    result = run_cli("validate", cwd=tmp_path / "domains")
    assert result.code == 0, result.out
    assert "1 contract checked: all valid" in result.out


def test_pii_without_masking_is_a_governance_error(tmp_path):
    contract = _mesh(tmp_path, "apiVersion: datamesh.io/v1\nkind: Mesh\n")
    contract.write_text(contract.read_text().replace(', masking: "hash"', ""))
    result = run_cli("validate", cwd=tmp_path)
    assert result.code == 1
    assert "domains/orders/data-product-contract.yaml:25:24: field 'customer_id' is PII and must be masked" in result.out
    assert "[policy-pii-masking]" in result.out


def test_mesh_yaml_errors_are_located(tmp_path):
    _mesh(tmp_path, "apiVersion: datamesh.io/v1\nkind: Mesh\npolicy:\n  pii: {require_masking: yes}\n  nameing: {}\n")
    result = run_cli("validate", cwd=tmp_path)
    assert result.code == 1
    assert "mesh.yaml:4:26: policy.pii.require_masking must be true or false, got a string [wrong-type]" in result.out
    assert "mesh.yaml:5:3: unknown key 'nameing' in policy; did you mean 'naming'? [unknown-key]" in result.out


def test_folder_and_glob_arguments(tmp_path):
    _mesh(tmp_path, "apiVersion: datamesh.io/v1\nkind: Mesh\n")
    assert run_cli("validate", "domains", cwd=tmp_path).code == 0
    assert run_cli("validate", "domains/*/data-product-contract.yaml", cwd=tmp_path).code == 0
    missing = run_cli("validate", "nothing/*.yaml", cwd=tmp_path)
    assert missing.code == 2 and "no file matches" in missing.err
