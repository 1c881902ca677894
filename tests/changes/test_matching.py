"""Spelling, order and comments never make a change; renames are declared, never guessed."""

from __future__ import annotations

import pytest

from scaffolder.changes.diff import diff_contracts
from tests.changes.conftest import BASE, contract, edit, line_of

NOTE = "      - name: note\n        type: string\n"
QTY = "      - name: qty\n        type: int\n"
IN_SET = ("      - column: status\n        assertion: expect_column_values_to_be_in_set\n"
          "        value: {value_set: [placed, paid]}\n")


@pytest.mark.parametrize("edits", [
    pytest.param([(QTY, ""), (NOTE, NOTE + QTY)], id="fields-reordered"),
    pytest.param([(IN_SET, ""), ("    checks:\n", "    checks:\n" + IN_SET)], id="checks-reordered"),
    pytest.param([("enum: [placed, paid]", "enum: [paid, placed]")], id="enum-reordered"),
    pytest.param([("roles: [analyst, data-scientist]", "roles: [data-scientist, analyst]")], id="roles-reordered"),
    pytest.param([("value_set: [placed, paid]", "value_set: [paid, placed]")], id="value-set-reordered"),
    pytest.param([("type: int", "type: INTEGER")], id="alias-int-integer"),
    pytest.param([("type: decimal(10,2)", "type: DECIMAL(10, 2)")], id="alias-decimal-spacing"),
    pytest.param([("type: decimal(10,2)", "type: numeric(10,2)")], id="alias-numeric"),
    pytest.param([("freshness: 15m", "freshness: 900s")], id="duration-units"),
    pytest.param([('availability: "99.9%"', "availability: 99.9%")], id="percent-quoting"),
    pytest.param([("# placeholder", "")], id="identity"),
    pytest.param([("description: Order events", "description: Order events  # what it is\n  # a comment line")],
                 id="comment-only"),
    pytest.param([("constraints: {nullable: false, timezone: UTC}", "constraints: {null: false, timezone: UTC}")],
                 id="null-vs-nullable"),
    pytest.param([("constraints: {nullable: false, timezone: UTC}",
                   "constraints:\n          nullable: false\n          timezone: 'UTC'")], id="flow-vs-block-and-quotes"),
    pytest.param([("owner: team-orders@company.io", 'owner: "team-orders@company.io"')], id="quoting"),
])
def test_no_finding(edits: list[tuple[str, str]]) -> None:
    base = BASE.replace("kind: DataProduct\n", "kind: DataProduct\n# placeholder\n")
    new_text = edit(base, *edits)
    assert new_text != base
    assert diff_contracts(contract(base), contract(new_text)) == []


def test_bigint_vs_long_and_60m_vs_1h() -> None:
    old = edit(BASE, ("type: int", "type: bigint"), ("freshness: 15m", "freshness: 60m"))
    new = edit(BASE, ("type: int", "type: long"), ("freshness: 15m", "freshness: 1h"))
    assert diff_contracts(contract(old), contract(new)) == []


def test_declared_rename_is_one_finding_and_changes_follow_the_new_name() -> None:
    new_text = edit(BASE, ("- name: note\n        type: string\n",
                           "- name: remark\n        renamed_from: note\n        type: string\n        description: Free text\n"))
    findings = diff_contracts(contract(BASE), contract(new_text, "new.yaml"))
    assert [(f.rule, f.location.json_path) for f in findings] == [
        ("field-renamed", "$.spec.schema.fields[remark]"),
        ("field-description-changed", "$.spec.schema.fields[remark].description"),
    ]
    assert findings[0].location.line == line_of(new_text, "- name: remark")
    assert findings[0].message == "field note was renamed to remark"


def test_undeclared_rename_is_removal_plus_addition() -> None:
    new_text = edit(BASE, ("- name: note\n", "- name: remark\n"))
    rules = sorted(f.rule for f in diff_contracts(contract(BASE), contract(new_text)))
    assert rules == ["field-added", "field-removed"]


