"""`scaffolder demo` end to end in a temp dir: each step's result, as a newcomer would see it."""

from __future__ import annotations

import json

import pytest

from tests.conftest import git, run_cli


def test_demo_runs_the_whole_flow(tmp_path):
    root = tmp_path / "mesh-demo"
    result = run_cli("demo", str(root), timeout=900)
    assert result.code == 0, result.out[-4000:] + result.err[-4000:]
    out = result.out
    for i in range(1, 7):
        assert f"[{i}/6]" in out
    assert "Traceback" not in out + result.err

    mesh = root / "mesh"
    # 1-2: real copier copies, answers recorded against the tagged platform repo
    for domain in ("orders", "billing"):
        answers = (mesh / "domains" / domain / ".copier-answers.yml").read_text()
        assert "_commit: v1.0.0" in answers  # main keeps the release it was onboarded with
        assert f"_src_path: {root / 'platform'}" in answers
    # 3: dbt built each product and every check passed
    assert "orders.order_events: 7 rows" in out and "billing.billing_events: 7 rows" in out
    assert (mesh / "domains/orders/target/dev.duckdb").is_file()
    # 4: the PR report failed the gate, named billing, and bump fixed the version
    report = json.loads((root / "pr-report.json").read_text())
    (orders,) = report["contracts"]
    assert orders["required_bump"] == "major" and orders["declared_bump"] == "patch"
    assert "billing.billing_events" in {i["name"] for i in report["impact"]["orders.order_events"]}
    pr_md = (root / "pr-report.md").read_text()
    assert "version-bump-too-small" in pr_md
    # one heading per product's data checks (there was an extra `### Data checks` above it)
    assert "### Data checks\n" not in pr_md and pr_md.count("Data checks: `orders.order_events`") == 1
    headline = pr_md.split("## Data contract changes\n\n", 1)[1].splitlines()[0]
    assert headline.startswith("❌ **Contract check failed**"), headline
    contract = (mesh / "domains/orders/data-product-contract.yaml").read_text()
    assert "version: 2.0.0" in contract and "name: amount" not in contract
    # 5: the fleet put each domain's update on its own branch; main got it only by the branch
    assert "billing: updated" in out and "orders: updated" in out
    for domain in ("orders", "billing"):
        branch = f"template-update/v1.1.0/{domain}"
        answers = git(mesh, "show", f"{branch}:domains/{domain}/.copier-answers.yml")
        assert "_commit: v1.1.0" in answers
        readme = git(mesh, "show", f"{branch}:domains/{domain}/README.md")
        assert "Ask the data platform team in #data-platform." in readme
        assert "#data-platform" not in (mesh / "domains" / domain / "README.md").read_text()
    # 6: the catalog exists and lists both products
    index = (root / "catalog" / "index.html").read_text()
    assert "orders.order_events" in index and "billing.billing_events" in index
    # ... with each product's health from its data-check report, and SLA pages from the recorded runs
    assert "no report" not in index and index.count("badge health-healthy") == 2
    board = (root / "catalog" / "health.html").read_text()
    assert "orders.order_events" in board and "billing.billing_events" in board
    assert len(list((root / "catalog" / "health").glob("*.html"))) == 2
    assert "SLA health over the last 30d" in out


def test_demo_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = run_cli("demo", str(tmp_path))
    assert result.code == 2
    assert "not empty" in result.err
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_demo_force_refuses_a_folder_it_did_not_make(tmp_path):
    """`--force` used to delete everything in DIR: a folder without the demo's marker is left whole."""
    (tmp_path / "keep.txt").write_text("mine")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes.md").write_text("also mine")
    result = run_cli("demo", str(tmp_path), "--force")
    assert result.code == 2, result.out + result.err
    assert "was not made by `scaffolder demo`" in result.err and "Traceback" not in result.err
    assert (tmp_path / "keep.txt").read_text() == "mine"
    assert (tmp_path / "sub" / "notes.md").read_text() == "also mine"


def test_demo_force_replaces_only_an_earlier_demo(tmp_path):
    from scaffolder.demo.folder import MARKER, prepare
    from scaffolder.errors import UsageError

    root = tmp_path / "mesh-demo"
    prepare(root, force=False, shown="mesh-demo")  # a new folder: created and marked
    assert (root / MARKER).is_file()
    (root / "mesh").mkdir()
    (root / "mesh" / "old.txt").write_text("from the last demo")
    prepare(root, force=True, shown="mesh-demo")
    assert sorted(p.name for p in root.iterdir()) == [MARKER]
    (root / "x").write_text("x")
    with pytest.raises(UsageError, match="not empty"):
        prepare(root, force=False, shown="mesh-demo")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(UsageError, match="symbolic link"):
        prepare(link, force=True, shown="link")
