"""Import from a real dbt manifest, DDL, Avro and JSON Schema: the drafts validate and mean what the source says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from scaffolder.contract.validate import load_contract, validate_text
from tests.conftest import run_cli
from tests.templates.helpers import dbt, generate, make_template_repo

yaml = YAML(typ="safe")


def _contract(text: str, name: str = "draft.yaml"):
    result = validate_text(text, name)
    assert result.ok, [f.text() for f in result.findings]
    return result.contract


def _facts(contract) -> list[tuple]:
    return [(f.name, str(f.type), f.constraints.not_null, f.constraints.is_unique, f.constraints.enum)
            for f in contract.fields]


@pytest.fixture(scope="module")
def domain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The domain template rendered, `dbt build` run (which parses first and writes target/manifest.json)."""
    template = make_template_repo(tmp_path_factory.mktemp("tpl") / "datamesh-scaffolder")
    project = generate(template, tmp_path_factory.mktemp("import") / "orders")
    proc = dbt(project, "build")
    assert proc.returncode == 0, proc.stdout[-3000:]
    return project


def test_dbt_model_import_matches_the_domain_contract(domain: Path, tmp_path: Path) -> None:
    out = tmp_path / "order_events.yaml"
    r = run_cli("import", "--format", "dbt", str(domain), "--model", "order_events", "--domain", "orders",
                "-o", str(out))
    assert r.code == 0, r.err
    draft = _contract(out.read_text())
    original = load_contract(domain / "data-product-contract.yaml")
    assert _facts(draft) == _facts(original)
    assert [f.description for f in draft.fields] == [f.description for f in original.fields]
    assert draft.upstream == ["stg_order_events"]
    # the draft's dbt schema is the project's own, and the built table passes the draft's checks
    assert run_cli("dbt-schema", str(out), "--check", str(domain / "models" / "schema.yml")).code == 0
    data = f"{domain / 'target' / 'dev.duckdb'}::main.order_events"
    test = run_cli("test", str(out), "--data", data)
    assert test.code == 0, test.out


def test_dbt_every_model_of_a_folder_goes_to_a_folder(domain: Path, tmp_path: Path) -> None:
    manifest = json.loads((domain / "target" / "manifest.json").read_text())
    models = {n["name"]: bool(n["columns"]) for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    assert models == {"order_events": True, "stg_order_events": False}
    (tmp_path / "out").mkdir()  # an existing folder takes one file per model, however many
    r = run_cli("import", "--format", "dbt", str(domain / "target" / "manifest.json"), "--select", "models",
                "-o", str(tmp_path / "out"))
    assert r.code == 0, r.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["order_events.yaml"]
    assert "'stg_order_events': no columns in its schema.yml, skipped" in r.err
    r = run_cli("import", "--format", "dbt", str(domain), "--select", "models/staging")
    assert r.code == 2 and "nothing to import" in r.err


def test_dbt_unknown_model_and_missing_manifest_are_usage_errors(domain: Path, tmp_path: Path) -> None:
    r = run_cli("import", "--format", "dbt", str(domain), "--model", "nope")
    assert r.code == 2 and "no model 'nope'" in r.err and "order_events" in r.err
    r = run_cli("import", "--format", "dbt", str(tmp_path))
    assert r.code == 2 and "dbt parse" in r.err
    (tmp_path / "manifest.json").write_text('{"nodes": [')
    r = run_cli("import", "--format", "dbt", str(tmp_path / "manifest.json"))
    assert r.code == 2 and "manifest.json:1:" in r.err and "Traceback" not in r.err


DDL = """
CREATE TABLE sales.orders (
  order_id BIGINT GENERATED ALWAYS AS IDENTITY,
  status VARCHAR(16) NOT NULL CHECK (status IN ('placed', 'paid')),
  amount NUMERIC(12, 2) CHECK (amount BETWEEN 0 AND 10000),
  qty INTEGER CHECK (qty >= 1),
  email TEXT,
  placed_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT orders_pk PRIMARY KEY (order_id),
  UNIQUE (email),
  CHECK (qty < 1000 OR status = 'paid')
);
"""


def test_sql_ddl_import(tmp_path: Path, pg) -> None:
    src = tmp_path / "orders.sql"
    src.write_text(DDL)
    r = run_cli("import", "--format", "sql", "--dialect", "postgres", str(src), "--domain", "sales")
    assert r.code == 0, r.err
    c = _contract(r.out)
    assert _facts(c) == [("order_id", "long", True, True, None), ("status", "string", True, False, ["placed", "paid"]),
                         ("amount", "decimal(12,2)", False, False, None), ("qty", "int", False, False, None),
                         ("email", "string", False, True, None), ("placed_at", "timestamp_tz", True, False, None)]
    assert (c.field("amount").constraints.min, c.field("amount").constraints.max) == (0, 10000)
    assert c.field("qty").constraints.min == 1 and c.field("status").constraints.max_length == 16
    assert "# Not imported: CHECK (qty < 1000 OR status = 'paid')" in r.out
    # the DDL is real: PostgreSQL runs it, and the contract exported back runs too
    pg.create_database("ddl_import")
    import psycopg

    with psycopg.connect(pg.dsn("ddl_import"), autocommit=True) as con:
        con.execute("CREATE SCHEMA sales")
        con.execute(DDL)
        back = tmp_path / "orders.yaml"
        back.write_text(r.out)
        con.execute(run_cli("export", "--format", "sql:postgres", str(back)).out)


def test_sql_that_does_not_parse_is_located(tmp_path: Path) -> None:
    src = tmp_path / "bad.sql"
    src.write_text("CREATE TABLE t (\n  a INT,\n  b VARCHAR(\n")
    r = run_cli("import", "--format", "sql", str(src))
    assert r.code == 2 and f"{src}:" in r.err and "Traceback" not in r.err
    src.write_text("SELECT 1;")
    assert "no CREATE TABLE" in run_cli("import", "--format", "sql", str(src)).err


AVRO = {
    "type": "record", "name": "OrderEvent", "namespace": "com.acme.orders", "doc": "One order event",
    "fields": [
        {"name": "order_id", "type": {"type": "string", "logicalType": "uuid"}, "doc": "the order"},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["PLACED", "PAID"]}},
        {"name": "previous", "type": ["null", "Status"], "default": None},
        {"name": "amount", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 10,
                                             "scale": 2}]},
        {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "day", "type": ["null", {"type": "int", "logicalType": "date"}]},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "attrs", "type": {"type": "map", "values": "long"}},
        {"name": "address", "type": ["null", {"type": "record", "name": "Address", "fields": [
            {"name": "city", "type": "string"}, {"name": "zip", "type": "int"}]}]},
    ],
}


