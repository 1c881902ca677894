"""The mesh's Rego policies (`policies/**/*.rego`), evaluated with conftest's conventions.

A rule named `deny`, `violation` or `warn` (or prefixed `deny_`, ...) yields a
message or `{"msg": ..., "path": ...}`; each becomes a Finding with the rule id
`policy:<package>.<rule>`, located at `path` in the contract (a JSON path
`$.spec.schema.fields[3]` or a list of keys), else at the top of the file.
deny/violation are errors (exit 1), warn a warning.

The modules and the query of all rules are compiled once per run (per worker
process); each contract is then one query. (One query over a batch of inputs
with `with input as` is what OPA would allow, but rego-cpp 1.5 crashes or
slows to a crawl on it.)
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.policy.engine import Engine, PolicyError, packages
from scaffolder.policy.inputs import policy_input
from scaffolder.report.finding import Finding, Severity

if TYPE_CHECKING:
    from scaffolder.contract.load import Document
    from scaffolder.contract.mesh import Mesh
    from scaffolder.contract.model import Contract

# conftest's rule kinds and what each means for the exit code.
KINDS: dict[str, Severity] = {"deny": Severity.ERROR, "violation": Severity.ERROR, "warn": Severity.WARNING}
_RULE = re.compile(r"^(?:default\s+)?((?:deny|violation|warn)(?:_\w+)?)\b", re.M)
_TEST = re.compile(r"^(test_\w+)\b", re.M)
_PATH_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\[\"([^\"]*)\"\]|\['([^']*)'\]")


@dataclass(frozen=True)
class Rule:
    package: str
    name: str
    module: str

    @property
    def id(self) -> str:
        return f"policy:{self.package}.{self.name}"

    @property
    def ref(self) -> str:
        return f"data.{self.package}.{self.name}"

    @property
    def severity(self) -> Severity:
        return KINDS[self.name.split("_", 1)[0]]


def find_modules(folder: Path, root: Path) -> dict[str, str]:
    """Every `*.rego` under `folder`, keyed by its path relative to `root` (as findings show it)."""
    from scaffolder.contract.load import LoadError, read_text

    modules: dict[str, str] = {}
    if not folder.is_dir():
        return modules
    for path in sorted(folder.rglob("*.rego")):
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        try:
            modules[name] = read_text(path, within=root)
        except LoadError as exc:
            loc = exc.findings[0].location
            raise PolicyError(exc.findings[0].message, name, loc.line, loc.col, "unreadable") from None
    return modules


def policy_rules(modules: dict[str, str], pattern: re.Pattern[str] = _RULE) -> list[Rule]:
    """The rules of each module that `pattern` names (deny/warn/violation, or test_*), in file order."""
    seen: dict[str, Rule] = {}
    pkgs = packages(modules)
    for name, source in modules.items():
        package = pkgs.get(name)
        if package is None:
            continue
        for match in pattern.finditer(source):
            rule = Rule(package, match.group(1), name)
            seen.setdefault(rule.id, rule)
    return list(seen.values())


def test_rules(modules: dict[str, str]) -> list[Rule]:
    return policy_rules(modules, _TEST)


def json_path_keys(path: Any) -> tuple[str | int, ...] | None:
    """`$.spec.schema.fields[3].name` or ["spec", "schema", "fields", 3, "name"] as keys."""
    if isinstance(path, list):
        return tuple(p if isinstance(p, int) and not isinstance(p, bool) else str(p) for p in path)
    if not isinstance(path, str) or not path.startswith("$"):
        return None
    keys: list[str | int] = []
    rest = path[1:]
    while rest:
        m = _PATH_PART.match(rest)
        if m is None:
            return None
        dotted, index, dq, sq = m.groups()
        keys.append(int(index) if index is not None else next(x for x in (dotted, dq, sq) if x is not None))
        rest = rest[m.end():]
    return tuple(keys)


_COMPILED: dict[int, tuple[Engine, Any]] = {}  # per process: forked validate workers compile once


class MeshPolicies:
    """The compiled policies of one mesh: evaluate contracts, get located findings.

    Picklable (only the sources travel), so `validate_files` can hand it to its
    worker processes; each process compiles the modules once.
    """

    def __init__(self, modules: dict[str, str], mesh: dict[str, Any] | None = None,
                 event: str = "validate", labels: tuple[str, ...] = ()):
        self.modules = modules
        self.mesh = mesh or {}
        self.event = event  # validate | check | ci
        self.labels = tuple(labels)
        self.rules = policy_rules(modules)
        self._compiled()  # syntax errors surface here, in the calling process

    def __reduce__(self) -> tuple[Any, ...]:
        return (MeshPolicies, (self.modules, self.mesh, self.event, self.labels))

    @property
    def on_validate(self) -> bool:
        """While checking a change, the rules run once per change (on_change), not per validation."""
        return self.event == "validate"

    def _compiled(self) -> tuple[Engine, Any]:
        key = hash((tuple(sorted(self.modules.items())), tuple(r.id for r in self.rules)))
        if key not in _COMPILED:
            engine = Engine(self.modules)
            try:
                query = engine.prepare(f"[{', '.join(r.ref for r in self.rules)}]") if self.rules else None
            except PolicyError:
                for rule in self.rules:  # rule by rule, to locate the error at the rule that has it
                    engine.query(rule.ref, {})
                raise
            _COMPILED[key] = (engine, query)
        return _COMPILED[key]

    @property
    def engine(self) -> Engine:
        return self._compiled()[0]

    def __call__(self, contract: Contract) -> list[Finding]:
        """The findings of every rule for a contract being validated (the `validate` hook)."""
        return self.evaluate(policy_input(contract, self.mesh), contract.doc)

    def on_change(self, new: Contract | None, old: Contract | None, changes: list[Finding]) -> list[Finding]:
        """The findings for one contract's change: input also holds the base, the changes, the labels."""
        inp = policy_input(new, self.mesh, base=old, changes=changes, labels=self.labels, event=self.event)
        doc = (new or old).doc if (new or old) is not None else None
        findings = self.evaluate(inp, doc) if doc is not None else []
        product = (new or old).name if (new or old) is not None else None
        return [dataclasses.replace(f, product=product) for f in findings]

    def evaluate(self, inp: dict[str, Any], doc: Document) -> list[Finding]:
        """Findings of every deny/violation/warn rule for one input; `doc` locates their paths."""
        engine, query = self._compiled()
        if query is None:
            return []
        try:
            row = query(inp)
        except PolicyError:
            row = None
        if row is None:  # an error, or an undefined complete rule: one rule at a time says which
            row = self._one_by_one(inp)
        out: list[Finding] = []
        for rule, values in zip(self.rules, row, strict=True):
            for value in _items(values):
                out.append(_finding(rule, value, doc))
        return out

    def _one_by_one(self, inp: dict[str, Any]) -> list[Any]:
        out = []
        for rule in self.rules:
            try:
                out.append(self.engine.query(rule.ref, inp))
            except PolicyError as exc:
                file = (inp.get("contract") or {}).get("file")
                raise PolicyError(f"{exc.message_only} (evaluating {file})", exc.location.path,
                                  exc.location.line, exc.location.col, exc.code) from None
        return out


