"""`scaffolder policy test`: run the policies' `test_*` rules, like `opa test`.

A test passes when its rule is defined and true. Tests replace input a key at a
time (`deny with input.contract as c`): rego-cpp crashes on `with input as`,
which the engine refuses with a located error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.policy.engine import Engine, PolicyError
from scaffolder.policy.mesh_policies import find_modules, test_rules
from scaffolder.report.finding import Location


@dataclass
class TestResult:
    rule: str  # data.<package>.<test>
    location: Location
    status: str  # pass | fail | error
    message: str = ""

    def text(self) -> str:
        tail = f": {self.message}" if self.message else ""
        return f"{self.location.prefix()}: {self.status.upper()} {self.rule}{tail}"

    def to_json(self) -> dict[str, Any]:
        return {"test": self.rule, "status": self.status, "file": self.location.path,
                "line": self.location.line, "col": self.location.col, "message": self.message or None}


def run_tests(folder: Path, root: Path) -> list[TestResult]:
    """Every `test_*` rule under `folder`, in file order. Raises PolicyError when a module does not load."""
    modules = find_modules(folder, root)
    engine = Engine(modules)
    results = []
    for rule in test_rules(modules):
        line, col = engine.modules[rule.module].rule_position(rule.name)
        where = Location(rule.module, line, col)
        try:
            value = engine.query(rule.ref)
        except PolicyError as exc:
            results.append(TestResult(rule.ref, exc.location, "error", exc.message_only))
            continue
        if value is True:
            results.append(TestResult(rule.ref, where, "pass"))
        else:
            why = "undefined" if value is None else f"evaluated to {value!r}"
            results.append(TestResult(rule.ref, where, "fail", why))
    return results
