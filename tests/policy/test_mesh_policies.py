"""The mesh's Rego policies in `validate`, `check` and `ci`: conftest's conventions, located findings
in every format, a label gate reading the change, and Rego errors as located usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.changes.conftest import BASE, edit, git, line_of
from tests.conftest import run_cli

ORDERS = "domains/orders/data-product-contract.yaml"

RULES = """package mesh.fields

import rego.v1

deny contains {"msg": sprintf("field %s: PII must be tokenized here", [f.name]), "path": f.path} if {
  some f in input.contract.fields
  f.pii
  f.masking != "tokenize"
}

violation contains {"msg": "status must be an enum", "path": ["spec", "schema", "fields", i, "constraints"]} if {
  some i, f in input.contract.document_free_fields
}

violation contains {"msg": sprintf("field %s has no description", [f.name]), "path": concat("", [f.path, ".name"])} if {
  some f in input.contract.fields
  f.name == "qty"
}

warn contains "products should carry tags" if {
  count(input.contract.tags) == 0
}
"""


def mesh(tmp_path: Path, *policies: tuple[str, str], contract: str = BASE, settings: str = "") -> Path:
    root = tmp_path / "mesh"
    (root / "domains/orders").mkdir(parents=True)
    (root / "mesh.yaml").write_text("apiVersion: datamesh.io/v1\nkind: Mesh\nname: t\n"
                                    "contracts: ['domains/*/data-product-contract.yaml']\n" + settings)
    (root / ORDERS).write_text(contract)
    for rel, text in policies:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_deny_violation_warn_located_in_text(tmp_path):
    root = mesh(tmp_path, ("policies/fields.rego", RULES))
    run = run_cli("validate", cwd=root)
    assert run.code == 1, run.out + run.err
    pii = line_of(BASE, "- name: customer_id")
    qty = line_of(BASE, "- name: qty")
    assert f"{ORDERS}:{pii}:9: field customer_id: PII must be tokenized here [policy:mesh.fields.deny]" in run.out
    assert f"{ORDERS}:{qty}:15: field qty has no description [policy:mesh.fields.violation]" in run.out
    assert f"{ORDERS}:1:1: warning: products should carry tags [policy:mesh.fields.warn]" in run.out
    assert "(2 errors, 1 warning)" in run.out


def test_warn_alone_does_not_fail(tmp_path):
    only_warn = RULES.split("deny contains")[0] + "warn contains \"tags please\" if count(input.contract.tags) == 0\n"
    root = mesh(tmp_path, ("policies/w.rego", only_warn))
    run = run_cli("validate", cwd=root)
    assert run.code == 0, run.out + run.err
    assert "warning: tags please [policy:mesh.fields.warn]" in run.out


def test_findings_in_json_and_annotations(tmp_path):
    root = mesh(tmp_path, ("policies/fields.rego", RULES))
    data = json.loads(run_cli("validate", "--format", "json", cwd=root).out)
    findings = {f["rule"]: f for f in data["contracts"][0]["findings"] if f["rule"].startswith("policy:")}
    deny = findings["policy:mesh.fields.deny"]
    assert (deny["severity"], deny["line"], deny["col"]) == ("error", line_of(BASE, "- name: customer_id"), 9)
    assert deny["path"] == "$.spec.schema.fields[6]"
    assert deny["data"] == {"policy": "policies/fields.rego"}
    assert findings["policy:mesh.fields.warn"]["severity"] == "warning"
    github = run_cli("validate", "--format", "github", cwd=root).out
    assert (f"::error file={ORDERS},line={line_of(BASE, '- name: customer_id')},col=9,"
            "title=policy%3Amesh.fields.deny::field customer_id: PII must be tokenized here") in github
    assert f"::warning file={ORDERS},line=1,col=1,title=policy%3Amesh.fields.warn::" in github


def test_no_policy_skips_and_the_folder_is_configurable(tmp_path):
    root = mesh(tmp_path, ("governance/rego/fields.rego", RULES), settings="policy:\n  rego: governance/rego\n")
    assert "policy:mesh.fields.deny" in run_cli("validate", cwd=root).out
    skipped = run_cli("validate", "--no-policy", cwd=root)
    assert skipped.code == 0 and "policy:" not in skipped.out
    (root / "mesh.yaml").write_text((root / "mesh.yaml").read_text().replace("governance/rego", "elsewhere"))
    assert run_cli("validate", cwd=root).code == 0  # no policies there


@pytest.mark.parametrize(("source", "where", "words"), [
    ("package mesh.x\n\ndeny contains msg if {\n  msg := \n}\n", ":4:7:", "[syntax]"),
    ('package mesh.x\n\ndeny contains m if {\n  m := sprintf("%s", [input.contract.fields[0].name])\n}\n\n'
     'deny := 1\n', ":3:1:", "[runtime]"),
    ("package mesh.x\n\nwarn contains x if {\n  x := opa.runtime().env.HOME\n}\n", ":4:8:", "opa.runtime is not allowed"),
])
def test_rego_errors_are_located_usage_errors(tmp_path, source, where, words):
    root = mesh(tmp_path, ("policies/x.rego", source))
    run = run_cli("validate", "--format", "json", cwd=root)
    assert run.code == 2, run.out + run.err
    assert run.out == ""  # nothing half-written, and rego-cpp's own printout is kept out
    assert f"policies/x.rego{where}" in run.err and words in run.err
    assert "Traceback" not in run.err


# --- a label gate over the change -------------------------------------------------------------

LABEL_GATE = """package mesh.privacy

import rego.v1