def _items(values: Any) -> list[Any]:
    if values is None or values is False:
        return []
    if values is True:
        return [None]
    if isinstance(values, list):
        return values
    return [values]


def _finding(rule: Rule, value: Any, doc: Document) -> Finding:
    message, path = value, None
    if isinstance(value, dict):
        message = value.get("msg", value.get("message", value))
        path = value.get("path")
    if message is None:
        message = f"{rule.name} in {rule.package}"
    if not isinstance(message, str):
        import json

        message = json.dumps(message, sort_keys=True)
    keys = json_path_keys(path) if path is not None else None
    location = doc.location(keys or ())
    return Finding(rule.id, message, rule.severity, location, data={"policy": rule.module})


def load(mesh: Mesh, event: str = "validate", labels: tuple[str, ...] = ()) -> MeshPolicies | None:
    """The mesh's policies, compiled; None when the mesh has none. Raises PolicyError (exit 2)."""
    from scaffolder.policy.inputs import mesh_input

    folder = mesh.root / mesh.rego
    if not folder.resolve().is_relative_to(mesh.root.resolve()):
        line, col = mesh.doc.pos(("policy", "rego")) if mesh.doc is not None else (None, None)
        raise PolicyError(f"policy.rego {mesh.rego!r} must be a folder inside the mesh", mesh.path, line, col,
                          "outside")
    modules = find_modules(folder, mesh.root)
    return MeshPolicies(modules, mesh_input(mesh), event, labels) if modules else None


def attach(mesh: Mesh, event: str = "validate", labels: tuple[str, ...] | list[str] = ()) -> Mesh:
    """Compile the mesh's policies and hand them to validation / the change gate (see Mesh.rego_policies)."""
    mesh.rego_policies = load(mesh, event, tuple(labels))
    return mesh
