"""`scaffolder test --engine spark --spark-remote sc://...`: the checks through a real Spark Connect server.

One server per module: PySpark's own Connect server (its `spark-connect` jar, `spark-submit` of
SparkConnectServer, local[1]) on a free port in a tmp folder, in its own process group, killed at
the end. The CLI runs as a separate process, as a user runs it: a Connect client in this process
would switch every later session of the test run to Connect mode (PySpark sets
SPARK_CONNECT_MODE_ENABLED for the whole process).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scaffolder.checks.run import parse_now, run_checks
from scaffolder.contract.validate import load_contract_text
from tests.checks.engines.nasty import contract_text, write
from tests.checks.engines.test_hostile import BACKTICK, _with_backticks, _write_with_backticks
from tests.checks.test_injection import EXPECTED
from tests.conftest import run_cli

NOW = "2025-01-01T00:30:00Z"
SERVER = "org.apache.spark.sql.connect.service.SparkConnectServer"
TABLE = "spark_catalog.nasty.full"  # catalog.schema.table of the server's session catalog
MAKE_TABLE = """\
import sys
from pyspark.sql import SparkSession

spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
spark.sql("CREATE DATABASE IF NOT EXISTS spark_catalog.nasty")
spark.read.parquet(sys.argv[2]).write.mode("overwrite").saveAsTable(sys.argv[3])
print(spark.table(sys.argv[3]).count())
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """The whole process group (spark-submit's shell and the JVM it became): TERM, then KILL."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _missing(why: str) -> None:
    """Outside CI a machine without the spark extra skips these tests; in CI (the test extra holds
    it) a missing part is a failure, so the suite cannot pass without them."""
    if os.environ.get("CI"):
        pytest.fail(f"CI: {why}")
    pytest.skip(why)


def _needed(module: str, why: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        _missing(why)


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """sc://localhost:PORT of a Spark Connect server started for this module."""
    pyspark = _needed("pyspark", "the spark extra is not installed")
    _needed("grpc_status", "the Spark Connect client needs the spark extra (pyspark[connect])")
    home = Path(pyspark.__file__).parent
    if not list((home / "jars").glob("spark-connect_*.jar")):
        _missing("this pyspark has no Spark Connect server jar (jars/spark-connect_*.jar)")
    folder = tmp_path_factory.mktemp("connect")
    port = _free_port()
    log = folder / "server.log"
    cmd = [str(home / "bin" / "spark-submit"), "--class", SERVER, "--master", "local[1]",
           "--conf", f"spark.connect.grpc.binding.port={port}", "--conf", "spark.ui.enabled=false",
           "--conf", "spark.sql.shuffle.partitions=2", "--conf", f"spark.sql.warehouse.dir={folder / 'warehouse'}",
           "--conf", f"spark.local.dir={folder / 'local'}", "--driver-java-options", f"-Dderby.system.home={folder}"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=folder, env={**os.environ, "SPARK_HOME": str(home)}, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while "Spark Connect server started" not in log.read_text(errors="replace"):
            assert proc.poll() is None, f"the Connect server exited ({proc.returncode}):\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no Connect server after 180 s:\n{log.read_text()[-3000:]}"
            time.sleep(0.5)
        yield f"sc://localhost:{port}"
    finally:
        _stop(proc)
    assert proc.poll() is not None  # no stray server outlives the module


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("nasty")
    (folder / "nasty.yaml").write_text(contract_text())
    return {**write(folder), "contract": str(folder / "nasty.yaml")}


def _duckdb(data: dict[str, str], which: str) -> list[tuple]:
    """DuckDB's answers, every check from the scan (no Parquet shortcuts)."""
    contract = load_contract_text(contract_text(), data["contract"])
    report = run_checks(contract, data[which], now=parse_now(NOW), use_metadata=False)
    return [(c.id, c.failed, c.total, c.passed) for c in report.checks]


def _connect(remote: str, contract: str, source: str, *more: str) -> dict:
    proc = run_cli("test", contract, "--data", source, "--now", NOW, "--engine", "spark", "--spark-remote", remote,
                   "--format", "json", *more)
    assert proc.code in (0, 1), proc.err
    assert "Traceback" not in proc.err
    return json.loads(proc.out)


def _answers(doc: dict) -> list[tuple]:
    assert [(c["id"], c.get("error")) for c in doc["checks"] if c.get("error")] == []
    return [(c["id"], c["failed"], c["total"], c["passed"]) for c in doc["checks"]]


@pytest.mark.parametrize("which", ["full", "empty"])
def test_every_assertion_counts_as_on_duckdb(remote: str, data: dict[str, str], which: str) -> None:
    """Every assertion and constraint of the parity contract, on nasty data and on zero rows."""
    doc = _connect(remote, data["contract"], data[which])
    assert doc["rows"] == (8 if which == "full" else 0)
    assert _answers(doc) == _duckdb(data, which)


def test_a_catalog_table_counts_as_on_duckdb(remote: str, data: dict[str, str], tmp_path: Path) -> None:
    """`--data catalog.schema.table`: a table of the server's catalog, made by another client."""
    script = tmp_path / "make_table.py"
    script.write_text(MAKE_TABLE)
    made = subprocess.run([sys.executable, str(script), remote, data["full"], TABLE], capture_output=True,
                          text=True, timeout=300)
    assert made.returncode == 0 and made.stdout.split()[-1] == "8", made.stderr[-2000:]
    doc = _connect(remote, data["contract"], TABLE)
    assert doc["format"] == "table" and doc["rows"] == 8
    assert _answers(doc) == _duckdb(data, "full")


def test_state_with_a_file_uri_lists_through_the_server(remote: str, data: dict[str, str], tmp_path: Path) -> None:
    """`--state` with a SOURCE URI over Connect: the server lists (binaryFile) and hashes the files, the
    integer and decimal means are rebuilt from STATE; each run answers as a full Connect run does."""
    folder = tmp_path / "landing"
    folder.mkdir()
    source, state = f"file://{folder}/*.parquet", str(tmp_path / "state.duckdb")
    for step, name in enumerate(("a", "b")):
        (folder / f"{name}.parquet").write_bytes(Path(data["full"]).read_bytes())
        doc = _connect(remote, data["contract"], source, "--state", state)
        full = _connect(remote, data["contract"], source)
        assert doc["rows"] == full["rows"] == 8 * (step + 1)
        assert _answers(doc) == _answers(full)
        assert {c["id"]: c.get("observed") for c in doc["checks"]} == {c["id"]: c.get("observed") for c in full["checks"]}
        run = doc["incremental"]
        assert run["mode"] == ("full" if step == 0 else "incremental")
        assert run["read"] == [f"file:{folder}/{name}.parquet"]  # the first run: every file (a)
        if step:
            assert set(run["read_every_file"]) == {"f_mean"}  # the float mean; dec_mean and id_mean combine


def test_a_hostile_contract_counts_right_and_touches_nothing(remote: str, tmp_path: Path) -> None:
    parquet = _write_with_backticks(tmp_path)
    files = sorted(p for p in tmp_path.iterdir() if p.is_file())
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    contract = tmp_path / "evil.yaml"
    contract.write_text(_with_backticks())
    got = {c["id"]: (c["failed"], c["total"]) for c in _connect(remote, str(contract), str(parquet))["checks"]}
    assert {k: got[k] for k in EXPECTED} == EXPECTED
    assert got[f"{BACKTICK}.enum"] == (3, 6)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files} == before
    contract.unlink()
    assert sorted(p for p in tmp_path.iterdir() if p.is_file()) == files


