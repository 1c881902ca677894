"""Convert contracts between ODCS v3 and datamesh.io/v1, both ways, losing nothing.

`to_odcs` writes one ODCS document from one or several of our contracts (one
`schema` object each); `from_odcs` reads an ODCS document into one of our
contracts per `schema` object. The rows of mapping.py say what maps to what.
An ODCS part that has no counterpart (or would not come back the same) is kept
under `x-odcs` at the level it came from, and written back verbatim; our parts
without an ODCS counterpart travel as `datamesh.*` custom properties.
`convert_located` also says where each of our keys came from in the ODCS
document, so findings point into the ODCS file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from scaffolder.checks.assertions import QUERY
from scaffolder.contract.types import LogicalType, TypeParseError, parse_type
from scaffolder.odcs.mapping import (
    CHECKS,
    CUSTOM_PREFIX,
    ENGINE,
    KEEP,
    OPERATORS,
    PII_CLASSES,
    SLA,
    SMALL_INTS,
    TYPES,
    UNITS,
    V30_RULES,
    WRITE_API_VERSION,
)

PathKey = tuple[str | int, ...]
APPEND = ("quality", "customProperties")  # kept lists add to what we write
# SLA properties are kept whole when they would not come back the same (another unit's spelling,
# another table's, retention...): the document's list is written back as it was, but for the
# properties our SLA says otherwise since (_sla_merge).
DROP = "-"  # under x-odcs: keys we write that the ODCS document did not have
SEEN = "="  # under x-odcs: a fingerprint of what we wrote for each kept key when the document was read
_BY_OURS = {r.ours: r for r in TYPES}
_STRINGS = {"string", "uuid", "bytes"}
_ROW_METRICS = {"nullValues", "duplicateValues", "invalidValues"}
_FIELD_CUSTOM = ("masking", "deprecated", "renamed_from")
_SLUG = re.compile(r"[^a-z0-9_.-]+")


# ---------------------------------------------------------------- ours -> ODCS

def to_odcs(data: dict[str, Any] | list[dict[str, Any]]) -> dict[str, Any]:
    """One ODCS v3 document for one of our contracts, or several sharing one ODCS contract."""
    items = [d for d in (data if isinstance(data, list) else [data]) if isinstance(d, dict)]
    if not items:
        raise ValueError("no contract to convert")
    first = items[0]
    meta, spec = _map(first.get("metadata")), _map(first.get("spec"))
    name = _str(meta.get("name")) or ""
    prefix, _, product = name.rpartition(".")
    out: dict[str, Any] = {
        "apiVersion": WRITE_API_VERSION,
        "kind": "DataContract",
        "id": re.sub(r"[^A-Za-z0-9_-]+", "-", prefix or product) or "contract",
        "name": prefix or product,
        "version": meta.get("version"),
    }
    if "status" in meta:
        out["status"] = meta["status"]
    if "domain" in meta:
        out["domain"] = meta["domain"]
    if "description" in meta:
        out["description"] = {"purpose": meta["description"]}
    if "tags" in meta:
        out["tags"] = meta["tags"]
    out["schema"] = [_object(d) for d in items if _fields(d) or len(items) > 1]
    if not out["schema"]:
        del out["schema"]
    sla = [p for d in items for p in _sla_out(d)]
    if sla:
        out["slaProperties"] = _dedup(sla)
    if isinstance(spec.get("owner"), str):
        out["team"] = {"name": spec["owner"]}
    access = _map(spec.get("access"))
    if isinstance(access.get("roles"), list):
        out["roles"] = [{"role": r} for r in access["roles"]]
    custom = [_custom(k, meta[k]) for k in ("sunset", "compatibility") if k in meta]
    if "policies" in access:
        custom.append(_custom("policies", access["policies"]))
    custom += _ext(first)
    if custom:
        out["customProperties"] = custom
    kept = _map(first.get(KEEP))
    out = _restore(out, kept)
    if "slaProperties" in kept:
        out["slaProperties"] = _sla_merge(_list(kept["slaProperties"]), sla, items,
                                          _str(kept.get("slaDefaultElement")))
    if not out.get("slaProperties", True):
        del out["slaProperties"]
    return out


def _sla_merge(kept: list[Any], ours: list[dict[str, Any]], items: list[dict[str, Any]],
               default: str | None) -> list[Any]:
    """The document's SLA properties as they were (their spelling, retention, frequency, another
    table's), except those our SLA now says otherwise: ours replace them."""
    slas = {_table_of(d): _map(_map(d.get("spec")).get("sla")) for d in items}
    out: list[Any] = []
    for p in kept:
        if isinstance(p, dict) and p.get("property") == "datamesh":
            continue  # our own extensions: written from our SLA
        said = [(t, read) for t in slas for read in [_sla_in([p], t, default)[0]] if read]
        if any(not _same_sla(read, slas[t]) for t, read in said):
            continue  # edited since it was read: ours is written instead
        out.append(p)
        ours = [q for q in ours if not _covers(p, q, said, slas, default)]
    return _dedup(out + ours)


def _covers(kept: dict[str, Any], q: dict[str, Any], said: list[tuple[str, dict[str, Any]]],
            slas: dict[str, dict[str, Any]], default: str | None) -> bool:
    """Whether our SLA property `q` says what the kept one says (so only the kept one is written)."""
    mine = [(t, read) for t in slas for read in [_sla_in([q], t, default)[0]] if read]
    return bool(said) and all(any(t == u and set(r) <= set(s) for u, s in said) for t, r in mine)


