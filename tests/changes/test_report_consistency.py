"""Reports that agree with themselves: removed items located in the head file, checks that follow a
renamed column, the consumers section in `check`'s Markdown, and no `None` version in a headline."""

from __future__ import annotations

from pathlib import Path

from scaffolder.changes.diff import diff_contracts
from tests.changes.conftest import BASE, contract, edit, git, line_of
from tests.conftest import run_cli

ORDERS = "domains/orders/orders.contract.yaml"
AMOUNT = "      - name: amount\n        type: decimal(10,2)\n        constraints:\n          min: 0\n          max: 10000\n"
IN_SET = ("      - column: status\n        assertion: expect_column_values_to_be_in_set\n"
          "        value: {value_set: [placed, paid]}\n")
CONSUMER = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: billing.invoices, domain: billing, version: 1.0.0}
spec:
  owner: team-billing@company.io
  schema:
    fields:
      - {name: invoice_id, type: string, constraints: {primary_key: true}}
  lineage:
    upstream: [orders.order_events]
"""


def _branch(repo: Path, new_text: str) -> None:
    (repo / "domains/orders").mkdir(parents=True)
    (repo / ORDERS).write_text(BASE)
    (repo / "domains/billing").mkdir(parents=True)
    (repo / "domains/billing/billing.contract.yaml").write_text(CONSUMER)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "products")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / ORDERS).write_text(new_text)
    git(repo, "commit", "-q", "-am", "change")


def test_removed_field_and_check_point_at_their_parent_in_the_head_file(repo: Path) -> None:
    new_text = edit(BASE, (AMOUNT, ""), (IN_SET, ""), ("version: 2.1.0", "version: 3.0.0"))
    _branch(repo, new_text)
    fields_at, checks_at = line_of(new_text, "    fields:"), line_of(new_text, "    checks:")
    was_field, was_check = line_of(BASE, "- name: amount"), line_of(BASE, "- column: status")
    text = run_cli("check", "--base", "main", "--head", "HEAD", cwd=repo).out
    assert f"{ORDERS}:{fields_at}:5: warning: field amount was removed (was at main:{ORDERS}:{was_field})" in text
    assert f"{ORDERS}:{checks_at}:5: warning: quality check status:expect_column_values_to_be_in_set was removed " \
           f"(was at main:{ORDERS}:{was_check})" in text
    github = run_cli("check", "--base", "main", "--head", "HEAD", "--format", "github", cwd=repo).out
    assert (f"::warning file={ORDERS},line={fields_at},col=5,title=field-removed::field amount was removed "
            f"(was at main%3A{ORDERS}%3A{was_field})") not in github  # data is not escaped as a property
    assert (f"::warning file={ORDERS},line={fields_at},col=5,title=field-removed::field amount was removed "
            f"(was at main:{ORDERS}:{was_field})") in github


def test_a_check_follows_its_columns_declared_rename() -> None:
    old_text = edit(BASE, ("  lineage:\n", "      - column: note\n        assertion: expect_column_values_to_not_be_null\n"
                                           "  lineage:\n"))
    new_text = edit(old_text, ("- name: note\n", "- name: remark\n        renamed_from: note\n"),
                    ("      - column: note\n", "      - column: remark\n"))
    findings = diff_contracts(contract(old_text), contract(new_text))
    assert [f.rule for f in findings] == ["field-renamed"], [f.text() for f in findings]


def test_a_named_check_on_a_renamed_column_is_not_changed() -> None:
    new_text = edit(BASE, ("- name: order_id\n", "- name: order_ref\n        renamed_from: order_id\n"),
                    ("        column: order_id\n", "        column: order_ref\n"))
    rules = [f.rule for f in diff_contracts(contract(BASE), contract(new_text))]
    assert "check-changed" not in rules and "check-removed" not in rules and "check-added" not in rules, rules


def test_a_renamed_check_column_without_a_field_rename_is_still_a_change() -> None:
    new_text = edit(BASE, ("      - column: status\n", "      - column: note\n"))
    rules = sorted(f.rule for f in diff_contracts(contract(BASE), contract(new_text)))
    assert rules == ["check-added", "check-removed"]


def test_check_markdown_shows_the_consumers_a_breaking_change_touches(repo: Path) -> None:
    _branch(repo, edit(BASE, (AMOUNT, ""), ("version: 2.1.0", "version: 3.0.0")))
    md = run_cli("check", "--base", "main", "--head", "HEAD", "--format", "markdown", cwd=repo).out
    assert "### Consumers a breaking change touches" in md
    assert "| `billing.invoices` | product | team-billing@company.io | direct |" in md
    assert "```mermaid" in md


def test_a_broken_head_never_reads_as_version_none(repo: Path) -> None:
    _branch(repo, BASE.replace("  domain: orders\n", "  domain: [orders\n"))
    text = run_cli("check", "--base", "main", "--head", "HEAD", cwd=repo)
    assert text.code == 1
    assert "None" not in text.out, text.out
    assert "modified 2.1.0 -> (does not validate)" in text.out
    md = run_cli("check", "--base", "main", "--head", "HEAD", "--format", "markdown", cwd=repo).out
    assert "None" not in md, md


def _report(ok_contract: bool, fail_on: str = "bump"):
    from scaffolder.changes.report import ChangeReport, ContractResult
    from scaffolder.report.finding import Finding

    c = ContractResult("a.b", "a.yaml", "modified", base_version="1.0.0", head_version="1.0.1",
                       required_bump="patch", declared_bump="patch")
    if not ok_contract:
        c.gate.append(Finding("version-bump-too-small", "too small"))
    return ChangeReport([c], fail_on=fail_on)


def test_the_headline_sums_up_everything_that_fails() -> None:
    from scaffolder.changes.render_markdown import Verdict, verdict

    data_bad, data_ok = Verdict("Data checks", False, "7 of 20 failed for `a.b`"), Verdict("Data checks", True, "1 product checked")
    assert verdict(_report(True), [data_ok]).startswith("✅ **Contract check passed**")
    line = verdict(_report(True), [data_bad])
    assert line.startswith("❌ **Data checks failed**: 7 of 20 failed for `a.b`.") and "✅" not in line
    both = verdict(_report(False), [data_bad])
    assert both.startswith("❌ **Contract check and data checks failed**: 1 contract changed, 1 failing")
    assert "7 of 20 failed" in both
    never = verdict(_report(True, fail_on="never"), [data_bad])
    assert never.startswith("⚠️ **Data checks found problems**") and "❌" not in never and "✅" not in never
    assert verdict(_report(False)).startswith("❌ **Contract check failed**")
