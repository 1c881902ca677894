"""Avro schemas <-> contracts (fastavro parses what we read and what we write).

Nullability is a union with "null"; enums become `enum` constraints (and are
written back as Avro enums when every symbol is a valid Avro name); logical
types (decimal, date, timestamp-*, time-*, uuid) map to ours one to one.
"""

from __future__ import annotations

import json
import re
from typing import Any

from scaffolder.errors import UsageError
from scaffolder.interop.draft import Column, Draft, parse_json

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PRIMITIVE = {"string": "string", "boolean": "boolean", "int": "int", "long": "long", "float": "float",
             "double": "double", "bytes": "bytes"}
LOGICAL = {"date": "date", "timestamp-millis": "timestamp_tz", "timestamp-micros": "timestamp_tz",
           "timestamp-nanos": "timestamp_tz", "local-timestamp-millis": "timestamp",
           "local-timestamp-micros": "timestamp", "local-timestamp-nanos": "timestamp",
           "time-millis": "time", "time-micros": "time", "uuid": "uuid"}
TO_AVRO = {"string": "string", "boolean": "boolean", "int": "int", "long": "long", "float": "float",
           "double": "double", "bytes": "bytes",
           "date": {"type": "int", "logicalType": "date"},
           "timestamp": {"type": "long", "logicalType": "local-timestamp-micros"},
           "timestamp_tz": {"type": "long", "logicalType": "timestamp-micros"},
           "time": {"type": "long", "logicalType": "time-micros"},
           "uuid": {"type": "string", "logicalType": "uuid"}}


def read(text: str, path: str = "<avro>") -> list[Draft]:
    """One draft from an Avro record schema (.avsc JSON)."""
    import fastavro

    schema = parse_json(text, path)
    try:
        fastavro.parse_schema(schema)
    except Exception as exc:  # fastavro raises SchemaParseException, ValueError, KeyError, ...
        raise UsageError(f"{path}: not a valid Avro schema: {exc}") from None
    if not isinstance(schema, dict) or schema.get("type") != "record":
        raise UsageError(f"{path}: the top-level Avro schema must be a record")
    named: dict[str, Any] = {}
    columns = []
    for f in schema["fields"]:
        col = Column(f["name"], "string", description=f.get("doc"))
        col.type, nullable, enum = _type(f["type"], named)
        col.nullable = None if nullable else False
        col.enum = enum
        columns.append(col)
    namespace = schema.get("namespace") or (schema["name"].rpartition(".")[0] or None)
    return [Draft(product=schema["name"].rpartition(".")[2], columns=columns, description=schema.get("doc"),
                  domain=namespace.split(".")[-1] if namespace else None, schema_type="avro")]


def _type(t: Any, named: dict[str, Any]) -> tuple[str, bool, list[Any] | None]:
    """(logical type, nullable, enum symbols) of an Avro type."""
    if isinstance(t, list):
        rest = [x for x in t if x != "null"]
        if len(rest) != 1:
            raise UsageError(f"the union {json.dumps(t)} has no single counterpart (only [\"null\", T] has)")
        logical, _, enum = _type(rest[0], named)
        return logical, len(rest) != len(t), enum
    if isinstance(t, str):
        if t in PRIMITIVE:
            return PRIMITIVE[t], False, None
        if t in named:
            return _type(named[t], named)
        raise UsageError(f"unknown Avro type {t!r}")
    kind = t.get("type")
    if isinstance(t.get("name"), str) and kind in ("record", "enum", "fixed"):
        named[t["name"]] = t
    logical = t.get("logicalType")
    if logical == "decimal" and type(t.get("precision")) is int and type(t.get("scale", 0)) is int:
        return f"decimal({t['precision']},{t.get('scale', 0)})", False, None  # else (invalid): the plain type
    if logical in LOGICAL:
        return LOGICAL[logical], False, None
    if kind == "enum":
        return "string", False, list(t["symbols"])
    if kind == "fixed":
        return "bytes", False, None
    if kind == "array":
        return f"array<{_type(t['items'], named)[0]}>", False, None
    if kind == "map":
        return f"map<string,{_type(t['values'], named)[0]}>", False, None
    if kind == "record":
        return "struct<" + ",".join(f"{f['name']}:{_type(f['type'], named)[0]}" for f in t["fields"]) + ">", False, None
    return _type(kind, named)


def write(contract: Any) -> str:
    """The contract's schema as an Avro record (namespace: the domain)."""
    import fastavro

    fields = []
    for f in contract.fields:
        avro = _avro(f.type, f"{f.name}_t")
        if f.constraints.enum and all(isinstance(v, str) and _NAME.match(v) for v in f.constraints.enum):
            avro = {"type": "enum", "name": _name(f"{f.name}_enum"), "symbols": list(f.constraints.enum)}
        entry: dict[str, Any] = {"name": f.name}
        if f.description:
            entry["doc"] = f.description
        if f.constraints.not_null:
            entry["type"] = avro
        else:
            entry["type"], entry["default"] = ["null", avro], None
        fields.append(entry)
    schema: dict[str, Any] = {"type": "record", "name": _name(contract.product),
                              "namespace": _name(contract.domain or "datamesh").replace("-", "_"),
                              "fields": fields}
    if contract.description:
        schema["doc"] = contract.description
    fastavro.parse_schema(schema)  # a schema we cannot parse ourselves is our bug
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _name(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return s if _NAME.match(s) else f"_{s}"


def _avro(t: Any, name: str) -> Any:
    if t.name in TO_AVRO:
        return TO_AVRO[t.name]
    if t.name == "decimal":
        return {"type": "bytes", "logicalType": "decimal", "precision": t.precision, "scale": t.scale}
    if t.name == "array":
        return {"type": "array", "items": _avro(t.items[0], f"{name}_item")}
    if t.name == "map":
        if t.items[0].name != "string":
            return {"type": "array", "items": {"type": "record", "name": _name(f"{name}_entry"), "fields": [
                {"name": "key", "type": _avro(t.items[0], f"{name}_key")},
                {"name": "value", "type": _avro(t.items[1], f"{name}_value")}]}}
        return {"type": "map", "values": _avro(t.items[1], f"{name}_value")}
    return {"type": "record", "name": _name(name), "fields": [
        {"name": n, "type": _avro(sub, f"{name}_{n}")} for n, sub in zip(t.names, t.items, strict=True)]}
