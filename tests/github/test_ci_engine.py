"""`scaffolder ci --engine dbt`: a changed contract's data checked through its domain's dbt profile."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from tests.checks.dbt_support import duckdb_project
from tests.conftest import run_cli
from tests.github import test_ci
from tests.github.fake_github import FakeGitHub
from tests.github.test_ci import ci_env, edit_orders, outputs

mesh_repo = test_ci.mesh_repo  # the same fixture: a mesh repo with an origin, on branch `pr`


def test_ci_checks_the_relation_through_the_domains_dbt_project(mesh_repo: Path, tmp_path: Path) -> None:
    edit_orders(mesh_repo, ("version: 2.1.0", "version: 2.1.1"), ("        constraints: { pii: true, masking: \"hash\" }",
                                                                   "        description: hashed customer\n"
                                                                   "        constraints: { pii: true, masking: \"hash\" }"))
    warehouse = tmp_path / "prod.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE SCHEMA marts; CREATE TABLE marts.order_events AS SELECT * FROM (VALUES "
                "('o1', TIMESTAMP '2026-11-25 09:55:00', repeat('a', 64)), "
                "('o2', TIMESTAMP '2026-11-25 09:58:00', 'not-a-digest'), "
                "('o3', TIMESTAMP '2026-11-25 09:59:00', repeat('b', 64))) t(order_id, event_ts, customer_id)")
    con.close()
    duckdb_project(mesh_repo / "domains" / "orders", warehouse)  # no --dbt-project: the contract's folder
    with FakeGitHub() as gh:
        result = run_cli("ci", "--comment", "off", "--now", "2026-11-25T10:00:00", "--engine", "dbt",
                         "--data", "orders-domain.order_events=marts.order_events", cwd=mesh_repo,
                         env=ci_env(mesh_repo, gh, tmp_path))
    assert result.code == 1, result.out + result.err
    report = json.loads(Path(outputs(tmp_path)["report-path"]).read_text())
    (checks,) = report["data_checks"]
    assert checks["source"] == "marts.order_events" and checks["rows"] == 3
    failed = {c["id"]: (c["failed"], c["total"]) for c in checks["checks"] if not c["passed"]}
    # one value is not a hex digest; every event is after the contract's 2025-12-31 bound
    assert failed == {"customer_id.masking": (1, 3), "event_ts.values_to_be_between": (3, 3)}


def test_dbt_options_without_the_dbt_engine_are_a_usage_error(mesh_repo: Path, tmp_path: Path) -> None:
    with FakeGitHub() as gh:
        result = run_cli("ci", "--comment", "off", "--dbt-project", ".", cwd=mesh_repo,
                         env=ci_env(mesh_repo, gh, tmp_path))
    assert result.code == 2 and "apply only to --engine dbt" in result.err