def _same_sla(read: dict[str, Any], sla: dict[str, Any]) -> bool:
    """What an SLA property was read as still holds in our SLA (a duration in seconds, a percentage)."""
    for key, value in read.items():
        now = sla.get(key)
        if key == "freshness":
            value, now = _seconds(value, None), _seconds(now, None) if isinstance(now, str) else None
        elif key == "availability":
            value, now = (str(v).strip().rstrip("%").strip() if v is not None else None for v in (value, now))
            value, now = (float(v) if v and re.fullmatch(r"[0-9.]+", v) else v for v in (value, now))
        if value != now:
            return False
    return True


def _table_of(data: dict[str, Any]) -> str:
    return (_str(_map(data.get("metadata")).get("name")) or "").rpartition(".")[2]


def _object(data: dict[str, Any]) -> dict[str, Any]:
    meta, spec = _map(data.get("metadata")), _map(data.get("spec"))
    schema = _map(spec.get("schema"))
    name = _str(meta.get("name")) or ""
    obj: dict[str, Any] = {"name": name.rpartition(".")[2], "logicalType": "object"}
    if "type" in schema:
        obj["physicalType"] = schema["type"]
    if "title" in meta:
        obj["businessName"] = meta["title"]
    fields = _fields(data)
    checks = [c for c in _list(_map(spec.get("quality")).get("checks")) if isinstance(c, dict)]
    names = {f.get("name") for f in fields}
    pk = [f.get("name") for f in fields if _map(f.get("constraints")).get("primary_key") is True]
    obj["properties"] = [
        _property(f, pk, [c for c in checks if c.get("column") == f.get("name")]) for f in fields
    ]
    table_rules = [_rule_out(c) for c in checks if c.get("column") not in names]
    if table_rules:
        obj["quality"] = table_rules
    custom = []
    if "lineage" in spec:
        custom.append(_custom("lineage", spec["lineage"]))
    if "watermark" in schema:
        custom.append(_custom("watermark", schema["watermark"]))
    custom += _ext(schema) + _ext(spec, "spec.") + _ext(meta, "metadata.")
    if custom:
        obj["customProperties"] = custom
    return _restore(obj, _map(schema.get(KEEP)))


def _type_of(text: Any) -> LogicalType | None:
    try:
        return parse_type(text) if isinstance(text, str) else None
    except TypeParseError:
        return None


def _typed(t: LogicalType | None, text: Any) -> dict[str, Any]:
    """logicalType, physicalType and the options a type implies (used for nested items too)."""
    if t is None:
        return {"physicalType": text} if isinstance(text, str) else {}
    row = _BY_OURS[t.name]
    out: dict[str, Any] = {"logicalType": row.logical, "physicalType": str(t)}
    opts: dict[str, Any] = {"format": row.format} if row.format else {}
    if t.name == "timestamp_tz":
        opts["timezone"] = True
    if opts:
        out["logicalTypeOptions"] = opts
    if t.name == "array":
        out["items"] = _typed(t.items[0], None)
    elif t.name == "map":
        out["map"] = {"key": _typed(t.items[0], None), "value": _typed(t.items[1], None)}
    elif t.name == "struct":
        out["properties"] = [{"name": n, **_typed(s, None)} for n, s in zip(t.names, t.items, strict=True)]
    return out


def _property(f: dict[str, Any], pk: list[Any], checks: list[dict[str, Any]]) -> dict[str, Any]:
    t = _type_of(f.get("type"))
    p: dict[str, Any] = {"name": f.get("name"), **_typed(t, f.get("type"))}
    if "description" in f:
        p["description"] = f["description"]
    c = _map(f.get("constraints"))
    custom = []
    opts = dict(p.get("logicalTypeOptions", {}))
    for key, option in (("min", "minimum"), ("max", "maximum"), ("min_length", "minLength"),
                        ("max_length", "maxLength"), ("pattern", "pattern"), ("timezone", "defaultTimezone")):
        if key in c:
            if _option_fits(t, key, c[key]):
                opts[option] = c[key]
            else:
                custom.append(_custom(key, c[key]))
    if opts:
        p["logicalTypeOptions"] = opts
    if c.get("primary_key") is True:
        p["primaryKey"] = True
        p["primaryKeyPosition"] = pk.index(f.get("name")) + 1
    nullable = c.get("nullable", c.get("null", c.get(None)))  # `null:` read by a YAML 1.1 loader: None
    if isinstance(nullable, bool):
        p["required"] = not nullable
    if "unique" in c:
        p["unique"] = c["unique"]
    if c.get("pii") is True:
        p["classification"] = "pii"
    elif c.get("pii") is False:
        custom.append(_custom("pii", False))
    if "masking" in c:
        custom.append(_custom("masking", c["masking"]))
    if isinstance(f.get("deprecated"), dict):
        p["deprecated"] = True
        custom.append(_custom("deprecated", f["deprecated"]))
    if "renamed_from" in f:
        custom.append(_custom("renamed_from", f["renamed_from"]))
    custom += _ext(f) + _ext(c, "constraints.")
    rules = []
    kept = dict(_map(f.get(KEEP)))
    listed = _enum_values(kept.get("enum"))  # v3.2's `enum` the property was read from: written so again
    if listed is not None:
        by_value = {repr(v): e for v, e in zip(listed, kept.pop("enum"), strict=True)}
        if isinstance(c.get("enum"), list):  # labels kept, edits applied
            p["enum"] = [by_value.get(repr(v), {"value": v}) for v in c["enum"]]
    elif isinstance(c.get("enum"), list):
        rules.append({"metric": "invalidValues", "arguments": {"validValues": c["enum"]}, "mustBe": 0})
    rules += [_rule_out(ch) for ch in checks]
    if rules:
        p["quality"] = rules
    if custom:
        p["customProperties"] = custom
    return _restore(p, kept)


