"""The CLI shell: help, schema, explain, exit codes."""

from __future__ import annotations

import json

import jsonschema

from tests.conftest import SEED, run_cli


def test_help_lists_commands():
    result = run_cli("--help")
    assert result.code == 0
    for command in ("validate", "explain", "schema"):
        assert command in result.out


def test_no_command_is_usage_error():
    assert run_cli().code == 2


def test_schema_is_valid_json_schema_and_validates_the_seed():
    from scaffolder.contract.load import load_file

    result = run_cli("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["$id"] == "https://datamesh.io/schemas/v1/data-product-contract.json"
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(load_file(SEED).data, schema)
    mesh_schema = json.loads(run_cli("schema", "--mesh").out)
    jsonschema.Draft202012Validator.check_schema(mesh_schema)


def test_explain_the_seed():
    result = run_cli("explain", str(SEED))
    assert result.code == 0
    assert "orders-domain.order_events v2.1.0" in result.out
    assert "order_id     string -> VARCHAR: primary key (never null, unique)" in result.out
    assert "customer_id  string -> VARCHAR: may be null; PII, published hash-masked" in result.out
    assert "data at most 15m old (measured on event_ts)" in result.out
    data = json.loads(run_cli("explain", str(SEED), "--format", "json").out)
    assert data["sla"]["freshness_seconds"] == 900
    assert [f["dbt_data_type"] for f in data["fields"]] == ["varchar", "timestamp", "varchar"]


def test_explain_invalid_contract_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED.read_text().replace("type: timestamp", "type: timestmp"))
    result = run_cli("explain", str(bad))
    assert result.code == 1
    assert f"{bad}:21:15:" in result.out


def test_startup_does_not_import_heavy_modules():
    import subprocess
    import sys

    code = ("import sys; from scaffolder.cli import build_parser; build_parser(); "
            "print(','.join(m for m in ('duckdb','copier','github','rich','jsonschema','dbt') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