def test_avro_import_and_back(tmp_path: Path) -> None:
    import fastavro

    src = tmp_path / "order_event.avsc"
    src.write_text(json.dumps(AVRO))
    r = run_cli("import", "--format", "avro", str(src))
    assert r.code == 0, r.err
    c = _contract(r.out)
    assert c.name == "orders.orderevent" and c.description == "One order event"
    assert _facts(c) == [
        ("order_id", "uuid", True, False, None), ("status", "string", True, False, ["PLACED", "PAID"]),
        ("previous", "string", False, False, ["PLACED", "PAID"]), ("amount", "decimal(10,2)", False, False, None),
        ("ts", "timestamp_tz", True, False, None), ("day", "date", False, False, None),
        ("tags", "array<string>", True, False, None), ("attrs", "map<string,long>", True, False, None),
        ("address", "struct<city:string,zip:int>", False, False, None)]
    back = tmp_path / "c.yaml"
    back.write_text(r.out)
    exported = json.loads(run_cli("export", "--format", "avro", str(back)).out)
    fastavro.parse_schema(exported)
    assert [f["name"] for f in exported["fields"]] == [f["name"] for f in AVRO["fields"]]
    assert exported["fields"][1]["type"]["symbols"] == ["PLACED", "PAID"]


def test_avro_bad_schema_is_a_usage_error(tmp_path: Path) -> None:
    src = tmp_path / "x.avsc"
    src.write_text('{"type": "record", "name": "x", "fields": [{"name": "a", "type": "nope"}]}')
    r = run_cli("import", "--format", "avro", str(src))
    assert r.code == 2 and "not a valid Avro schema" in r.err
    src.write_text('{"type": ')
    assert "x.avsc:1:" in run_cli("import", "--format", "avro", str(src)).err


JSON_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "customers",
    "type": "object", "required": ["id", "email", "tier"],
    "$defs": {"tier": {"type": "string", "enum": ["gold", "silver"]}},
    "properties": {
        "id": {"type": "integer", "minimum": 1, "description": "customer id"},
        "email": {"type": "string", "format": "uuid"},
        "tier": {"$ref": "#/$defs/tier"},
        "nickname": {"type": ["string", "null"], "maxLength": 20, "pattern": "^[a-z]+$"},
        "score": {"anyOf": [{"type": "number"}, {"type": "null"}]},
        "since": {"type": "string", "format": "date"},
        "labels": {"type": "array", "items": {"type": "string"}},
        "geo": {"type": "object", "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
    },
}


