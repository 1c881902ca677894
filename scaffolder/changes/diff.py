"""Compare two versions of a contract and say what changed, as located Findings.

Fields are matched by name (or a declared `renamed_from`), checks by name or
`column` + `assertion` (`diff_checks`), sets (enum values, roles, policies) as
sets: list position and YAML spelling never make a change. Each aspect is one
small comparer in `CONTRACT_ASPECTS` / `FIELD_ASPECTS` that declares the rules
it can emit (`@emits`); every finding takes its bump from the rule catalogue
for the contract's compatibility mode, and its location (document path and
JSON path together) from the contract model's `Node`s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scaffolder.changes.compare import Diff, bound_move, emits
from scaffolder.changes.diff_checks import diff_checks
from scaffolder.changes.diff_checks import grading as _grading  # noqa: F401  (the assertion tests read it)
from scaffolder.contract.load import PathKey
from scaffolder.contract.model import Contract, Field, Mode, Node, node
from scaffolder.contract.types import compare as compare_types
from scaffolder.report.finding import Finding


def resolve_mode(contract: Contract | None, mesh_mode: str | None = None) -> str:
    """The contract's own `metadata.compatibility`, else the mesh's, else consumer."""
    if contract is not None and contract.compatibility:
        return contract.compatibility
    return mesh_mode or Mode.CONSUMER


# --- contract-level single events -------------------------------------------

@emits("contract-added")
def _added(d: Diff) -> None:
    d.emit("contract-added", node("metadata", "name"), name=d.new.name, version=d.new.version_text)


@emits("contract-removed")
def _removed(d: Diff) -> None:
    d.emit("contract-removed", node("metadata", "name"), side="old", name=d.old.name)


def contract_added(new: Contract, mode: str = "consumer", overrides: dict[str, str] | None = None) -> Finding:
    d = Diff(new, new, mode, overrides or {})
    _added(d)
    return d.out[0]


def contract_removed(old: Contract, mode: str = "consumer", overrides: dict[str, str] | None = None) -> Finding:
    d = Diff(old, old, mode, overrides or {})
    _removed(d)
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
    d = Diff(old, new, mode, overrides, base)
    for aspect in CONTRACT_ASPECTS:
        aspect(d)
    _diff_fields(d)
    diff_checks(d)
    return sorted(d.out, key=lambda f: (f.location.path != new.path, f.location.line or 0, f.location.col or 0, f.rule))


# --- metadata, SLA, access, lineage, extensions ------------------------------

@emits("domain-changed", "status-retired", "status-changed", "schema-type-changed", "owner-changed",
       "description-changed")
def _metadata(d: Diff) -> None:
    o, n = d.old, d.new
    if o.domain != n.domain:
        d.emit("domain-changed", node("metadata", "domain"), old=o.domain, new=n.domain)
    if o.status != n.status:
        rule = "status-retired" if n.status == "retired" else "status-changed"
        where = node("metadata", "status")
        written = "status" in _get(n.doc.data, "metadata")
        d.emit(rule, where if written else where.shown_at("metadata"), key=not written, old=o.status, new=n.status)
    if (o.schema_type or "").lower() != (n.schema_type or "").lower():
        d.emit("schema-type-changed", node("spec", "schema", "type"), old=o.schema_type, new=n.schema_type)
    if o.owner != n.owner:
        d.emit("owner-changed", node("spec", "owner"), old=o.owner, new=n.owner)
    for what in ("description", "title", "compatibility"):
        if getattr(o, what) != getattr(n, what):
            d.emit("description-changed", node("metadata", what), what=what)
    if set(o.tags) != set(n.tags):
        d.emit("description-changed", node("metadata", "tags"), what="tags")


@emits("freshness-loosened", "freshness-tightened", "freshness-column-changed", "availability-lowered",
       "availability-raised")
def _sla(d: Diff) -> None:
    o, n = d.old.sla, d.new.sla
    of, nf = (o.freshness if o else None), (n.freshness if n else None)
    if of != nf:
        loosened = of is not None and (nf is None or nf.seconds > of.seconds)
        d.emit("freshness-loosened" if loosened else "freshness-tightened", node("spec", "sla", "freshness"),
               old=of, new=nf)
    ocol, ncol = d.old.freshness_column, d.new.freshness_column
    if ocol != ncol and ocol is not None and ncol is not None:
        d.emit("freshness-column-changed", node("spec", "sla", "freshness_column"), old=ocol, new=ncol)
    oa, na = (o.availability if o else None), (n.availability if n else None)
    if oa != na:
        show_o, show_n = (o.availability_text if o else None), (n.availability_text if n else None)
        lowered = oa is not None and (na is None or na < oa)
        d.emit("availability-lowered" if lowered else "availability-raised", node("spec", "sla", "availability"),
               old=show_o, new=show_n)


@emits("access-role-removed", "access-role-added", "access-policy-removed", "access-policy-added")
def _access(d: Diff) -> None:
    for kind, attr, removed, added in (("role", "roles", "access-role-removed", "access-role-added"),
                                       ("policy", "policies", "access-policy-removed", "access-policy-added")):
        old, new = getattr(d.old, attr), getattr(d.new, attr)
        listed = node("spec", "access", attr)
        for value in sorted(set(old) - set(new)):
            d.emit(removed, listed.item(old.index(value), value), side="old", **{kind: value})
        for value in sorted(set(new) - set(old)):
            d.emit(added, listed.item(new.index(value), value), **{kind: value})


@emits("lineage-changed")
def _lineage(d: Diff) -> None:
    for what in ("upstream", "downstream"):
        old, new = set(getattr(d.old, what)), set(getattr(d.new, what))
        if old != new:
            parts = [f"+{v}" for v in sorted(new - old)] + [f"-{v}" for v in sorted(old - new)]
            d.emit("lineage-changed", node("spec", "lineage", what), what=what, detail=" ".join(parts))


@emits("extension-changed")
def _extensions(d: Diff) -> None:
    old, new = _collect_extensions(d.old), _collect_extensions(d.new)
    # Extensions of a field or check that exists on one side only go with its own finding.
    both = ({f.json_path for f in d.old.fields} & {f.json_path for f in d.new.fields}
            | {c.json_path for c in d.old.checks} & {c.json_path for c in d.new.checks})

    def owned_by_one_side(jpath: str) -> bool:
        if not jpath.startswith(("$.spec.schema.fields[", "$.spec.quality.checks[")):
            return False
        return jpath[: jpath.index("]") + 1] not in both

    for jpath in sorted(set(old) | set(new)):
        if owned_by_one_side(jpath):
            continue
        if jpath not in new:
            d.emit("extension-changed", old[jpath][1], side="old", key=True, ext=jpath)
        elif jpath not in old or old[jpath][0] != new[jpath][0]:
            d.emit("extension-changed", new[jpath][1], key=True, ext=jpath)


def _collect_extensions(c: Contract) -> dict[str, tuple[Any, Node]]:
    """Every `x-` key in the document, by a JSON path that names list items by natural key."""
    out: dict[str, tuple[Any, Node]] = {}

    def walk(value: Any, doc: PathKey, json: str) -> None:  # a Node's two halves, kept apart for speed
        if isinstance(value, dict):
            for k, v in value.items():
                if k.startswith("x-"):
                    out[f"{json}.{k}"] = (v, Node((*doc, k), f"{json}.{k}"))
                elif isinstance(v, dict | list):
                    walk(v, (*doc, k), f"{json}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, dict | list):
                    walk(v, (*doc, i), f"{json}[{_item_name(doc, i, v)}]")

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


@emits("primary-key-added", "primary-key-removed", "primary-key-moved")
def _primary_key(d: Diff, renames: dict[str, str]) -> None:
    old_pk = [renames.get(n, n) for n in d.old.primary_key]
    new_pk = d.new.primary_key
    if set(old_pk) == set(new_pk):
        return
    if not old_pk:
        d.emit("primary-key-added", _key_field(d.new, new_pk[0]).constraint("primary_key"), new=new_pk)
    elif new_pk:
        d.emit("primary-key-moved", _key_field(d.new, new_pk[0]).constraint("primary_key"), old=old_pk, new=new_pk)
    elif (f := d.new.field(old_pk[0])) is not None:
        d.emit("primary-key-removed", f.constraint("primary_key"), old=old_pk)
    else:  # the key field itself is gone: point at it in the old file
        d.emit("primary-key-removed", _key_field(d.old, d.old.primary_key[0]).constraint("primary_key"),
               side="old", old=old_pk)


def _key_field(c: Contract, name: str) -> Field:
    f = c.field(name)
    assert f is not None
    return f


CONTRACT_ASPECTS: list[Callable[[Diff], None]] = [_metadata, _sla, _access, _lineage, _extensions]


# --- fields --------------------------------------------------------------------

@emits("field-renamed", "field-added", "field-removed")
def _diff_fields(d: Diff) -> None:
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
            d.emit("field-renamed", _named(nf), field=nf.name, old=of.name)
        else:
            d.emit("field-added", _named(nf), field=nf.name, type=nf.type_text)
    for of in d.old.fields:
        if of.name not in matched_old:
            d.emit("field-removed", _named(of), side="old", field=of.name)
    for of, nf in pairs:
        pk_changed = of.constraints.primary_key != nf.constraints.primary_key
        for aspect in FIELD_ASPECTS:
            aspect(d, of, nf, pk_changed)
    d.renames.update(renames)
    _primary_key(d, renames)


def _named(f: Field) -> Node:
    """The field, shown at its name."""
    return f.node.shown_at(*f.path, "name")


@emits("field-type-changed", "field-type-widened", "field-type-narrowed")
def _field_type(d: Diff, of: Field, nf: Field, _pk: bool) -> None:
    where = nf.node.child("type")
    if of.type is None or nf.type is None:
        if of.type_text.strip().lower() != nf.type_text.strip().lower():
            d.emit("field-type-changed", where, field=nf.name, old=of.type_text, new=nf.type_text)
        return
    relation = compare_types(of.type, nf.type)
    if relation != "same":
        rule = {"widened": "field-type-widened", "narrowed": "field-type-narrowed"}.get(relation, "field-type-changed")
        d.emit(rule, where, field=nf.name, old=of.type_text, new=nf.type_text)


@emits("field-became-not-null", "field-became-nullable")
def _nullability(d: Diff, of: Field, nf: Field, pk_changed: bool) -> None:
    old_nn, new_nn = of.constraints.not_null, nf.constraints.not_null
    # A difference that comes with a primary-key change is that change's doing (reported once, there).
    if old_nn == new_nn or pk_changed:
        return
    rule = "field-became-not-null" if new_nn else "field-became-nullable"
    d.emit(rule, nf.constraint("nullable", "null"), field=nf.name)


@emits("unique-added", "unique-removed")
def _unique(d: Diff, of: Field, nf: Field, pk_changed: bool) -> None:
    old_u, new_u = of.constraints.is_unique, nf.constraints.is_unique
    if old_u == new_u or pk_changed:
        return
    d.emit("unique-added" if new_u else "unique-removed", nf.constraint("unique"), field=nf.name)


@emits("enum-added", "enum-removed", "enum-value-added", "enum-value-removed")
def _enum(d: Diff, of: Field, nf: Field, _pk: bool) -> None:
    old, new = of.constraints.enum, nf.constraints.enum
    where = nf.constraint("enum")
    if old is None and new is None:
        return
    if old is None:
        d.emit("enum-added", where, field=nf.name, values=new)
    elif new is None:
        d.emit("enum-removed", where, field=nf.name, values=old)
    else:
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        if added:
            d.emit("enum-value-added", where, field=nf.name, values=added)
        if removed:
            d.emit("enum-value-removed", where, field=nf.name, values=removed)


@emits("bound-loosened", "bound-tightened")
def _bounds(d: Diff, of: Field, nf: Field, _pk: bool) -> None:
    for bound, lower in (("min", True), ("max", False), ("min_length", True), ("max_length", False)):
        old, new = getattr(of.constraints, bound), getattr(nf.constraints, bound)
        move = bound_move(old, new, lower)
        if move == "same":
            continue
        # A bound that cannot be ordered is treated as loosened: the safe side for readers.
        loosened = move in ("loosened", "unordered")
        d.emit("bound-loosened" if loosened else "bound-tightened", nf.constraint(bound),
               field=nf.name, bound=bound, old=old, new=new)


@emits("pattern-added", "pattern-removed", "pattern-changed")
def _pattern(d: Diff, of: Field, nf: Field, _pk: bool) -> None:
    old, new = of.constraints.pattern, nf.constraints.pattern
    if old == new:
        return
    rule = "pattern-added" if old is None else "pattern-removed" if new is None else "pattern-changed"
    d.emit(rule, nf.constraint("pattern"), field=nf.name, old=old, new=new)


@emits("masking-changed")
def _masking(d: Diff, of: Field, nf: Field, _pk: bool) -> None:
    def norm(m: str | None) -> str | None:
        return None if m in (None, "none") else m
    old, new = norm(of.constraints.masking), norm(nf.constraints.masking)
    if old != new:
        d.emit("masking-changed", nf.constraint("masking"), field=nf.name, old=old, new=new)


@emits("access-clear-lost")
def _clear_read(d: Diff, of: Field, nf: Field, _pk: bool) -> None:
    """Per role listed in both versions: a column it read in clear is now masked or denied."""
    from scaffolder.access.default_policy import contract_effect

    before = contract_effect(of.constraints.pii, of.constraints.masking, True)
    after = contract_effect(nf.constraints.pii, nf.constraints.masking, True)
    if before[0] != "allow" or after[0] == "allow":
        return
    shown = f"mask({after[1]})" if after[0] == "mask" else after[0]
    cause = nf.constraint("masking", "pii").doc  # what took the clear read away
    for role in sorted(set(d.old.roles) & set(d.new.roles)):
        d.emit("access-clear-lost", Node(cause, f"{nf.json_path}.access[{role}]"), role=role, field=nf.name, new=shown)


@emits("timezone-changed")
def _timezone(d: Diff, of: Field, nf: Field, _pk: bool) -> None:
    if of.constraints.timezone != nf.constraints.timezone:
        d.emit("timezone-changed", nf.constraint("timezone"), field=nf.name,
               old=of.constraints.timezone, new=nf.constraints.timezone)


@emits("pii-changed")
def _pii(d: Diff, of: Field, nf: Field, _pk: bool) -> None:
    if of.constraints.pii != nf.constraints.pii:
        d.emit("pii-changed", nf.constraint("pii"), field=nf.name, old=of.constraints.pii, new=nf.constraints.pii)


@emits("field-deprecated", "field-deprecation-changed")
def _deprecation(d: Diff, of: Field, nf: Field, _pk: bool) -> None:
    if of.deprecated == nf.deprecated:
        return
    where = nf.node.child("deprecated")
    if not nf.deprecated:
        where = where.shown_at(*nf.path, "name")
    if of.deprecated is None and nf.deprecated is not None:
        dep = nf.deprecated
        detail = "".join([f" since {dep.since}" if dep.since else "", f", sunset {dep.sunset}" if dep.sunset else "",
                          f", use {dep.replaced_by}" if dep.replaced_by else ""])
        d.emit("field-deprecated", where, field=nf.name, detail=detail)
    else:
        d.emit("field-deprecation-changed", where, field=nf.name)


@emits("field-description-changed")
def _field_description(d: Diff, of: Field, nf: Field, _pk: bool) -> None:
    if (of.description or "") != (nf.description or ""):
        d.emit("field-description-changed", nf.node.child("description"), field=nf.name)


FIELD_ASPECTS: list[Callable[[Diff, Field, Field, bool], None]] = [
    _field_type, _nullability, _unique, _enum, _bounds, _pattern, _masking, _clear_read, _timezone, _pii,
    _deprecation, _field_description,
]
