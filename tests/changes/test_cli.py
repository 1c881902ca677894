"""`scaffolder diff` and `scaffolder rules` as a user runs them: exit codes and output shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.changes.conftest import BASE, edit, line_of
from tests.conftest import ROOT, run_cli

NOTE = "      - name: note\n        type: string\n"


@pytest.fixture
def pair(tmp_path: Path):
    def make(new_version: str, *edits: tuple[str, str]) -> tuple[str, str]:
        (tmp_path / "old.yaml").write_text(BASE)
        (tmp_path / "new.yaml").write_text(edit(BASE, ("version: 2.1.0", f"version: {new_version}"), *edits))
        return str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml")
    return make


def test_diff_exit_0_when_the_version_covers_the_change(pair, tmp_path) -> None:
    old, new = pair("3.0.0", (NOTE, ""))
    run = run_cli("diff", old, new, cwd=tmp_path)
    assert run.code == 0, run.out + run.err
    # the head file, on the removed field's parent; the message says where it was
    assert f"{new}:{line_of(BASE, '    fields:')}:" in run.out
    assert f"field note was removed (was at {old}:{line_of(BASE, '- name: note')})" in run.out
    assert "[field-removed, major]" in run.out


def test_diff_exit_1_and_json_shape(pair, tmp_path) -> None:
    old, new = pair("2.1.1", (NOTE, ""))
    run = run_cli("diff", old, new, "--format", "json", cwd=tmp_path)
    assert run.code == 1
    data = json.loads(run.out)
    assert data["ok"] is False
    [c] = data["contracts"]
    assert (c["name"], c["status"], c["base_version"], c["head_version"]) == ("orders.order_events", "modified", "2.1.0", "2.1.1")
    assert (c["required_bump"], c["declared_bump"], c["ok"]) == ("major", "patch", False)
    [change] = c["changes"]
    assert change["rule"] == "field-removed" and change["bump"] == "major"
    assert change["path"] == "$.spec.schema.fields[note]" and change["line"] == line_of(BASE, "    fields:")
    assert change["file"] == new and change["data"]["was"] == f"{old}:{line_of(BASE, '- name: note')}"
    assert change["message"] == f"field note was removed (was at {old}:{line_of(BASE, '- name: note')})"
    assert [g["rule"] for g in c["gate"]] == ["version-bump-too-small"]


def test_diff_fail_on_options(pair, tmp_path) -> None:
    old, new = pair("3.0.0", (NOTE, ""))
    assert run_cli("diff", old, new, "--fail-on", "breaking", cwd=tmp_path).code == 1
    old, new = pair("2.1.0", (NOTE, ""))
    assert run_cli("diff", old, new, "--fail-on", "never", cwd=tmp_path).code == 0


def test_diff_usage_errors_exit_2_without_traceback(pair, tmp_path) -> None:
    old, _ = pair("2.1.0")
    for args in (["diff", old, str(tmp_path / "missing.yaml")], ["diff", old], ["diff", old, old, "--today", "soon"],
                 ["diff", old, old, "--format", "xml"]):
        run = run_cli(*args, cwd=tmp_path)
        assert run.code == 2, args
        assert "Traceback" not in run.err


def test_diff_invalid_yaml_exits_1_with_location(pair, tmp_path) -> None:
    old, new = pair("2.1.0")
    Path(new).write_text(BASE.replace("  domain: orders\n", "  domain: [orders\n"))
    run = run_cli("diff", old, new, cwd=tmp_path)
    assert run.code == 1
    assert f"{new}:" in run.out and "Traceback" not in run.err + run.out


def test_diff_markdown_and_github(pair, tmp_path) -> None:
    old, new = pair("2.1.1", (NOTE, ""))
    md = run_cli("diff", old, new, "--format", "markdown", cwd=tmp_path).out
    assert md.startswith("## Data contract changes")
    assert "❌ **Contract check failed**" in md
    assert "| `field-removed` | 🔴 major |" in md
    assert "**What consumers must do**" in md and "stop selecting `note`" in md
    gh = run_cli("diff", old, new, "--format", "github", cwd=tmp_path).out.splitlines()
    assert gh[0].startswith("::error file=") and "title=version-bump-too-small" in gh[0]
    assert any(line.startswith("::warning") and "title=field-removed" in line for line in gh)


def test_rules_formats() -> None:
    text = run_cli("rules").out
    assert "field-removed" in text and "version-not-bumped" in text
    data = json.loads(run_cli("rules", "--format", "json").out)
    removed = next(r for r in data["rules"] if r["id"] == "field-removed")
    assert removed["bump"] == {"consumer": "major", "producer": "minor", "full": "major", "none": "patch"}
    assert removed["example"]["old"] and removed["message"]
    assert len({r["id"] for r in data["rules"]}) == len(data["rules"])


def test_docs_rules_md_is_in_sync() -> None:
    """docs/rules.md is generated: regenerate with `scaffolder rules --format md > docs/rules.md`."""
    generated = run_cli("rules", "--format", "md").out
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == generated
    assert "docs/rules.md" in (ROOT / "README.md").read_text(encoding="utf-8")