def _enum_values(raw: Any) -> list[Any] | None:
    """The values of v3.2's `enum` ([{value, label, ...}]), or None when it is not a list of scalar values."""
    items = _list(raw)
    if not items or not all(isinstance(e, dict) and isinstance(e.get("value"), str | int | float)
                            and not isinstance(e.get("value"), bool) for e in items):
        return None
    return [e["value"] for e in items]


def _option_fits(t: LogicalType | None, key: str, value: Any) -> bool:
    if t is None:
        return False
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if key in ("min", "max"):
        if t.name in ("int", "long", "float", "double", "decimal"):
            return number
        return t.name in ("date", "timestamp", "timestamp_tz", "time") and isinstance(value, str)
    if key == "timezone":
        return t.name in ("timestamp", "timestamp_tz", "time") and isinstance(value, str)
    if key == "pattern":
        return t.name in _STRINGS and isinstance(value, str)
    return t.name in _STRINGS and type(value) is int and value >= 0


def _threshold_out(threshold: Any) -> dict[str, Any]:
    if not _number(threshold) or threshold == 1:
        return {"mustBe": 0}
    return {"mustBeLessOrEqualTo": round((1 - threshold) * 100, 10), "unit": "percent"}


def _rule_out(check: dict[str, Any]) -> dict[str, Any]:
    """One of our checks as an ODCS quality rule: a library metric where one fits, else a custom rule."""
    base: dict[str, Any] = {k: check[k] for k in ("name", "description") if k in check}
    assertion, value = check.get("assertion"), _map(check.get("value"))
    row = next((r for r in CHECKS if r.assertion == assertion), None)
    rule = _library(row, check, value) if row else _sql_out(check, value) if assertion == QUERY else None
    if rule is None:
        impl = {k: check[k] for k in ("assertion", "column", "threshold", "value") if k in check}
        rule = {"type": "custom", "engine": ENGINE, "implementation": impl}
    elif row and row.metric == "invalidValues" and "name" not in base:
        base["name"] = assertion  # an unnamed invalidValues rule is an enum constraint
    out = {**base, **rule}
    ext = _ext(check)
    if ext:
        out["customProperties"] = ext
    return _restore(out, _map(check.get(KEEP)))


def _library(row: Any, check: dict[str, Any], value: dict[str, Any]) -> dict[str, Any] | None:
    threshold = check.get("threshold", 1)
    if row.metric == "rowCount":
        return _bounds_out(value)
    if set(value) != ({row.ours_arg} if row.ours_arg else set()):
        return None
    if row.assertion == "expect_compound_columns_to_be_unique":
        if "column" in check:
            return None
        return {"metric": "duplicateValues", "arguments": {"properties": value["column_list"]},
                **_threshold_out(threshold)}
    if "column" not in check:
        return None
    rule: dict[str, Any] = {"metric": row.metric}
    if row.argument:
        rule["arguments"] = {row.argument: value[row.ours_arg]}
    return {**rule, **_threshold_out(threshold)}


def _sql_out(check: dict[str, Any], value: dict[str, Any]) -> dict[str, Any] | None:
    """Our query check as ODCS's `sql` rule: the query and its operators as they are."""
    ops = [k for k in OPERATORS if k in value]
    if "threshold" in check or not isinstance(value.get("query"), str) or len(ops) != 1 or set(value) != {"query", *ops}:
        return None
    return {"type": "sql", "query": value["query"], ops[0]: value[ops[0]]}


def _bounds_out(value: dict[str, Any]) -> dict[str, Any] | None:
    lo, hi = value.get("min_value"), value.get("max_value")
    strict_lo, strict_hi = value.get("strict_min") is True, value.get("strict_max") is True
    if set(value) - {"min_value", "max_value", "strict_min", "strict_max"}:
        return None
    if any(v is not None and not _number(v) for v in (lo, hi)):
        return None
    if lo is not None and hi is not None:
        if strict_lo or strict_hi:
            return None
        return {"metric": "rowCount", **({"mustBe": lo} if lo == hi else {"mustBeBetween": [lo, hi]})}
    if lo is not None:
        return {"metric": "rowCount", ("mustBeGreaterThan" if strict_lo else "mustBeGreaterOrEqualTo"): lo}
    if hi is not None:
        return {"metric": "rowCount", ("mustBeLessThan" if strict_hi else "mustBeLessOrEqualTo"): hi}
    return None