# Removing a PII field takes the privacy team's approval: the `privacy-approved` label.
deny contains sprintf("removing PII field %s needs the privacy-approved label", [f.name]) if {
  some change in input.changes
  change.rule == "field-removed"
  some f in input.base.fields
  f.pii
  not f.name in {g.name | some g in input.contract.fields}
  not "privacy-approved" in input.labels
}
"""

LABEL_GATE_TEST = """package mesh.privacy_test

import data.mesh.privacy

base := {"fields": [{"name": "customer_id", "pii": true}]}

removed := [{"rule": "field-removed"}]

test_removal_needs_the_label if {
  b := base
  ch := removed
  count(privacy.deny) == 1 with input.base as b with input.changes as ch with input.contract as {"fields": []}
}

test_label_lets_it_through if {
  b := base
  ch := removed
  count(privacy.deny) == 0 with input.base as b with input.changes as ch
    with input.contract as {"fields": []} with input.labels as ["privacy-approved"]
}
"""


def _gate_repo(tmp_path: Path) -> Path:
    root = mesh(tmp_path, ("policies/privacy.rego", LABEL_GATE), ("policies/privacy_test.rego", LABEL_GATE_TEST))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "mesh")
    git(root, "checkout", "-qb", "pr")
    text = edit(BASE, ("      - name: customer_id\n        type: string\n        constraints: {pii: true, masking: hash, "
                       "min_length: 1, max_length: 64}\n", ""), ("version: 2.1.0", "version: 3.0.0"))
    (root / ORDERS).write_text(text)
    git(root, "commit", "-qam", "drop customer_id")
    return root


def test_label_gate_in_check(tmp_path):
    root = _gate_repo(tmp_path)
    assert run_cli("policy", "test", cwd=root).code == 0
    blocked = run_cli("check", "--base", "main", "--format", "json", cwd=root)
    assert blocked.code == 1, blocked.out + blocked.err
    (orders,) = json.loads(blocked.out)["contracts"]
    assert [g["rule"] for g in orders["gate"]] == ["policy:mesh.privacy.deny"]
    assert "customer_id needs the privacy-approved label" in orders["gate"][0]["message"]
    markdown = run_cli("check", "--base", "main", "--format", "markdown", cwd=root).out
    assert "policy:mesh.privacy.deny" in markdown and "privacy-approved" in markdown
    allowed = run_cli("check", "--base", "main", "--label", "privacy-approved", cwd=root)
    assert allowed.code == 0, allowed.out + allowed.err
    assert "policy:" not in allowed.out
    # a validate run has no change: the gate policy stays silent
    assert run_cli("validate", cwd=root).code == 0


def test_label_gate_in_ci_reads_the_pr_labels(tmp_path):
    from tests.github.fake_github import FakeGitHub
    from tests.github.test_ci import ci_env

    root = _gate_repo(tmp_path)
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(root, "remote", "add", "origin", str(origin))
    git(root, "push", "-q", "origin", "main")
    with FakeGitHub() as gh:
        blocked = run_cli("ci", "--comment", "off", cwd=root, env=ci_env(root, gh, tmp_path))
        assert blocked.code == 1, blocked.out + blocked.err
        assert f"::error file={ORDERS},line=1,col=1,title=policy%3Amesh.privacy.deny::" in blocked.out
        labelled = run_cli("ci", "--comment", "off", cwd=root,
                           env=ci_env(root, gh, tmp_path, labels=["privacy-approved"]))
        assert labelled.code == 0, labelled.out + labelled.err


def test_policies_travel_to_validate_worker_processes(tmp_path, monkeypatch):
    """validate_files forks workers for large meshes: the compiled policies are rebuilt there."""
    from scaffolder.contract import validate as validate_mod
    from scaffolder.contract.mesh import load_mesh
    from scaffolder.policy.mesh_policies import attach

    root = mesh(tmp_path, ("policies/fields.rego", RULES))
    for i in range(3):
        (root / f"domains/d{i}").mkdir()
        (root / f"domains/d{i}/data-product-contract.yaml").write_text(
            edit(BASE, ("name: orders.order_events", f"name: d{i}.events"), ("domain: orders", f"domain: d{i}")))
    monkeypatch.setattr(validate_mod, "PARALLEL_FROM", 2)
    m = attach(load_mesh(root))
    files = sorted(root.glob("domains/*/data-product-contract.yaml"))
    results = validate_mod.validate_files(files, m, within=root)
    assert [sum(f.rule == "policy:mesh.fields.deny" for f in r.findings) for r in results] == [1, 1, 1, 1]


def test_a_policy_folder_outside_the_mesh_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.rego").write_text(RULES)
    root = mesh(tmp_path, settings="policy:\n  rego: ../elsewhere\n")
    run = run_cli("validate", cwd=root)
    assert run.code == 2
    assert "mesh.yaml:6:9: policy.rego '../elsewhere' must be a folder inside the mesh" in run.err


def test_policies_run_on_each_table_of_an_odcs_contract_located_in_its_file(tmp_path):
    root = mesh(tmp_path, ("policies/fields.rego", RULES))
    odcs = "domains/orders/orders.odcs.yaml"
    converted = run_cli("convert", ORDERS, "--to", "odcs", "-o", odcs, cwd=root)
    assert converted.code == 0, converted.out + converted.err
    (root / ORDERS).unlink()
    (root / "mesh.yaml").write_text((root / "mesh.yaml").read_text().replace("data-product-contract.yaml",
                                                                             "*.odcs.yaml"))
    run = run_cli("validate", cwd=root)
    assert run.code == 1, run.out + run.err
    line = line_of((root / odcs).read_text(), "- name: customer_id")
    assert f"{odcs}:{line}:5: field customer_id: PII must be tokenized here [policy:mesh.fields.deny]" in run.out
