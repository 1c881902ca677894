"""JSON Schema (2020-12) <-> contracts: a row of the data product is one JSON object.

Export: `required` for not-null fields, `"null"` in the type of the others,
enum, bounds, lengths and pattern as JSON Schema keywords; the result is
checked against its meta-schema. Import: an object schema's properties (local
`$ref`s followed), nullability from `required` and `null` in type/anyOf/oneOf.
"""

from __future__ import annotations

import json
from typing import Any

from scaffolder.errors import UsageError
from scaffolder.interop.draft import Column, Draft, parse_json

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SIMPLE = {"string": {"type": "string"}, "boolean": {"type": "boolean"}, "int": {"type": "integer"},
          "long": {"type": "integer"}, "float": {"type": "number"}, "double": {"type": "number"},
          "date": {"type": "string", "format": "date"}, "timestamp": {"type": "string"},
          "timestamp_tz": {"type": "string", "format": "date-time"}, "time": {"type": "string"},
          "bytes": {"type": "string", "contentEncoding": "base64"},
          "uuid": {"type": "string", "format": "uuid"}, "decimal": {"type": "number"}}
FORMATS = {"date": "date", "date-time": "timestamp_tz", "time": "time", "uuid": "uuid"}
MAX_REFS = 50


def write(contract: Any) -> str:
    from jsonschema.validators import validator_for

    props: dict[str, Any] = {}
    for f in contract.fields:
        prop = _schema(f.type)
        c = f.constraints
        if f.description:
            prop["description"] = f.description
        if c.enum:
            prop["enum"] = list(c.enum) + ([] if c.not_null else [None])
        if f.type.is_numeric:
            for key, bound in (("minimum", c.min), ("maximum", c.max)):
                if isinstance(bound, int | float) and not isinstance(bound, bool):
                    prop[key] = bound
        for key, value in (("minLength", c.min_length), ("maxLength", c.max_length), ("pattern", c.pattern)):
            if value is not None and f.type.is_string:
                prop[key] = value
        if not c.not_null and "type" in prop:
            prop["type"] = [prop["type"], "null"]
        props[f.name] = prop
    schema: dict[str, Any] = {"$schema": DIALECT, "$id": f"urn:datamesh:{contract.name}:{contract.version_text}",
                              "title": contract.name, "type": "object", "properties": props,
                              "required": [f.name for f in contract.fields if f.constraints.not_null]}
    if contract.description:
        schema["description"] = contract.description
    validator_for(schema).check_schema(schema)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _schema(t: Any) -> dict[str, Any]:
    if t.name in SIMPLE:
        return dict(SIMPLE[t.name])
    if t.name == "array":
        return {"type": "array", "items": _schema(t.items[0])}
    if t.name == "map":
        return {"type": "object", "additionalProperties": _schema(t.items[1])}
    return {"type": "object", "properties": {n: _schema(s) for n, s in zip(t.names, t.items, strict=True)},
            "required": list(t.names)}


def read(text: str, path: str = "<schema>") -> list[Draft]:
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for

    schema = parse_json(text, path)
    try:
        validator_for(schema).check_schema(schema)
    except SchemaError as exc:
        raise UsageError(f"{path}: not a valid JSON Schema: {exc.message}") from None
    reader = _Reader(schema, path)
    root = reader.resolve(schema)
    if _types(root)[0] != "object" or not isinstance(root.get("properties"), dict):
        raise UsageError(f"{path}: the schema must describe an object with properties (one row)")
    required = set(root.get("required") or [])
    columns = []
    for name, prop in root["properties"].items():
        prop = reader.resolve(prop)
        logical, nullable = reader.logical(prop)
        col = Column(name, logical, description=prop.get("description"))
        col.nullable = False if name in required and not nullable else None
        enum = prop.get("enum")
        if isinstance(enum, list):
            col.enum = [v for v in enum if v is not None] or None
        if logical in ("int", "long", "double"):
            col.min, col.max = prop.get("minimum"), prop.get("maximum")
        if logical == "string":
            col.min_length, col.max_length = prop.get("minLength"), prop.get("maxLength")
            col.pattern = prop.get("pattern")
        columns.append(col)
    title = root.get("title") or schema.get("title") or path.rsplit("/", 1)[-1].split(".")[0]
    return [Draft(product=str(title).rsplit(".", 1)[-1], columns=columns, schema_type="json",
                  description=root.get("description"))]


def _types(prop: dict[str, Any]) -> tuple[str | None, bool]:
    """(the one non-null type, whether null is allowed) from `type` or `anyOf`/`oneOf`."""
    t = prop.get("type")
    types = t if isinstance(t, list) else [t] if isinstance(t, str) else []
    rest = [x for x in types if x != "null"]
    return (rest[0] if len(rest) == 1 else None), "null" in types


class _Reader:
    def __init__(self, schema: dict[str, Any], path: str):
        self.schema, self.path, self.depth = schema, path, 0

    def resolve(self, prop: Any) -> dict[str, Any]:
        """Follow local `$ref`s (`#/$defs/x`, `#/definitions/x`)."""
        for _ in range(MAX_REFS):
            if not isinstance(prop, dict) or "$ref" not in prop:
                return prop if isinstance(prop, dict) else {}
            ref = prop["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise UsageError(f"{self.path}: only local $refs (#/...) are followed, not {ref!r}")
            node: Any = self.schema
            for part in ref[2:].split("/"):
                node = node.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(node, dict) else None
            if node is None:
                raise UsageError(f"{self.path}: $ref {ref!r} points nowhere")
            prop = {**node, **{k: v for k, v in prop.items() if k != "$ref"}}
        raise UsageError(f"{self.path}: $refs nest more than {MAX_REFS} deep")

    def logical(self, prop: dict[str, Any]) -> tuple[str, bool]:
        self.depth += 1
        try:
            if self.depth > 32:
                raise UsageError(f"{self.path}: the schema nests more than 32 levels")
            return self._logical(prop)
        finally:
            self.depth -= 1

    def _logical(self, prop: dict[str, Any]) -> tuple[str, bool]:
        for key in ("anyOf", "oneOf"):
            if isinstance(prop.get(key), list):
                options = [self.resolve(p) for p in prop[key]]
                rest = [p for p in options if p.get("type") != "null"]
                if len(rest) == 1:
                    logical, _ = self.logical(rest[0])
                    return logical, len(rest) != len(options)
        t, nullable = _types(prop)
        if t is None and isinstance(prop.get("enum"), list):
            values = [v for v in prop["enum"] if v is not None]
            t = "string" if all(isinstance(v, str) for v in values) else "number"
            nullable = nullable or None in prop["enum"]
        if t == "string":
            return FORMATS.get(prop.get("format"), "string"), nullable
        if t == "integer":
            return "long", nullable
        if t == "number":
            return "double", nullable
        if t == "boolean":
            return "boolean", nullable
        if t == "array":
            return f"array<{self.logical(self.resolve(prop.get('items')))[0]}>", nullable
        if t == "object":
            props = prop.get("properties")
            if isinstance(props, dict) and props:
                inner = ",".join(f"{n}:{self.logical(self.resolve(p))[0]}" for n, p in props.items())
                return f"struct<{inner}>", nullable
            extra = prop.get("additionalProperties")
            if isinstance(extra, dict):
                return f"map<string,{self.logical(self.resolve(extra))[0]}>", nullable
            return "map<string,string>", nullable
        raise UsageError(f"{self.path}: cannot tell the type of {json.dumps(prop)[:80]}")
