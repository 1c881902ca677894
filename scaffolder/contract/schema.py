"""Structural validation against the JSON Schema shipped in the package.

jsonschema does the checking; this module only turns its errors into located
Findings with messages a person can act on ("did you mean" for unknown keys).
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from importlib import resources
from typing import Any

from scaffolder.contract.load import Document
from scaffolder.report.finding import Finding

CONTRACT_SCHEMA = "schema.json"
MESH_SCHEMA = "mesh_schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in this package (CONTRACT_SCHEMA or MESH_SCHEMA), read once; do not mutate it."""
    return json.loads(resources.files("scaffolder.contract").joinpath(name).read_text("utf-8"))


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend

    return extend(Draft202012Validator, {"pattern": _ecma_pattern})(load_schema(name))


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Any:
    """JSON Schema's `pattern` read as ECMA-262 reads it, as every editor does.

    Python's `re` differs in two ways that let bad values through: `\\d` matches
    any script's digits (`2.1١.0`) and `$` matches before a final newline.
    """
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    """ASCII classes, and a final `$` that means the very end (our schemas anchor only there)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern, re.ASCII)


def validate_structure(doc: Document, schema: str = CONTRACT_SCHEMA) -> list[Finding]:
    """Every error in `doc` against the packaged schema named `schema`, located at the YAML node it concerns."""
    validator = _validator(schema)
    findings: dict[tuple[str, str, Any], Finding] = {}  # jsonschema says `required` once per missing key
    for error in validator.iter_errors(doc.data):
        for f in _to_findings(doc, error):
            findings.setdefault((f.rule, f.message, f.location), f)
    return list(findings.values())


def _label(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "document"


def _known_keys(schema: dict[str, Any]) -> list[str]:
    return sorted(schema.get("properties", {}))


def _to_findings(doc: Document, error: Any) -> list[Finding]:
    path = tuple(error.absolute_path)
    where = _label(path)
    keyword = error.validator
    sub = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(sub.get("properties", {}))
        patterns = [re.compile(p) for p in sub.get("patternProperties", {})]
        out = []
        for key in error.instance:
            if key in allowed or any(p.search(key) for p in patterns):
                continue
            hint = difflib.get_close_matches(key, _known_keys(sub), n=1, cutoff=0.6)
            msg = f"unknown key {key!r} in {where}"
            msg += f"; did you mean {hint[0]!r}?" if hint else f" (known keys: {', '.join(_known_keys(sub))}; use an x- prefix for extensions)"
            out.append(Finding("unknown-key", msg, location=doc.location((*path, key), key=True)))
        return out
    if keyword == "required":
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        return [Finding("missing-key", f"{where} is missing required key {k!r}",
                        location=doc.location(path, key=True)) for k in missing]
    loc = doc.location(path)
    if keyword == "type":
        expected = error.validator_value
        wanted = " or ".join(_article(e) for e in (expected if isinstance(expected, list) else [expected]))
        got = _json_type(error.instance)
        msg = f"{where} must be {wanted}, got {got}"
        if expected == "string" and got == "number":
            msg += f" (quote it: \"{error.instance}\")"
        return [Finding("wrong-type", msg, location=loc)]
    if keyword == "const":
        return [Finding("wrong-value", f"{where} must be {error.validator_value!r}, got {error.instance!r}", location=loc)]
    if keyword == "enum":
        options = [str(o) for o in error.validator_value]
        hint = difflib.get_close_matches(str(error.instance), options, n=1, cutoff=0.5)
        msg = f"{where} must be one of {', '.join(options)}; got {error.instance!r}"
        if hint:
            msg += f"; did you mean {hint[0]!r}?"
        return [Finding("wrong-value", msg, location=loc)]
    if keyword == "pattern":
        reason = sub.get("x-message") or f"must match {error.validator_value}"
        return [Finding("wrong-value", f"{where} {error.instance!r} is invalid: {reason}", location=loc)]
    if keyword == "minItems" and error.validator_value == 1:
        return [Finding("wrong-value", f"{where} must not be empty", location=loc)]
    return [Finding("wrong-value", f"{where}: {_short(error.message)}", location=loc)]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _article(word: str) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "a string", "boolean": "true or false",
             "integer": "an integer", "number": "a number"}
    return names.get(word, word)


def _short(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) < 160 else message[:157] + "..."
