"""A contract-named symlink never makes `validate` or `catalog build` read outside the mesh (issue 14.12)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import SEED, run_cli

SECRET = "sekrit-value-42"
MESH = "apiVersion: datamesh.io/v1\nkind: Mesh\nname: m\ncontracts: ['domains/*/data-product-contract.yaml']\n"


@pytest.fixture
def mesh(tmp_path: Path) -> Path:
    """A mesh with one valid contract, and a file outside it holding a secret (in a valid contract, too)."""
    root = tmp_path / "mesh"
    (root / "domains/orders").mkdir(parents=True)
    (root / "mesh.yaml").write_text(MESH)
    (root / "domains/orders/data-product-contract.yaml").write_text(SEED.read_text())
    (tmp_path / "private.yaml").write_text(SEED.read_text().replace("team-orders@company.io", f"{SECRET}@x.io")
                                           .replace("orders-domain.order_events", "stolen.events"))
    (tmp_path / "broken.yaml").write_text(f"{SECRET}: [\n")
    return root


def _link(mesh: Path, rel: str, target: Path) -> Path:
    link = mesh / rel
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(target, link.parent))
    return link


@pytest.mark.parametrize("target", ["private.yaml", "broken.yaml"])
@pytest.mark.parametrize("cwd", ["mesh", "above"])
def test_validate_refuses_a_link_out_of_the_mesh(mesh: Path, target: str, cwd: str) -> None:
    _link(mesh, "domains/evil/data-product-contract.yaml", mesh.parent / target)
    where = mesh if cwd == "mesh" else mesh.parent  # from above, paths print through the current folder
    args = [] if cwd == "mesh" else ["--mesh-root", "mesh"]
    for fmt in ("text", "json", "github"):
        run = run_cli("validate", *args, "--format", fmt, cwd=where)
        assert run.code == 1, run.out + run.err
        assert SECRET not in run.out + run.err and "stolen" not in run.out
        assert "file-outside-root" in run.out
    run = run_cli("validate", *args, "--format", "json", cwd=where)
    bad = [c for c in json.loads(run.out)["contracts"] if not c["ok"]]
    assert [(Path(c["path"]).parts[-2], c["findings"][0]["line"]) for c in bad] == [("evil", 1)]


def test_a_linked_folder_out_of_the_mesh_is_refused_too(mesh: Path) -> None:
    (mesh.parent / "elsewhere").mkdir()
    (mesh.parent / "elsewhere/data-product-contract.yaml").write_text(f"{SECRET}: [\n")
    (mesh / "domains/evil").symlink_to(mesh.parent / "elsewhere")
    run = run_cli("validate", cwd=mesh)
    assert run.code == 1 and SECRET not in run.out and "file-outside-root" in run.out, run.out + run.err


def test_a_link_inside_the_mesh_is_followed(mesh: Path) -> None:
    _link(mesh, "domains/copy/data-product-contract.yaml", mesh / "domains/orders/data-product-contract.yaml")
    run = run_cli("validate", "--format", "json", cwd=mesh)
    assert run.code == 0, run.out + run.err
    (only,) = json.loads(run.out)["contracts"]  # the same file once, by its own path
    assert only["path"] == "domains/orders/data-product-contract.yaml"


def test_mesh_yaml_and_its_exceptions_file_stay_in_the_mesh(mesh: Path) -> None:
    (mesh / "mesh.yaml").unlink()
    _link(mesh, "mesh.yaml", mesh.parent / "broken.yaml")
    run = run_cli("validate", cwd=mesh)
    assert run.code == 1 and SECRET not in run.out and "mesh.yaml:1:1:" in run.out, run.out + run.err
    (mesh / "mesh.yaml").unlink()
    (mesh / "mesh.yaml").write_text(MESH + "changes:\n  exceptions_file: ../broken.yaml\n")
    run = run_cli("validate", cwd=mesh)
    assert run.code == 1 and SECRET not in run.out and "[exceptions-file-outside]" in run.out, run.out + run.err
    _link(mesh, "exceptions.yaml", mesh.parent / "broken.yaml")
    (mesh / "mesh.yaml").write_text(MESH + "changes:\n  exceptions_file: exceptions.yaml\n")
    run = run_cli("validate", cwd=mesh)
    assert run.code == 1 and SECRET not in run.out and "[file-outside-root]" in run.out, run.out + run.err


def test_catalog_build_publishes_nothing_read_through_a_link_out(mesh: Path) -> None:
    _link(mesh, "domains/evil/data-product-contract.yaml", mesh.parent / "private.yaml")
    run = run_cli("catalog", "build", "--out", "site", "--no-history", cwd=mesh)
    assert SECRET not in run.out + run.err and "file-outside-root" in run.out + run.err, run.out + run.err
    for page in (mesh / "site").rglob("*"):
        if page.is_file():
            assert SECRET not in page.read_text(errors="replace") and "stolen" not in page.read_text(errors="replace")


def test_a_fifo_named_like_a_contract_does_not_hang(mesh: Path) -> None:
    fifo = mesh / "domains/orders/data-product-contract.yaml"
    fifo.unlink()
    os.mkfifo(fifo)
    run = run_cli("validate", str(fifo.relative_to(mesh)), cwd=mesh, timeout=60)
    assert run.code != 3 and "Traceback" not in run.err, run.out + run.err
