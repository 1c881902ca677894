"""`scaffolder ci` never reads through a contract-named symlink out of the repository (issue 14.12)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import git, run_cli
from tests.github import test_ci
from tests.github.fake_github import FakeGitHub
from tests.github.test_ci import BILLING_CONTRACT, ORDERS, ci_env, outputs

mesh_repo = test_ci.mesh_repo  # the same fixture: a mesh repo with an origin, on branch `pr`

SECRET = "sekrit-value-42"
# a valid contract outside the repository, consuming billing: read through the link, it would join the graph
OUTSIDE = f"""\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {{name: stolen.product, domain: stolen, version: 1.0.0}}
spec:
  owner: {SECRET}@example.com
  sla: {{freshness: 1h}}
  schema:
    fields:
      - {{name: id, type: string}}
      - {{name: ts, type: timestamp}}
  lineage:
    upstream: [billing.invoices]
"""


def _ci(repo: Path, tmp_path: Path, *args: str) -> tuple[dict, str]:
    with FakeGitHub() as gh:
        result = run_cli("ci", "--comment", "off", *args, cwd=repo, env=ci_env(repo, gh, tmp_path))
    assert result.code == 1, result.out + result.err
    report_text = Path(outputs(tmp_path)["report-path"]).read_text()
    everything = result.out + result.err + report_text + (tmp_path / "summary.md").read_text()
    return json.loads(report_text), everything


def _link_orders(repo: Path, target: Path) -> None:
    (repo / ORDERS).unlink()
    (repo / ORDERS).symlink_to(target)


def test_a_symlinked_contract_is_reported_and_never_checked_against_data(mesh_repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "private.yaml"
    outside.write_text(OUTSIDE.replace("version: 1.0.0", "version: 2.1.0"))
    _link_orders(mesh_repo, outside)
    git(mesh_repo, "add", "-A")
    git(mesh_repo, "commit", "-qm", "a link")
    data = tmp_path / "orders.csv"
    data.write_text("id\nx\n")
    report, everything = _ci(mesh_repo, tmp_path, "--data", str(data))
    assert SECRET not in everything
    (orders,) = report["contracts"]
    assert [f["rule"] for f in orders["errors"]] == ["contract-symlink"]
    assert report["data_checks"] == []


def test_the_impact_graph_reads_no_contract_through_a_link_out(mesh_repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "private.yaml"
    outside.write_text(OUTSIDE)
    link = mesh_repo / "domains/stolen/data-product-contract.yaml"
    link.parent.mkdir()
    link.symlink_to(outside)  # untracked: `ci` builds the graph from the working tree
    billing = mesh_repo / "domains/billing/data-product-contract.yaml"
    billing.write_text(BILLING_CONTRACT.replace(
        "      - {name: invoice_id, type: string, constraints: {primary_key: true}}\n", ""))
    git(mesh_repo, "commit", "-qam", "a break")
    report, everything = _ci(mesh_repo, tmp_path, "--head", "HEAD")
    assert SECRET not in everything and "stolen.product" not in everything
    assert "finance.ledger" in {i["name"] for i in report["impact"]["billing.invoices"]}