def _sla_out(data: dict[str, Any]) -> list[dict[str, Any]]:
    sla = _map(_map(data.get("spec")).get("sla"))
    table = _table_of(data)
    out = []
    m = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", str(sla.get("freshness", "")))
    if m:
        col = sla.get("freshness_column")
        out.append({"property": "latency", "value": int(m.group(1)), "unit": m.group(2),
                    "element": f"{table}.{col}" if isinstance(col, str) else table})
    elif "freshness" in sla or "freshness_column" in sla:
        out.append({"property": "latency", "value": sla.get("freshness"),
                    "element": f"{table}.{sla.get('freshness_column', '')}".rstrip(".")})
    if "availability" in sla:
        raw = sla["availability"]
        m = re.fullmatch(r"\s*([0-9.]+)\s*%\s*", raw) if isinstance(raw, str) else None
        value = _num(m.group(1)) if m else raw
        out.append({"property": "availability", "value": value, **({"unit": "percent"} if m or _number(raw) else {})})
    ext = _ext(sla)
    if ext:
        out.append({"property": "datamesh", "value": None, "element": table, "customProperties": ext})
    return out


# ---------------------------------------------------------------- ODCS -> ours

@dataclass
class Converted:
    """One of our contracts read from an ODCS document, with where its parts came from."""

    data: dict[str, Any]
    table: str | None
    origins: dict[PathKey, PathKey] = field(default_factory=dict)  # our path -> ODCS path
    kept: list[PathKey] = field(default_factory=list)  # ODCS paths kept under x-odcs (no counterpart)


def from_odcs(doc: dict[str, Any]) -> list[dict[str, Any]] | dict[str, Any]:
    """Our contract for an ODCS document with one `schema` object, else a list (one per object)."""
    out = [c.data for c in convert_located(doc)]
    return out[0] if len(out) == 1 else out


def convert_located(doc: dict[str, Any]) -> list[Converted]:
    """One Converted per `schema` object (one for a document without any), in document order."""
    objects = [(i, o) for i, o in enumerate(_list(doc.get("schema"))) if isinstance(o, dict)]
    base = _slug(_str(doc.get("name")) or _str(doc.get("id")) or "contract")
    if not objects:
        return [_read(doc, base, None, None)]
    return [_read(doc, base, i, o) for i, o in objects]


def _read(doc: dict[str, Any], base: str, index: int | None, obj: dict[str, Any] | None) -> Converted:
    table = _slug(_str(obj.get("name")) or f"table{index}") if obj is not None else None
    name = base if table is None or base == table or base.endswith("." + table) else f"{base}.{table}"
    conv = Converted({}, table)
    o = conv.origins
    meta: dict[str, Any] = {"name": name}
    o[("metadata", "name")] = ("schema", index, "name") if index is not None else ("name",)
    domain = _str(doc.get("domain")) or _str(doc.get("dataProduct")) or name.split(".")[0]
    meta["domain"] = _domain(domain)
    o[("metadata", "domain")] = ("domain",)
    version = doc.get("version")
    meta["version"] = version if isinstance(version, str) else str(version if version is not None else "")
    o[("metadata", "version")] = ("version",)
    if isinstance(doc.get("status"), str) and doc["status"] in ("draft", "active", "deprecated", "retired"):
        meta["status"] = doc["status"]
        o[("metadata", "status")] = ("status",)
    purpose = _map(doc.get("description")).get("purpose")
    if isinstance(purpose, str):
        meta["description"] = purpose
        o[("metadata", "description")] = ("description", "purpose")
    if isinstance(doc.get("tags"), list) and all(isinstance(t, str) for t in doc["tags"]):
        meta["tags"] = doc["tags"]
    top_custom = _customs(doc.get("customProperties"))
    for key in ("sunset", "compatibility"):
        if key in top_custom:
            meta[key] = top_custom[key]
    spec: dict[str, Any] = {}
    owner = _owner(doc.get("team"))
    if owner:
        spec["owner"] = owner
        o[("spec", "owner")] = ("team",)
    sla, sla_origin = _sla_in(doc.get("slaProperties"), table, _str(doc.get("slaDefaultElement")))
    if sla:
        spec["sla"] = sla
        o.update({("spec", "sla", *k): v for k, v in sla_origin.items()})
    fields: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    schema: dict[str, Any] = {}
    if obj is not None:
        at: PathKey = ("schema", index)
        if isinstance(obj.get("physicalType"), str):
            schema["type"] = obj["physicalType"]
        if isinstance(obj.get("businessName"), str):
            meta["title"] = obj["businessName"]
        props = [(j, p) for j, p in enumerate(_list(obj.get("properties"))) if isinstance(p, dict)]
        for j, p in props:
            f, f_checks = _field(p, (*at, "properties", j), len(fields), len(checks), o)
            fields.append(f)
            checks.extend(f_checks)
        for k, rule in enumerate(_list(obj.get("quality"))):
            check = _rule_in(rule, None)
            if isinstance(check, dict):
                o[("spec", "quality", "checks", len(checks))] = (*at, "quality", k)
                checks.append(check)
        obj_custom = _customs(obj.get("customProperties"))
        if "lineage" in obj_custom:
            spec["lineage"] = obj_custom["lineage"]
        if "watermark" in obj_custom:
            schema["watermark"] = obj_custom["watermark"]
        for k, v in obj_custom.items():
            if k.startswith("x-"):
                schema[k] = v
            elif k.startswith(("spec.x-", "metadata.x-")):
                (spec if k.startswith("spec.") else meta)[k.split(".", 1)[1]] = v
        o[("spec", "schema")] = at
    schema["fields"] = fields
    spec["schema"] = schema
    if checks:
        spec["quality"] = {"checks": checks}
    roles = [r.get("role") for r in _list(doc.get("roles")) if isinstance(r, dict) and isinstance(r.get("role"), str)]
    if roles or "policies" in top_custom:
        spec["access"] = {**({"roles": roles} if roles else {}),
                          **({"policies": top_custom["policies"]} if "policies" in top_custom else {})}
        o[("spec", "access")] = ("roles",)
    data: dict[str, Any] = {"apiVersion": "datamesh.io/v1", "kind": "DataProduct", "metadata": meta, "spec": spec}
    data.update({k: v for k, v in top_custom.items() if k.startswith("x-")})
    conv.data = data
    _keep(conv, doc, obj, index)
    return conv


