"""Globs that match no contract are an error unless asked for (issue 15.13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEED, run_cli

MESH = "apiVersion: datamesh.io/v1\nkind: Mesh\nname: m\n\ncontracts:\n  - 'domain/*/data-product-contract.yaml'\n"


@pytest.fixture
def typo_mesh(tmp_path: Path) -> Path:
    """mesh.yaml says `domain/` where the contracts are under `domains/`."""
    (tmp_path / "mesh.yaml").write_text(MESH)
    (tmp_path / "domains/orders").mkdir(parents=True)
    (tmp_path / "domains/orders/data-product-contract.yaml").write_text(SEED.read_text())
    return tmp_path


@pytest.mark.parametrize("command", [["validate"], ["validate", "--format", "json"], ["catalog", "build", "--no-history"]])
def test_a_glob_matching_nothing_is_a_located_usage_error(typo_mesh: Path, command: list[str]) -> None:
    run = run_cli(*command, cwd=typo_mesh)
    assert run.code == 2, run.out + run.err
    assert "mesh.yaml:5:1: no contract matches these globs (domain/*/data-product-contract.yaml)" in run.err
    assert "--allow-empty" in run.err and "Traceback" not in run.err
    assert not (typo_mesh / "site").exists()


def test_allow_empty_makes_it_a_pass(typo_mesh: Path) -> None:
    run = run_cli("validate", "--allow-empty", cwd=typo_mesh)
    assert run.code == 0 and "no contracts found" in run.out, run.out + run.err
    run = run_cli("validate", "--allow-empty", "--format", "json", cwd=typo_mesh)
    assert run.code == 0 and json.loads(run.out)["contracts"] == []
    run = run_cli("catalog", "build", "--no-history", "--allow-empty", cwd=typo_mesh)
    assert run.code == 0 and "catalog: 0 products" in run.out, run.out + run.err
    assert (typo_mesh / "site/index.html").is_file()


def test_outside_any_mesh(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes/readme.yaml").write_text("a: 1\n")
    for command in (["validate"], ["catalog", "build", "--no-history"]):
        run = run_cli(*command, cwd=tmp_path)
        assert run.code == 2, run.out + run.err
        assert "no mesh.yaml here or above" in run.err and "**/data-product-contract.yaml" in run.err
    run = run_cli("validate", "notes", cwd=tmp_path)  # a folder named, with no contract in it
    assert run.code == 2 and "notes: no contract in this folder" in run.err, run.out + run.err
    assert run_cli("validate", "notes", "--allow-empty", cwd=tmp_path).code == 0


def test_a_mesh_without_a_contracts_key_is_located_at_its_first_line(tmp_path: Path) -> None:
    (tmp_path / "mesh.yaml").write_text("apiVersion: datamesh.io/v1\nkind: Mesh\nname: m\n")
    run = run_cli("validate", cwd=tmp_path)
    assert run.code == 2 and "mesh.yaml:1:1: no contract matches the default globs" in run.err, run.err


def test_the_help_says_so() -> None:
    for command in (["validate"], ["catalog", "build"]):
        run = run_cli(*command, "--help")
        words = " ".join(run.out.split())
        assert "--allow-empty" in words and "no contract is found" in words.replace("no contract found", "no contract is found")
