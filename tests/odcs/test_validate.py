"""ODCS files are validated against the package's ODCS schema with our located messages."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from scaffolder.contract.load import load_file, load_text
from scaffolder.contract.validate import validate_text
from scaffolder.odcs.convert import from_odcs, to_odcs
from scaffolder.odcs.files import dump_yaml
from scaffolder.odcs.schema import odcs_schema, package_version, validate_odcs_structure
from tests.odcs.helpers import FIXTURES, missing

KAFKA = (FIXTURES / "clicks-v302-kafka.odcs.yaml").read_text(encoding="utf-8")


def _texts(text: str, path: str = "c.odcs.yaml") -> list[str]:
    return [f.text() for f in validate_text(text, path).findings if f.severity.value == "error"]


def test_unknown_key_located_with_suggestion() -> None:
    text = KAFKA.replace("      - {name: user_id, logicalType: integer,", "      - {name: user_id, logicalTyp: integer,")
    line = text.splitlines().index(next(ln for ln in text.splitlines() if "logicalTyp:" in ln)) + 1
    errors = _texts(text)
    assert any(e.startswith(f"c.odcs.yaml:{line}:") and "did you mean 'logicalType'?" in e for e in errors), errors


def test_bad_enum_value_suggests_and_wrong_api_version() -> None:
    text = KAFKA.replace("type: kafka", "type: kafkaa").replace("apiVersion: v3.0.2", "apiVersion: v3.0.9")
    errors = _texts(text)
    line = text.splitlines().index("    type: kafkaa") + 1
    assert any(f":{line}:11:" in e and "did you mean 'kafka'?" in e for e in errors), errors
    assert any(":3:13:" in e and "apiVersion must be one of" in e for e in errors), errors


def test_meaning_errors_point_into_the_odcs_file() -> None:
    text = KAFKA.replace("version: 0.3.0", "version: 0.3").replace("{rule: nullCheck, mustBe: 0}",
                                                                  "{metric: invalidValues, arguments: {pattern: '('}, mustBe: 0}")
    errors = _texts(text)
    assert any(e.startswith("c.odcs.yaml:7:10:") and "semantic version" in e for e in errors), errors
    assert any(e.startswith("c.odcs.yaml:29:") and "regex" in e.lower() for e in errors), errors


def test_untyped_options_are_one_message() -> None:
    text = KAFKA.replace("      - {name: ts, logicalType: timestamp, physicalType: \"timestamp-millis\", required: true}",
                         "      - {name: ts, logicalTypeOptions: {timezone: true}, required: true}")
    errors = [e for e in _texts(text) if "[invalid-sla]" not in e]  # ts is a string now
    assert errors == ["c.odcs.yaml:25:9: schema[0].properties[2] has type options (logicalTypeOptions, "
                      "items, map) but no logicalType [missing-key]"], errors


def test_yaml_errors_are_located_as_for_ours() -> None:
    errors = _texts("apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\nschema: [\n")
    assert errors and errors[0].startswith("c.odcs.yaml:") and "[yaml-syntax]" in errors[0]


def test_package_ships_one_schema_that_names_every_v3_release() -> None:
    assert package_version() == "3.2.0"
    assert {"v3.0.0", "v3.0.1", "v3.0.2", "v3.1.0", "v3.2.0"} <= set(odcs_schema()["properties"]["apiVersion"]["enum"])


def _filler(schema: dict[str, Any], root: dict[str, Any]) -> Any:
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"][2:].split("/"):
            target = target[part]
        return _filler(target, root)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    return {"integer": 5432, "number": 1, "boolean": True, "array": [], "object": {}}.get(kind, "x")


def _servers() -> list[dict[str, Any]]:
    root = odcs_schema()
    server = root["$defs"]["Server"]
    out = []
    for branch in server["allOf"]:
        kind = branch["if"]["properties"]["type"]["const"]
        ref = branch["then"]["$ref"][2:].split("/")
        body: Any = root
        for part in ref:
            body = body[part]
        item = {"server": f"s-{kind}", "type": kind}
        for key in body.get("required", []):
            item[key] = _filler(body["properties"][key], root)
            if body["properties"][key].get("format") == "uri" or key == "location":
                item[key] = "sftp://host/path" if kind == "sftp" else "s3://bucket/path"
        out.append({k: v for k, v in item.items() if v is not None})
    return out


def test_every_server_type_loads_validates_and_round_trips() -> None:
    doc = load_file(FIXTURES / "clicks-v302-kafka.odcs.yaml").data
    servers = _servers()
    assert {s["type"] for s in servers} >= {"kafka", "postgres", "s3", "snowflake", "bigquery", "databricks", "duckdb"}
    doc = copy.deepcopy(doc)
    doc["servers"] = servers
    text = dump_yaml(doc)
    assert validate_odcs_structure(load_text(text, "s.yaml")) == []
    v = validate_text(text, "s.odcs.yaml")
    assert v.ok, [f.text() for f in v.findings]
    assert any(f.rule == "odcs-kept" and f.location.json_path == "$.servers" for f in v.findings)
    assert missing(doc, to_odcs(from_odcs(doc))) == []


@pytest.mark.parametrize("logical,options,ours", [
    ("string", {"format": "uuid"}, "uuid"), ("string", {"minLength": 1, "maxLength": 3}, "string"),
    ("integer", {"format": "i16"}, "int"), ("integer", {"format": "u64", "multipleOf": 2}, "long"),
    ("number", {"format": "f32"}, "float"), ("number", {"exclusiveMinimum": 0}, "double"),
    ("date", {"format": "yyyy-MM-dd", "exclusiveMaximum": "2030-01-01"}, "date"),
    ("timestamp", {"timezone": False, "format": "iso"}, "timestamp"), ("time", {"maximum": "23:00:00"}, "time"),
    ("boolean", {}, "boolean"), ("array", {"minItems": 1, "uniqueItems": True}, "array<string>"),
    ("object", {"minProperties": 0}, "map<string,string>"),
    ("vector", {"dimensions": 8, "distanceMetric": "cosine", "normalized": True}, "array<float>"),
])
def test_every_logical_type_with_its_options(logical: str, options: dict, ours: str, tmp_path: Path) -> None:
    doc = load_file(FIXTURES / "clicks-v302-kafka.odcs.yaml").data
    prop: dict[str, Any] = {"name": "col", "logicalType": logical, "logicalTypeOptions": options}
    if logical == "array":
        prop["items"] = {"logicalType": "string"}
    doc["schema"][0]["properties"].append(prop)
    text = dump_yaml(doc)
    assert validate_odcs_structure(load_text(text, "t.yaml")) == []
    v = validate_text(text, "t.odcs.yaml")
    assert v.ok, [f.text() for f in v.findings]
    assert str(v.contract.field("col").type) == ours
    assert missing(doc, to_odcs(from_odcs(doc))) == []


def test_fast_validator_agrees_with_jsonschema() -> None:
    """jsonschema-rs only short-cuts valid documents: on each fixture and a broken copy, both agree."""
    from scaffolder.odcs import schema as odcs_schema_mod

    fast = odcs_schema_mod._fast()
    assert fast is not None  # the odcs extra is installed where the tests run
    for path in sorted(FIXTURES.glob("*.odcs.yaml")):
        data = load_file(path).data
        broken = copy.deepcopy(data)
        broken["kind"] = "DataContracts"
        for doc in (data, broken):
            slow = list(odcs_schema_mod._validator().iter_errors(odcs_schema_mod._as_v31(doc)))
            assert fast.is_valid(odcs_schema_mod._as_v31(doc)) == (not slow), path


# The building blocks of an ODCS document whose every key some fixture uses (servers: generated above;
# Context's inner keys are free text for people and AI tools).
BLOCKS = ["SchemaElement", "SchemaObject", "SchemaBaseProperty", "DataQuality", "DataQualityLibrary",
          "DataQualitySql", "DataQualityCustom", "SupportItem", "Pricing", "TeamMember", "Team", "Role",
          "ServiceLevelAgreementProperty", "CustomProperty", "EnumValue", "Synonym", "RelationshipBase"]


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def test_fixtures_use_every_key_of_the_standard() -> None:
    """So the round-trip tests (every fixture) cover every kind of part ODCS describes."""
    root = odcs_schema()
    used = {k for p in sorted(FIXTURES.glob("*.odcs.yaml")) for k in _keys(load_file(p).data)}
    wanted = set(root["properties"]) | {k for b in BLOCKS for k in root["$defs"][b]["properties"]}
    wanted |= {op for branch in root["$defs"]["DataQualityOperators"]["oneOf"] for op in branch["properties"]}
    assert wanted - used == set()
    versions = {load_file(p).data["apiVersion"] for p in FIXTURES.glob("*.odcs.yaml")}
    assert {"v3.0.0", "v3.0.2", "v3.1.0", "v3.2.0"} <= versions
