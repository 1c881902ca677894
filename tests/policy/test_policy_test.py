"""`scaffolder policy test`: the policies' own tests, pass/fail per test like `opa test`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

POLICY = """package mesh.owner

import rego.v1

deny contains "every product names an owner team" if {
  not endswith(input.contract.owner, "@company.io")
}
"""

TESTS = """package mesh.owner_test

import data.mesh.owner

test_foreign_owner_denied if {
  count(owner.deny) == 1 with input.contract as {"owner": "me@gmail.com"}
}

test_company_owner_passes if {
  count(owner.deny) == 0 with input.contract as {"owner": "team@company.io"}
}
"""

WRONG = """
test_wrong_expectation if {
  count(owner.deny) == 0 with input.contract as {"owner": "me@gmail.com"}
}
"""


def policies(tmp_path: Path, tests: str = TESTS) -> Path:
    (tmp_path / "policies").mkdir()
    (tmp_path / "mesh.yaml").write_text("apiVersion: datamesh.io/v1\nkind: Mesh\nname: t\n")
    (tmp_path / "policies/owner.rego").write_text(POLICY)
    (tmp_path / "policies/owner_test.rego").write_text(tests)
    return tmp_path


def test_all_pass(tmp_path):
    run = run_cli("policy", "test", cwd=policies(tmp_path))
    assert run.code == 0, run.out + run.err
    assert "policies/owner_test.rego:5:1: PASS data.mesh.owner_test.test_foreign_owner_denied" in run.out
    assert run.out.rstrip().endswith("2/2 tests passed")


def test_a_failure_exits_1_and_is_located(tmp_path):
    root = policies(tmp_path, TESTS + WRONG)
    run = run_cli("policy", "test", "policies", cwd=root)
    assert run.code == 1
    assert "policies/owner_test.rego:13:1: FAIL data.mesh.owner_test.test_wrong_expectation: undefined" in run.out
    assert "2/3 tests passed, 1 failed" in run.out
    data = json.loads(run_cli("policy", "test", "--format", "json", cwd=root).out)
    assert (data["ok"], data["pass"], data["fail"]) == (False, 2, 1)
    assert [t["status"] for t in data["tests"]] == ["pass", "pass", "fail"]


def test_runtime_error_in_a_test_is_located_exit_2(tmp_path):
    root = policies(tmp_path, TESTS + '\ntest_bad if {\n  count(7) == 1\n}\n')
    run = run_cli("policy", "test", cwd=root)
    assert run.code == 2
    assert "policies/owner_test.rego:13:1: ERROR data.mesh.owner_test.test_bad" in run.out


def test_syntax_error_and_unsupported_with_are_located(tmp_path):
    root = policies(tmp_path, TESTS.replace("count(owner.deny) == 0", "count(owner.deny) =="))
    run = run_cli("policy", "test", cwd=root)
    assert run.code == 2 and "policies/owner_test.rego:10:" in run.err and "[syntax]" in run.err
    assert "Traceback" not in run.err
    (root / "policies/owner_test.rego").write_text(TESTS.replace('input.contract as {"owner": "me@gmail.com"}',
                                                                 'input as {"contract": {"owner": "x"}}'))
    run = run_cli("policy", "test", cwd=root)  # rego-cpp would crash on this: refused, located
    assert run.code == 2 and "policies/owner_test.rego:6:" in run.err and "[unsupported]" in run.err


def test_no_tests_or_no_folder_is_a_usage_error(tmp_path):
    root = policies(tmp_path, "package mesh.owner_test\n")
    assert run_cli("policy", "test", cwd=root).code == 2
    assert run_cli("policy", "test", "nowhere", cwd=root).code == 2
