"""`copier update` from one tagged template release to the next: a domain keeps its
own edits (model, contract) and gets the platform's changes (workflows, the pin)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.templates.helpers import generate, git, make_template_repo, run, scaffolder

yaml = YAML(typ="safe")
CHECK_WF = "templates/domain/[% if layout == 'polyrepo' %].github[% endif %]/workflows/data-product-check.yml.jinja"
STAGING = "templates/domain/models/staging/stg_[[ product ]].sql.jinja"


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    base = tmp_path_factory.mktemp("update")
    template = make_template_repo(base / "datamesh-scaffolder")
    domain = generate(template, base / "orders")
    git(domain, "init", "-q", "-b", "main")
    git(domain, "add", "-A")
    git(domain, "commit", "-q", "-m", "orders domain from template v1.0.0")

    # The domain team's own edits.
    model = domain / "models" / "order_events.sql"
    model.write_text(model.read_text().replace(
        "cast(amount as decimal(10, 2)) as amount",
        "cast(round(amount, 2) as decimal(10, 2)) as amount  -- domain edit: round first"))
    contract = domain / "data-product-contract.yaml"
    contract.write_text(contract.read_text()
                        .replace("  version: 1.0.0", "  version: 1.1.0")
                        .replace('downstream: []', 'downstream: ["billing.order_aggregates"]'))
    readme = domain / "README.md"
    readme.write_text(readme.read_text() + "\n## On call\n\nPage the orders team.\n")
    git(domain, "commit", "-q", "-am", "domain edits")

    # The platform's release v2.0.0: a new workflow step, and a staging model change.
    wf = template / CHECK_WF
    wf.write_text(wf.read_text().replace(
        "      - name: Validate the contract\n",
        "      - name: Explain the contract\n        run: scaffolder explain data-product-contract.yaml\n\n"
        "      - name: Validate the contract\n"))
    staging = template / STAGING
    staging.write_text("-- platform v2 header\n" + staging.read_text())
    git(template, "commit", "-q", "-am", "v2: explain step")
    git(template, "tag", "v2.0.0")

    proc = run([sys.executable, "-m", "copier", "update", "--defaults", "--vcs-ref", "v2.0.0"], cwd=domain)
    assert proc.returncode == 0, proc.stderr
    return domain, proc.stderr


def test_update_brings_the_platform_change(updated: tuple[Path, str]) -> None:
    domain, _ = updated
    wf = (domain / ".github" / "workflows" / "data-product-check.yml").read_text()
    assert "scaffolder explain data-product-contract.yaml" in wf
    assert "(v2.0.0)" in wf and "v1.0.0" not in wf  # release follows the template tag
    assert "@v2.0.0" in (domain / "requirements.txt").read_text()
    answers = yaml.load((domain / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v2.0.0"


def test_update_keeps_the_domain_edits(updated: tuple[Path, str]) -> None:
    domain, _ = updated
    assert "domain edit: round first" in (domain / "models" / "order_events.sql").read_text()
    contract = (domain / "data-product-contract.yaml").read_text()
    assert "version: 1.1.0" in contract and "billing.order_aggregates" in contract
    assert "Page the orders team." in (domain / "README.md").read_text()  # merged, not replaced
    # Files the domain owns are never overwritten, even when the template changed them.
    assert "platform v2 header" not in (domain / "models" / "staging" / "stg_order_events.sql").read_text()


def test_update_leaves_no_conflicts_and_a_valid_domain(updated: tuple[Path, str]) -> None:
    domain, _ = updated
    status = git(domain, "status", "--porcelain")
    assert not [line for line in status.splitlines() if line[:2] in ("UU", "AA", "DU", "UD")]
    assert not list(domain.rglob("*.rej"))
    for path in domain.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert "<<<<<<<" not in path.read_text(errors="replace"), path
    proc = scaffolder("validate", "data-product-contract.yaml", cwd=domain)
    assert proc.returncode == 0, proc.stdout
