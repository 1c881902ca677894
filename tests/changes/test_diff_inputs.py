"""`diff` reads `-` and pipes, and refuses what is no contract at all (issue 15.17)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.changes.conftest import BASE, edit, git, line_of
from tests.conftest import ROOT, run_cli

NEW = edit(BASE, ("version: 2.1.0", "version: 2.1.1"), ("      - name: note\n        type: string\n", ""))
NOTE_LINE = line_of(BASE, "- name: note")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "old.yaml").write_text(BASE)
    (tmp_path / "new.yaml").write_text(NEW)
    (tmp_path / "mesh.yaml").write_text("apiVersion: datamesh.io/v1\nkind: Mesh\nname: m\ncontracts: ['*.yaml']\n")
    return tmp_path


def bash(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A user's shell, for process substitution; `scaffolder` is this checkout's."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(["bash", "-c", f'scaffolder() {{ "{sys.executable}" -m scaffolder "$@"; }}\n{script}'],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_mesh_yaml_is_not_a_contract_to_diff(files: Path) -> None:
    for args in (("mesh.yaml", "new.yaml"), ("old.yaml", "mesh.yaml")):
        run = run_cli("diff", *args, cwd=files)
        assert run.code == 2, run.out + run.err
        assert run.err.count("mesh.yaml: a Mesh file, not a data product contract") == 1
        assert run.out == ""


def test_a_missing_key_is_said_once(files: Path) -> None:
    (files / "bare.yaml").write_text("apiVersion: datamesh.io/v1\nkind: DataProduct\n")
    run = run_cli("validate", "bare.yaml", "--no-policy", cwd=files)
    assert run.code == 1
    assert run.out.count("missing required key 'metadata'") == 1 and run.out.count("missing required key 'spec'") == 1


def test_old_from_stdin(files: Path) -> None:
    run = run_cli("diff", "-", "new.yaml", cwd=files, input=BASE)
    assert run.code == 1, run.out + run.err
    # a removed item sits on its parent in NEW and names where it was in OLD (issue 15 item 10)
    assert f"field note was removed (was at <stdin>:{NOTE_LINE}) [field-removed, major]" in run.out
    assert "new.yaml:6:12:" in run.out  # the gate points at NEW's version line


def test_new_from_stdin_is_validated_with_located_errors(files: Path) -> None:
    run = run_cli("diff", "old.yaml", "-", cwd=files, input=NEW.replace("kind: DataProduct", "kind: Product"))
    assert run.code == 1, run.out + run.err
    assert "<stdin>:2:7: kind must be 'DataProduct'" in run.out
    run = run_cli("diff", "old.yaml", "-", "--format", "json", cwd=files, input=NEW)
    assert run.code == 1 and '"path": "<stdin>"' in run.out


def test_process_substitution_from_git(files: Path) -> None:
    git(files, "init", "-q", "-b", "main")
    git(files, "add", "old.yaml")
    git(files, "commit", "-q", "-m", "base")
    run = bash("scaffolder diff <(git show main:old.yaml) new.yaml", files)
    assert run.returncode == 1, run.stdout + run.stderr
    assert re.search(rf"^  new.yaml:\d+:\d+: warning: field note was removed \(was at /dev/fd/\d+:{NOTE_LINE}\)", run.stdout, re.M), run.stdout
    assert "field-removed" in run.stdout and "no such file" not in run.stderr
    same = bash("scaffolder diff <(cat old.yaml) <(cat old.yaml)", files)
    assert same.returncode == 0, same.stdout + same.stderr


def test_usage_errors(files: Path) -> None:
    for args, message in ((("-", "-"), "cannot both be `-`"), (("old.yaml", "nope.yaml"), "nope.yaml: no such file"),
                          ((".", "new.yaml"), ".: a folder")):
        run = run_cli("diff", *args, cwd=files, input="")
        assert run.code == 2 and message in run.err, run.out + run.err
