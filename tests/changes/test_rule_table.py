"""Every row of changes.md's rule table, as an (old, new) pair, in all four modes.

The expected consumer/producer bumps below are copied from the spec's table,
not read from the catalogue; `full` and `none` follow the spec's sentence
("full takes the larger of the two; none requires patch at most").
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scaffolder.changes.diff import diff_contracts
from tests.changes.conftest import BASE, contract, edit, line_of

RANK = {"none": 0, "patch": 1, "minor": 2, "major": 3}


def spec_bump(mode: str, consumer: str, producer: str) -> str:
    larger = max(consumer, producer, key=RANK.__getitem__)
    return {"consumer": consumer, "producer": producer, "full": larger,
            "none": min(larger, "patch", key=RANK.__getitem__)}[mode]


@dataclass
class Case:
    id: str
    rule: str
    consumer: str
    producer: str
    old: tuple[tuple[str, str], ...] = ()
    new: tuple[tuple[str, str], ...] = ()
    needle: str = ""
    after: str | None = None
    side: str = "new"  # "old": the item exists only in the old file
    parent: str = ""  # for side "old": the head file's line the finding points at (the item's parent)


NOTE = "      - name: note\n        type: string\n"
STATUS_C = 'constraints: {enum: [placed, paid], pattern: "^[a-z]+$"}'
CUST_C = "constraints: {pii: true, masking: hash, min_length: 1, max_length: 64}"
EVENT_C = "constraints: {nullable: false, timezone: UTC}"
ORDER_C = "constraints: {primary_key: true}"
NN_CHECK = "        threshold: 0.99\n"
BETWEEN = 'value: {min_value: "2023-01-01", max_value: "2025-12-31"}'
INSET = "value: {value_set: [placed, paid]}"
SLA_F = "    freshness: 15m\n"
SLA_A = '    availability: "99.9%"\n'

CASES = [
    Case("domain", "domain-changed", "major", "major", new=(("domain: orders", "domain: sales"),), needle="domain: sales"),
    Case("retired", "status-retired", "major", "major",
         new=(("  version: 2.1.0\n", "  version: 2.1.0\n  status: retired\n"),), needle="status: retired"),
    Case("deprecated", "status-changed", "minor", "minor",
         new=(("  version: 2.1.0\n", "  version: 2.1.0\n  status: deprecated\n  sunset: 2027-06-30\n"),),
         needle="status: deprecated"),
    Case("back-to-active", "status-changed", "minor", "minor",
         old=(("  version: 2.1.0\n", "  version: 2.1.0\n  status: deprecated\n  sunset: 2027-06-30\n"),),
         new=(("  version: 2.1.0\n", "  version: 2.1.0\n  status: active\n"),), needle="status: active"),
    Case("field-removed", "field-removed", "major", "minor", new=((NOTE, ""),), needle="- name: note", side="old",
         parent="    fields:"),
    Case("deprecated-field-removed", "field-removed", "major", "minor",
         old=((NOTE, NOTE + "        deprecated: {since: 2.0.0, sunset: 2026-01-01}\n"),), new=((NOTE, ""),),
         needle="- name: note", side="old", parent="    fields:"),
    Case("field-added-nullable", "field-added", "minor", "major",
         new=((NOTE, NOTE + "      - name: channel\n        type: string\n"),), needle="- name: channel"),
    Case("field-added-not-null", "field-added", "minor", "major",
         new=((NOTE, NOTE + "      - name: channel\n        type: string\n        constraints: {nullable: false}\n"),),
         needle="- name: channel"),
    Case("field-renamed", "field-renamed", "major", "major",
         new=(("- name: note\n", "- name: remark\n        renamed_from: note\n"),), needle="- name: remark"),
    Case("type-unrelated", "field-type-changed", "major", "major",
         new=(("- name: qty\n        type: int", "- name: qty\n        type: string"),), needle="type: string", after="- name: qty"),
    Case("widened-int-long", "field-type-widened", "major", "minor",
         new=(("- name: qty\n        type: int", "- name: qty\n        type: long"),), needle="type: long"),
    Case("widened-decimal", "field-type-widened", "major", "minor",
         new=(("type: decimal(10,2)", "type: decimal(12,2)"),), needle="type: decimal(12,2)"),
    Case("widened-date", "field-type-widened", "major", "minor",
         old=(("- name: ingested_at\n        type: timestamp", "- name: ingested_at\n        type: date"),),
         needle="type: timestamp", after="- name: ingested_at"),
    Case("narrowed-long-int", "field-type-narrowed", "minor", "major",
         old=(("- name: qty\n        type: int", "- name: qty\n        type: long"),), needle="type: int", after="- name: qty"),
    Case("narrowed-decimal", "field-type-narrowed", "minor", "major",
         new=(("type: decimal(10,2)", "type: decimal(8,2)"),), needle="type: decimal(8,2)"),
    Case("became-nullable", "field-became-nullable", "major", "minor",
         new=((EVENT_C, "constraints: {timezone: UTC}"),), needle="constraints: {timezone: UTC}"),
    Case("became-not-null", "field-became-not-null", "minor", "major",
         new=((NOTE, NOTE + "        constraints: {nullable: false}\n"),), needle="nullable: false", after="- name: note"),
    Case("pk-added", "primary-key-added", "minor", "major",
         old=((ORDER_C, "constraints: {nullable: false, unique: true}"),),
         new=((ORDER_C, "constraints: {primary_key: true, nullable: false, unique: true}"),), needle="primary_key: true"),
    Case("pk-removed", "primary-key-removed", "major", "minor",
         new=((ORDER_C, "constraints: {nullable: false, unique: true}"),), needle="constraints: {nullable: false, unique: true}"),
    Case("pk-moved", "primary-key-moved", "major", "major",
         new=((ORDER_C, "constraints: {nullable: false, unique: true}"),
              (EVENT_C, "constraints: {primary_key: true, timezone: UTC}"),), needle="primary_key: true"),
    Case("unique-removed", "unique-removed", "major", "minor",
         old=(("          max: 10000\n", "          max: 10000\n          unique: true\n"),), needle="min: 0"),
    Case("unique-added", "unique-added", "minor", "major",
         new=(("          max: 10000\n", "          max: 10000\n          unique: true\n"),), needle="unique: true"),
    Case("enum-value-added", "enum-value-added", "major", "minor",
         new=((STATUS_C, 'constraints: {enum: [placed, paid, refunded], pattern: "^[a-z]+$"}'),), needle="refunded"),
    Case("enum-value-removed", "enum-value-removed", "minor", "major",
         new=((STATUS_C, 'constraints: {enum: [placed], pattern: "^[a-z]+$"}'),), needle="enum: [placed]"),
    Case("enum-added", "enum-added", "minor", "major",
         new=((NOTE, NOTE + "        constraints: {enum: [a, b]}\n"),), needle="enum: [a, b]"),
    Case("enum-removed", "enum-removed", "major", "minor",
         new=((STATUS_C, 'constraints: {pattern: "^[a-z]+$"}'),), needle='constraints: {pattern: "^[a-z]+$"}'),
    Case("min-lowered", "bound-loosened", "major", "minor", new=(("min: 0", "min: -10"),), needle="min: -10"),
    Case("max-raised", "bound-loosened", "major", "minor", new=(("max: 10000", "max: 20000"),), needle="max: 20000"),
    Case("bound-removed", "bound-loosened", "major", "minor", new=(("          max: 10000\n", ""),), needle="min: 0"),
    Case("max-length-raised", "bound-loosened", "major", "minor",
         new=((CUST_C, "constraints: {pii: true, masking: hash, min_length: 1, max_length: 128}"),), needle="max_length: 128"),
    Case("min-raised", "bound-tightened", "minor", "major", new=(("min: 0", "min: 1"),), needle="min: 1"),
    Case("max-lowered", "bound-tightened", "minor", "major", new=(("max: 10000", "max: 5000"),), needle="max: 5000"),
    Case("bound-added", "bound-tightened", "minor", "major",
         new=((NOTE, NOTE + "        constraints: {max_length: 500}\n"),), needle="max_length: 500"),
    Case("pattern-changed", "pattern-changed", "major", "major",
         new=((STATUS_C, 'constraints: {enum: [placed, paid], pattern: "^[a-z_]+$"}'),), needle="^[a-z_]+$"),
    Case("pattern-removed", "pattern-removed", "major", "minor",
         new=((STATUS_C, "constraints: {enum: [placed, paid]}"),), needle="constraints: {enum: [placed, paid]}"),
    Case("pattern-added", "pattern-added", "minor", "major",
         new=((NOTE, NOTE + '        constraints: {pattern: "^.+$"}\n'),), needle='pattern: "^.+$"'),
    Case("masking-changed", "masking-changed", "major", "major",
         new=((CUST_C, "constraints: {pii: true, masking: tokenize, min_length: 1, max_length: 64}"),), needle="tokenize"),
    Case("masking-removed", "masking-changed", "major", "major",
         new=((CUST_C, "constraints: {pii: true, min_length: 1, max_length: 64}"),), needle="constraints: {pii: true, min_length"),
    Case("masking-added", "masking-changed", "major", "major",
         new=((NOTE, NOTE + "        constraints: {masking: redact}\n"),), needle="masking: redact"),
    Case("timezone", "timezone-changed", "major", "major",
         new=((EVENT_C, "constraints: {nullable: false, timezone: Europe/Berlin}"),), needle="Europe/Berlin"),
    Case("pii", "pii-changed", "minor", "minor",
         new=((NOTE, NOTE + "        constraints: {pii: true, masking: none}\n"),
              ), needle="pii: true", after="- name: note"),
    Case("clear-read-lost", "access-clear-lost", "major", "patch",
         old=((CUST_C, "constraints: {pii: true, masking: none}"), ("roles: [analyst, data-scientist]", "roles: [analyst]")),
         new=((CUST_C, "constraints: {pii: true}"), ("roles: [analyst, data-scientist]", "roles: [analyst]")),
         needle="constraints: {pii: true}"),
    Case("field-deprecated", "field-deprecated", "minor", "minor",
         new=((NOTE, NOTE + "        deprecated: {since: 2.2.0, sunset: 2027-01-01}\n"),), needle="deprecated:"),
    Case("field-description", "field-description-changed", "patch", "patch",
         new=(("description: The order", "description: The order's id"),), needle="description: The order's id"),
    Case("check-removed", "check-removed", "major", "minor",
         new=(("      - column: status\n        assertion: expect_column_values_to_be_in_set\n        " + INSET + "\n", ""),),
         needle="- column: status", side="old", parent="    checks:"),
    Case("check-added", "check-added", "minor", "major",
         new=(("  lineage:\n", "      - column: note\n        assertion: expect_column_values_to_not_be_null\n  lineage:\n"),),
         needle="- column: note"),
    Case("check-column-changed", "check-changed", "major", "major",
         new=(("        column: order_id\n", "        column: event_ts\n"),), needle="column: event_ts", after="order_id_present"),
    Case("check-args-changed", "check-changed", "major", "major",
         new=((BETWEEN, 'value: {min_value: "2023-01-01", max_value: "2025-12-31", strict_min: true}'),), needle="strict_min"),
    Case("threshold-lowered", "check-loosened", "major", "minor", new=((NN_CHECK, "        threshold: 0.95\n"),), needle="threshold: 0.95"),
    Case("range-widened", "check-loosened", "major", "minor",
         new=((BETWEEN, 'value: {min_value: "2023-01-01", max_value: "2026-12-31"}'),), needle="2026-12-31"),
    Case("set-grown", "check-loosened", "major", "minor",
         new=((INSET, "value: {value_set: [placed, paid, refunded]}"),), needle="refunded"),
    Case("threshold-raised", "check-tightened", "minor", "major", new=((NN_CHECK, "        threshold: 1.0\n"),), needle="threshold: 1.0"),
    Case("range-narrowed", "check-tightened", "minor", "major",
         new=((BETWEEN, 'value: {min_value: "2024-01-01", max_value: "2025-12-31"}'),), needle="2024-01-01"),
    Case("set-shrunk", "check-tightened", "minor", "major", new=((INSET, "value: {value_set: [placed]}"),), needle="value_set: [placed]}"),
    Case("freshness-longer", "freshness-loosened", "major", "minor", new=((SLA_F, "    freshness: 1h\n"),), needle="freshness: 1h"),
    Case("freshness-removed", "freshness-loosened", "major", "minor", new=((SLA_F, ""),), needle="freshness_column:"),
    Case("freshness-shorter", "freshness-tightened", "minor", "major", new=((SLA_F, "    freshness: 5m\n"),), needle="freshness: 5m"),
    Case("freshness-added", "freshness-tightened", "minor", "major", old=((SLA_F, ""),), needle="freshness: 15m"),
    Case("freshness-column", "freshness-column-changed", "major", "major",
         new=(("freshness_column: event_ts", "freshness_column: ingested_at"),), needle="freshness_column: ingested_at"),
    Case("availability-lowered", "availability-lowered", "major", "minor",
         new=((SLA_A, '    availability: "99%"\n'),), needle='availability: "99%"'),
    Case("availability-removed", "availability-lowered", "major", "minor", new=((SLA_A, ""),), needle="freshness:"),
    Case("availability-raised", "availability-raised", "minor", "major",
         new=((SLA_A, '    availability: "99.99%"\n'),), needle="99.99%"),
    Case("availability-added", "availability-raised", "minor", "major", old=((SLA_A, ""),), needle="availability:"),
    Case("role-removed", "access-role-removed", "major", "major",
         new=(("roles: [analyst, data-scientist]", "roles: [analyst]"),), needle="data-scientist", side="old",
         parent="roles:"),
    Case("role-added", "access-role-added", "minor", "minor",
         new=(("roles: [analyst, data-scientist]", "roles: [analyst, data-scientist, engineer]"),), needle="engineer"),
    Case("policy-added", "access-policy-added", "major", "major",
         new=(("policies: [PII-RED-ACT]", "policies: [PII-RED-ACT, GDPR]"),), needle="GDPR"),
    Case("policy-removed", "access-policy-removed", "minor", "minor",
         old=(("policies: [PII-RED-ACT]", "policies: [PII-RED-ACT, GDPR]"),), needle="GDPR", side="old",
         parent="policies:"),
    Case("schema-type", "schema-type-changed", "major", "major", new=(("type: avro", "type: parquet"),), needle="type: parquet"),
    Case("owner", "owner-changed", "patch", "patch",
         new=(("owner: team-orders@company.io", "owner: team-sales@company.io"),), needle="owner:"),
    Case("description", "description-changed", "patch", "patch",
         new=(("description: Order events", "description: Every order event"),), needle="description: Every"),
    Case("lineage", "lineage-changed", "patch", "patch",
         new=(("downstream: [analytics.order_facts]", "downstream: [analytics.order_facts, billing.x]"),), needle="downstream:"),
    Case("extension", "extension-changed", "patch", "patch",
         old=(("kind: DataProduct\n", "kind: DataProduct\nx-team: orders\n"),),
         new=(("kind: DataProduct\n", "kind: DataProduct\nx-team: orders-oncall\n"),), needle="x-team:"),
]


@pytest.mark.parametrize("mode", ["consumer", "producer", "full", "none"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_row(case: Case, mode: str) -> None:
    old_text, new_text = edit(BASE, *case.old), edit(BASE, *case.new)
    old, new = contract(old_text, "old.yaml"), contract(new_text, "new.yaml")
    findings = diff_contracts(old, new, mode)
    assert [f.rule for f in findings] == [case.rule], [f.text() for f in findings]
    f = findings[0]
    assert f.bump == spec_bump(mode, case.consumer, case.producer)
    # every finding sits in the head file; one about a removed item sits on its parent there
    assert f.location.path == "new.yaml"
    if case.side == "new":
        assert f.location.line == line_of(new_text, case.needle, case.after)
    else:
        assert f.location.line == line_of(new_text, case.parent)
        assert f.message.endswith(f" (was at old.yaml:{line_of(old_text, case.needle, case.after)})"), f.message
    assert f.location.json_path and f.location.json_path.startswith("$.")
    assert f.product == "orders.order_events"


@pytest.mark.parametrize("mode", ["consumer", "producer", "full", "none"])
def test_contract_removed_and_added(mode: str) -> None:
    c = contract(BASE, "old.yaml")
    [removed] = diff_contracts(c, None, mode)
    assert (removed.rule, removed.bump) == ("contract-removed", spec_bump(mode, "major", "major"))
    assert removed.location.line == line_of(BASE, "name: orders.order_events")
    [added] = diff_contracts(None, contract(BASE, "new.yaml"), mode)
    assert (added.rule, added.bump) == ("contract-added", "none")


def test_name_change_is_removal_plus_addition() -> None:
    new_text = edit(BASE, ("name: orders.order_events", "name: orders.order_stream"))
    findings = diff_contracts(contract(BASE, "old.yaml"), contract(new_text, "new.yaml"))
    assert [(f.rule, f.location.path) for f in findings] == [("contract-removed", "old.yaml"), ("contract-added", "new.yaml")]


def test_json_path_names_the_field_not_its_position() -> None:
    new_text = edit(BASE, (STATUS_C, 'constraints: {enum: [placed, paid, refunded], pattern: "^[a-z]+$"}'))
    [f] = diff_contracts(contract(BASE), contract(new_text))
    assert f.location.json_path == "$.spec.schema.fields[status].constraints.enum"
    assert f.data["values"] == ["refunded"]
    assert "refunded" in f.message
