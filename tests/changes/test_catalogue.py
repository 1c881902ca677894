"""The catalogue is complete and consistent: every rule is reachable and its message fills in."""

from __future__ import annotations

import re
import string

from scaffolder.changes.diff import diff_contracts
from scaffolder.changes.rules import MODES, RULES
from tests.changes.conftest import BASE, contract, edit
from tests.changes.test_rule_table import CASES

NOTE = "      - name: note\n        type: string\n"
EXTRA = {
    "contract-removed": lambda: diff_contracts(contract(BASE), None),
    "contract-added": lambda: diff_contracts(None, contract(BASE)),
    "field-deprecation-changed": lambda: diff_contracts(
        contract(edit(BASE, (NOTE, NOTE + "        deprecated: {since: 2.2.0, sunset: 2027-01-01}\n"))),
        contract(edit(BASE, (NOTE, NOTE + "        deprecated: {since: 2.2.0, sunset: 2027-06-30}\n")))),
}


def all_findings():
    for case in CASES:
        yield from diff_contracts(contract(edit(BASE, *case.old)), contract(edit(BASE, *case.new)))
    for make in EXTRA.values():
        yield from make()


def test_every_rule_is_reachable_and_fills_its_template() -> None:
    seen: dict[str, list] = {}
    for f in all_findings():
        seen.setdefault(f.rule, []).append(f)
    assert set(RULES) == set(seen), set(RULES) ^ set(seen)
    for rule_id, findings in seen.items():
        fields = {name for _, name, _, _ in string.Formatter().parse(RULES[rule_id].message) if name}
        for f in findings:
            assert fields <= set(f.data), (rule_id, fields - set(f.data))
            assert f.message and "{" not in f.message


def test_entries_are_well_formed() -> None:
    for rule in RULES.values():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.id)
        assert rule.what and rule.message and rule.old and rule.new
        assert {rule.bump(m) for m in MODES} <= {"none", "patch", "minor", "major"}
        if "major" in (rule.consumer, rule.producer) and rule.id != "contract-added":
            assert rule.advice or rule.consumer != "major", f"{rule.id}: a consumer-breaking rule says what to do"


def test_every_comparer_declares_its_rules_and_together_they_are_the_catalogue() -> None:
    """`@emits` on each comparer; `Diff.emit` refuses an undeclared rule, so running every row above
    (test_every_rule_is_reachable...) also proves no comparer emits beyond its declaration."""
    from scaffolder.changes import diff  # noqa: F401  (defines, and so declares, the comparers)
    from scaffolder.changes.compare import DECLARED

    declared = set().union(*DECLARED.values())
    assert declared == set(RULES), declared ^ set(RULES)
    assert all(DECLARED.values()), "a comparer that declares no rule emits nothing"
    assert any(name.startswith("scaffolder.changes.diff_checks.") for name in DECLARED)


def test_a_comparer_cannot_emit_a_rule_it_did_not_declare() -> None:
    import pytest

    from scaffolder.changes.compare import Diff, emits
    from scaffolder.contract.model import node

    @emits("owner-changed")
    def sloppy(d: Diff) -> None:
        d.emit("domain-changed", node("metadata", "domain"))

    c = contract(BASE)
    with pytest.raises(AssertionError, match="domain-changed: emitted by a comparer that does not declare it"):
        sloppy(Diff(c, c, "consumer", {}))