def test_json_schema_import_and_back(tmp_path: Path) -> None:
    import jsonschema

    src = tmp_path / "customers.schema.json"
    src.write_text(json.dumps(JSON_SCHEMA))
    r = run_cli("import", "--format", "jsonschema", str(src), "--domain", "crm")
    assert r.code == 0, r.err
    c = _contract(r.out)
    assert _facts(c) == [
        ("id", "long", True, False, None), ("email", "uuid", True, False, None),
        ("tier", "string", True, False, ["gold", "silver"]), ("nickname", "string", False, False, None),
        ("score", "double", False, False, None), ("since", "date", False, False, None),
        ("labels", "array<string>", False, False, None), ("geo", "struct<lat:double,lon:double>", False, False, None)]
    assert c.field("id").constraints.min == 1 and c.field("nickname").constraints.max_length == 20
    back = tmp_path / "c.yaml"
    back.write_text(r.out)
    exported = json.loads(run_cli("export", "--format", "jsonschema", str(back)).out)
    row = {"id": 3, "email": "c2d29867-3d0b-d497-9191-18a9d8ee7830", "tier": "gold", "nickname": None}
    jsonschema.validate(row, exported)
    jsonschema.validate(row, JSON_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**row, "tier": "bronze"}, exported)


def test_json_schema_that_is_not_a_row_is_a_usage_error(tmp_path: Path) -> None:
    src = tmp_path / "x.json"
    src.write_text('{"type": "array"}')
    r = run_cli("import", "--format", "jsonschema", str(src))
    assert r.code == 2 and "object with properties" in r.err
    src.write_text('{"type": "object", "properties": {"a": {"$ref": "https://example.com/x"}}}')
    assert "only local $refs" in run_cli("import", "--format", "jsonschema", str(src)).err


def test_several_tables_need_a_folder_or_go_to_stdout_as_documents(tmp_path: Path) -> None:
    src = tmp_path / "two.sql"
    src.write_text("CREATE TABLE a (x INT PRIMARY KEY); CREATE TABLE b (y TEXT NOT NULL);")
    r = run_cli("import", "--format", "sql", str(src))
    assert r.code == 0 and r.out.count("apiVersion: datamesh.io/v1") == 2 and "\n---\n" in r.out
    (tmp_path / "f").write_text("")
    assert run_cli("import", "--format", "sql", str(src), "-o", str(tmp_path / "f")).code == 2
    assert run_cli("import", "--format", "sql", str(src), "-o", str(tmp_path / "d")).code == 0
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize("check", ["a IN (1, b)", "a BETWEEN 1 AND b", "a >= -b", "a > 5.5", "a <= now()"])
def test_sql_checks_without_plain_literals_are_noted_not_a_crash(tmp_path: Path, check: str) -> None:
    src = tmp_path / "t.sql"
    src.write_text(f"CREATE TABLE t (a INT CHECK ({check}), b INT)")
    r = run_cli("import", "--format", "sql", str(src))
    assert r.code == 0, r.err
    assert "# Not imported: CHECK (" in r.out and "constraints" not in r.out


def test_avro_decimal_without_precision_is_its_plain_type(tmp_path: Path) -> None:
    src = tmp_path / "x.avsc"  # the Avro spec: an invalid logical type is ignored
    src.write_text('{"type": "record", "name": "r", "fields": [{"name": "a", "type": '
                   '{"type": "bytes", "logicalType": "decimal"}}]}')
    r = run_cli("import", "--format", "avro", str(src))
    assert r.code == 0 and _contract(r.out).field("a").type_text == "bytes"


def test_dbt_lineage_both_ways(domain: Path) -> None:
    from scaffolder.interop import dbt as dbt_import

    manifest = json.loads((domain / "target" / "manifest.json").read_text())
    stg = next(n for n in manifest["nodes"].values() if n["name"] == "stg_order_events")
    stg["columns"] = {"order_id": {"name": "order_id", "data_type": "varchar", "constraints": []}}
    (draft,) = dbt_import.read(manifest, ["stg_order_events"])
    assert draft.downstream == ["order_events"]
    assert stg["depends_on"]["nodes"] == ["seed.orders.raw_order_events"]  # the dev target reads the seed
    assert draft.upstream == ["raw_order_events"]
