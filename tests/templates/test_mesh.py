"""The mesh template: mesh.yaml that validates, workflows that lint clean and use the
platform's Action at the release tag, and domains added under domains/ (plain
`copier copy` or `scaffolder new-domain`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from scaffolder.contract.mesh import load_mesh
from tests.templates.helpers import (
    actionlint,
    generate,
    git,
    make_template_repo,
    run,
    scaffolder,
    zizmor,
)

yaml = YAML(typ="safe")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_repo(tmp_path_factory.mktemp("tpl") / "datamesh-scaffolder")


@pytest.fixture(scope="module")
def mesh(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generate(template, tmp_path_factory.mktemp("mesh") / "acme-mesh", "template=mesh")
    # A first domain, the way the mesh README says: copier copy into domains/NAME.
    generate(template, root / "domains" / "orders")
    return root


def test_mesh_layout(mesh: Path) -> None:
    for path in ("mesh.yaml", "CODEOWNERS", "README.md", "domains/.gitkeep", ".copier-answers.yml",
                 ".github/workflows/contract-check.yml", ".github/workflows/publish.yml"):
        assert (mesh / path).is_file(), path
    answers = yaml.load((mesh / ".copier-answers.yml").read_text())
    assert answers["template"] == "mesh" and answers["mesh_name"] == "acme-mesh"
    assert "@acme/data-platform" in (mesh / "CODEOWNERS").read_text()


def test_mesh_yaml_validates_with_documented_defaults(mesh: Path) -> None:
    m = load_mesh(mesh)
    assert m.findings == []
    assert m.name == "acme-mesh" and m.compatibility == "consumer"
    assert m.require["owner"] and m.require["sla"]
    assert m.policies == ["PII-RED-ACT"] and m.rego == "policies"
    # naming, PII masking and roles are Rego policies in the mesh, not built-in settings
    assert not m.require_masking and m.roles is None and m.product_pattern is None
    assert m.templates["ref"] == "latest"  # platform_ref auto pins nothing: new domains take the latest


def test_domain_in_a_mesh_uses_the_mesh_layout_and_policy(mesh: Path) -> None:
    domain = mesh / "domains" / "orders"
    answers = yaml.load((domain / ".copier-answers.yml").read_text())
    assert answers["layout"] == "mesh"
    assert not (domain / ".github").exists()  # the mesh's workflows run it
    assert "/domains/orders/ team-orders@example.com" in (domain / "CODEOWNERS").read_text()
    proc = scaffolder("validate", cwd=mesh)  # every contract of the mesh, with its policy
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all valid" in proc.stdout


def test_mesh_ships_the_governance_as_rego_policies_with_tests(mesh: Path, tmp_path: Path) -> None:
    names = sorted(p.name for p in (mesh / "policies").glob("*.rego"))
    assert names == ["naming.rego", "naming_test.rego", "owner.rego", "owner_test.rego", "pii.rego",
                     "pii_test.rego", "roles.rego", "roles_test.rego"]
    proc = scaffolder("policy", "test", cwd=mesh)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "12/12 tests passed" in proc.stdout
    # and they govern: a contract breaking each one is denied at its line
    contract = mesh / "domains" / "orders" / "data-product-contract.yaml"
    text = contract.read_text()
    broken = tmp_path / "broken"
    shutil.copytree(mesh, broken, ignore=shutil.ignore_patterns(".git"))
    bad = text.replace("name: orders.", "name: billing.", 1).replace("masking: hash", "masking: none")
    bad = bad.replace("roles: [", "roles: [intern, ", 1)
    (broken / "domains/orders/data-product-contract.yaml").write_text(bad)
    proc = scaffolder("validate", "--format", "json", cwd=broken)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    rules = {f["rule"] for c in json.loads(proc.stdout)["contracts"] for f in c["findings"]}
    assert {"policy:mesh.naming.deny", "policy:mesh.pii.deny", "policy:mesh.roles.deny"} <= rules


def test_mesh_workflows(mesh: Path) -> None:
    workflows = sorted((mesh / ".github" / "workflows").glob("*.yml"))
    lint = actionlint(*workflows)
    assert lint.returncode == 0, lint.stdout
    assert zizmor(mesh) == []  # with the mesh's own .github/zizmor.yml
    check = yaml.load((mesh / ".github" / "workflows" / "contract-check.yml").read_text())
    steps = check["jobs"]["contracts"]["steps"]
    assert any(s.get("uses") == "acme/datamesh-scaffolder@v1.0.0" for s in steps)
    assert check["jobs"]["policies"]["steps"][-1]["run"] == "scaffolder policy test"
    assert "policies/**" in check["on"]["pull_request"]["paths"]
    publish = yaml.load((mesh / ".github" / "workflows" / "publish.yml").read_text())
    assert publish["on"]["push"]["paths"] == ["domains/**"]
    assert publish["on"]["push"]["branches"] == ["main"]
    assert publish["jobs"]["publish"]["strategy"]["matrix"]["domain"].startswith("${{ fromJSON(")
    for job in publish["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", "")


def test_new_domain_command(mesh: Path, template: Path) -> None:
    proc = scaffolder("new-domain", "payments", "-d", "warehouse=snowflake", "-d", "cloud=gcp", cwd=mesh)
    assert proc.returncode == 0, proc.stderr
    assert "created domains/payments: payments.payments_events" in proc.stdout
    domain = mesh / "domains" / "payments"
    answers = yaml.load((domain / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v1.0.0" and Path(answers["_src_path"]) == template
    assert answers["layout"] == "mesh" and answers["warehouse"] == "snowflake" and answers["cloud"] == "gcp"
    assert "/domains/payments/ team-payments@example.com" in (mesh / "CODEOWNERS").read_text()
    assert scaffolder("validate", cwd=mesh).returncode == 0


def test_new_domain_after_a_template_release_starts_at_the_latest_release_or_the_pin(tmp_path: Path) -> None:
    """Not at the mesh's old version (behind at birth): mesh.yaml's pin, else the latest release tag."""
    template = make_template_repo(tmp_path / "platform")
    mesh = generate(template, tmp_path / "acme-mesh", "template=mesh")
    m = load_mesh(mesh)
    assert m.templates == {"source": str(template), "ref": "latest"}  # the real source, not a placeholder
    readme = template / "templates" / "domain" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\nv1.1.0 notes\n")
    git(template, "commit", "-qam", "v1.1.0")
    git(template, "tag", "v1.1.0")
    git(template, "tag", "v2.0.0rc1")  # a pre-release is not a release

    proc = scaffolder("new-domain", "payments", cwd=mesh)
    assert proc.returncode == 0, proc.stderr
    assert f"(template {template} at v1.1.0: the template's latest release)" in proc.stdout
    assert yaml.load((mesh / "domains/payments/.copier-answers.yml").read_text())["_commit"] == "v1.1.0"

    mesh_yaml = mesh / "mesh.yaml"
    mesh_yaml.write_text(mesh_yaml.read_text().replace('ref: "latest"', 'ref: "v1.0.0"'))
    proc = scaffolder("new-domain", "billing", cwd=mesh)
    assert proc.returncode == 0, proc.stderr
    assert "at v1.0.0: pinned by mesh.yaml templates.ref)" in proc.stdout
    assert yaml.load((mesh / "domains/billing/.copier-answers.yml").read_text())["_commit"] == "v1.0.0"
    proc = scaffolder("new-domain", "shipping", "--ref", "v1.1.0", cwd=mesh)
    assert "at v1.1.0: --ref)" in proc.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["orders"], "already exists"),
    (["Bad_Name"], "not a domain name"),
    (["shipping", "-d", 'owner=x" evil'], "Validation error for question 'owner'"),
    (["shipping", "-d", "novalue"], "expected KEY=VALUE"),
])
def test_new_domain_refuses_bad_input(mesh: Path, args: list[str], message: str) -> None:
    proc = scaffolder("new-domain", *args, cwd=mesh)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (mesh / "domains" / "shipping").exists()


def test_new_domain_outside_a_mesh(tmp_path: Path) -> None:
    proc = scaffolder("new-domain", "payments", "--mesh-root", str(tmp_path))
    assert proc.returncode == 2 and "no mesh.yaml found" in proc.stderr


def test_mesh_check_passes_only_inputs_the_action_has(mesh: Path) -> None:
    """actionlint cannot see a remote action's inputs: check them against this repo's action.yml."""
    action = Path(__file__).resolve().parents[2] / "action.yml"  # this repo always has it
    inputs = set(yaml.load(action.read_text())["inputs"])
    check = yaml.load((mesh / ".github" / "workflows" / "contract-check.yml").read_text())
    (step,) = [s for s in check["jobs"]["contracts"]["steps"] if s.get("uses", "").startswith("acme/")]
    assert set(step["with"]) <= inputs


def test_publish_lists_the_changed_domains(mesh: Path, tmp_path: Path) -> None:
    """The publish workflow's path filter per domain, run for real with bash and git."""
    wf = yaml.load((mesh / ".github" / "workflows" / "publish.yml").read_text())
    (step,) = [s for s in wf["jobs"]["changes"]["steps"] if s.get("id") == "domains"]
    repo = tmp_path / "repo"
    for name in ("orders", "payments"):
        (repo / "domains" / name).mkdir(parents=True)
        (repo / "domains" / name / "data-product-contract.yaml").write_text("v1\n")
    (repo / "domains" / "scratch").mkdir()
    (repo / "domains" / "scratch" / "notes.txt").write_text("v1\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    before = git(repo, "rev-parse", "HEAD").strip()
    (repo / "domains" / "orders" / "data-product-contract.yaml").write_text("v2\n")
    (repo / "domains" / "scratch" / "notes.txt").write_text("v2\n")
    git(repo, "commit", "-q", "-am", "two")
    after = git(repo, "rev-parse", "HEAD").strip()

    def domains(before: str, requested: str = "") -> str:
        out = tmp_path / "github_output"
        out.write_text("")
        proc = run(["bash", "-e", "-c", step["run"]], cwd=repo,
                   env={"BEFORE": before, "AFTER": after, "REQUESTED": requested, "GITHUB_OUTPUT": str(out)})
        assert proc.returncode == 0, proc.stderr
        return out.read_text().strip()

    assert domains(before) == 'domains=["orders"]'  # a folder without a contract is not a domain
    assert domains("0" * 40) == 'domains=["orders", "payments"]'  # first push: every domain
    assert domains("", requested="payments") == 'domains=["payments"]'  # workflow_dispatch
    assert domains("", requested="../etc") == "domains=[]"


def test_catalog_workflow_publishes_the_site_to_pages(mesh: Path) -> None:
    wf = yaml.load((mesh / ".github" / "workflows" / "catalog.yml").read_text())
    assert wf["permissions"] == {}
    assert wf["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert wf["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    build = [s.get("run", "") for s in wf["jobs"]["build"]["steps"]]
    assert any("scaffolder catalog build --out site\n" in b for b in build)
    assert any('--store "$SCAFFOLDER_STORE"' in b for b in build)  # keeps the SLA pages the schedule adds
    checkout = wf["jobs"]["build"]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0  # versions come from git history
    # the step's command works on the generated mesh as it is
    git(mesh, "init", "-q", "-b", "main")
    git(mesh, "add", "-A")
    git(mesh, "-c", "user.email=t@example.com", "-c", "user.name=T", "commit", "-qm", "mesh")
    proc = scaffolder("catalog", "build", "--out", "site", cwd=mesh)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (mesh / "site" / "index.html").read_text()
    assert "orders.order_events" in page


def test_what_ci_and_the_catalog_write_is_ignored(mesh: Path, tmp_path: Path) -> None:
    repo = tmp_path / "clone"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".gitignore").write_text((mesh / ".gitignore").read_text())
    for rel in ("scaffolder-report.json", "scaffolder-report.md", "site/index.html"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text("generated\n")
    assert git(repo, "status", "--porcelain", "--untracked-files=all").splitlines() == ["?? .gitignore"]


def test_scheduled_checks_workflow(mesh: Path) -> None:
    """Cron from the answer, one check job per domain that records the run, then health + catalog."""
    wf = yaml.load((mesh / ".github" / "workflows" / "health.yml").read_text())
    assert wf["on"]["schedule"] == [{"cron": "*/5 * * * *"}]
    check = wf["jobs"]["check"]
    assert check["strategy"]["matrix"]["domain"] == "${{ fromJSON(needs.domains.outputs.domains) }}"
    runs = " ".join(s.get("run", "") for s in check["steps"])
    assert "--record" in runs and "dbt build" in runs
    report = " ".join(s.get("run", "") for s in wf["jobs"]["report"]["steps"])
    assert "scaffolder health" in report and "--notify" in report and "catalog build" in report
    assert wf["jobs"]["report"]["permissions"]["issues"] == "write"
    assert wf["jobs"]["deploy"]["permissions"]["pages"] == "write"
    for job in wf["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", "")
    proc = scaffolder("health", "--suggest-cron", cwd=mesh)  # the domain's 15m SLA wants a run every 7.5m
    assert proc.returncode == 0 and proc.stdout.strip() == "*/5 * * * *", proc.stderr


def test_publish_checks_each_domain_on_the_engine_it_chose(template: Path, tmp_path: Path) -> None:
    """check_engine in the mesh layout: each domain's answer picks its prod check, run for real up to the step."""
    import os
    import sys

    mesh = generate(template, tmp_path / "acme-mesh", "template=mesh")
    generate(template, mesh / "domains" / "orders", "check_engine=dbt", "warehouse=snowflake")
    generate(template, mesh / "domains" / "pay-ments", "check_engine=spark", "contract_format=odcs")
    generate(template, mesh / "domains" / "billing")
    workflow = mesh / ".github" / "workflows" / "publish.yml"
    lint = actionlint(workflow)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert zizmor(mesh) == []
    steps = yaml.load(workflow.read_text())["jobs"]["publish"]["steps"]
    by_name = {s["name"]: s for s in steps}
    answers = by_name["Read the domain's answers (product, check engine)"]
    publish = by_name["Publish to storage (dbt run, prod target)"]
    checks = [s for s in steps if s["name"].startswith("Check the published table against the contract")]
    assert [steps.index(s) for s in checks] == [steps.index(publish) + 1, steps.index(publish) + 2]

    def outputs(domain: str) -> dict[str, str]:
        out = tmp_path / f"{domain}.out"
        out.write_text("")
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # python3 with PyYAML
        proc = run(["bash", "-e", "-c", answers["run"]], cwd=mesh / "domains" / domain,
                   env={"GITHUB_OUTPUT": str(out), "PATH": path})
        assert proc.returncode == 0, proc.stderr
        return dict(line.split("=", 1) for line in out.read_text().splitlines())

    def chosen(engine: str) -> list[dict]:
        return [s for s in checks if s["if"] == f"${{{{ steps.answers.outputs.engine == '{engine}' }}}}"]

    assert outputs("orders") == {"product": "order_events", "table": "orders.order_events", "engine": "dbt"}
    (dbt,) = chosen("dbt")
    assert "--engine dbt --dbt-project . --target prod --data \"$PRODUCT\"" in dbt["run"]
    assert dbt["env"] == {**publish["env"], "PRODUCT": "${{ steps.answers.outputs.product }}"}  # the prod secrets
    spark_answers = outputs("pay-ments")  # an ODCS contract: the product comes from the answers, not the contract
    assert spark_answers == {"product": "pay_ments_events", "table": "pay_ments.pay_ments_events", "engine": "spark"}
    (spark,) = chosen("spark")
    assert '--engine spark --spark-remote "$SPARK_REMOTE" --data "$TABLE"' in spark["run"]
    assert spark["env"] == {"SPARK_REMOTE": "${{ secrets.SPARK_REMOTE }}",
                            "TABLE": "${{ steps.answers.outputs.table }}"}
    assert "spark" in (mesh / "domains/pay-ments/requirements.txt").read_text().split("[", 1)[1].split("]")[0]
    assert outputs("billing")["engine"] == "duckdb" and chosen("duckdb") == []  # the default: no prod check
    built = by_name["Check the built table against the contract"]
    assert built["env"] == {"PRODUCT": "${{ steps.answers.outputs.product }}"}
