"""A contract in the making: what an importer learnt about a table, rendered as datamesh YAML.

Importers fill `Column`s with what the source states (types, NOT NULL, keys,
enums); a profile scan adds *proposals*, which the YAML marks with a comment
so a reviewer knows which promises came from the data seen once rather than
from a declared schema.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

DEFAULT_OWNER = "owner@example.com"
DEFAULT_VERSION = "0.1.0"
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Column:
    name: str
    type: str  # a logical type, as contract.md spells it
    description: str | None = None
    nullable: bool | None = None
    primary_key: bool = False
    unique: bool = False
    enum: list[Any] | None = None
    min: Any = None
    max: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    proposed: dict[str, str] = field(default_factory=dict)  # constraint -> why it is proposed

    def constraints(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.primary_key:
            out["primary_key"] = True
        if self.nullable is False and not self.primary_key:
            out["nullable"] = False
        if self.unique and not self.primary_key:
            out["unique"] = True
        for key in ("enum", "min", "max", "min_length", "max_length", "pattern"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass
class Draft:
    """One table's contract-to-be."""

    product: str
    columns: list[Column]
    domain: str | None = None
    description: str | None = None
    schema_type: str = "table"
    upstream: list[str] = field(default_factory=list)
    downstream: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the source held that has no place here


@dataclass
class Identity:
    """What the source cannot say and the user may: `--domain`, `--owner`, `--version`."""

    domain: str | None = None
    owner: str = DEFAULT_OWNER
    version: str = DEFAULT_VERSION


def slug(text: str, default: str = "imported") -> str:
    """A domain slug ([a-z][a-z0-9-]*) from any name."""
    s = _SLUG.sub("-", text.lower()).strip("-")
    if not s or not s[0].isalpha():
        s = f"{default}-{s}".strip("-") if s else default
    return s


def product_name(text: str) -> str:
    """A product name ([a-z0-9_.-]+) from a table or record name."""
    s = re.sub(r"[^a-z0-9_.-]+", "_", text.lower()).strip("_")
    return s or "table"


def to_dict(draft: Draft, who: Identity) -> dict[str, Any]:
    """The datamesh contract, as plain data (what `to_yaml` prints, minus comments)."""
    domain = slug(who.domain or draft.domain or "imported")
    meta: dict[str, Any] = {"name": f"{domain}.{product_name(draft.product)}", "domain": domain,
                            "version": who.version}
    if draft.description:
        meta["description"] = draft.description
    fields = []
    for c in draft.columns:
        f: dict[str, Any] = {"name": c.name, "type": c.type}
        if c.description:
            f["description"] = c.description
        cons = c.constraints()
        if cons:
            f["constraints"] = cons
        fields.append(f)
    spec: dict[str, Any] = {"owner": who.owner, "schema": {"type": draft.schema_type, "fields": fields}}
    lineage = {k: v for k, v in (("upstream", draft.upstream), ("downstream", draft.downstream)) if v}
    if lineage:
        spec["lineage"] = lineage
    return {"apiVersion": "datamesh.io/v1", "kind": "DataProduct", "metadata": meta, "spec": spec}


def to_yaml(draft: Draft, who: Identity, source: str) -> str:
    """The contract's YAML, with a header naming the source and a comment on every proposal."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    data = _commented(to_dict(draft, who))
    fields = data["spec"]["schema"]["fields"]
    for col, f in zip(draft.columns, fields, strict=True):
        cons = f.get("constraints")
        for key, why in col.proposed.items():
            if isinstance(cons, CommentedMap) and key in cons:
                cons.yaml_add_eol_comment(f"proposed: {why}", key)
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    out.write(f"# Imported from {_one_line(source)} by `scaffolder import`: review owner, domain and version.\n")
    if any(c.proposed for c in draft.columns):
        out.write("# Constraints marked `proposed` come from a scan of the data (--profile), not from its schema.\n")
    for note in draft.notes:
        out.write(f"# Not imported: {_one_line(note)}\n")
    yaml.dump(data, out)
    return out.getvalue()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _commented(value: Any) -> Any:
    """Plain data as ruamel's commented types (so comments can attach); lists of scalars in flow style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _commented(v)
        return m
    if isinstance(value, list):
        s = CommentedSeq(_commented(v) for v in value)
        if all(not isinstance(v, dict | list) for v in value):
            s.fa.set_flow_style()
        return s
    return value


def parse_json(text: str, path: str) -> Any:
    """A schema file's JSON, or a located usage error (Avro and JSON Schema imports read JSON)."""
    from scaffolder.errors import UsageError

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