def test_renamed_primary_key_is_not_a_moved_key() -> None:
    new_text = edit(BASE, ("- name: order_id\n", "- name: order_ref\n        renamed_from: order_id\n"),
                    ("column: order_id", "column: order_ref"))
    rules = [f.rule for f in diff_contracts(contract(BASE), contract(new_text))]
    assert "primary-key-moved" not in rules
    assert rules.count("field-renamed") == 1


def test_mesh_override_changes_the_bump_and_none_mode_caps_it() -> None:
    new_text = edit(BASE, (NOTE, NOTE + "      - name: channel\n        type: string\n"))
    old, new = contract(BASE), contract(new_text)
    [f] = diff_contracts(old, new, "consumer", {"field-added": "major"})
    assert f.bump == "major"
    [f] = diff_contracts(old, new, "none", {"field-added": "major"})
    assert f.bump == "patch"


def test_check_matched_by_name_reports_assertion_change() -> None:
    new_text = edit(BASE, ("assertion: expect_column_values_to_not_be_null",
                           "assertion: expect_column_values_to_be_unique"), ("        threshold: 0.99\n", ""))
    [f] = diff_contracts(contract(BASE), contract(new_text))
    assert f.rule == "check-changed"
    assert "assertion changed" in f.message


def _reordered(perm_fields: list[int], perm_checks: list[int], flip_enum: bool, flow: bool) -> str:
    """BASE rewritten with its fields and checks in another order and some values respelled."""
    head, rest = BASE.split("    fields:\n")
    fields_text, tail = rest.split("  quality:\n")
    fields = ["      - name:" + f for f in fields_text.split("      - name:")[1:]]
    checks_head, checks_rest = tail.split("  lineage:\n")
    checks = ["      - " + c for c in checks_head.split("    checks:\n")[1].split("      - ")[1:]]
    text = (head + "    fields:\n" + "".join(fields[i] for i in perm_fields) + "  quality:\n    checks:\n"
            + "".join(checks[i] for i in perm_checks) + "  lineage:\n" + checks_rest)
    if flip_enum:
        text = text.replace("enum: [placed, paid]", "enum: ['paid', \"placed\"]")
    if flow:
        text = text.replace("constraints: {primary_key: true}", "constraints:\n          primary_key: true")
    return text


def test_order_and_spelling_never_make_a_change() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    base = contract(BASE)

    @settings(max_examples=40, deadline=None)
    @given(st.permutations(range(8)), st.permutations(range(3)), st.booleans(), st.booleans())
    def prop(pf, pc, flip, flow) -> None:
        text = _reordered(list(pf), list(pc), flip, flow)
        assert diff_contracts(base, contract(text)) == []
        assert diff_contracts(contract(text), base) == []

    prop()


def test_extension_of_a_removed_field_is_not_reported_twice() -> None:
    old = edit(BASE, (NOTE, NOTE + "        x-source: crm\n"), ("kind: DataProduct\n", "kind: DataProduct\nx-tier: gold\n"))
    new = edit(BASE, (NOTE, ""), ("kind: DataProduct\n", "kind: DataProduct\nx-tier: silver\n"))
    findings = diff_contracts(contract(old), contract(new))
    assert sorted((f.rule, f.location.json_path) for f in findings) == [
        ("extension-changed", "$.x-tier"), ("field-removed", "$.spec.schema.fields[note]")]


def test_field_extension_change_is_patch() -> None:
    old = edit(BASE, (NOTE, NOTE + "        x-source: crm\n"))
    new = edit(BASE, (NOTE, NOTE + "        x-source: erp\n"))
    [f] = diff_contracts(contract(old), contract(new))
    assert (f.rule, f.bump, f.location.json_path) == ("extension-changed", "patch", "$.spec.schema.fields[note].x-source")
