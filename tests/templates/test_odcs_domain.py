"""The domain template with contract_format=odcs: the same promises as the default, in ODCS v3,
and everything else the domain gets (dbt schema, Terraform, workflows) unchanged."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scaffolder.contract.load import load_file
from scaffolder.odcs.convert import from_odcs, to_odcs
from scaffolder.odcs.files import dump_yaml
from tests.templates.helpers import generate, make_template_repo, scaffolder


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    template = make_template_repo(tmp_path_factory.mktemp("tpl") / "datamesh-scaffolder")
    ours = generate(template, tmp_path_factory.mktemp("datamesh") / "orders")
    odcs = generate(template, tmp_path_factory.mktemp("odcs") / "orders", "contract_format=odcs")
    return ours, odcs


def test_odcs_contract_validates_and_promises_the_same(pair: tuple[Path, Path]) -> None:
    ours, odcs = (p / "data-product-contract.yaml" for p in pair)
    assert load_file(odcs).data["apiVersion"] == "v3.1.0"
    r = scaffolder("validate", str(odcs))
    assert r.returncode == 0 and "[odcs-kept]" not in r.stdout, r.stdout + r.stderr
    r = scaffolder("diff", str(ours), str(odcs), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["contracts"][0]["changes"] == []


def test_everything_else_is_the_same_and_agrees(pair: tuple[Path, Path]) -> None:
    ours, odcs = pair
    r = subprocess.run(["diff", "-r", "-x", ".copier-answers.yml", "-x", "data-product-contract.yaml",
                        "-x", "requirements.txt", str(ours), str(odcs)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout  # dbt models, schema.yml, Terraform, workflows: identical
    # requirements differ by the odcs extra alone (the package's ODCS schema validates the contract)
    want = (ours / "requirements.txt").read_text().replace("access]", "access,odcs]")
    assert (odcs / "requirements.txt").read_text() == want
    r = scaffolder("dbt-schema", "data-product-contract.yaml", "--check", "models/schema.yml", cwd=odcs)
    assert r.returncode == 0, r.stdout + r.stderr


def test_template_contract_round_trips(pair: tuple[Path, Path], tmp_path: Path) -> None:
    """datamesh -> ODCS -> datamesh of the template's contract: no diff finding."""
    src = pair[0] / "data-product-contract.yaml"
    back = tmp_path / "back.yaml"
    back.write_text(dump_yaml(from_odcs(to_odcs(load_file(src).data))))
    r = scaffolder("diff", str(src), str(back), "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["contracts"][0]["changes"] == [], r.stdout