def _field(p: dict[str, Any], at: PathKey, i: int, first_check: int,
           o: dict[PathKey, PathKey]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    here: PathKey = ("spec", "schema", "fields", i)
    name = p.get("name") if isinstance(p.get("name"), str) else f"column{i}"
    t = _type_in(p)
    f: dict[str, Any] = {"name": name, "type": str(t) if t else "string"}
    o[here] = at
    o[(*here, "name")] = (*at, "name")
    o[(*here, "type")] = (*at, "logicalType") if "logicalType" in p else (*at, "physicalType")
    if isinstance(p.get("description"), str):
        f["description"] = p["description"]
    c: dict[str, Any] = {}
    custom = _customs(p.get("customProperties"))
    if p.get("primaryKey") is True:
        c["primary_key"] = True
        o[(*here, "constraints", "primary_key")] = (*at, "primaryKey")
    if isinstance(p.get("required"), bool):
        c["nullable"] = not p["required"]
        o[(*here, "constraints", "nullable")] = (*at, "required")
    if isinstance(p.get("unique"), bool):
        c["unique"] = p["unique"]
    classification = p.get("classification")
    tags = [t.lower() for t in _list(p.get("tags")) if isinstance(t, str)]
    if (isinstance(classification, str) and classification.lower() in PII_CLASSES) or "pii" in tags:
        c["pii"] = True
    elif "pii" in custom:
        c["pii"] = custom["pii"]
    opts = _map(p.get("logicalTypeOptions"))
    for key, option in (("min", "minimum"), ("max", "maximum"), ("min_length", "minLength"),
                        ("max_length", "maxLength"), ("pattern", "pattern"), ("timezone", "defaultTimezone")):
        if option in opts:
            c[key] = opts[option]
            o[(*here, "constraints", key)] = (*at, "logicalTypeOptions", option)
        elif key in custom:
            c[key] = custom[key]
    if "masking" in custom:
        c["masking"] = custom["masking"]
    c.update({k.split(".", 1)[1]: v for k, v in custom.items() if k.startswith("constraints.x-")})
    checks: list[dict[str, Any]] = []
    for k, rule in enumerate(_list(p.get("quality"))):
        read = _rule_in(rule, name)
        if isinstance(read, list):
            c["enum"] = read
            o[(*here, "constraints", "enum")] = (*at, "quality", k)
        elif read is not None:
            o[("spec", "quality", "checks", first_check + len(checks))] = (*at, "quality", k)
            checks.append(read)
    listed = _enum_values(p.get("enum"))
    if listed is not None and "enum" not in c:  # v3.2: the property's allowed values
        c["enum"] = listed
        o[(*here, "constraints", "enum")] = (*at, "enum")
    if c:
        f["constraints"] = {k: c[k] for k in ("primary_key", "nullable", "unique", "pii", "masking", "timezone",
                                              "enum", "min", "max", "min_length", "max_length", "pattern") if k in c}
        f["constraints"].update({k: v for k, v in c.items() if k.startswith("x-")})
    if isinstance(custom.get("deprecated"), dict):
        f["deprecated"] = custom["deprecated"]
    if "renamed_from" in custom:
        f["renamed_from"] = custom["renamed_from"]
    f.update({k: v for k, v in custom.items() if k.startswith("x-")})
    return f, checks


def _type_in(p: dict[str, Any]) -> LogicalType | None:
    """Our type for an ODCS property: its physicalType when we read it as one of ours, else its logicalType."""
    t = _type_of(p.get("physicalType"))
    logical = p.get("logicalType")
    if t is not None and (logical is None or _BY_OURS[t.name].logical == logical):
        return t
    opts = _map(p.get("logicalTypeOptions"))
    fmt = opts.get("format")
    if logical == "string":
        return parse_type({"uuid": "uuid", "binary": "bytes", "byte": "bytes"}.get(str(fmt), "string"))
    if logical == "integer":
        return parse_type("int" if str(fmt) in SMALL_INTS else "long")
    if logical == "number":
        return parse_type("float" if fmt == "f32" else "double")
    if logical == "timestamp":
        return parse_type("timestamp_tz" if opts.get("timezone") is True else "timestamp")
    if logical in ("boolean", "date", "time"):
        return parse_type(logical)
    if logical == "array":
        inner = _type_in(_map(p.get("items"))) or parse_type("string")
        return LogicalType("array", items=(inner,))
    if logical == "vector":
        return parse_type("array<float>")
    if logical == "map":
        m = _map(p.get("map"))
        return LogicalType("map", items=(_type_in(_map(m.get("key"))) or parse_type("string"),
                                         _type_in(_map(m.get("value"))) or parse_type("string")))
    if logical == "object":
        props = [q for q in _list(p.get("properties")) if isinstance(q, dict) and isinstance(q.get("name"), str)]
        if not props:
            return parse_type("map<string,string>")
        return LogicalType("struct", items=tuple(_type_in(q) or parse_type("string") for q in props),
                           names=tuple(q["name"] for q in props))
    return None


def _rule_in(rule: Any, column: str | None) -> dict[str, Any] | list[Any] | None:
    """Our check for an ODCS rule, a list (an enum constraint), or None (kept: no counterpart)."""
    read = _rule_read(rule, column)
    if isinstance(read, dict):
        read.update({k: v for k, v in _customs(rule.get("customProperties")).items() if k.startswith("x-")})
        kept = _diff(rule, _rule_out(read), (), ())  # dimension, severity, id...: written back as they were
        if kept:
            read[KEEP] = kept
    return read


def _rule_read(rule: Any, column: str | None) -> dict[str, Any] | list[Any] | None:
    if not isinstance(rule, dict):
        return None
    if rule.get("type") == "custom" and rule.get("engine") == ENGINE:
        impl = _map(rule.get("implementation"))
        if not isinstance(impl.get("assertion"), str):
            return None
        return {**{k: rule[k] for k in ("name", "description") if isinstance(rule.get(k), str)}, **impl}
    if rule.get("type") == "sql":
        return _sql_in(rule, column)
    metric = rule.get("metric", V30_RULES.get(str(rule.get("rule"))))
    if rule.get("type", "library") != "library" or not isinstance(metric, str):
        return None
    ops = [k for k in OPERATORS if k in rule]
    if len(ops) != 1:
        return None
    op, arg = ops[0], rule[ops[0]]
    args = _map(rule.get("arguments"))
    check: dict[str, Any] = {k: rule[k] for k in ("name", "description") if isinstance(rule.get(k), str)}
    if metric == "rowCount":
        value = _bounds_in(op, arg)
        if value is None or column is not None:
            return None
        return {**check, "assertion": "expect_table_row_count_to_be_between", "value": value}
    threshold = _threshold_in(op, arg, rule.get("unit"))
    if threshold is None:
        return None
    if metric in ("nullValues", "missingValues") and column and not (metric == "missingValues" and args):
        assertion, value = "expect_column_values_to_not_be_null", {}
    elif metric == "duplicateValues" and column and not args:
        assertion, value = "expect_column_values_to_be_unique", {}
    elif metric == "duplicateValues" and not column and isinstance(args.get("properties"), list) and len(args) == 1:
        assertion, value = "expect_compound_columns_to_be_unique", {"column_list": args["properties"]}
    elif metric == "invalidValues" and column and len(args) == 1 and isinstance(args.get("validValues"), list):
        if "name" not in check and threshold == 1 and set(rule) <= {"metric", "type", "arguments", "mustBe"}:
            return list(args["validValues"])
        assertion, value = "expect_column_values_to_be_in_set", {"value_set": args["validValues"]}
    elif metric == "invalidValues" and column and len(args) == 1 and isinstance(args.get("pattern"), str):
        assertion, value = "expect_column_values_to_match_regex", {"regex": args["pattern"]}
    else:
        return None
    if check.get("name") == assertion:
        del check["name"]
    out: dict[str, Any] = {**check, **({"column": column} if column else {}), "assertion": assertion}
    if threshold != 1:
        out["threshold"] = threshold
    if value:
        out["value"] = value
    return out


def _sql_in(rule: dict[str, Any], column: str | None) -> dict[str, Any] | None:
    """An ODCS `sql` rule as our query check, run as written by `scaffolder test` (checks.query)."""
    ops = [k for k in OPERATORS if k in rule]
    if not isinstance(rule.get("query"), str) or len(ops) != 1:
        return None
    return {**{k: rule[k] for k in ("name", "description") if isinstance(rule.get(k), str)},
            **({"column": column} if column else {}), "assertion": QUERY,
            "value": {"query": rule["query"], ops[0]: rule[ops[0]]}}


def _threshold_in(op: str, arg: Any, unit: Any) -> float | None:
    """The share of rows that must pass, from an operator on a count of failing rows."""
    if op == "mustBe" and arg == 0:
        return 1
    if op == "mustBeLessOrEqualTo" and unit == "percent" and _number(arg) and 0 <= arg <= 100:
        return round(1 - arg / 100, 10)
    return None


def _bounds_in(op: str, arg: Any) -> dict[str, Any] | None:
    if op == "mustBeBetween" and isinstance(arg, list) and len(arg) == 2 and all(_number(a) for a in arg):
        return {"min_value": arg[0], "max_value": arg[1]}
    if not _number(arg):
        return None
    return {"mustBe": {"min_value": arg, "max_value": arg},
            "mustBeGreaterThan": {"min_value": arg, "strict_min": True},
            "mustBeGreaterOrEqualTo": {"min_value": arg},
            "mustBeLessThan": {"max_value": arg, "strict_max": True},
            "mustBeLessOrEqualTo": {"max_value": arg}}.get(op)


def _sla_in(props: Any, table: str | None,
            default: str | None = None) -> tuple[dict[str, Any], dict[PathKey, PathKey]]:
    """Our SLA from slaProperties; an element (`table.column`, v3.0's slaDefaultElement when none)
    naming another table leaves it out."""
    sla: dict[str, Any] = {}
    origin: dict[PathKey, PathKey] = {}
    freshness = next(r.odcs for r in SLA if r.ours == "freshness")
    availability = next(r.odcs for r in SLA if r.ours == "availability")
    for i, p in enumerate(_list(props)):
        if not isinstance(p, dict):
            continue
        element = _str(p.get("element")) or default or ""
        owner, _, column = element.partition(".")
        if element and table is not None and owner != table:
            continue  # another table's
        if p.get("property") in freshness and "freshness" not in sla:
            seconds = _seconds(p.get("value"), p.get("unit"))
            if seconds is None and p.get("value") is not None:
                continue  # not a duration we can measure: kept
            if seconds is not None:
                sla["freshness"] = _duration(seconds)
                origin[("freshness",)] = ("slaProperties", i, "value")
            if column:  # a null value: only the column is stated
                sla["freshness_column"] = column
                origin[("freshness_column",)] = ("slaProperties", i, "element")
        elif p.get("property") in availability and "availability" not in sla:
            value = p.get("value")
            if _number(value):
                sla["availability"] = f"{value}%"
            elif isinstance(value, str) and re.fullmatch(r"\s*[0-9.]+\s*%\s*", value):
                sla["availability"] = value
            else:
                continue
            origin[("availability",)] = ("slaProperties", i, "value")
        elif p.get("property") == "datamesh":
            sla.update(_customs(p.get("customProperties")))
    return sla, origin


def _seconds(value: Any, unit: Any) -> int | None:
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+)\s*([a-z]+)\s*", value.lower())
        if not m or unit is not None:
            return None
        value, unit = int(m.group(1)), m.group(2)
    factor = UNITS.get(str(unit).lower()) if unit is not None else None
    if not _number(value) or factor is None or value < 0:
        return None
    seconds = value * factor
    return int(seconds) if float(seconds).is_integer() else None


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _owner(team: Any) -> str | None:
    members = _list(team) if isinstance(team, list) else _list(_map(team).get("members"))
    for m in members:
        if isinstance(m, dict) and "owner" in str(m.get("role", "")).lower() and isinstance(m.get("username"), str):
            return m["username"]
    if isinstance(team, dict) and isinstance(team.get("name"), str):
        return team["name"]
    first = next((m for m in members if isinstance(m, dict) and isinstance(m.get("username"), str)), None)
    return first["username"] if first else None


