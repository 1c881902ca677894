"""What every comparer of the diff shares: the collector that makes Findings, the declaration of
the rules each comparer can emit, and how a bound moved.

A comparer is a small function over one aspect of a pair of contracts (`changes/diff.py` for the
contract and its fields, `changes/diff_checks.py` for quality checks). It declares its rules with
`@emits(...)`; `Diff.emit` refuses any other, and the catalogue test checks that the declarations
cover exactly the rule catalogue.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from scaffolder.changes.rules import RULES, cap, format_message
from scaffolder.contract.load import PathKey
from scaffolder.contract.model import Contract, Node
from scaffolder.report.finding import Finding, Location, Severity

# comparer (module.name) -> the rule ids it can emit; filled by @emits as the comparers are defined
DECLARED: dict[str, frozenset[str]] = {}

C = TypeVar("C", bound=Callable[..., Any])


@dataclass
class Diff:
    """Collects findings for one pair; `emit` is the only place a Finding is made."""

    old: Contract
    new: Contract
    mode: str
    overrides: dict[str, str]
    base: str = ""  # how to name where the old version lives: "main:" in a PR, "" for two files
    renames: dict[str, str] = field(default_factory=dict)  # old field name -> new (declared renames)
    out: list[Finding] = field(default_factory=list)
    allowed: frozenset[str] = frozenset()  # the rules of the comparer running now

    def emit(self, rule_id: str, where: Node, *, side: str = "new", key: bool = False, **values: Any) -> None:
        """One finding, located in the head file.

        Something that exists only in the old version (a removed field, check,
        role) cannot be pointed at in the head file, where a GitHub annotation
        must sit: it points at its parent there (`fields:`, `checks:`, ...)
        and its message says where it was (`was at main:PATH:LINE`). Only a
        removed contract, which has no head file, stays in the old file.
        """
        if rule_id not in self.allowed:
            raise AssertionError(f"{rule_id}: emitted by a comparer that does not declare it (@emits)")
        rule = RULES[rule_id]
        bump = cap(self.overrides[rule_id], self.mode) if rule_id in self.overrides else rule.bump(self.mode)
        message = format_message(rule, values)
        data = {k: _plain(v) for k, v in values.items()}
        if side == "old" and self.new is not self.old:
            old_line, _ = self.old.doc.pos(where.doc, key=key)
            data["was"] = f"{self.base}{self.old.path}:{old_line}"
            message += f" (was at {data['was']})"
            line, col = self.new.doc.pos(_parent(where.doc), key=True)
            path = self.new.path
        else:
            contract = self.new if side == "new" else self.old
            line, col = contract.doc.pos(where.doc, key=key)
            path = contract.path
            if side == "old":
                data["side"] = "base"
        self.out.append(Finding(
            rule_id, message,
            severity=Severity.WARNING if bump == "major" else Severity.INFO,
            location=Location(path, line, col, where.json),
            bump=bump, product=self.new.name or self.old.name, data=data,
        ))


def emits(*rule_ids: str) -> Callable[[C], C]:
    """Declare the rules a comparer (a function whose first argument is the Diff) can emit."""
    allowed = frozenset(rule_ids)

    def declare(fn: C) -> C:
        DECLARED[f"{fn.__module__}.{fn.__name__}"] = allowed

        @functools.wraps(fn)
        def run(d: Diff, *args: Any) -> Any:
            outer, d.allowed = d.allowed, allowed
            try:
                return fn(d, *args)
            finally:
                d.allowed = outer
        return run  # type: ignore[return-value]
    return declare


def _parent(doc_path: PathKey) -> PathKey:
    """The list (or mapping) that held an item: the path up to the first list index, else one up."""
    for i, part in enumerate(doc_path):
        if isinstance(part, int):
            return doc_path[:i]
    return doc_path[:-1]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return str(value)


def show(v: Any) -> str:
    return "none" if v is None else str(v)


def compare_bounds(a: Any, b: Any) -> int | None:
    """-1, 0 or 1 as a < b, a == b, a > b; None when the two cannot be ordered."""
    def num(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)
    if num(a) and num(b):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        try:
            x, y = dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)
            return (x > y) - (x < y)
        except (ValueError, TypeError):
            return 0 if a == b else None
    return 0 if a == b else None


def bound_move(old: Any, new: Any, lower: bool) -> str:
    """How a lower (or upper) bound moved: same | loosened | tightened | unordered.

    Adding a bound tightens, removing one loosens; a lower bound that goes
    down (an upper that goes up) loosens.
    """
    if old is None and new is None:
        return "same"
    if old is None:
        return "tightened"
    if new is None:
        return "loosened"
    order = compare_bounds(new, old)
    if order is None:
        return "unordered"
    if order == 0:
        return "same"
    return "loosened" if (order < 0) == lower else "tightened"