@pytest.mark.parametrize(("url", "message"), [
    ("http://u:s3cr3t@spark:15002", "--spark-remote must be a Spark Connect URL, sc://HOST:PORT (this one has 'http://')"),
    ("sc://:15002", "--spark-remote must be a Spark Connect URL"),
    ("sc://spark:port", "--spark-remote must be a Spark Connect URL"),
    ("sc://u:s3cr3t@localhost:{closed}", "cannot reach the Spark Connect server at sc://localhost:{closed}"),
    ("sc://localhost:{closed}/;token=s3cr3t-token", "cannot reach the Spark Connect server at sc://localhost:{closed}"),
])
def test_a_bad_or_unreachable_server_is_exit_2(data: dict[str, str], url: str, message: str) -> None:
    """Exit 2 with our message: no traceback, and never the URL's token in it. Nothing here measures
    time: the subprocess timeout only stops a hang (the client's own retries would run for minutes)."""
    _needed("grpc_status", "the Spark Connect client needs the spark extra (pyspark[connect])")
    closed = _free_port()
    run = run_cli("test", data["contract"], "--data", data["full"], "--engine", "spark",
                  "--spark-remote", url.format(closed=closed), timeout=120)
    assert run.code == 2 and message.format(closed=closed) in run.err, run.err
    assert "s3cr3t" not in run.err and "Traceback" not in run.err


def test_without_the_connect_client_is_exit_2_naming_the_extra(data: dict[str, str], tmp_path: Path) -> None:
    """Plain `pyspark` lacks the Connect client's packages: the extra to install, not a traceback."""
    _needed("pyspark", "the spark extra is not installed")
    script = tmp_path / "no_grpc_status.py"  # a file: PySpark's import check exits 0 under `python -c`
    script.write_text("import sys\nsys.modules['grpc_status'] = None\nfrom scaffolder.cli import main\n"
                      "sys.exit(main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, str(script), "test", data["contract"], "--data", data["full"],
                           "--engine", "spark", "--spark-remote", "sc://localhost:15002"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "needs the spark extra: pip install 'datamesh-scaffolder[spark]'" in proc.stderr
    assert "grpcio-status" in proc.stderr and "Traceback" not in proc.stderr
