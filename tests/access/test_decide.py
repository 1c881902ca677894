"""Access decisions for every role kind × column kind × masking method, through the Rego engine."""

from __future__ import annotations

import pytest

from scaffolder.access.decide import Decider, decide
from tests.access.common import contract, policies

# Column kinds of the test contract: not PII; PII masked by hash / redact (string and int) /
# tokenize; PII with masking: none; PII without a masking method.
COLUMN_KINDS = ["order_id", "amount", "customer_id", "email", "age", "phone", "city", "ssn"]

# role -> expected decision per column, in COLUMN_KINDS order.
EXPECTED = {
    # listed in access.roles: PII masked by its method, masking none in clear, no method denied
    "analyst": ["allow", "allow", "mask(hash)", "mask(redact)", "mask(redact)", "mask(tokenize)",
                "allow", "deny"],
    # listed, and the mesh policy masks city by hash for it
    "data-scientist": ["allow", "allow", "mask(hash)", "mask(redact)", "mask(redact)", "mask(tokenize)",
                       "mask(hash)", "deny"],
    # listed, and the mesh policy grants customer_id in clear
    "fraud": ["allow", "allow", "allow", "mask(redact)", "mask(redact)", "mask(tokenize)", "allow", "deny"],
    # listed, and the mesh policy revokes amount
    "auditor": ["allow", "deny", "mask(hash)", "mask(redact)", "mask(redact)", "mask(tokenize)",
                "allow", "deny"],
    # not listed: nothing, whatever the policy grants
    "outsider": ["deny"] * 8,
}


@pytest.fixture(scope="module")
def decider() -> Decider:
    return Decider(policies())


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("column", COLUMN_KINDS)
def test_decision_matrix(decider, role, column):
    decision = decider.decide(contract(), role)
    got = decision.column(column)
    assert got is not None
    assert got.label == EXPECTED[role][COLUMN_KINDS.index(column)], got


def test_reasons_name_the_contract_setting_or_the_policy_rule(decider):
    c = contract()
    analyst = decider.decide(c, "analyst")
    assert analyst.column("customer_id").source == "$.spec.schema.fields[2].constraints.masking"
    assert analyst.column("order_id").source == "$.spec.access.roles"
    assert decider.decide(c, "outsider").column("order_id").reason == "the role is not in access.roles"
    fraud = decider.decide(c, "fraud")
    assert fraud.column("customer_id").source == "policy:mesh.access.grant_clear"
    assert fraud.column("customer_id").reason == "fraud team, always"
    assert decider.decide(c, "auditor").column("amount").source == "policy:mesh.access.revoke"
    assert decider.decide(c, "data-scientist").column("city").source == "policy:mesh.access.mask"


def test_attributes_reach_the_policy(decider):
    got = decider.decide(contract(), "fraud", {"purpose": "investigation"}).column("customer_id")
    assert (got.label, got.reason) == ("allow", "fraud investigations")


def test_without_mesh_policies_the_contract_decides():
    got = decide(contract(), "fraud").column("customer_id")
    assert got.label == "mask(hash)"


def test_modules_of_other_packages_are_not_part_of_the_decision():
    other = {"policies/naming.rego": "package mesh.naming\n\nimport rego.v1\n\ngrant_clear := 1\n"}
    assert Decider(other).policy_modules == []
    assert decide(contract(), "fraud", mesh_modules=other).column("customer_id").label == "mask(hash)"


def test_a_policy_syntax_error_is_located():
    from scaffolder.policy.engine import PolicyError

    with pytest.raises(PolicyError) as err:
        Decider({"policies/bad.rego": "package mesh.access\n\ngrant_clear contains {\n"})
    assert str(err.value).startswith("policies/bad.rego:")


@pytest.mark.parametrize("listed", [True, False])
@pytest.mark.parametrize("pii", [True, False])
@pytest.mark.parametrize("masking", [None, "none", "hash", "redact", "tokenize"])
def test_the_python_form_of_the_default_policy_agrees_with_the_rego(pii, masking, listed):
    """The change diff uses contract_effect (no Rego engine there): it must say what Rego says."""
    from scaffolder.access.default_policy import contract_effect
    from scaffolder.contract.validate import load_contract_text

    constraints = "{" + ", ".join([f"pii: {str(pii).lower()}", *([f"masking: {masking}"] if masking else [])]) + "}"
    c = load_contract_text(
        "apiVersion: datamesh.io/v1\nkind: DataProduct\nmetadata: {name: a.b, domain: a, version: 1.0.0}\n"
        f"spec:\n  owner: a@b.io\n  schema:\n    fields:\n      - {{name: x, type: string, constraints: {constraints}}}\n"
        "  access:\n    roles: [analyst]\n", "c.yaml")
    got = decide(c, "analyst" if listed else "other").columns[0]
    assert (got.effect, got.method) == contract_effect(pii, masking, listed)
