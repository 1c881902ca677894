"""ODCS ↔ datamesh conversion: nothing lost either way, and the same change rules on both formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scaffolder.changes.check import compare_files
from scaffolder.changes.diff import diff_contracts
from scaffolder.contract.load import load_file, load_text
from scaffolder.contract.mesh import Mesh
from scaffolder.contract.validate import validate_file, validate_text
from scaffolder.odcs.convert import from_odcs, to_odcs
from scaffolder.odcs.files import dump_yaml
from scaffolder.odcs.schema import validate_odcs_structure
from tests.changes.conftest import BASE, edit
from tests.changes.test_rule_table import CASES
from tests.odcs.helpers import DATAMESH, ODCS_FIXTURES, missing, write_odcs

TODAY = dt.date(2026, 1, 1)


def _errors(findings: list) -> list[str]:
    return [f.text() for f in findings if f.severity.value == "error"]


@pytest.mark.parametrize("src", DATAMESH, ids=[p.name for p in DATAMESH])
def test_datamesh_odcs_datamesh_has_no_diff_finding(src: Path, tmp_path: Path) -> None:
    odcs = write_odcs(src, tmp_path / "c.odcs.yaml")
    assert not _errors(validate_file(odcs).findings)
    back = tmp_path / "back.yaml"
    back.write_text(dump_yaml(from_odcs(load_file(odcs).data)), encoding="utf-8")
    report = compare_files(src, back, Mesh(root=tmp_path), TODAY)
    [result] = report.contracts
    assert result.changes == [] and result.errors == [], [f.text() for f in result.changes + result.errors]
    # and the converted ODCS file is read natively as the very same contract
    assert diff_contracts(validate_file(src).contract, validate_file(odcs).contract, "full") == []


@pytest.mark.parametrize("src", ODCS_FIXTURES, ids=[p.name for p in ODCS_FIXTURES])
def test_odcs_datamesh_odcs_keeps_everything(src: Path) -> None:
    original = load_file(src).data
    ours = from_odcs(original)
    ours = ours if isinstance(ours, list) else [ours]
    assert len(ours) == max(1, len(original.get("schema") or []))  # one contract per table
    for contract in ours:  # each is a contract of our format (the schema stage passes)
        v = validate_text(dump_yaml(contract), "x.yaml")
        assert not [f for f in v.findings if f.rule in ("unknown-key", "wrong-type")], \
            [f.text() for f in v.findings]
    again = to_odcs(ours)
    assert validate_odcs_structure(load_text(dump_yaml(again), "again.yaml")) == []
    assert missing(original, again) == []
    # and nothing twice: a rule read as a check is written back once, with its extra keys
    for obj, obj2 in zip(original.get("schema") or [], again.get("schema") or [], strict=True):
        assert len(obj.get("quality", [])) == len(obj2.get("quality", []))
        for p, p2 in zip(obj["properties"], obj2["properties"], strict=True):
            assert len(p.get("quality", [])) == len(p2.get("quality", [])), p["name"]
    assert len(original.get("slaProperties", [])) == len(again.get("slaProperties", []))


def test_multi_table_names_and_own_findings() -> None:
    src = next(p for p in ODCS_FIXTURES if p.name == "orders-full.odcs.yaml")
    tables = validate_file(src).each
    assert [t.contract.name for t in tables] == ["orders", "orders.order_lines"]
    orders, lines = tables
    assert [f.name for f in lines.contract.fields][:2] == ["order_id", "line_no"]
    assert lines.contract.primary_key == ["order_id", "line_no"]
    assert lines.contract.sla.freshness_column is None and str(lines.contract.sla.freshness) == "1d"
    assert orders.contract.freshness_column == "placed_at"
    # each table reports its own kept parts; contract-wide ones once, with the first
    assert any(f.location.json_path == "$.schema[1].quality[1]" for f in lines.findings)  # mustNotBeBetween
    assert not any(f.location.json_path == "$.servers" for f in lines.findings)
    assert any(f.location.json_path == "$.servers" for f in orders.findings)


def test_mapping_reads_what_the_table_says() -> None:
    src = next(p for p in ODCS_FIXTURES if p.name == "orders-full.odcs.yaml")
    c = validate_file(src).contract
    f = {x.name: x for x in c.fields}
    assert (str(f["order_id"].type), f["order_id"].constraints.primary_key) == ("uuid", True)
    assert f["customer_email"].constraints.pii and f["customer_email"].constraints.masking == "hash"
    assert (f["customer_email"].constraints.max_length, f["customer_email"].constraints.pattern) == (254, "^[^@]+@[^@]+$")
    assert f["status"].constraints.enum == ["placed", "paid", "shipped"] and f["status"].constraints.not_null
    assert str(f["amount"].type) == "decimal(10,2)" and (f["amount"].constraints.min, f["amount"].constraints.max) == (0, 100000)
    assert str(f["items"].type) == "int" and str(f["placed_at"].type) == "timestamp_tz"
    assert f["placed_at"].constraints.timezone == "UTC"
    assert str(f["address"].type) == "struct<street:string,zip:string>"
    assert str(f["labels"].type) == "array<string>" and str(f["attributes"].type) == "map<string,long>"
    assert str(f["embedding"].type) == "array<float>" and f["gift"].constraints.nullable is True
    checks = {(ch.column, ch.assertion): ch for ch in c.checks}
    assert checks[("customer_email", "expect_column_values_to_not_be_null")].threshold == 0.95
    assert checks[("amount", "expect_column_values_to_not_be_null")].threshold == 1
    assert checks[("coupon", "expect_column_values_to_match_regex")].value == {"regex": "^[A-Z0-9]{8}$"}
    assert checks[(None, "expect_table_row_count_to_be_between")].value == {"min_value": 1}
    assert checks[(None, "expect_compound_columns_to_be_unique")].value == {"column_list": ["order_id", "placed_at"]}
    assert c.owner == "alice@acme.example" and c.roles == ["analyst", "orders_service", "orders_ops"]
    assert c.sla.availability == 99.5 and c.version_text == "1.4.0" and c.domain == "orders"
    assert c.sunset == dt.date(2030, 1, 1) and c.title == "Orders"


def test_v30_forms_are_read() -> None:
    src = next(p for p in ODCS_FIXTURES if "v302" in p.name)
    v = validate_file(src)
    assert v.ok, [f.text() for f in v.findings]
    c = v.contract
    assert c.name == "web.clicks" and c.owner == "web-team@acme.example"  # v3.0's team list
    assert [ch.assertion for ch in c.checks] == ["expect_column_values_to_not_be_null"]  # `rule: nullCheck`
    assert str(c.sla.freshness) == "10m" and c.field("user_id").constraints.pii


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_change_rules_are_the_same_on_odcs(case, tmp_path: Path) -> None:
    """Every row of the rule table, written in ODCS: the same rule ids and bumps, located in the ODCS file."""
    texts = {}
    for side, edits in (("old", case.old), ("new", case.new)):
        text = edit(BASE, *edits)
        ours = validate_text(text, f"{side}.yaml")
        assert ours.ok
        texts[side] = ours.contract
        odcs = tmp_path / f"{side}.odcs.yaml"
        odcs.write_text(dump_yaml(to_odcs(load_text(text, "x").data)), encoding="utf-8")
    old_o, new_o = validate_file(tmp_path / "old.odcs.yaml"), validate_file(tmp_path / "new.odcs.yaml")
    assert old_o.ok and new_o.ok, [f.text() for f in old_o.findings + new_o.findings]
    for mode in ("consumer", "producer"):
        want = [(f.rule, f.bump) for f in diff_contracts(texts["old"], texts["new"], mode)]
        got = diff_contracts(old_o.contract, new_o.contract, mode)
        assert [(f.rule, f.bump) for f in got] == want
        assert all(f.location.path.endswith("new.odcs.yaml") and f.location.line >= 1 for f in got)


def test_docs_show_the_mapping_tables() -> None:
    from scaffolder.odcs.mapping_doc import render
    from tests.odcs.helpers import ROOT

    assert render() in (ROOT / "docs/odcs.md").read_text(), "regenerate: python -m scaffolder.odcs.mapping_doc"
    assert "docs/odcs.md" in (ROOT / "README.md").read_text()


def test_sla_retention_and_frequency_are_kept_reported_and_round_trip(tmp_path: Path) -> None:
    """Our SLA has freshness and availability only: retention and frequency are kept (x-odcs), reported
    at their lines, written back as they were, also after our SLA changes."""
    src = next(p for p in ODCS_FIXTURES if p.name == "orders-full.odcs.yaml")
    lines = src.read_text().splitlines()
    at = {k: next(i for i, ln in enumerate(lines, 1) if f"property: {k}" in ln) for k in ("retention", "frequency")}
    first = validate_file(src).each[0]
    kept = {f.location.line: f.text() for f in first.findings if f.rule == "odcs-kept"}
    assert set(at.values()) <= set(kept), kept
    assert "slaProperties[3] has no counterpart" in kept[at["retention"]]
    original = [p for p in load_file(src).data["slaProperties"] if p["property"] in at]
    tables = from_odcs(load_file(src).data)
    assert isinstance(tables, list) and "retention" not in dump_yaml(tables[0]["spec"]["sla"])
    tables[0]["spec"]["sla"]["freshness"] = "2h"  # an edit of what we do map
    again = to_odcs(tables)
    assert [p for p in again["slaProperties"] if p["property"] in at] == original
    assert {"property": "latency", "value": 2, "unit": "h", "element": "orders.placed_at"} in again["slaProperties"]
    assert not [p for p in again["slaProperties"] if p.get("value") == 4]  # the edited one is replaced
    assert len(again["slaProperties"]) == len(load_file(src).data["slaProperties"])  # the others as they were
    assert validate_odcs_structure(load_text(dump_yaml(again), "again.yaml")) == []


def test_v32_enum_values_are_our_enum_and_keep_their_labels() -> None:
    src = next(p for p in ODCS_FIXTURES if "v320" in p.name)
    first = validate_file(src).each[0]
    assert first.contract.field("channel").constraints.enum == ["web", "store"]
    assert not [f for f in first.findings if (f.location.json_path or "").endswith(".enum")]  # read, not "kept"
    tables = from_odcs(load_file(src).data)
    assert isinstance(tables, list)
    channel = tables[0]["spec"]["schema"]["fields"][1]
    channel["constraints"]["enum"] = ["web", "app"]  # an edit in our format
    prop = to_odcs(tables)["schema"][0]["properties"][1]
    assert [e["value"] for e in prop["enum"]] == ["web", "app"] and prop["enum"][0]["label"] == "Web shop"
    assert "quality" not in prop  # the values stay in v3.2's form, not an invalidValues rule too


def _edited(name: str, edit) -> tuple[list, list]:
    """ODCS fixture -> our contracts, `edit` applied to them, -> ODCS -> our contracts again."""
    src = next(p for p in ODCS_FIXTURES if p.name == name)
    tables = from_odcs(load_file(src).data)
    tables = tables if isinstance(tables, list) else [tables]
    edit(tables)
    again = to_odcs(tables)
    assert validate_odcs_structure(load_text(dump_yaml(again), "again.yaml")) == []
    back = from_odcs(again)
    return tables, back if isinstance(back, list) else [back]


def test_edits_in_our_format_survive_the_way_back() -> None:
    """Parts kept whole (a team with members, a description with limitations, roles with approvers,
    type options ODCS has and we do not) still take an edit made in our format after conversion."""
    def edit(t: list) -> None:
        t[0]["spec"]["owner"] = "zoe@acme.example"
        t[0]["metadata"]["description"] = "Customers, as marketing sees them."
        t[0]["spec"]["access"]["roles"] = ["crm_analyst", "crm_auditor"]
        t[0]["spec"]["schema"]["fields"][0]["constraints"]["min"] = 5
        t[1]["spec"]["schema"]["fields"][1]["type"] = "decimal(12,3)"  # `line`: a string before

    tables, back = _edited("crm-v310-complete.odcs.yaml", edit)
    c = back[0]
    assert c["spec"]["owner"] == "zoe@acme.example"
    assert c["metadata"]["description"] == "Customers, as marketing sees them."
    assert c["spec"]["access"]["roles"] == ["crm_analyst", "crm_auditor"]
    assert c["spec"]["schema"]["fields"][0]["constraints"]["min"] == 5
    assert back[1]["spec"]["schema"]["fields"][1]["type"] == "decimal(12,3)"
    again = to_odcs(tables)
    assert again["description"]["limitations"] == "Addresses are not validated."  # theirs stays
    assert again["roles"][0]["secondLevelApprovers"] == "ciso@acme.example"
    assert again["schema"][0]["properties"][0]["logicalTypeOptions"]["exclusiveMaximum"] == 9007199254740992
    assert [m["username"] for m in again["team"]["members"]][:2] == ["zoe@acme.example", "dora@acme.example"]


def test_no_edit_writes_back_exactly() -> None:
    for src in ODCS_FIXTURES:
        _, back = _edited(src.name, lambda t: None)
        assert missing(load_file(src).data, to_odcs(back)) == [], src.name


def test_the_watermark_travels_as_a_custom_property() -> None:
    """`spec.schema.watermark` (no ODCS field) is the schema object's `datamesh.watermark` and comes back."""
    from tests.odcs.helpers import FIXTURES

    ours = load_file(FIXTURES / "everything.datamesh.yaml").data
    odcs = to_odcs(ours)
    [obj] = odcs["schema"]
    assert {"property": "datamesh.watermark", "value": "day"} in obj["customProperties"]
    back = from_odcs(odcs)
    assert (back if isinstance(back, dict) else back[0])["spec"]["schema"]["watermark"] == "day"
