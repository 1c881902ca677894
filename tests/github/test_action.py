"""action.yml: its inputs and outputs are documented, and the step it runs is the one tested here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from tests.conftest import ROOT
from tests.github.fake_github import FakeGitHub
from tests.github.test_ci import BREAK, ci_env, edit_orders, mesh_repo, outputs  # noqa: F401

ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text())
REQUIRED_INPUTS = {"github-token", "base-ref", "fail-on", "approve-label", "comment", "data",
                   "python-version", "working-directory", "engine", "dbt-project", "dbt-target", "spark-remote"}


def test_inputs_and_outputs_are_documented():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= REQUIRED_INPUTS
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
        assert "default" in spec, name
    assert ACTION["inputs"]["fail-on"]["default"] == "bump"
    assert ACTION["inputs"]["approve-label"]["default"] == "approved-breaking-change"
    assert ACTION["inputs"]["engine"]["default"] == "duckdb"
    assert {"ok", "required-bump", "declared-bump", "report-path"} <= set(ACTION["outputs"])
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.check.outputs.{name} }}}}"


def test_no_expression_is_interpolated_into_a_script():
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def _step_env(step: dict, inputs: dict[str, str]) -> dict[str, str]:
    env = {}
    for key, value in step.get("env", {}).items():
        m = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", str(value))
        if m:
            env[key] = inputs[m.group(1)]
    return env


def test_the_check_step_runs_scaffolder_ci(mesh_repo, tmp_path):  # noqa: F811
    edit_orders(mesh_repo, BREAK, ("version: 2.1.0", "version: 2.1.1"))
    (step,) = [s for s in ACTION["runs"]["steps"] if s.get("id") == "check"]
    inputs = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    with FakeGitHub() as gh:
        env = {**os.environ, **ci_env(mesh_repo, gh, tmp_path)}
        inputs["github-token"] = env.pop("GITHUB_TOKEN")
        env.update(_step_env(step, inputs))
        env["RUNNER_TEMP"] = str(tmp_path)
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
        env["PYTHONPATH"] = str(ROOT)
        # `scaffolder` on PATH must be this checkout's: put a shim first
        shim = tmp_path / "bin"
        shim.mkdir()
        (shim / "scaffolder").write_text(f"#!/bin/sh\nexec {sys.executable} -m scaffolder \"$@\"\n")
        (shim / "scaffolder").chmod(0o755)
        env["PATH"] = f"{shim}{os.pathsep}{env['PATH']}"
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=mesh_repo, env=env, capture_output=True, text=True)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        out = outputs(tmp_path)
        assert out["required-bump"] == "major" and out["ok"] == "false"
        assert out["report-path"] == str(tmp_path / "scaffolder-report.json")
        assert len([c for c in gh.state.comments.get(7, []) if c.login == "github-actions[bot]"]) == 1
        assert inputs["github-token"] not in proc.stdout + proc.stderr
