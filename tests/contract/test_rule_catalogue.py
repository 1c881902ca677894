"""Every id `validate` can report is registered, and every registered example reports exactly its rule."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from scaffolder.contract.mesh import load_mesh
from scaffolder.contract.rules import VALIDATION_RULES
from scaffolder.contract.validate import validate_file

CONTRACT = Path(__file__).resolve().parents[2] / "scaffolder" / "contract"
EMITTERS = {"Finding", "_fail", "Problem", "Violation", "rule"}  # calls whose first string is a rule id


def emitted_ids() -> set[str]:
    """Rule ids written in the contract package: the id argument of every emitting call."""
    ids: set[str] = set()
    for path in CONTRACT.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in EMITTERS:
                continue
            args = [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name == "Problem" or name == "Violation":  # ids come from their rule; `rule=` overrides
                args = [k.value for k in node.keywords if k.arg == "rule" and isinstance(k.value, ast.Constant)]
            for a in args[:1]:
                if re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", a.value):
                    ids.add(a.value)
            for k in node.keywords:  # policy.rule(..., other_id="summary")
                if name == "rule" and k.arg:
                    ids.add(k.arg.replace("_", "-"))
    return ids


def test_every_emitted_id_is_registered() -> None:
    ids = emitted_ids()
    assert len(ids) > 30  # the walker finds the ids at all
    assert sorted(ids - set(VALIDATION_RULES)) == []


def test_every_registered_id_is_emitted_somewhere() -> None:
    assert sorted(set(VALIDATION_RULES) - emitted_ids()) == []


@pytest.mark.parametrize("rule", [r for r in VALIDATION_RULES.values() if r.example is not None],
                         ids=lambda r: r.id)
def test_the_example_reports_exactly_its_rule(rule, tmp_path: Path) -> None:
    assert rule.example is not None
    (tmp_path / "c.contract.yaml").write_text(rule.example.contract(), encoding="utf-8")
    if rule.example.mesh:
        (tmp_path / "mesh.yaml").write_text(rule.example.mesh, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        mesh = load_mesh(tmp_path)
        found = {f.rule for f in mesh.findings} | {f.rule for f in validate_file("c.contract.yaml", mesh,
                                                                                  within=tmp_path).findings}
    finally:
        os.chdir(cwd)
    assert found == {rule.id}


def test_the_base_of_the_examples_is_valid(tmp_path: Path) -> None:
    from scaffolder.contract.rules import EXAMPLE_BASE

    (tmp_path / "c.contract.yaml").write_text(EXAMPLE_BASE, encoding="utf-8")
    assert validate_file(tmp_path / "c.contract.yaml", load_mesh(tmp_path), within=tmp_path).findings == []


@pytest.mark.parametrize("rule", [r.id for r in VALIDATION_RULES.values() if r.example is None])
def test_the_file_system_rules(rule: str, tmp_path: Path) -> None:
    """The two rules no contract text can trigger: a link out of the mesh, a folder at a contract's path."""
    mesh_dir = tmp_path / "mesh"
    mesh_dir.mkdir()
    target = mesh_dir / "c.contract.yaml"
    assert rule in ("file-outside-root", "file-unreadable")
    if rule == "file-outside-root":
        (tmp_path / "outside.yaml").write_text("a: 1\n")
        target.symlink_to(tmp_path / "outside.yaml")
    else:
        target.mkdir()
    findings = validate_file(target, None, within=mesh_dir).findings
    assert [f.rule for f in findings] == [rule]
