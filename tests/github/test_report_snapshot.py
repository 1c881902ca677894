"""The PR report of a real multi-contract pull request, compared with a reviewed snapshot.

A contract added, one removed after its sunset, one broken with too small a
bump and a consumer in another domain. Set SCAFFOLDER_UPDATE_SNAPSHOTS=1 to
rewrite the snapshot after a deliberate change, then review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.conftest import SEED, git, run_cli

SNAPSHOT = Path(__file__).parent / "snapshots" / "multi-contract-pr.md"

INVENTORY = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: inventory.stock_levels, domain: inventory, version: 1.4.0, status: deprecated, sunset: 2026-01-31}
spec:
  owner: team-inventory@company.io
  sla: {freshness: 1h}
  schema:
    fields:
      - {name: sku, type: string, constraints: {primary_key: true}}
      - {name: on_hand, type: int, constraints: {min: 0}}
      - {name: updated_at, type: timestamp}
"""
BILLING = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: billing.invoices, domain: billing, version: 0.1.0}
spec:
  owner: team-billing@company.io
  sla: {freshness: 1d}
  schema:
    fields:
      - {name: invoice_id, type: string, constraints: {primary_key: true}}
      - {name: order_id, type: string}
      - {name: issued_at, type: timestamp}
  lineage:
    upstream: [orders-domain.order_events]
"""


def build_pr(repo: Path) -> None:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "config", "user.name", "Dev")
    (repo / "mesh.yaml").write_text('apiVersion: datamesh.io/v1\nkind: Mesh\ncontracts: ["domains/*/data-product-contract.yaml"]\n')
    for domain, text in (("orders", SEED.read_text()), ("inventory", INVENTORY)):
        (repo / "domains" / domain).mkdir(parents=True)
        (repo / "domains" / domain / "data-product-contract.yaml").write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "pr")
    orders = repo / "domains/orders/data-product-contract.yaml"
    text = orders.read_text()
    text = text.replace('      - name: customer_id\n        type: string\n        constraints: { pii: true, masking: "hash" }\n',
                        "      - name: status\n        type: string\n        constraints: { enum: [placed, paid, shipped] }\n")
    text = text.replace("version: 2.1.0", "version: 2.2.0").replace('freshness: "15m"', 'freshness: "1h"')
    orders.write_text(text.replace("threshold: 0.99", "threshold: 0.95"))
    git(repo, "rm", "-q", "domains/inventory/data-product-contract.yaml")
    (repo / "domains/billing").mkdir()
    (repo / "domains/billing/data-product-contract.yaml").write_text(BILLING)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "pr")


def test_multi_contract_pr_report_matches_snapshot(tmp_path):
    repo = tmp_path / "mesh"
    build_pr(repo)
    result = run_cli("ci", "--base-ref", "main", "--today", "2026-11-25", "--comment", "off",
                     "--report-path", str(tmp_path / "report.json"), "--format", "markdown",
                     cwd=repo, env={"GITHUB_ACTIONS": "", "CI": ""})
    assert result.code == 1, result.err
    markdown = result.out.split("\nPR comment:")[0]
    markdown = re.sub(r"merge-base `[0-9a-f]{12}`", "merge-base `<sha>`", markdown)
    if os.environ.get("SCAFFOLDER_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(markdown)
    assert markdown == SNAPSHOT.read_text()
