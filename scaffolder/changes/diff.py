"""Compare two versions of a contract and say what changed, as located Findings.

Fields are matched by name (or a declared `renamed_from`), checks by name or
`column` + `assertion`, sets (enum values, roles, policies) as sets: list
position and YAML spelling never make a change. Each aspect is one small
comparer in `FIELD_ASPECTS` / `CONTRACT_ASPECTS`; every finding takes its bump
from the rule catalogue for the contract's compatibility mode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scaffolder.changes.rules import RULES, cap, format_message
from scaffolder.checks.assertions import ASSERTIONS, Grade
from scaffolder.contract.load import PathKey
from scaffolder.contract.model import Contract, Field, Mode, QualityCheck
from scaffolder.contract.types import compare as compare_types
from scaffolder.report.finding import Finding, Location, Severity


def resolve_mode(contract: Contract | None, mesh_mode: str | None = None) -> str:
    """The contract's own `metadata.compatibility`, else the mesh's, else consumer."""
    if contract is not None and contract.compatibility:
        return contract.compatibility
    return mesh_mode or Mode.CONSUMER


@dataclass
class _Diff:
    """Collects findings for one pair; `emit` is the only place a Finding is made."""

    old: Contract
    new: Contract
    mode: str
    overrides: dict[str, str]
    base: str = ""  # how to name where the old version lives: "main:" in a PR, "" for two files
    renames: dict[str, str] = field(default_factory=dict)  # old field name -> new (declared renames)
    out: list[Finding] = field(default_factory=list)

    def emit(self, rule_id: str, json_path: str, doc_path: PathKey, *, side: str = "new",
             key: bool = False, **values: Any) -> None:
        """One finding, located in the head file.

        Something that exists only in the old version (a removed field, check,
        role) cannot be pointed at in the head file, where a GitHub annotation
        must sit: it points at its parent there (`fields:`, `checks:`, ...)
        and its message says where it was (`was at main:PATH:LINE`). Only a
        removed contract, which has no head file, stays in the old file.
        """
        rule = RULES[rule_id]
        bump = cap(self.overrides[rule_id], self.mode) if rule_id in self.overrides else rule.bump(self.mode)
        message = format_message(rule, values)
        data = {k: _plain(v) for k, v in values.items()}
        if side == "old" and self.new is not self.old:
            old_line, _ = self.old.doc.pos(doc_path, key=key)
            data["was"] = f"{self.base}{self.old.path}:{old_line}"
            message += f" (was at {data['was']})"
            line, col = self.new.doc.pos(_parent(doc_path), key=True)
            path = self.new.path
        else:
            contract = self.new if side == "new" else self.old
            line, col = contract.doc.pos(doc_path, key=key)
            path = contract.path
            if side == "old":
                data["side"] = "base"
        self.out.append(Finding(
            rule_id, message,
            severity=Severity.WARNING if bump == "major" else Severity.INFO,
            location=Location(path, line, col, json_path),
            bump=bump, product=self.new.name or self.old.name, data=data,
        ))


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


# --- contract-level single events -------------------------------------------

def contract_added(new: Contract, mode: str = "consumer", overrides: dict[str, str] | None = None) -> Finding:
    d = _Diff(new, new, mode, overrides or {})
    d.emit("contract-added", "$.metadata.name", ("metadata", "name"), name=new.name, version=new.version_text)
    return d.out[0]


def contract_removed(old: Contract, mode: str = "consumer", overrides: dict[str, str] | None = None) -> Finding:
    d = _Diff(old, old, mode, overrides or {})
    d.emit("contract-removed", "$.metadata.name", ("metadata", "name"), side="old", name=old.name)
    return d.out[0]


def diff_contracts(old: Contract | None, new: Contract | None, mode: str = "consumer",
                   overrides: dict[str, str] | None = None, base: str = "") -> list[Finding]:
    """Every change from `old` to `new` (either may be None: added / removed contract).

    `base` prefixes the old file's path where a message says where a removed
    item was: "main:" when the old version is a git revision.
    """
    overrides = overrides or {}
    if old is None and new is None:
        return []
    if old is None:
        assert new is not None
        return [contract_added(new, mode, overrides)]
    if new is None:
        return [contract_removed(old, mode, overrides)]
    if old.name != new.name:
        return [contract_removed(old, mode, overrides), contract_added(new, mode, overrides)]
    d = _Diff(old, new, mode, overrides, base)
    for aspect in CONTRACT_ASPECTS:
        aspect(d)
    _diff_fields(d)
    _diff_checks(d)
    return sorted(d.out, key=lambda f: (f.location.path != new.path, f.location.line or 0, f.location.col or 0, f.rule))


# --- metadata, SLA, access, lineage, extensions ------------------------------

def _metadata(d: _Diff) -> None:
    o, n = d.old, d.new
    if o.domain != n.domain:
        d.emit("domain-changed", "$.metadata.domain", ("metadata", "domain"), old=o.domain, new=n.domain)
    if o.status != n.status:
        rule = "status-retired" if n.status == "retired" else "status-changed"
        path = ("metadata", "status") if "status" in _get(n.doc.data, "metadata") else ("metadata",)
        d.emit(rule, "$.metadata.status", path, key=path == ("metadata",), old=o.status, new=n.status)
    if (o.schema_type or "").lower() != (n.schema_type or "").lower():
        d.emit("schema-type-changed", "$.spec.schema.type", ("spec", "schema", "type"), old=o.schema_type, new=n.schema_type)
    if o.owner != n.owner:
        d.emit("owner-changed", "$.spec.owner", ("spec", "owner"), old=o.owner, new=n.owner)
    for what, attr, path in (("description", "description", ("metadata", "description")),
                             ("title", "title", ("metadata", "title")),
                             ("compatibility", "compatibility", ("metadata", "compatibility"))):
        if getattr(o, attr) != getattr(n, attr):
            d.emit("description-changed", "$." + ".".join(path), path, what=what)
    if set(o.tags) != set(n.tags):
        d.emit("description-changed", "$.metadata.tags", ("metadata", "tags"), what="tags")


def _sla(d: _Diff) -> None:
    o, n = d.old.sla, d.new.sla
    of, nf = (o.freshness if o else None), (n.freshness if n else None)
    path = ("spec", "sla", "freshness")
    if of != nf:
        if of is not None and (nf is None or nf.seconds > of.seconds):
            d.emit("freshness-loosened", "$.spec.sla.freshness", path, old=of, new=nf)
        else:
            d.emit("freshness-tightened", "$.spec.sla.freshness", path, old=of, new=nf)
    ocol, ncol = d.old.freshness_column, d.new.freshness_column
    if ocol != ncol and ocol is not None and ncol is not None:
        d.emit("freshness-column-changed", "$.spec.sla.freshness_column", ("spec", "sla", "freshness_column"),
               old=ocol, new=ncol)
    oa, na = (o.availability if o else None), (n.availability if n else None)
    if oa != na:
        show_o, show_n = (o.availability_text if o else None), (n.availability_text if n else None)
        if oa is not None and (na is None or na < oa):
            d.emit("availability-lowered", "$.spec.sla.availability", ("spec", "sla", "availability"), old=show_o, new=show_n)
        else:
            d.emit("availability-raised", "$.spec.sla.availability", ("spec", "sla", "availability"), old=show_o, new=show_n)


def _access(d: _Diff) -> None:
    for kind, attr, removed, added in (("role", "roles", "access-role-removed", "access-role-added"),
                                       ("policy", "policies", "access-policy-removed", "access-policy-added")):
        old, new = getattr(d.old, attr), getattr(d.new, attr)
        for value in sorted(set(old) - set(new)):
            d.emit(removed, f"$.spec.access.{attr}[{value}]", ("spec", "access", attr, old.index(value)),
                   side="old", **{kind: value})
        for value in sorted(set(new) - set(old)):
            d.emit(added, f"$.spec.access.{attr}[{value}]", ("spec", "access", attr, new.index(value)), **{kind: value})


def _lineage(d: _Diff) -> None:
    for what in ("upstream", "downstream"):
        old, new = set(getattr(d.old, what)), set(getattr(d.new, what))
        if old != new:
            parts = [f"+{v}" for v in sorted(new - old)] + [f"-{v}" for v in sorted(old - new)]
            d.emit("lineage-changed", f"$.spec.lineage.{what}", ("spec", "lineage", what),
                   what=what, detail=" ".join(parts))


def _extensions(d: _Diff) -> None:
    old, new = _collect_extensions(d.old), _collect_extensions(d.new)
    # Extensions of a field or check that exists on one side only go with its own finding.
    both = ({f"$.spec.schema.fields[{f.name}]" for f in d.old.fields} & {f.json_path for f in d.new.fields}
            | {c.json_path for c in d.old.checks} & {c.json_path for c in d.new.checks})

    def owned_by_one_side(jpath: str) -> bool:
        if not jpath.startswith(("$.spec.schema.fields[", "$.spec.quality.checks[")):
            return False
        return jpath[: jpath.index("]") + 1] not in both

    for jpath in sorted(set(old) | set(new)):
        if owned_by_one_side(jpath):
            continue
        if jpath not in new:
            d.emit("extension-changed", jpath, old[jpath][1], side="old", key=True, ext=jpath)
        elif jpath not in old or old[jpath][0] != new[jpath][0]:
            d.emit("extension-changed", jpath, new[jpath][1], key=True, ext=jpath)


def _collect_extensions(c: Contract) -> dict[str, tuple[Any, PathKey]]:
    """Every `x-` key in the document, by a JSON path that names list items by natural key."""
    out: dict[str, tuple[Any, PathKey]] = {}

    def walk(node: Any, path: PathKey, jpath: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k.startswith("x-"):
                    out[f"{jpath}.{k}"] = (v, (*path, k))
                else:
                    walk(v, (*path, k), f"{jpath}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i), f"{jpath}[{_item_name(path, i, v)}]")

    walk(c.doc.data, (), "$")
    return out


def _item_name(path: PathKey, i: int, item: Any) -> str:
    if isinstance(item, dict):
        if path == ("spec", "schema", "fields") and isinstance(item.get("name"), str):
            return item["name"]
        if path == ("spec", "quality", "checks") and isinstance(item.get("assertion"), str):
            return f"{item['column']}:{item['assertion']}" if isinstance(item.get("column"), str) else item["assertion"]
    return str(i)


def _get(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _primary_key(d: _Diff, renames: dict[str, str]) -> None:
    old_pk = [renames.get(n, n) for n in d.old.primary_key]
    new_pk = d.new.primary_key
    if set(old_pk) == set(new_pk):
        return
    if new_pk:
        f = d.new.field(new_pk[0])
        assert f is not None
        path, json_path = (*f.path, "constraints", "primary_key"), f"{f.json_path}.constraints.primary_key"
    if not old_pk:
        d.emit("primary-key-added", json_path, path, new=new_pk)
    elif not new_pk:
        f = d.new.field(old_pk[0])
        if f is not None:
            d.emit("primary-key-removed", f"{f.json_path}.constraints.primary_key", (*f.path, "constraints"), old=old_pk)
        else:  # the key field itself is gone: point at it in the old file
            of = d.old.field(d.old.primary_key[0])
            assert of is not None
            d.emit("primary-key-removed", f"{of.json_path}.constraints.primary_key",
                   (*of.path, "constraints", "primary_key"), side="old", old=old_pk)
    else:
        d.emit("primary-key-moved", json_path, path, old=old_pk, new=new_pk)


CONTRACT_ASPECTS: list[Callable[[_Diff], None]] = [_metadata, _sla, _access, _lineage, _extensions]


# --- fields --------------------------------------------------------------------

def _diff_fields(d: _Diff) -> None:
    old_by_name = {f.name: f for f in d.old.fields}
    new_by_name = {f.name: f for f in d.new.fields}
    pairs: list[tuple[Field, Field]] = []
    renames: dict[str, str] = {}  # old name -> new name
    matched_old: set[str] = set()
    for nf in d.new.fields:
        if nf.name in old_by_name:
            pairs.append((old_by_name[nf.name], nf))
            matched_old.add(nf.name)
        elif (nf.renamed_from and nf.renamed_from in old_by_name and nf.renamed_from not in new_by_name
              and nf.renamed_from not in matched_old):
            of = old_by_name[nf.renamed_from]
            pairs.append((of, nf))
            matched_old.add(of.name)
            renames[of.name] = nf.name
            d.emit("field-renamed", nf.json_path, (*nf.path, "name"), field=nf.name, old=of.name)
        else:
            d.emit("field-added", nf.json_path, (*nf.path, "name"), field=nf.name, type=nf.type_text)
    for of in d.old.fields:
        if of.name not in matched_old:
            d.emit("field-removed", of.json_path, (*of.path, "name"), side="old", field=of.name)
    for of, nf in pairs:
        pk_changed = of.constraints.primary_key != nf.constraints.primary_key
        for aspect in FIELD_ASPECTS:
            aspect(d, of, nf, pk_changed)
    d.renames.update(renames)
    _primary_key(d, renames)


def _cpath(f: Field, doc_data: Any, *keys: str) -> PathKey:
    """Path of the first constraint key present (`nullable` or YAML's `null`), else of `constraints`."""
    raw = doc_data
    for part in f.path:
        raw = raw[part]
    constraints = raw.get("constraints") if isinstance(raw, dict) else None
    for k in keys:
        if isinstance(constraints, dict) and k in constraints:
            return (*f.path, "constraints", k)
    return (*f.path, "constraints") if isinstance(constraints, dict) else (*f.path, "name")


def _field_type(d: _Diff, of: Field, nf: Field, _pk: bool) -> None:
    if of.type is None or nf.type is None:
        if of.type_text.strip().lower() != nf.type_text.strip().lower():
            d.emit("field-type-changed", f"{nf.json_path}.type", (*nf.path, "type"), field=nf.name,
                   old=of.type_text, new=nf.type_text)
        return
    relation = compare_types(of.type, nf.type)
    if relation != "same":
        rule = {"widened": "field-type-widened", "narrowed": "field-type-narrowed"}.get(relation, "field-type-changed")
        d.emit(rule, f"{nf.json_path}.type", (*nf.path, "type"), field=nf.name, old=of.type_text, new=nf.type_text)


def _nullability(d: _Diff, of: Field, nf: Field, pk_changed: bool) -> None:
    old_nn, new_nn = of.constraints.not_null, nf.constraints.not_null
    # A difference that comes with a primary-key change is that change's doing (reported once, there).
    if old_nn == new_nn or pk_changed:
        return
    path = _cpath(nf, d.new.doc.data, "nullable", "null")
    rule = "field-became-not-null" if new_nn else "field-became-nullable"
    d.emit(rule, f"{nf.json_path}.constraints.nullable", path, field=nf.name)


def _unique(d: _Diff, of: Field, nf: Field, pk_changed: bool) -> None:
    old_u, new_u = of.constraints.is_unique, nf.constraints.is_unique
    if old_u == new_u or pk_changed:
        return
    d.emit("unique-added" if new_u else "unique-removed", f"{nf.json_path}.constraints.unique",
           _cpath(nf, d.new.doc.data, "unique"), field=nf.name)


def _enum(d: _Diff, of: Field, nf: Field, _pk: bool) -> None:
    old, new = of.constraints.enum, nf.constraints.enum
    jpath, path = f"{nf.json_path}.constraints.enum", _cpath(nf, d.new.doc.data, "enum")
    if old is None and new is None:
        return
    if old is None:
        d.emit("enum-added", jpath, path, field=nf.name, values=new)
    elif new is None:
        d.emit("enum-removed", jpath, path, field=nf.name, values=old)
    else:
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        if added:
            d.emit("enum-value-added", jpath, path, field=nf.name, values=added)
        if removed:
            d.emit("enum-value-removed", jpath, path, field=nf.name, values=removed)


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


def _bounds(d: _Diff, of: Field, nf: Field, _pk: bool) -> None:
    for bound, lower in (("min", True), ("max", False), ("min_length", True), ("max_length", False)):
        old, new = getattr(of.constraints, bound), getattr(nf.constraints, bound)
        move = bound_move(old, new, lower)
        if move == "same":
            continue
        # A bound that cannot be ordered is treated as loosened: the safe side for readers.
        loosened = move in ("loosened", "unordered")
        d.emit("bound-loosened" if loosened else "bound-tightened", f"{nf.json_path}.constraints.{bound}",
               _cpath(nf, d.new.doc.data, bound), field=nf.name, bound=bound, old=old, new=new)


def _pattern(d: _Diff, of: Field, nf: Field, _pk: bool) -> None:
    old, new = of.constraints.pattern, nf.constraints.pattern
    if old == new:
        return
    rule = "pattern-added" if old is None else "pattern-removed" if new is None else "pattern-changed"
    d.emit(rule, f"{nf.json_path}.constraints.pattern", _cpath(nf, d.new.doc.data, "pattern"),
           field=nf.name, old=old, new=new)


def _masking(d: _Diff, of: Field, nf: Field, _pk: bool) -> None:
    def norm(m: str | None) -> str | None:
        return None if m in (None, "none") else m
    old, new = norm(of.constraints.masking), norm(nf.constraints.masking)
    if old != new:
        d.emit("masking-changed", f"{nf.json_path}.constraints.masking", _cpath(nf, d.new.doc.data, "masking"),
               field=nf.name, old=old, new=new)


def _clear_read(d: _Diff, of: Field, nf: Field, _pk: bool) -> None:
    """Per role listed in both versions: a column it read in clear is now masked or denied."""
    from scaffolder.access.default_policy import contract_effect

    before = contract_effect(of.constraints.pii, of.constraints.masking, True)
    after = contract_effect(nf.constraints.pii, nf.constraints.masking, True)
    if before[0] != "allow" or after[0] == "allow":
        return
    shown = f"mask({after[1]})" if after[0] == "mask" else after[0]
    for role in sorted(set(d.old.roles) & set(d.new.roles)):
        d.emit("access-clear-lost", f"{nf.json_path}.access[{role}]", _cpath(nf, d.new.doc.data, "masking", "pii"),
               role=role, field=nf.name, new=shown)


def _timezone(d: _Diff, of: Field, nf: Field, _pk: bool) -> None:
    if of.constraints.timezone != nf.constraints.timezone:
        d.emit("timezone-changed", f"{nf.json_path}.constraints.timezone", _cpath(nf, d.new.doc.data, "timezone"),
               field=nf.name, old=of.constraints.timezone, new=nf.constraints.timezone)


def _pii(d: _Diff, of: Field, nf: Field, _pk: bool) -> None:
    if of.constraints.pii != nf.constraints.pii:
        d.emit("pii-changed", f"{nf.json_path}.constraints.pii", _cpath(nf, d.new.doc.data, "pii"),
               field=nf.name, old=of.constraints.pii, new=nf.constraints.pii)


def _deprecation(d: _Diff, of: Field, nf: Field, _pk: bool) -> None:
    if of.deprecated == nf.deprecated:
        return
    path = (*nf.path, "deprecated") if nf.deprecated else (*nf.path, "name")
    if of.deprecated is None and nf.deprecated is not None:
        dep = nf.deprecated
        detail = "".join([f" since {dep.since}" if dep.since else "", f", sunset {dep.sunset}" if dep.sunset else "",
                          f", use {dep.replaced_by}" if dep.replaced_by else ""])
        d.emit("field-deprecated", f"{nf.json_path}.deprecated", path, field=nf.name, detail=detail)
    else:
        d.emit("field-deprecation-changed", f"{nf.json_path}.deprecated", path, field=nf.name)


def _field_description(d: _Diff, of: Field, nf: Field, _pk: bool) -> None:
    if (of.description or "") != (nf.description or ""):
        d.emit("field-description-changed", f"{nf.json_path}.description", (*nf.path, "description"), field=nf.name)


FIELD_ASPECTS: list[Callable[[_Diff, Field, Field, bool], None]] = [
    _field_type, _nullability, _unique, _enum, _bounds, _pattern, _masking, _clear_read, _timezone, _pii,
    _deprecation, _field_description,
]


# --- quality checks ------------------------------------------------------------

def _grading(assertion: str) -> dict[str, Grade]:
    """How a change to each argument of `assertion` is graded (the assertion catalogue)."""
    spec = ASSERTIONS.get(assertion)
    return spec.grading if spec is not None else {}


def _match_checks(old: list[QualityCheck], new: list[QualityCheck], renames: dict[str, str] | None = None,
                  ) -> tuple[list[tuple[QualityCheck, QualityCheck]], list[QualityCheck], list[QualityCheck]]:
    """Pair checks by `name` when both have one, else by column + assertion (in order among equals).

    A check follows its column's declared rename: `note:assertion` in the old
    version is `remark:assertion` in the new one when `remark` says `renamed_from: note`.
    """
    renames = renames or {}
    pairs: list[tuple[QualityCheck, QualityCheck]] = []
    old_left = list(old)
    new_left: list[QualityCheck] = []
    for n in new:
        hit = next((o for o in old_left if n.name and o.name == n.name), None)
        if hit is None:
            hit = next((o for o in old_left if _key(o, renames) == n.key
                        and not (o.name and n.name and o.name != n.name)), None)
        if hit is None:
            new_left.append(n)
        else:
            old_left.remove(hit)
            pairs.append((hit, n))
    return pairs, old_left, new_left


def _column(c: QualityCheck, renames: dict[str, str]) -> str | None:
    """The check's column under its new name (a declared rename), else as written."""
    return renames.get(c.column, c.column) if c.column else c.column


def _key(c: QualityCheck, renames: dict[str, str]) -> str:
    column = _column(c, renames)
    return f"{column}:{c.assertion}" if column else c.assertion


def _diff_checks(d: _Diff) -> None:
    pairs, removed, added = _match_checks(d.old.checks, d.new.checks, d.renames)
    for c in added:
        d.emit("check-added", c.json_path, c.path, check=c.key)
    for c in removed:
        d.emit("check-removed", c.json_path, c.path, side="old", check=c.key)
    for o, n in pairs:
        _diff_check(d, o, n)


def _diff_check(d: _Diff, o: QualityCheck, n: QualityCheck) -> None:
    jp = n.json_path
    if (_column(o, d.renames), o.assertion) != (n.column, n.assertion):
        what = "assertion" if o.assertion != n.assertion else "column"
        d.emit("check-changed", f"{jp}.{what}", (*n.path, what), check=n.name or n.key,
               detail=f"{what} changed from {getattr(o, what)} to {getattr(n, what)}")
        return
    for what in ("name", "description"):
        if getattr(o, what) != getattr(n, what):
            d.emit("description-changed", f"{jp}.{what}", (*n.path, what), what=f"check {n.key} {what}")
    if o.threshold != n.threshold:
        rule = "check-loosened" if n.threshold < o.threshold else "check-tightened"
        d.emit(rule, f"{jp}.threshold", (*n.path, "threshold"), check=n.key,
               detail=f"threshold {'lowered' if n.threshold < o.threshold else 'raised'} from {o.threshold:g} to {n.threshold:g}")
    if o.value == n.value:
        return
    handled: set[str] = set()
    grading = _grading(o.assertion)
    set_grade = grading.get("value_set")
    if set_grade in (Grade.SET_GROWS_LOOSENS, Grade.SET_GROWS_TIGHTENS) and isinstance(
            o.value.get("value_set"), list) and isinstance(n.value.get("value_set"), list):
        handled.add("value_set")
        old_set, new_set = o.value["value_set"], n.value["value_set"]
        grown = [v for v in new_set if v not in old_set]
        shrunk = [v for v in old_set if v not in new_set]
        path = (*n.path, "value", "value_set")
        for values, grew in ((grown, True), (shrunk, False)):
            if values:
                loosens = grew == (set_grade is Grade.SET_GROWS_LOOSENS)
                d.emit("check-loosened" if loosens else "check-tightened", f"{jp}.value.value_set", path, check=n.key,
                       detail=f"value set {'grown by' if grew else 'shrunk by'} {', '.join(map(str, values))}")
    bounds = [(arg, g is Grade.LOWER_BOUND) for arg, g in grading.items()
              if g in (Grade.LOWER_BOUND, Grade.UPPER_BOUND)]
    if any(a in o.value or a in n.value for a, _ in bounds):
        for arg, lower in bounds:
            handled.add(arg)
            old, new = o.value.get(arg), n.value.get(arg)
            move = bound_move(old, new, lower)
            if move == "same":
                continue
            if move == "unordered":
                d.emit("check-changed", f"{jp}.value.{arg}", (*n.path, "value", arg), check=n.key,
                       detail=f"{arg} changed from {old} to {new}")
                continue
            loosened = move == "loosened"
            word = "widened" if loosened else "narrowed"
            d.emit("check-loosened" if loosened else "check-tightened", f"{jp}.value.{arg}", (*n.path, "value", arg),
                   check=n.key, detail=f"range {word}: {arg} {_s(old)} -> {_s(new)}")
    for arg in sorted((set(o.value) | set(n.value)) - handled):
        if o.value.get(arg) != n.value.get(arg):
            d.emit("check-changed", f"{jp}.value.{arg}", (*n.path, "value", arg), check=n.key,
                   detail=f"{arg} changed from {_s(o.value.get(arg))} to {_s(n.value.get(arg))}")


def _s(v: Any) -> str:
    return "none" if v is None else str(v)
