"""`test --record` and `health` as a user runs them: records, exit codes, formats, bad input."""

from __future__ import annotations

import json

import duckdb
import pytest

from scaffolder.health.store import open_store
from tests.checks.data import CONTRACT, make_table
from tests.conftest import run_cli


@pytest.fixture
def product(tmp_path):
    con = duckdb.connect()
    make_table(con)
    con.execute(f"COPY t TO '{tmp_path / 'orders.parquet'}' (FORMAT parquet)")
    (tmp_path / "orders.yaml").write_text(CONTRACT)
    return tmp_path


def test_record_then_health(product, store_url: str) -> None:
    c, data = str(product / "orders.yaml"), str(product / "orders.parquet")
    # latest ts in the data is 2024-03-02 07:00; SLA 1h
    r = run_cli("test", c, "--data", data, "--now", "2024-03-02T07:30:00Z", "--samples", "2", "--record", store_url)
    assert r.code == 1, r.err  # planted defects fail some checks
    r = run_cli("test", c, "--data", str(product / "gone.parquet"), "--now", "2024-03-02T08:30:00Z",
                "--record", store_url)
    assert r.code == 2 and "gone.parquet" in r.err
    with open_store(store_url) as s:
        runs = s.query("SELECT product, contract_version, contract_hash, outcome, row_count, freshness_lag_s, "
                       "freshness_sla_s, ended_at, error FROM runs ORDER BY ended_at")
        checks = s.query("SELECT check_id, failed, total, passed, samples FROM checks WHERE check_id = 'id.unique'")
    assert [(x[0], x[1], x[3], x[4], x[5], x[6]) for x in runs] == [
        ("shop.orders", "1.0.0", "failed", 20, 1800.0, 3600.0), ("shop.orders", "1.0.0", "unreadable", None, None, 3600.0)]
    assert runs[0][2].startswith("sha256:") and runs[1][8] and "gone.parquet" in runs[1][8]
    assert checks == [("id.unique", 2, 19, False, '["A-004"]')]  # as tests/checks/data.py EXPECTED

    r = run_cli("health", "--store", store_url, "--now", "2024-03-02T09:00:00Z", "--window", "2h",
                "--format", "json")
    assert r.code == 1, r.err
    h = json.loads(r.out)["products"][0]
    # measured from 07:30 to 09:00; the 07:30 read (lag 30m, SLA 1h) is fresh until 08:00
    assert h["freshness_compliance"] == pytest.approx(30 / 90, abs=1e-6)
    assert h["availability"] == 0.5 and h["breached"] is True
    assert {c["id"]: c["pass_rate"] for c in h["checks"]}["id.unique"] == 0.0
    md = run_cli("health", "--store", store_url, "--now", "2024-03-02T09:00:00Z", "--format", "markdown")
    assert md.code == 1 and "| `shop.orders` |" in md.out and "**BREACHED**" in md.out
    text = run_cli("health", "shop.orders", "--store", store_url, "--now", "2024-03-02T09:00:00Z")
    assert text.code == 1 and "BREACHED" in text.out and "samples: 'toolongcode'" in text.out


def test_bad_input_exits_2(tmp_path) -> None:
    missing = run_cli("health", "--store", str(tmp_path / "none.duckdb"))
    assert missing.code == 2 and "no such store" in missing.err
    bad = run_cli("health", "--store", str(tmp_path / "none.duckdb"), "--window", "3 weeks")
    assert bad.code == 2 and "--window" in bad.err
    unreachable = run_cli("health", "--store", "postgresql://u:topsecret@127.0.0.1:1/x")
    assert unreachable.code == 2 and "topsecret" not in unreachable.err + unreachable.out