# ---------------------------------------------------------------- keeping what has no counterpart

def _keep(conv: Converted, doc: dict[str, Any], obj: dict[str, Any] | None, index: int | None) -> None:
    """Store under x-odcs every ODCS part that our contract would not write back the same."""
    data = conv.data
    again = to_odcs(data)
    top = _diff(doc, again, ("schema",), ())
    if top:
        data[KEEP] = top
        conv.kept += _paths(doc, top, ())
    if obj is None or index is None:
        return
    at: PathKey = ("schema", index)
    regen = _list(again.get("schema"))
    regen_obj = regen[0] if regen else {}
    schema = data["spec"]["schema"]
    kept = _diff(obj, regen_obj, ("properties",), at)
    if kept:
        schema[KEEP] = kept
        conv.kept += _paths(obj, kept, at)
        _kept_rules(conv, obj, kept, ("spec", "schema", KEEP), at)
    by_name = {p.get("name"): p for p in _list(regen_obj.get("properties")) if isinstance(p, dict)}
    fields = schema["fields"]
    props = [(j, p) for j, p in enumerate(_list(obj.get("properties"))) if isinstance(p, dict)]
    for i, ((j, p), f) in enumerate(zip(props, fields, strict=True)):
        kept = _diff(p, by_name.get(f["name"], {}), (), (*at, "properties", j))
        if _enum_values(kept.get("enum")) is not None and "quality" in _list(kept.get(DROP)):
            rest = [k for k in kept[DROP] if k != "quality"]  # written as `enum` again, not as a rule
            if rest:
                kept[DROP] = rest
            else:
                del kept[DROP]
        if kept:
            f[KEEP] = kept
            conv.kept += _paths(p, kept, (*at, "properties", j))
            _kept_rules(conv, p, kept, ("spec", "schema", "fields", i, KEEP), (*at, "properties", j))


