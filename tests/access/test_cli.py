"""`scaffolder access explain` and `access compile` as a user runs them."""

from __future__ import annotations

import json

from tests.access.common import write_mesh
from tests.conftest import run_cli


def test_explain_text_says_decision_and_why(tmp_path):
    root = write_mesh(tmp_path)
    r = run_cli("access", "explain", "orders.order_events", "--role", "fraud", cwd=root)
    assert r.code == 0, r.err
    lines = {line.split()[0]: line for line in r.out.splitlines()[1:-1]}
    assert "allow" in lines["customer_id"] and "fraud team, always" in lines["customer_id"]
    assert "mask(redact)" in lines["email"] and "$.spec.schema.fields[3].constraints.masking" in lines["email"]
    assert "deny" in lines["ssn"]
    assert r.out.splitlines()[-1] == "7/8 columns readable"


def test_explain_attributes_and_json(tmp_path):
    root = write_mesh(tmp_path)
    r = run_cli("access", "explain", "orders/data-product-contract.yaml", "--role", "fraud",
                "--attr", "purpose=investigation", "--format", "json", cwd=root)
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["attrs"] == {"purpose": "investigation"}
    cid = next(c for c in data["columns"] if c["column"] == "customer_id")
    assert (cid["decision"], cid["reason"]) == ("allow", "fraud investigations")


def test_explain_markdown_and_a_role_that_reads_nothing(tmp_path):
    root = write_mesh(tmp_path)
    r = run_cli("access", "explain", "orders.order_events", "--role", "outsider", "-f", "markdown", cwd=root)
    assert r.code == 1
    assert "| `order_id` | `deny` | the role is not in access.roles | `$.spec.access.roles` |" in r.out


def test_explain_bad_input_is_exit_2(tmp_path):
    root = write_mesh(tmp_path)
    assert run_cli("access", "explain", "nope", "--role", "a", cwd=root).code == 2
    r = run_cli("access", "explain", "orders.order_events", "--role", "a", "--attr", "novalue", cwd=root)
    assert (r.code, "expected KEY=VALUE" in r.err) == (2, True)
    (root / "policies" / "broken.rego").write_text("package mesh.access\n\nrevoke contains {\n")
    r = run_cli("access", "explain", "orders.order_events", "--role", "a", cwd=root)
    assert r.code == 2 and "policies/broken.rego:" in r.err and "Traceback" not in r.err


def test_compile_writes_one_file_per_product(tmp_path):
    root = write_mesh(tmp_path)
    r = run_cli("access", "compile", "--dialect", "postgres", "-o", "out", cwd=root)
    assert r.code == 0, r.err
    sql = (root / "out" / "orders.order_events.sql").read_text()
    assert 'GRANT SELECT ON "access"."order_events__fraud" TO "fraud"' in sql
    r = run_cli("access", "compile", "--dialect", "bigquery", "--format", "json", cwd=root)
    data = json.loads(r.out)
    assert data["products"][0]["roles"] == ["analyst", "auditor", "data-scientist", "fraud"]


def test_compile_refuses_a_bad_schema_name(tmp_path):
    root = write_mesh(tmp_path)
    r = run_cli("access", "compile", "--dialect", "duckdb", "--schema", "x;drop", cwd=root)
    assert r.code == 2 and "--schema" in r.err
