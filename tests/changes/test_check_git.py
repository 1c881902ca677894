"""`check` in real git repos: merge-base, moves, deletions, sunsets, shallow clones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from scaffolder.changes.check import check_changes
from scaffolder.contract.mesh import load_mesh
from tests.changes.conftest import BASE, edit, git
from tests.conftest import run_cli

TODAY = dt.date(2026, 11, 25)


def product(name: str, version: str = "1.0.0", status: str = "") -> str:
    text = edit(BASE, ("name: orders.order_events", f"name: {name}"), ("version: 2.1.0", f"version: {version}"))
    return edit(text, ("  description: Order events\n", f"  description: Order events\n{status}")) if status else text


def write(root: Path, rel: str, text: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


def commit(root: Path, msg: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", msg)


def build(repo: Path) -> None:
    """main: four products; feature (checked out): a move with an edit, two deletions, one addition."""
    write(repo, "domains/orders/orders.contract.yaml", BASE)
    write(repo, "domains/billing/billing.contract.yaml", product("billing.invoices"))
    write(repo, "domains/legacy/legacy.contract.yaml",
          product("legacy.events", status="  status: deprecated\n  sunset: 2026-06-30\n"))
    write(repo, "domains/young/young.contract.yaml", product("young.events"))
    write(repo, "README.md", "not a contract\n")
    commit(repo, "products")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "domains/sales").mkdir()
    git(repo, "mv", "domains/orders/orders.contract.yaml", "domains/sales/orders.contract.yaml")
    moved = edit(BASE, ("version: 2.1.0", "version: 2.2.0"),
                 ("      - name: note\n", "      - name: channel\n        type: string\n      - name: note\n"))
    write(repo, "domains/sales/orders.contract.yaml", moved)
    git(repo, "rm", "-q", "domains/legacy/legacy.contract.yaml", "domains/young/young.contract.yaml")
    write(repo, "domains/new/new.contract.yaml", product("fresh.events", "0.1.0"))
    write(repo, "README.md", "still not a contract\n")
    commit(repo, "feature work")
    # main moves on after the branch point: the check must not report this (merge-base, not tip)
    git(repo, "checkout", "-q", "main")
    write(repo, "domains/billing/billing.contract.yaml", product("billing.invoices", "2.0.0").replace("- name: note\n        type: string\n", ""))
    commit(repo, "billing on main")
    git(repo, "checkout", "-q", "feature")


def by_name(report) -> dict:
    return {c.name: c for c in report.contracts}


def test_check_committed_head(repo: Path) -> None:
    build(repo)
    report = check_changes(repo, "main", "feature", load_mesh(repo), TODAY)
    results = by_name(report)
    assert set(results) == {"orders.order_events", "legacy.events", "young.events", "fresh.events"}
    moved = results["orders.order_events"]
    assert moved.status == "renamed" and moved.old_path == "domains/orders/orders.contract.yaml"
    assert moved.path == "domains/sales/orders.contract.yaml"
    assert [f.rule for f in moved.changes] == ["field-added"] and moved.ok
    assert moved.changes[0].location.path == "domains/sales/orders.contract.yaml"
    legacy = results["legacy.events"]
    assert legacy.status == "removed" and legacy.ok and legacy.changes[0].accepted  # sunset passed
    young = results["young.events"]
    assert not young.ok and [f.rule for f in young.gate] == ["contract-removed-before-sunset"]
    assert young.changes[0].location.path == "domains/young/young.contract.yaml"
    assert results["fresh.events"].status == "added" and results["fresh.events"].ok
    assert not report.ok
    assert report.merge_base == git(repo, "merge-base", "main", "feature").strip()


def test_removal_before_sunset_passes_after_it(repo: Path) -> None:
    build(repo)
    early = by_name(check_changes(repo, "main", "feature", load_mesh(repo), dt.date(2026, 6, 29)))
    assert [f.rule for f in early["legacy.events"].gate] == ["contract-removed-before-sunset"]
    on_time = by_name(check_changes(repo, "main", "feature", load_mesh(repo), dt.date(2026, 6, 30)))
    assert on_time["legacy.events"].gate == [] and on_time["legacy.events"].ok


def test_working_tree_untracked_and_moved_without_git_mv(repo: Path) -> None:
    build(repo)
    # a second move done with plain mv + heavy edit: git cannot see the rename, the product name can
    src = repo / "domains/billing/billing.contract.yaml"
    text = src.read_text()
    src.unlink()
    write(repo, "domains/b/invoices.contract.yaml", "# moved\n" + text.replace("version: 1.0.0", "version: 1.0.1")
          .replace("description: Order events", "description: Invoices, one row per invoice"))
    report = check_changes(repo, "main", None, load_mesh(repo), TODAY)
    results = by_name(report)
    billing = results["billing.invoices"]
    assert billing.status == "renamed"
    assert billing.old_path == "domains/billing/billing.contract.yaml"
    assert [f.rule for f in billing.changes] == ["description-changed"] and billing.ok


def test_check_cli_json_shape_and_exit_code(repo: Path) -> None:
    build(repo)
    run = run_cli("check", "--base", "main", "--format", "json", "--today", "2026-11-25", cwd=repo)
    assert run.code == 1, run.err
    data = json.loads(run.out)
    assert data["ok"] is False
    entry = next(c for c in data["contracts"] if c["name"] == "orders.order_events")
    for key in ("name", "path", "status", "base_version", "head_version", "required_bump", "declared_bump", "ok",
                "changes", "gate"):
        assert key in entry
    change = entry["changes"][0]
    assert {k: change[k] for k in ("rule", "bump", "path")} == {
        "rule": "field-added", "bump": "minor", "path": "$.spec.schema.fields[channel]"}
    assert isinstance(change["line"], int) and change["message"]
    assert (entry["base_version"], entry["head_version"], entry["declared_bump"]) == ("2.1.0", "2.2.0", "minor")


def test_check_cli_passes_when_all_is_well(repo: Path) -> None:
    write(repo, "domains/a/a.contract.yaml", product("a.events"))
    commit(repo, "a")
    git(repo, "checkout", "-q", "-b", "f")
    write(repo, "domains/a/a.contract.yaml", product("a.events", "1.1.0").replace(
        "      - name: note\n", "      - name: extra\n        type: string\n      - name: note\n"))
    run = run_cli("check", "--base", "main", cwd=repo)
    assert run.code == 0, run.out + run.err
    assert "a.events: modified 1.0.0 -> 1.1.0" in run.out
    run = run_cli("check", "--base", "main", "--format", "github", cwd=repo)
    assert "::notice file=domains/a/a.contract.yaml,line=" in run.out and "title=field-added" in run.out


def test_default_base_is_main_and_not_a_repo_is_usage_error(repo: Path, tmp_path: Path) -> None:
    git(repo, "checkout", "-q", "-b", "f")
    run = run_cli("check", cwd=repo)
    assert run.code == 0 and "no contract changed" in run.out
    outside = tmp_path / "plain"
    outside.mkdir()
    run = run_cli("check", cwd=outside)
    assert run.code == 2 and "not inside a git repository" in run.err and "Traceback" not in run.err
    run = run_cli("check", "--base", "nope", cwd=repo)
    assert run.code == 2 and "unknown ref 'nope'" in run.err and "git fetch" in run.err


def test_shallow_clone_says_how_to_fetch_the_base(repo: Path, tmp_path: Path) -> None:
    write(repo, "domains/a/a.contract.yaml", product("a.events"))
    commit(repo, "a")
    git(repo, "checkout", "-q", "-b", "feature")
    for i in range(3):
        write(repo, "domains/a/a.contract.yaml", product("a.events", f"1.{i + 1}.0"))
        commit(repo, f"feature {i}")
    git(repo, "checkout", "-q", "main")
    for i in range(3):
        write(repo, f"notes{i}.txt", "x")
        commit(repo, f"main {i}")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{repo}", str(clone))
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    run = run_cli("check", "--base", "origin/main", cwd=clone)
    assert run.code == 2, run.out + run.err
    assert "shallow clone" in run.err and "git fetch --unshallow" in run.err and "fetch-depth: 0" in run.err
    assert "Traceback" not in run.err
    git(clone, "fetch", "-q", "--unshallow", "origin")
    git(clone, "fetch", "-q", "origin", "main:refs/remotes/origin/main")
    run = run_cli("check", "--base", "origin/main", cwd=clone)
    assert run.code == 0, run.out + run.err
    assert "a.events: modified 1.0.0 -> 1.3.0" in run.out


def test_mesh_in_a_subfolder_of_the_repo(tmp_path: Path) -> None:
    root = tmp_path / "mono"
    (root / "platform").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "platform/mesh.yaml").write_text('apiVersion: datamesh.io/v1\nkind: Mesh\ncontracts: ["domains/*/*.contract.yaml"]\n')
    write(root, "platform/domains/a/a.contract.yaml", product("a.events"))
    write(root, "domains/b/b.contract.yaml", product("b.events"))  # outside the mesh: never checked
    commit(root, "c")
    git(root, "checkout", "-q", "-b", "f")
    write(root, "platform/domains/a/a.contract.yaml", product("a.events", "1.0.0").replace("description: Order events", "description: A"))
    write(root, "domains/b/b.contract.yaml", product("b.events", "0.0.1"))
    run = run_cli("check", "--base", "main", "--format", "json", cwd=root / "platform")
    data = json.loads(run.out)
    assert [(c["name"], c["path"]) for c in data["contracts"]] == [("a.events", "platform/domains/a/a.contract.yaml")]
    assert [g["rule"] for g in data["contracts"][0]["gate"]] == ["version-not-bumped"]
    assert run.code == 1