def _kept_rules(conv: Converted, orig: dict[str, Any], kept: dict[str, Any], ours: PathKey, at: PathKey) -> None:
    """Where each kept quality rule stands in the ODCS document, so `test` can list it at its line."""
    rules = _list(orig.get("quality"))
    for n, rule in enumerate(_list(kept.get("quality"))):
        i = next((i for i, r in enumerate(rules) if r == rule), None)
        if i is not None:
            conv.origins[(*ours, "quality", n)] = (*at, "quality", i)


def _paths(orig: dict[str, Any], kept: dict[str, Any], at: PathKey) -> list[PathKey]:
    """Where the kept parts stand in the ODCS document: a key, or each kept item of a list we add to."""
    out: list[PathKey] = []
    for key, value in kept.items():
        if key in (DROP, SEEN):
            continue
        if key in APPEND and isinstance(value, list):
            out += [(*at, key, i) for i, item in enumerate(_list(orig.get(key))) if item in value]
        elif key == "slaProperties":  # the ones we do not read
            read = {p for r in SLA if r.ours for p in r.odcs} | {"datamesh"}
            out += [(*at, key, i) for i, item in enumerate(_list(value))
                    if not isinstance(item, dict) or str(item.get("property")) not in read]
        else:
            out.append((*at, key))
    return out


