"""The domain template works on day one: right after `copier copy --defaults`, for
every cloud x storage, the contract validates, Terraform parses, the workflows lint
clean, and (default combination) dbt builds on DuckDB and the data checks pass."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import hcl2
import pytest
from ruamel.yaml import YAML

from scaffolder.contract.validate import load_contract
from tests.templates.helpers import (
    COMBOS,
    actionlint,
    dbt,
    generate,
    make_template_repo,
    run,
    scaffolder,
    zizmor,
)

yaml = YAML(typ="safe")
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
PLATFORM_ACTION = "acme/datamesh-scaffolder@v1.0.0"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_repo(tmp_path_factory.mktemp("tpl") / "datamesh-scaffolder")


@pytest.fixture(scope="module")
def domains(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """One generated domain per cloud x storage; (aws, iceberg) is the all-defaults one."""
    out = {}
    for cloud, storage in COMBOS:
        dst = tmp_path_factory.mktemp(f"{cloud}-{storage}") / "orders"
        data = [] if (cloud, storage) == ("aws", "iceberg") else [f"cloud={cloud}", f"storage={storage}"]
        out[(cloud, storage)] = generate(template, dst, *data)
    return out


@pytest.fixture(scope="module")
def default_domain(domains: dict[tuple[str, str], Path]) -> Path:
    return domains[("aws", "iceberg")]


@pytest.fixture(scope="module")
def built(default_domain: Path) -> Path:
    """`dbt build` on the default domain, for real; the DuckDB file it leaves."""
    proc = dbt(default_domain, "build")
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "Completed successfully" in proc.stdout
    return default_domain / "target" / "dev.duckdb"


def test_defaults_give_a_complete_domain(default_domain: Path, template: Path) -> None:
    expected = [
        "data-product-contract.yaml", "dbt_project.yml", "profiles.yml", "requirements.txt",
        "models/sources.yml", "models/schema.yml", "models/order_events.sql",
        "models/staging/stg_order_events.sql", "seeds/raw_order_events.csv", "macros/hash_pii.sql",
        ".github/workflows/data-product-check.yml", ".github/workflows/data-product-publish.yml",
        ".github/zizmor.yml",
        "terraform/main.tf", "terraform/variables.tf", "terraform/outputs.tf", "terraform/versions.tf",
        "CODEOWNERS", "README.md", ".gitignore", ".copier-answers.yml",
    ]
    missing = [p for p in expected if not (default_domain / p).is_file()]
    assert not missing
    answers = yaml.load((default_domain / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v1.0.0"
    assert Path(answers["_src_path"]).is_absolute() and Path(answers["_src_path"]) == template
    assert answers["domain"] == "orders" and answers["template"] == "domain"
    assert "release" not in answers  # computed on every run, never stored
    # The folder name is the domain; the CODEOWNERS line is the contract's owner.
    assert (default_domain / "CODEOWNERS").read_text().splitlines()[-1] == "* team-orders@example.com"


@pytest.mark.parametrize("combo", COMBOS, ids=[f"{c}-{s}" for c, s in COMBOS])
def test_contract_validates(domains: dict[tuple[str, str], Path], combo: tuple[str, str]) -> None:
    proc = scaffolder("validate", "data-product-contract.yaml", cwd=domains[combo])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all valid (0 errors, 0 warnings)" in proc.stdout


def test_contract_is_the_starter_schema(default_domain: Path) -> None:
    c = load_contract(default_domain / "data-product-contract.yaml")
    assert c.name == "orders.order_events" and c.owner == "team-orders@example.com"
    by_name = {f.name: f for f in c.fields}
    assert list(by_name) == ["order_id", "event_ts", "customer_id", "status", "amount"]
    assert by_name["order_id"].constraints.primary_key
    assert by_name["event_ts"].type.is_timestamp and by_name["event_ts"].constraints.nullable is False
    assert by_name["customer_id"].constraints.pii and by_name["customer_id"].constraints.masking == "hash"
    assert by_name["amount"].type.dbt() == "decimal(10,2)" and by_name["amount"].constraints.min == 0
    assert by_name["status"].constraints.enum
    assert c.sla.freshness.text == "15m" and c.roles == ["analyst", "data-scientist"]
    assert c.upstream == ["raw.kafka.order_events"] and c.checks


def test_dbt_schema_is_generated_from_the_contract(default_domain: Path) -> None:
    """schema.yml: same columns, data_type = LogicalType.dbt(), tests from the constraints."""
    c = load_contract(default_domain / "data-product-contract.yaml")
    schema = yaml.load((default_domain / "models" / "schema.yml").read_text())
    (model,) = schema["models"]
    assert model["name"] == "order_events"
    assert model["config"]["contract"] == {"enforced": True}
    columns = {col["name"]: col for col in model["columns"]}
    assert list(columns) == [f.name for f in c.fields]
    for f in c.fields:
        col = columns[f.name]
        assert col["data_type"] == f.type.dbt(), f.name
        tests = col.get("data_tests", [])
        names = [t if isinstance(t, str) else next(iter(t)) for t in tests]
        not_null = f.constraints.primary_key or f.constraints.nullable is False
        unique = f.constraints.primary_key or f.constraints.unique
        assert ("not_null" in names) == bool(not_null), f.name
        assert ("unique" in names) == bool(unique), f.name
        if f.constraints.enum:
            (accepted,) = [t["accepted_values"] for t in tests if isinstance(t, dict)]
            assert accepted["arguments"]["values"] == f.constraints.enum


@pytest.mark.parametrize("combo", COMBOS, ids=[f"{c}-{s}" for c, s in COMBOS])
def test_terraform_parses_and_follows_the_contract(domains: dict[tuple[str, str], Path],
                                                   combo: tuple[str, str]) -> None:
    domain = domains[combo]
    files = sorted((domain / "terraform").glob("*.tf"))
    assert [f.name for f in files] == ["main.tf", "outputs.tf", "variables.tf", "versions.tf"]
    parsed = {}
    for f in files:
        with f.open() as fh:
            parsed[f.name] = hcl2.load(fh)  # raises on invalid HCL
    c = load_contract(domain / "data-product-contract.yaml")
    main = (domain / "terraform" / "main.tf").read_text()
    # The catalog table lists the contract's columns; the roles are the contract's roles.
    for f in c.fields:
        assert f'"{f.name}"' in main, f.name
    locals_ = {k: v for block in parsed["main.tf"].get("locals", []) for k, v in block.items()}
    assert [r.strip('"') for r in locals_["access_roles"]] == c.roles
    outputs = {name.strip('"') for block in parsed["outputs.tf"]["output"] for name in block}
    assert {"table_location", "catalog_table", "reader_roles"} <= outputs
    text = "\n".join(f.read_text() for f in files)
    cloud, storage = combo
    provider = {"aws": "hashicorp/aws", "gcp": "hashicorp/google", "azure": "hashicorp/azurerm"}[cloud]
    assert provider in text
    # The table format follows the storage answer.
    marker = {("aws", "iceberg"): '"ICEBERG"', ("aws", "delta"): '"delta"', ("gcp", "iceberg"): '"ICEBERG"',
              ("gcp", "delta"): '"DELTA_LAKE"', ("azure", "iceberg"): "universalFormat",
              ("azure", "delta"): '"DELTA"'}[combo]
    assert marker in main
    other = "delta" if storage == "iceberg" else "iceberg"
    assert f"({other} on" not in main and f"({storage} on" in main
    if shutil.which("terraform"):  # canonical formatting too, when Terraform is installed (offline)
        fmt = run(["terraform", "fmt", "-check", "-diff", str(domain / "terraform")])
        assert fmt.returncode == 0, fmt.stdout


def _workflows(domain: Path) -> list[Path]:
    return sorted((domain / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("combo", COMBOS, ids=[f"{c}-{s}" for c, s in COMBOS])
def test_workflows_pass_actionlint_and_zizmor(domains: dict[tuple[str, str], Path], combo: tuple[str, str]) -> None:
    domain = domains[combo]
    workflows = _workflows(domain)
    assert [w.name for w in workflows] == ["data-product-check.yml", "data-product-publish.yml"]
    lint = actionlint(*workflows)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert zizmor(*workflows) == []


@pytest.mark.parametrize("warehouse", ["snowflake", "bigquery", "databricks"])
def test_every_prod_warehouse_lints_clean(template: Path, tmp_path: Path, warehouse: str) -> None:
    domain = generate(template, tmp_path / "orders", f"warehouse={warehouse}")
    lint = actionlint(*_workflows(domain))
    assert lint.returncode == 0, lint.stdout
    assert zizmor(*_workflows(domain)) == []
    profiles = yaml.load((domain / "profiles.yml").read_text())
    prod = profiles["orders"]["outputs"]["prod"]
    assert prod["type"] == warehouse
    secret_keys = {"password", "token", "keyfile", "private_key"}
    for key, value in prod.items():  # credentials only ever come from the environment
        if key in secret_keys:
            assert str(value).startswith("{{ env_var("), key
    assert f"dbt-{warehouse}" in (domain / "requirements.txt").read_text()


@pytest.mark.parametrize(("engine", "warehouse"), [("dbt", "snowflake"), ("spark", "databricks"), ("dbt", "duckdb")])
def test_publish_checks_the_prod_table_on_the_chosen_engine(template: Path, tmp_path: Path, engine: str,
                                                            warehouse: str) -> None:
    domain = generate(template, tmp_path / "orders", f"check_engine={engine}", f"warehouse={warehouse}")
    workflows = _workflows(domain)
    lint = actionlint(*workflows)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert zizmor(*workflows) == []
    doc = yaml.load((domain / ".github" / "workflows" / "data-product-publish.yml").read_text())
    steps = doc["jobs"]["publish"]["steps"]
    names = [s["name"] for s in steps]
    publish = steps[names.index("Publish to storage (dbt run, prod target)")]
    check = steps[names.index("Publish to storage (dbt run, prod target)") + 1]
    assert check["name"].startswith("Check the published table against the contract")
    assert f"--engine {engine}" in check["run"]
    if engine == "dbt":  # the prod target, with the very secrets the publish step has
        assert "--target prod --data order_events" in check["run"] and check["env"] == publish["env"]
    else:
        assert check["env"] == {"SPARK_REMOTE": "${{ secrets.SPARK_REMOTE }}"}
        assert "spark" in (domain / "requirements.txt").read_text().split("[", 1)[1].split("]")[0]


def test_the_default_engine_adds_no_prod_check(default_domain: Path) -> None:
    text = (default_domain / ".github" / "workflows" / "data-product-publish.yml").read_text()
    assert "--engine" not in text and "SPARK_REMOTE" not in text


def test_workflows_are_hardened(domains: dict[tuple[str, str], Path]) -> None:
    """Least privilege, pinned actions, no credentials kept, no expressions in `run:`."""
    for domain in domains.values():
        for wf in _workflows(domain):
            doc = yaml.load(wf.read_text())
            assert doc["permissions"] == {}, wf
            for job in doc["jobs"].values():
                assert set(job["permissions"]) <= {"contents", "id-token", "pull-requests"}
                assert job["permissions"]["contents"] == "read"
                for step in job["steps"]:
                    if "uses" in step:  # third parties by SHA; the platform's Action at its release
                        assert SHA_PIN.match(step["uses"]) or step["uses"] == PLATFORM_ACTION, step["uses"]
                        if step["uses"].startswith("actions/checkout@"):
                            assert step["with"]["persist-credentials"] is False
                    if "run" in step:
                        assert "${{" not in step["run"], step["run"]
            text = wf.read_text()
            assert re.search(r"@[0-9a-f]{40} # v\d", text)  # the version, for people and dependabot


def test_publish_covers_the_seed_steps(default_domain: Path) -> None:
    doc = yaml.load((default_domain / ".github" / "workflows" / "data-product-publish.yml").read_text())
    assert doc["on"]["push"]["branches"] == ["main"]
    runs = "\n".join(s.get("run", "") for s in doc["jobs"]["publish"]["steps"])
    for command in ("scaffolder validate data-product-contract.yaml", "dbt build", "scaffolder test",
                    "dbt run --target prod", "scaffolder lineage emit", "pip install -r requirements.txt"):
        assert command in runs, command
    reqs = (default_domain / "requirements.txt").read_text()
    assert "git+https://github.com/acme/datamesh-scaffolder@v1.0.0" in reqs
    check = yaml.load((default_domain / ".github" / "workflows" / "data-product-check.yml").read_text())
    check_runs = "\n".join(s.get("run", "") for s in check["jobs"]["check"]["steps"])
    assert "scaffolder dbt-schema data-product-contract.yaml --check models/schema.yml" in check_runs
    gate = check["jobs"]["gate"]
    assert any(s.get("uses") == PLATFORM_ACTION for s in gate["steps"])
    assert gate["permissions"] == {"contents": "read", "pull-requests": "write"}


def test_dbt_build_passes_on_the_sample_data(built: Path) -> None:
    con = duckdb.connect(str(built), read_only=True)
    try:
        cols = {r[0]: r[1] for r in con.execute("DESCRIBE main.order_events").fetchall()}
        rows = con.execute("SELECT order_id, customer_id, event_ts FROM main.order_events").fetchall()
        raw = {r[0] for r in con.execute("SELECT customer_id FROM main.raw_order_events").fetchall()}
        newest = con.execute("SELECT (now() AT TIME ZONE 'UTC') - max(event_ts) FROM main.order_events").fetchone()[0]
    finally:
        con.close()
    assert cols == {"order_id": "VARCHAR", "event_ts": "TIMESTAMP", "customer_id": "VARCHAR",
                    "status": "VARCHAR", "amount": "DECIMAL(10,2)"}
    assert len(rows) == len({r[0] for r in rows}) == 7  # one row per order
    hashed = [r[1] for r in rows if r[1] is not None]
    assert hashed and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashed)
    assert not set(hashed) & raw  # the raw identifiers never reach the product
    assert newest.total_seconds() < 15 * 60  # sample data replayed as fresh


def test_data_checks_pass_on_the_built_table(built: Path, default_domain: Path) -> None:
    proc = scaffolder("test", "data-product-contract.yaml", "--data", f"{built}::main.order_events",
                      "--format", "json", cwd=default_domain)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["ok"] is True and report["rows"] == 7
    sources = {c["source"] for c in report["checks"]}
    assert {"schema", "constraint", "quality", "sla"} <= sources
    assert all(c["passed"] for c in report["checks"])


def test_enforced_contract_fails_the_build_on_drift(built: Path, default_domain: Path, tmp_path: Path) -> None:
    """contract: {enforced: true} is real: a model whose type drifts from schema.yml fails dbt."""
    copy = tmp_path / "orders"
    shutil.copytree(default_domain, copy, ignore=shutil.ignore_patterns("target", "logs"))
    model = copy / "models" / "order_events.sql"
    model.write_text(model.read_text().replace("cast(amount as decimal(10, 2))", "cast(amount as double)"))
    proc = dbt(copy, "build", "--select", "+order_events")
    assert proc.returncode != 0
    assert "contract" in proc.stdout.lower() and "amount" in proc.stdout


def test_recorded_sample_timestamps_need_a_fixed_clock(default_domain: Path, tmp_path: Path) -> None:
    """Without the dev replay the sample data is weeks old: freshness fails, unless --now is
    set to the time the sample was recorded (README: sample data and freshness)."""
    copy = tmp_path / "orders"
    shutil.copytree(default_domain, copy, ignore=shutil.ignore_patterns("target", "logs"))
    proc = dbt(copy, "build", "--vars", "{replay_sample_data: false}")
    assert proc.returncode == 0, proc.stdout[-3000:]
    data = f"{copy / 'target' / 'dev.duckdb'}::main.order_events"
    stale = scaffolder("test", "data-product-contract.yaml", "--data", data, "--format", "json", cwd=copy)
    assert stale.returncode == 1
    failed = [c for c in json.loads(stale.stdout)["checks"] if not c["passed"]]
    assert [c["source"] for c in failed] == ["sla"]  # only freshness: the data itself is fine
    fixed = scaffolder("test", "data-product-contract.yaml", "--data", data, "--now", "2026-11-03T14:50:00Z", cwd=copy)
    assert fixed.returncode == 0, fixed.stdout
