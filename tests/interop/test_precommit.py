"""The repo's .pre-commit-hooks.yaml, run by the real pre-commit on a temp repo that uses a clone of this one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED, run_cli

GIT = {"GIT_AUTHOR_NAME": "Domain Team", "GIT_AUTHOR_EMAIL": "team@example.com",
       "GIT_COMMITTER_NAME": "Domain Team", "GIT_COMMITTER_EMAIL": "team@example.com",
       "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    out = {**os.environ, **GIT, "HOME": str(home), "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": str(ROOT)}
    out.pop("SCAFFOLDER_DEBUG", None)
    return out


@pytest.fixture
def hook_repo(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    """A clone of this repository, holding the working tree's hooks file; (path, commit)."""
    clone = tmp_path / "datamesh-scaffolder"
    _run(["git", "clone", "--quiet", str(ROOT), str(clone)], tmp_path, env).check_returncode()
    shutil.copy2(ROOT / ".pre-commit-hooks.yaml", clone / ".pre-commit-hooks.yaml")
    _run(["git", "add", ".pre-commit-hooks.yaml"], clone, env).check_returncode()
    _run(["git", "commit", "-q", "--allow-empty", "-m", "hooks as in the working tree"], clone, env).check_returncode()
    return clone, _run(["git", "rev-parse", "HEAD"], clone, env).stdout.strip()


@pytest.fixture
def domain(tmp_path: Path, env: dict[str, str], hook_repo: tuple[Path, str]) -> Path:
    repo = tmp_path / "orders"
    (repo / "models").mkdir(parents=True)
    shutil.copy2(SEED, repo / "data-product-contract.yaml")
    (repo / "models" / "schema.yml").write_text(run_cli("dbt-schema", str(SEED)).out)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo[0]}\n    rev: {hook_repo[1]}\n    hooks:\n"
        "      - id: datamesh-validate\n      - id: datamesh-dbt-schema\n")
    _run(["git", "init", "-q", "-b", "main"], repo, env).check_returncode()
    _run(["git", "add", "-A"], repo, env).check_returncode()
    return repo


def test_hooks_pass_on_a_good_domain_and_fail_on_each_problem(domain: Path, env: dict[str, str]) -> None:
    ok = _run(["pre-commit", "run", "--all-files"], domain, env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "validate data product contracts" in ok.stdout and "Passed" in ok.stdout

    contract = domain / "data-product-contract.yaml"
    good = contract.read_text()
    contract.write_text(good.replace("version: 2.1.0", "version: two"))
    bad = _run(["pre-commit", "run", "datamesh-validate", "--all-files"], domain, env)
    assert bad.returncode == 1 and "data-product-contract.yaml:" in bad.stdout and "semver" in bad.stdout.lower()

    contract.write_text(good.replace("name: customer_id", "name: client_id"))
    drift = _run(["pre-commit", "run", "datamesh-dbt-schema", "--all-files"], domain, env)
    assert drift.returncode == 1 and "dbt-schema-missing-column" in drift.stdout


def test_installed_hook_refuses_a_commit_of_a_broken_contract(domain: Path, env: dict[str, str]) -> None:
    _run(["pre-commit", "install"], domain, env).check_returncode()
    first = _run(["git", "commit", "-q", "-m", "good"], domain, env)
    assert first.returncode == 0, first.stdout + first.stderr
    contract = domain / "data-product-contract.yaml"
    contract.write_text(contract.read_text().replace("owner:", "ownr:"))
    _run(["git", "add", "-A"], domain, env).check_returncode()
    refused = _run(["git", "commit", "-q", "-m", "bad"], domain, env)
    assert refused.returncode != 0 and "did you mean 'owner'" in refused.stdout + refused.stderr
    assert _run(["git", "rev-list", "--count", "HEAD"], domain, env).stdout.strip() == "1"
