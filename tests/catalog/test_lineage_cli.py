"""`scaffolder lineage impact` and `lineage emit` (to a recording HTTP endpoint on 127.0.0.1 and to a file)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.catalog.meshgen import name_of, path_of, write_mesh
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("small")
    write_mesh(root, 12)
    return root


def test_impact_text_lists_transitive_consumers_products_first(small: Path) -> None:
    r = run_cli("lineage", "impact", name_of(0), cwd=small)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    # product i reads (i-1)//3: 0 is read by 1, 2, 3 (and its own downstream bi.dashboard_0);
    # they are read by 4..9 and 10, 11; 8's downstream is bi.dashboard_8
    depth = {ln.split()[0]: (len(ln) - len(ln.lstrip())) // 2 + 1 for ln in lines[:-1]}
    assert [n for n, d in depth.items() if d == 1] == [name_of(1), name_of(2), name_of(3), "bi.dashboard_0"]
    assert sorted(n for n, d in depth.items() if d == 2) == sorted(name_of(i) for i in range(4, 12))
    assert [n for n, d in depth.items() if d == 3] == ["bi.dashboard_8"]
    assert f"  {name_of(10)}  (owner team-orders@example.com; reads {name_of(3)})" in lines
    assert lines[-1] == f"13 consumers of {name_of(0)} (11 products, 2 external)"


def test_impact_json_and_mermaid(small: Path) -> None:
    data = json.loads(run_cli("lineage", "impact", name_of(9), "--format", "json", cwd=small).out)
    assert data == {"product": name_of(9), "consumers": []}
    data = json.loads(run_cli("lineage", "impact", name_of(3), "-f", "json", cwd=small).out)
    assert [(c["name"], c["depth"], c["product"]) for c in data["consumers"]] == [
        (name_of(11), 1, True), (name_of(10), 1, True)]  # by name: billing before orders
    mm = run_cli("lineage", "impact", name_of(3), "--format", "mermaid", cwd=small).out
    assert mm.startswith("flowchart LR") and name_of(10) in mm and "-->" in mm


def test_impact_of_a_contract_file_and_of_an_unknown_product(small: Path) -> None:
    r = run_cli("lineage", "impact", str(path_of(small, 3)), cwd=small)
    assert r.code == 0 and name_of(10) in r.out
    r = run_cli("lineage", "impact", "orders.prodcut_0005", cwd=small)
    assert r.code == 2
    assert "no product or dataset named 'orders.prodcut_0005'" in r.err and "did you mean 'orders.product_0005'" in r.err


def _report(product: str, ok: bool) -> dict:
    return {"ok": ok, "rows": 40, "product": product, "contract": "c.yaml", "checks": [
        {"id": "quality:id:not_null", "source": "quality", "column": "id",
         "assertion": "expect_column_values_to_not_be_null", "failed": 0, "total": 40, "threshold": 1.0, "passed": True},
        {"id": "quality:updated_at:not_null", "source": "quality", "column": "updated_at",
         "assertion": "expect_column_values_to_not_be_null", "failed": 0 if ok else 3, "total": 40,
         "threshold": 0.99, "passed": ok}]}


def test_emit_over_http_to_a_recording_endpoint(small: Path, httpserver, tmp_path: Path) -> None:
    httpserver.expect_request("/api/v1/lineage", method="POST").respond_with_json({}, status=201)
    run_id = str(uuid.uuid4())
    report = tmp_path / "report.json"
    report.write_text(json.dumps(_report(name_of(8), ok=False)))
    r = run_cli("lineage", "emit", str(path_of(small, 8)), "--url", httpserver.url_for("/").rstrip("/"),
                "--run-id", run_id, "--health", str(report), "--namespace", "acme", cwd=small)
    assert r.code == 0, r.err
    assert f"4 events for {name_of(8)} (run {run_id})" in r.out
    bodies = [json.loads(req.get_data()) for req, _ in httpserver.log]
    assert [b["eventType"] for b in bodies] == ["START", "FAIL", "START", "FAIL"]
    assert all(req.headers["Content-Type"] == "application/json" for req, _ in httpserver.log)
    start = bodies[0]
    assert start["run"]["runId"] == run_id
    assert start["job"] == {**start["job"], "namespace": "acme", "name": f"{name_of(8)}.publish"}
    # inputs: the upstream products, with their schema facet (they are contracts of the mesh)
    assert [i["name"] for i in start["inputs"]] == [name_of(1), name_of(2)]
    assert [f["name"] for f in start["inputs"][0]["facets"]["schema"]["fields"]] == ["id", "updated_at", "amount", "legacy_code"]
    out = start["outputs"][0]
    assert out["namespace"] == "acme" and out["name"] == name_of(8)
    assert [(f["name"], f["type"]) for f in out["facets"]["schema"]["fields"]] == [
        ("id", "string"), ("updated_at", "timestamp"), ("amount", "decimal(12,2)")]
    assert out["facets"]["ownership"]["owners"] == [{"name": "team:team-inventory@example.com", "type": "team"}]
    assert out["facets"]["version"]["datasetVersion"] == "1.0.0"
    assert out["facets"]["dataQualityMetrics"]["rowCount"] == 40
    # the checks run: a child of the publish run, reading the product with the data-quality facets
    checks = bodies[2]
    assert checks["run"]["facets"]["parent"]["run"]["runId"] == run_id
    assert checks["job"]["name"] == f"{name_of(8)}.checks"
    facets = checks["inputs"][0]["inputFacets"]
    assertions = facets["dataQualityAssertions"]["assertions"]
    assert [(a["assertion"], a["column"], a["success"]) for a in assertions] == [
        ("not_null", "id", True), ("not_null", "updated_at", False)]
    assert facets["dataQualityMetrics"]["columnMetrics"]["updated_at"]["nullCount"] == 3


def test_emit_to_a_file_appends_one_event_a_line(small: Path, tmp_path: Path) -> None:
    target = tmp_path / "events.ndjson"
    for _ in range(2):
        r = run_cli("lineage", "emit", str(path_of(small, 0)), "--file", str(target), cwd=small)
        assert r.code == 0, r.err
    events = [json.loads(line) for line in target.read_text().splitlines()]
    assert [e["eventType"] for e in events] == ["START", "COMPLETE"] * 2
    assert events[0]["run"]["runId"] == events[1]["run"]["runId"] != events[2]["run"]["runId"]
    assert [i["name"] for i in events[0]["inputs"]] == ["raw.kafka.feed_0"]


def test_emit_in_github_actions_derives_one_run_id_per_run_and_product(small: Path, tmp_path: Path) -> None:
    target = tmp_path / "events.ndjson"
    env = {"GITHUB_RUN_ID": "987", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_REPOSITORY": "acme/mesh",
           "GITHUB_SERVER_URL": "https://github.example"}
    for i in (0, 0, 1):
        assert run_cli("lineage", "emit", str(path_of(small, i)), "--file", str(target), env=env, cwd=small).code == 0
    ids = [json.loads(line)["run"]["runId"] for line in target.read_text().splitlines()]
    assert len(ids) == 6 and ids[0] == ids[1] == ids[2] == ids[3] != ids[4]
    uuid.UUID(ids[0])


def test_emit_errors_are_located_and_never_tracebacks(small: Path, tmp_path: Path, httpserver) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  oops")
    r = run_cli("lineage", "emit", str(path_of(small, 0)), "--file", str(tmp_path / "x"), "--health", str(bad), cwd=small)
    assert r.code == 1 and f"{bad}:2:3: not a JSON report" in r.err
    r = run_cli("lineage", "emit", str(path_of(small, 0)), "--file", "x", "--run-id", "42", cwd=small)
    assert r.code == 2 and "run ids are UUIDs" in r.err
    r = run_cli("lineage", "emit", "nope.yaml", "--file", "x", cwd=small)
    assert r.code == 2 and "nope.yaml: no such file" in r.err
    httpserver.expect_request("/api/v1/lineage").respond_with_data("no", status=400)
    r = run_cli("lineage", "emit", str(path_of(small, 0)), "--url", httpserver.url_for("/").rstrip("/"), cwd=small)
    assert r.code == 1 and "could not send lineage" in r.err and "400" in r.err and "Traceback" not in r.err
