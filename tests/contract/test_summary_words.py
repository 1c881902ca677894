"""Summaries that say what happened in plain, counted words."""

from __future__ import annotations

from pathlib import Path

from scaffolder.report.words import plural
from tests.conftest import SEED, run_cli


def _mesh(root: Path, extra: str = "") -> Path:
    (root / "domains/a").mkdir(parents=True)
    (root / "mesh.yaml").write_text(f"apiVersion: datamesh.io/v1\nkind: Mesh\n{extra}contracts: ['domains/*/c.yaml']\n")
    (root / "domains/a/c.yaml").write_text(SEED.read_text())
    return root


def test_an_invalid_mesh_yaml_is_named_in_validates_summary(tmp_path: Path) -> None:
    run = run_cli("validate", cwd=_mesh(tmp_path, "compatibility: sideways\n"))
    assert run.code == 1
    last = run.out.splitlines()[-1]
    assert last == "1 contract checked: mesh.yaml invalid (1 error, 0 warnings)", run.out
    assert "0 invalid" not in run.out


def test_catalog_counts_in_words(tmp_path: Path) -> None:
    run = run_cli("catalog", "build", "--no-history", "--out", str(tmp_path / "site"), cwd=_mesh(tmp_path / "m"))
    assert run.code == 0, run.err
    assert "catalog: 1 product, 3 external datasets, 0 health reports ->" in run.out


def test_plural() -> None:
    assert [plural(n, "product") for n in (0, 1, 2)] == ["0 products", "1 product", "2 products"]
    assert plural(1, "finding") == "1 finding" and plural(2, "day") == "2 days"
    assert plural(2, "analysis", "analyses") == "2 analyses"
