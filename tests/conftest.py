"""Fixtures every test area shares: the seed contract and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed" / "data-product-contract.yaml"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            input: str | None = None, timeout: float = 300) -> Run:
    """Run `scaffolder` as a user would: a separate process, real exit code."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("SCAFFOLDER_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "scaffolder", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, input=input, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def git(cwd: Path, *args: str) -> str:
    """Real git, failing loudly: tests build repos the way users do."""
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text()


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def pg():
    """A real PostgreSQL server for the whole session (tests/pg.py), stopped at the end."""
    from tests import pg as pgmod

    if pgmod.binaries() is None and not os.environ.get("CI"):
        pytest.skip("PostgreSQL (initdb, pg_ctl) is not installed")
    server = pgmod.start()
    yield server
    server.stop()
