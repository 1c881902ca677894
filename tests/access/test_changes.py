"""The change a consumer feels: a column its role read in clear is now masked or denied."""

from __future__ import annotations

from scaffolder.changes.diff import diff_contracts
from tests.changes.conftest import BASE, contract, edit

NOTE = "      - name: note\n        type: string\n"


def rules_for(new_note: str, roles: str = "roles: [analyst, data-scientist]"):
    new = edit(BASE, (NOTE, NOTE + new_note), ("roles: [analyst, data-scientist]", roles))
    findings = diff_contracts(contract(BASE, "old.yaml"), contract(new, "new.yaml"))
    return [(f.rule, f.data.get("role"), f.bump) for f in findings]


def test_masking_a_clear_column_is_major_for_each_role():
    got = rules_for("        constraints: {pii: true, masking: hash}\n")
    lost = [g for g in got if g[0] == "access-clear-lost"]
    assert lost == [("access-clear-lost", "analyst", "major"), ("access-clear-lost", "data-scientist", "major")]


def test_a_role_removed_at_the_same_time_is_reported_by_role_removed_only():
    got = rules_for("        constraints: {pii: true, masking: redact}\n", "roles: [analyst]")
    assert [g[1] for g in got if g[0] == "access-clear-lost"] == ["analyst"]
    assert ("access-role-removed", "data-scientist", "major") in got


def test_pii_left_in_clear_is_no_loss():
    got = rules_for("        constraints: {pii: true, masking: none}\n")
    assert not [g for g in got if g[0] == "access-clear-lost"]


def test_the_message_names_role_column_and_new_decision():
    new = edit(BASE, (NOTE, NOTE + "        constraints: {pii: true, masking: tokenize}\n"))
    f = next(f for f in diff_contracts(contract(BASE, "old.yaml"), contract(new, "new.yaml"))
             if f.rule == "access-clear-lost")
    assert f.message == "role analyst no longer reads note in clear: now mask(tokenize)"
    assert f.location.line == new.splitlines().index("        constraints: {pii: true, masking: tokenize}") + 1