def _diff(orig: dict[str, Any], regen: dict[str, Any], skip: tuple[str, ...], at: PathKey) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in orig.items():
        if key in skip:
            continue
        if key in APPEND:
            mine = _list(regen.get(key))
            extra = [v for v in _list(value) if v not in mine]
            if extra:
                out[key] = extra
        elif key not in regen or regen[key] != value:
            out[key] = value
    dropped = [k for k in regen if k not in orig and k not in skip]
    if dropped:  # keys we would add (a v3.0 rule's metric, a logicalType): left out on the way back
        out[DROP] = dropped
    seen = {k: _print(regen.get(k)) for k in [*out, *dropped] if k not in APPEND and k != DROP}
    if seen:
        out[SEEN] = seen
    return out


def _restore(out: dict[str, Any], kept: dict[str, Any]) -> dict[str, Any]:
    """`out` with the kept ODCS parts put back, except where our contract changed what it writes for a
    key since it was read (its fingerprint under SEEN differs): there ours wins, merged into the kept
    mapping (our keys replace theirs, theirs stay) or, for roles and team, into the kept list."""
    seen = _map(kept.get(SEEN))

    def edited(key: Any) -> bool:
        return isinstance(key, str) and key in seen and _print(out.get(key)) != seen[key]

    for key in _list(kept.get(DROP)):
        if not edited(key):
            out.pop(key, None)
    for key, value in kept.items():
        if key in (DROP, SEEN):
            continue
        if key in APPEND and isinstance(value, list):
            out[key] = [*_list(out.get(key)), *value]
        elif not edited(key):
            out[key] = value
        elif key in out:
            out[key] = _MERGE.get(key, _merge)(value, out[key])
    return out


def _print(value: Any) -> str:
    """A short fingerprint of what we write for a key (to tell, later, whether our contract changed it)."""
    return hashlib.sha256(json.dumps(value, default=str).encode()).hexdigest()[:12]


def _merge(theirs: Any, ours: Any) -> Any:
    return {**theirs, **ours} if isinstance(theirs, dict) and isinstance(ours, dict) else ours


def _merge_roles(theirs: Any, ours: Any) -> Any:
    """Our role names, each with what the document said about it (access, approvers...)."""
    by_role = {r.get("role"): r for r in _list(theirs) if isinstance(r, dict) and isinstance(r.get("role"), str)}
    return [by_role.get(r.get("role"), r) if isinstance(r, dict) else r for r in _list(ours)]


def _merge_team(theirs: Any, ours: Any) -> Any:
    """Our owner first among the members (the reader takes the first owner), the others as they were."""
    if not isinstance(ours, dict) or not isinstance(ours.get("name"), str):
        return ours
    members = _list(theirs) if isinstance(theirs, list) else _list(_map(theirs).get("members"))
    if _owner(theirs) == ours["name"] or not members:
        return _merge(theirs, ours) if isinstance(theirs, dict) else ours
    owner = {"username": ours["name"], "role": "owner"}
    return {**_map(theirs), "name": ours["name"], "members": [owner, *members]}


_MERGE = {"roles": _merge_roles, "team": _merge_team}


# ---------------------------------------------------------------- small helpers

def _ext(mapping: dict[Any, Any], prefix: str = "") -> list[dict[str, Any]]:
    """The `x-` extensions of one of our mappings as custom properties (a key that is not text,
    such as YAML's `null`, is no extension)."""
    return [_custom(prefix + k, v) for k, v in mapping.items() if isinstance(k, str) and k.startswith("x-") and k != KEEP]


def _custom(key: str, value: Any) -> dict[str, Any]:
    return {"property": key if key.startswith("x-") else CUSTOM_PREFIX + key, "value": value}


def _customs(raw: Any) -> dict[str, Any]:
    """Our keys carried as custom properties (`datamesh.*` and `x-*`)."""
    out = {}
    for item in _list(raw):
        if isinstance(item, dict) and isinstance(item.get("property"), str):
            prop = item["property"]
            if prop.startswith(CUSTOM_PREFIX):
                out[prop[len(CUSTOM_PREFIX):]] = item.get("value")
            elif prop.startswith("x-"):
                out[prop] = item.get("value")
    return out


def _dedup(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _fields(data: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _map(_map(data.get("spec")).get("schema"))
    return [f for f in _list(schema.get("fields")) if isinstance(f, dict)]


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.strip().lower()).strip("-.") or "contract"


def _domain(text: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", text.strip().lower()).strip("-")
    return slug if slug[:1].isalpha() else ("d-" + slug if slug else "default")


def _num(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
