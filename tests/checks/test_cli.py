"""`scaffolder test` as a user runs it: exit codes, JSON shape, text, Markdown, samples."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.checks.data import CONTRACT, EXPECTED, NOW, make_table
from tests.conftest import SEED, run_cli


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli")
    con = duckdb.connect()
    make_table(con)
    con.execute(f"COPY t TO '{folder / 'orders.parquet'}' (FORMAT parquet)")
    (folder / "orders.yaml").write_text(CONTRACT)
    # A clean subset of the rows and a contract they satisfy.
    con.execute(f"COPY (SELECT order_id, event_ts, customer_id FROM (SELECT 'ORD-' || i AS order_id, "
                f"TIMESTAMP '2025-06-01 10:00:00' + to_minutes(i) AS event_ts, md5(i::VARCHAR) AS customer_id "
                f"FROM range(50) r(i))) TO '{folder / 'seed.parquet'}' (FORMAT parquet)")
    return {"contract": folder / "orders.yaml", "data": folder / "orders.parquet", "seed": folder / "seed.parquet"}


def test_json_shape_and_exit_1(files: dict[str, Path]) -> None:
    r = run_cli("test", str(files["contract"]), "--data", str(files["data"]), "--now", NOW, "--format", "json")
    assert r.code == 1
    assert r.err == ""  # no progress output when not on a terminal / with --format json
    out = json.loads(r.out)
    assert out["ok"] is False and out["rows"] == 20
    first = out["checks"][0]
    assert set(first) >= {"id", "source", "column", "assertion", "failed", "total", "threshold", "passed"}
    assert {c["source"] for c in out["checks"]} == {"schema", "constraint", "quality", "sla"}
    assert {c["id"]: (c["failed"], c["total"], c["passed"]) for c in out["checks"]} == \
        {k: (v[0], v[1], v[2]) for k, v in EXPECTED.items()}
    assert all("samples" not in c for c in out["checks"])


def test_samples_only_for_failing_checks(files: dict[str, Path]) -> None:
    r = run_cli("test", str(files["contract"]), "--data", str(files["data"]), "--now", NOW,
                "--format", "json", "--samples", "2")
    checks = {c["id"]: c for c in json.loads(r.out)["checks"]}
    with_samples = {k for k, c in checks.items() if "samples" in c}
    assert with_samples == {k for k, c in checks.items() if not c["passed"]}
    assert sorted(checks["status.enum"]["samples"]) == ["PAID", "lost"]
    assert checks["id.unique"]["samples"] == ["A-004"]
    assert checks["ts.not_null"]["samples"] == ["A-017"]  # the primary key of the offending row
    assert checks["amount.min_to_be_between"]["samples"] == [-1.5]
    assert checks["compound_columns_to_be_unique"]["samples"] == [["CA-000", "new"]]
    assert len(checks["status.values_to_be_in_set"]["samples"]) == 2


def test_text_table(files: dict[str, Path]) -> None:
    r = run_cli("test", str(files["contract"]), "--data", str(files["data"]), "--now", NOW, "--samples", "1")
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines[2].split() == ["check", "column", "failed", "/", "total", "threshold", "result"]
    assert any(line.split()[:6] == ["status.enum", "status", "2", "/", "19", "1"] and line.endswith("FAIL")
               for line in lines)
    assert any(line.startswith(f"{files['contract']}:") and "[check-failed]" in line and "status.enum" in line
               for line in lines)
    failing = sum(not v[2] for v in EXPECTED.values())
    assert lines[-1] == f"{len(EXPECTED)} checks on 20 rows: {failing} failed"


def test_markdown(files: dict[str, Path]) -> None:
    r = run_cli("test", str(files["contract"]), "--data", str(files["data"]), "--now", NOW, "--format", "markdown")
    assert r.code == 1
    assert "| check | column | failed / total | threshold | result |" in r.out
    assert "| `status.enum` | status | 2 / 19 | 1 | **FAIL** |" in r.out
    assert "| `quote\"d" not in r.out


def test_seed_contract_passes_on_clean_data(files: dict[str, Path]) -> None:
    r = run_cli("test", str(SEED), "--data", str(files["seed"]), "--now", "2025-06-01T10:55:00Z")
    assert r.code == 0, r.out
    assert r.out.splitlines()[-1].endswith("all passed")
    stale = run_cli("test", str(SEED), "--data", str(files["seed"]), "--now", "2025-06-01T11:05:00Z")
    assert stale.code == 1 and "sla.freshness" in stale.out


def test_missing_data_is_exit_2(files: dict[str, Path], tmp_path: Path) -> None:
    r = run_cli("test", str(files["contract"]), "--data", str(tmp_path / "nope.parquet"))
    assert r.code == 2
    assert "nope.parquet: no such file" in r.err and "Traceback" not in r.err
    r = run_cli("test", str(files["contract"]), "--data", str(tmp_path / "*.parquet"))
    assert r.code == 2 and "no file matches" in r.err
    r = run_cli("test", str(files["contract"]), "--data", f"{tmp_path / 'w.duckdb'}::main.t")
    assert r.code == 2 and "no such file" in r.err


def test_unreadable_data_and_bad_options_are_exit_2(files: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    r = run_cli("test", str(files["contract"]), "--data", str(bad))
    assert r.code == 2 and "cannot be read" in r.err and "Traceback" not in r.err
    r = run_cli("test", str(files["contract"]), "--data", str(files["data"]), "--now", "yesterday")
    assert r.code == 2 and "ISO 8601" in r.err
    r = run_cli("test", str(files["contract"]), "--data", str(tmp_path / "x.txt"))
    assert r.code == 2 and "--source-format" in r.err
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    r = run_cli("test", str(files["contract"]), "--data", f"{db}::main.missing")
    assert r.code == 2 and "has no table main.missing" in r.err


def test_invalid_contract_reports_findings(files: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CONTRACT.replace("assertion: expect_column_values_to_be_unique",
                                    "assertion: expect_column_values_to_be_uniq"))
    r = run_cli("test", str(bad), "--data", str(files["data"]))
    assert r.code == 1
    line = next(i for i, t in enumerate(bad.read_text().splitlines(), 1) if "to_be_uniq}" in t)
    assert f"{bad}:{line}:" in r.out and "unknown assertion" in r.out and "[invalid-check]" in r.out
    assert run_cli("test", str(tmp_path / "none.yaml"), "--data", str(files["data"])).code == 2
