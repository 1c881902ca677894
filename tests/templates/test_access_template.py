"""The domain template applies compiled access after `dbt run`, and its Terraform roles are
the roles the compiled grants name."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import duckdb
import hcl2
import pytest
import sqlglot
from ruamel.yaml import YAML
from sqlglot import exp

from scaffolder.access.compile import compile_all
from scaffolder.contract.validate import load_contract
from tests.templates.helpers import dbt, generate, make_template_repo, run

GRANT_DIALECTS = ["postgres", "snowflake", "databricks", "bigquery"]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_repo(tmp_path_factory.mktemp("tpl") / "datamesh-scaffolder")


@pytest.fixture(scope="module")
def domain(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Three roles, one with a hyphen, so the comparison is not trivially one name.
    return generate(template, tmp_path_factory.mktemp("access") / "orders", "roles=analyst,data-scientist,finance")


def terraform_roles(domain: Path) -> set[str]:
    with (domain / "terraform" / "main.tf").open() as fh:
        parsed = hcl2.load(fh)
    locals_ = {k: v for block in parsed.get("locals", []) for k, v in block.items()}
    return {r.strip('"') for r in locals_["access_roles"]}


def granted_roles(sql: str, dialect: str) -> set[str]:
    """The principals of every GRANT statement, as sqlglot parses them."""
    out = set()
    for stmt in sqlglot.parse(sql, read=dialect, error_level=sqlglot.ErrorLevel.RAISE):
        if isinstance(stmt, exp.Grant):
            for principal in stmt.args["principals"]:
                name = principal.this.name if isinstance(principal.this, exp.Expression) else str(principal.this)
                out.add(name.removeprefix("group:").lower())
    return out


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_terraform_role_stubs_and_compiled_grants_agree(template: Path, tmp_path: Path, cloud: str) -> None:
    domain = generate(template, tmp_path / "orders", f"cloud={cloud}", "roles=analyst,data-scientist,finance")
    contract = load_contract(domain / "data-product-contract.yaml")
    tf = terraform_roles(domain)
    assert tf == {"analyst", "data-scientist", "finance"}
    for dialect in GRANT_DIALECTS:
        compiled = compile_all([contract], dialect)[0]
        assert set(compiled.roles) == tf, dialect
        assert granted_roles(compiled.sql(), dialect) == tf, dialect


def publish_step(domain: Path) -> tuple[list[str], dict]:
    doc = YAML(typ="safe").load((domain / ".github" / "workflows" / "data-product-publish.yml").read_text())
    steps = doc["jobs"]["publish"]["steps"]
    names = [s["name"] for s in steps]
    return names, steps[next(i for i, n in enumerate(names) if n.startswith("Apply access"))]


@pytest.mark.parametrize("warehouse", ["duckdb", "snowflake", "bigquery", "databricks"])
def test_publish_applies_access_after_dbt_run(template: Path, tmp_path: Path, warehouse: str) -> None:
    domain = generate(template, tmp_path / "orders", f"warehouse={warehouse}")
    names, step = publish_step(domain)
    assert names.index(step["name"]) == names.index("Publish to storage (dbt run, prod target)") + 1
    assert f"--dialect {warehouse}" in step["run"] and "--target prod" in step["run"]
    publish = next(s for s in YAML(typ="safe").load(
        (domain / ".github" / "workflows" / "data-product-publish.yml").read_text())["jobs"]["publish"]["steps"]
        if s["name"].startswith("Publish to storage"))
    assert step["env"] == publish["env"]  # the same prod connection


def test_the_workflow_commands_apply_access_with_dbt(domain: Path) -> None:
    """The step's own commands, run on the dev target (DuckDB): the views exist and mask."""
    build = dbt(domain, "build")
    assert build.returncode == 0, build.stdout[-3000:]
    _, step = publish_step(domain)
    compile_cmd = re.search(r'args="\$\((scaffolder access compile[^)]*)\)"', step["run"]).group(1)
    argv = shlex.split(compile_cmd)
    proc = run(["python", "-m", "scaffolder", *argv[1:]], cwd=domain)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["statements"]
    apply = dbt(domain, "run-operation", "apply_access", "--args", proc.stdout)
    assert apply.returncode == 0, apply.stdout[-3000:]
    con = duckdb.connect(str(domain / "target" / "dev.duckdb"), read_only=True)
    try:
        views = {r[0] for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'access'").fetchall()}
        pairs = con.execute('SELECT t.customer_id, v.customer_id FROM main.order_events t '
                            'JOIN access."order_events__analyst" v USING (order_id)').fetchall()
    finally:
        con.close()
    assert views == {"order_events__analyst", "order_events__data_scientist", "order_events__finance"}
    import hashlib

    assert pairs and all(v == hashlib.sha256(t.encode()).hexdigest() for t, v in pairs if t is not None)
