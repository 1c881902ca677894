"""`scaffolder dbt-schema`: schema.yml from a contract, and located drift between them.
The template's Jinja and the Python generator must agree on day one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from scaffolder.contract.load import load_text
from scaffolder.contract.validate import load_contract
from scaffolder.dbt.schema import RULES, check
from tests.templates.helpers import generate, make_template_repo, scaffolder

yaml = YAML(typ="safe")


@pytest.fixture(scope="module")
def domain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    template = make_template_repo(tmp_path_factory.mktemp("tpl") / "datamesh-scaffolder")
    return generate(template, tmp_path_factory.mktemp("dbt-schema") / "orders")


def test_template_and_generator_agree(domain: Path) -> None:
    contract = domain / "data-product-contract.yaml"
    proc = scaffolder("dbt-schema", str(contract))
    assert proc.returncode == 0, proc.stderr
    assert yaml.load(proc.stdout) == yaml.load((domain / "models" / "schema.yml").read_text())
    ok = scaffolder("dbt-schema", "data-product-contract.yaml", "--check", "models/schema.yml", cwd=domain)
    assert ok.returncode == 0 and "agree" in ok.stdout


def test_drift_is_reported_where_it_is_and_regenerating_fixes_it(domain: Path, tmp_path: Path) -> None:
    contract = tmp_path / "data-product-contract.yaml"
    contract.write_text((domain / "data-product-contract.yaml").read_text()
                        .replace("type: decimal(10,2)", "type: decimal(12,2)")
                        .replace("  quality:\n", "      - name: currency\n        type: string\n"
                                 "        constraints: {nullable: false, enum: [EUR, USD]}\n  quality:\n"))
    schema = tmp_path / "schema.yml"
    schema.write_text((domain / "models" / "schema.yml").read_text())
    lines = schema.read_text().splitlines()
    amount_type = next(i for i, line in enumerate(lines, 1) if "decimal(10,2)" in line)

    proc = scaffolder("dbt-schema", str(contract), "--check", str(schema), "--format", "json")
    assert proc.returncode == 1
    findings = {f["rule"]: f for f in json.loads(proc.stdout)["findings"]}
    assert set(findings) == {"dbt-schema-data-type", "dbt-schema-missing-column"}
    assert findings["dbt-schema-data-type"]["line"] == amount_type
    assert "'decimal(12,2)' in dbt" in findings["dbt-schema-data-type"]["message"]
    assert "'currency'" in findings["dbt-schema-missing-column"]["message"]

    regenerated = scaffolder("dbt-schema", str(contract))
    schema.write_text(regenerated.stdout)
    assert scaffolder("dbt-schema", str(contract), "--check", str(schema)).returncode == 0


def _schema(columns: str, enforced: str = "true", name: str = "order_events") -> str:
    return (f"version: 2\nmodels:\n  - name: {name}\n    config:\n      contract:\n        enforced: {enforced}\n"
            f"    columns:\n{columns}")


CASES = {
    "dbt-schema-missing-model": _schema("      - name: order_id\n", name="stg_order_events"),
    "dbt-schema-not-enforced": _schema("", enforced="false"),
    "dbt-schema-extra-column": _schema("      - name: legacy_id\n        data_type: varchar\n"),
    "dbt-schema-missing-column": _schema(""),
    "dbt-schema-data-type": _schema("      - name: amount\n        data_type: double\n"),
    "dbt-schema-missing-test": _schema("      - name: order_id\n        data_type: varchar\n"
                                       "        data_tests: [not_null]\n"),
    "dbt-schema-accepted-values": _schema("      - name: status\n        data_type: varchar\n        data_tests:\n"
                                          "          - not_null\n          - accepted_values:\n"
                                          "              arguments: {values: [placed, paid]}\n"),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_fires_on_its_case(domain: Path, rule: str) -> None:
    assert RULES[rule].example and RULES[rule].message
    contract = load_contract(domain / "data-product-contract.yaml")
    findings = check(contract, load_text(CASES[rule], "schema.yml"))
    assert rule in {f.rule for f in findings}
    hit = next(f for f in findings if f.rule == rule)
    assert hit.location.path == "schema.yml" and hit.location.line


def test_bad_input_is_a_located_error_not_a_traceback(domain: Path, tmp_path: Path) -> None:
    broken = tmp_path / "schema.yml"
    broken.write_text("version: 2\nmodels: [\n")
    proc = scaffolder("dbt-schema", str(domain / "data-product-contract.yaml"), "--check", str(broken))
    assert proc.returncode == 1 and f"{broken}:" in proc.stdout and "Traceback" not in proc.stderr
    missing = scaffolder("dbt-schema", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
