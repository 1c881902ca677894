"""A generated 50-product mesh in a git repo with history, built once per module into a site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.catalog.meshgen import name_of, write_mesh_with_history
from tests.conftest import run_cli

N = 50
TODAY = "2026-11-25"


@pytest.fixture(scope="module")
def mesh(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mesh")
    write_mesh_with_history(root, N)
    return root


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """Two `scaffolder test --format json` reports: product 0 healthy, product 1 failing one check."""
    folder = tmp_path_factory.mktemp("reports")
    ok = {"ok": True, "rows": 120, "product": name_of(0), "contract": "x", "checks": [
        {"id": "quality:id:not_null", "source": "quality", "column": "id",
         "assertion": "expect_column_values_to_not_be_null", "failed": 0, "total": 120, "threshold": 1.0, "passed": True}]}
    bad = {"ok": False, "rows": 80, "product": name_of(1), "contract": "y", "checks": [
        {"id": "quality:id:not_null", "source": "quality", "column": "id",
         "assertion": "expect_column_values_to_not_be_null", "failed": 0, "total": 80, "threshold": 1.0, "passed": True},
        {"id": "quality:updated_at:not_null", "source": "quality", "column": "updated_at",
         "assertion": "expect_column_values_to_not_be_null", "failed": 5, "total": 80, "threshold": 0.99,
         "passed": False, "message": "5 of 80 rows are null"}]}
    invalid = {"path": "domains/inventory/product_0003.contract.yaml", "name": name_of(3), "version": "1.0.0",
               "ok": False, "findings": [{"rule": "unknown-type", "message": "unknown type"}]}
    (folder / "nested").mkdir()
    (folder / "nested" / "p3.json").write_text(json.dumps(invalid))  # what `test --format json` prints for a bad contract
    (folder / "p0.json").write_text(json.dumps(ok))
    (folder / "p1.json").write_text(json.dumps(bad))
    return folder


@pytest.fixture(scope="module")
def site(mesh: Path, reports: Path) -> Path:
    out = mesh.parent / (mesh.name + "-site")
    r = run_cli("catalog", "build", "--out", str(out), "--health", str(reports), "--today", TODAY, cwd=mesh)
    assert r.code == 0, r.err + r.out
    assert "50 products" in r.out
    return out
