"""The typed contract model that every other module uses instead of raw dicts.

Built tolerantly from a loaded Document: a malformed part (reported by the
schema stage) is skipped rather than crashing, so validation can still report
every other problem in the same run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, NamedTuple

from scaffolder.contract.load import Document, PathKey
from scaffolder.contract.semver import Version, parse_version
from scaffolder.contract.types import LogicalType, TypeParseError, parse_type
from scaffolder.contract.units import Duration, parse_duration, parse_percent

STATUSES = ("draft", "active", "deprecated", "retired")


class Mode(StrEnum):
    """A contract's compatibility mode: whose side a change is judged from (a str enum: prints as its value)."""

    CONSUMER = "consumer"
    PRODUCER = "producer"
    FULL = "full"
    NONE = "none"


MODES = tuple(Mode)


class Node(NamedTuple):
    """A part of a contract named both ways, derived together so the two never disagree: its path
    in the YAML document (line and column for annotations) and its JSON path (reports,
    fingerprints, exceptions), which names list items by their natural key, not their position.
    (A tuple: the diff walks every node of a document, so making one must cost next to nothing.)"""

    doc: PathKey
    json: str

    def child(self, *keys: str) -> Node:
        if len(keys) == 1:
            return Node((*self.doc, keys[0]), f"{self.json}.{keys[0]}")
        return Node((*self.doc, *keys), self.json + "".join(f".{k}" for k in keys))

    def item(self, index: int, name: str) -> Node:
        """A list item: at its position in the document, by its natural key in the JSON path."""
        return Node((*self.doc, index), f"{self.json}[{name}]")

    def shown_at(self, *doc: str | int) -> Node:
        """The same node, pointed at another place of the document (its name key, or a parent when it
        is not written)."""
        return Node(tuple(doc), self.json)


def node(*keys: str) -> Node:
    """A node reached from the document root by mapping keys only (`metadata`, `name`)."""
    return Node(keys, "$" + "".join(f".{k}" for k in keys))


@dataclass
class Constraints:
    primary_key: bool = False
    nullable: bool | None = None  # None: not stated (nullable unless primary key)
    unique: bool = False
    pii: bool = False
    masking: str | None = None
    timezone: str | None = None
    enum: list[Any] | None = None
    min: Any = None
    max: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None

    @property
    def not_null(self) -> bool:
        return self.primary_key or self.nullable is False

    @property
    def is_unique(self) -> bool:
        return self.primary_key or self.unique


@dataclass
class Deprecation:
    since: str | None = None
    sunset: str | None = None
    replaced_by: str | None = None
    reason: str | None = None


class _Item:
    """An item of one of the contract's lists (a field, a check): at `path` in the document, named
    in JSON paths by its natural key, so a finding does not move when the list is reordered."""

    LIST: ClassVar[str]  # the JSON path of the list
    path: PathKey

    @property
    def natural_key(self) -> str:
        raise NotImplementedError

    @property
    def json_path(self) -> str:
        return f"{self.LIST}[{self.natural_key}]"

    @property
    def node(self) -> Node:
        return Node(self.path, self.json_path)


@dataclass
class Field(_Item):
    LIST: ClassVar[str] = "$.spec.schema.fields"

    name: str
    type_text: str
    type: LogicalType | None  # None when the type does not parse (a validation error)
    path: PathKey
    description: str | None = None
    constraints: Constraints = field(default_factory=Constraints)
    deprecated: Deprecation | None = None
    renamed_from: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    stated: tuple[str, ...] | None = None  # the constraint keys the document writes; None: no mapping

    @property
    def natural_key(self) -> str:
        return self.name

    def constraint(self, *keys: str) -> Node:
        """The constraint `keys[0]` (its spellings: `nullable`, `null`): the JSON path names it by
        its first key whatever the spelling, the document path points at the first key written,
        else at `constraints:`, else at the field's name."""
        json = f"{self.json_path}.constraints.{keys[0]}"
        written = self.written(*keys)
        if written is not None:
            return Node((*self.path, "constraints", written), json)
        return Node((*self.path, "constraints") if self.stated is not None else (*self.path, "name"), json)

    def written(self, *keys: str) -> str | None:
        """The first of `keys` the document's `constraints:` mapping writes."""
        return next((k for k in keys if self.stated is not None and k in self.stated), None)


@dataclass
class QualityCheck(_Item):
    LIST: ClassVar[str] = "$.spec.quality.checks"

    assertion: str
    path: PathKey
    column: str | None = None
    threshold: float = 1.0
    value: dict[str, Any] = field(default_factory=dict)
    name: str | None = None
    description: str | None = None

    @property
    def key(self) -> str:
        """Natural key for matching across versions: column + assertion."""
        return f"{self.column}:{self.assertion}" if self.column else self.assertion

    @property
    def natural_key(self) -> str:
        return self.key


@dataclass
class Sla:
    freshness: Duration | None = None
    freshness_column: str | None = None
    availability: float | None = None  # percent, 0..100
    availability_text: str | None = None


@dataclass
class Contract:
    """One data product's contract, with where each part came from."""

    doc: Document
    name: str
    domain: str
    version_text: str
    owner: str | None
    fields: list[Field]
    api_version: str = "datamesh.io/v1"
    kind: str = "DataProduct"
    title: str | None = None
    description: str | None = None
    status: str = "active"
    sunset: dt.date | None = None
    compatibility: str | None = None
    tags: list[str] = field(default_factory=list)
    schema_type: str | None = None
    watermark: str | None = None  # spec.schema.watermark: the column past which rows are new (--state)
    sla: Sla | None = None
    checks: list[QualityCheck] = field(default_factory=list)
    upstream: list[str] = field(default_factory=list)
    downstream: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.doc.path

    @property
    def version(self) -> Version | None:
        try:
            return parse_version(self.version_text)
        except ValueError:
            return None

    @property
    def product(self) -> str:
        """The part of the name after the domain prefix (`order_events`)."""
        return self.name.rsplit(".", 1)[-1]

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def primary_key(self) -> list[str]:
        return [f.name for f in self.fields if f.constraints.primary_key]

    @property
    def freshness_column(self) -> str | None:
        """The stated column, else the only timestamp field (contract.md)."""
        if self.sla and self.sla.freshness_column:
            return self.sla.freshness_column
        stamps = [f.name for f in self.fields if f.type is not None and f.type.is_timestamp]
        return stamps[0] if len(stamps) == 1 else None

    @property
    def pii_fields(self) -> list[str]:
        return [f.name for f in self.fields if f.constraints.pii]

    def where(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        return self.doc.pos(path, key=key)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _strs(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ext(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k.startswith("x-")}


def _constraints(raw: dict[str, Any]) -> Constraints:
    c = Constraints()
    c.primary_key = raw.get("primary_key") is True
    nullable = raw.get("nullable", raw.get("null"))
    c.nullable = nullable if isinstance(nullable, bool) else None
    c.unique = raw.get("unique") is True
    c.pii = raw.get("pii") is True
    c.masking = _str(raw.get("masking"))
    c.timezone = _str(raw.get("timezone"))
    c.enum = raw.get("enum") if isinstance(raw.get("enum"), list) else None
    c.min = raw.get("min")
    c.max = raw.get("max")
    c.min_length = raw.get("min_length") if type(raw.get("min_length")) is int else None
    c.max_length = raw.get("max_length") if type(raw.get("max_length")) is int else None
    c.pattern = _str(raw.get("pattern"))
    return c


def build(doc: Document) -> Contract:
    """Turn a loaded document into a Contract, skipping parts that are malformed."""
    data = doc.data
    meta = _map(data.get("metadata"))
    spec = _map(data.get("spec"))
    schema = _map(spec.get("schema"))
    lineage = _map(spec.get("lineage"))
    access = _map(spec.get("access"))
    return Contract(
        doc=doc,
        api_version=str(data.get("apiVersion", "")),
        kind=str(data.get("kind", "")),
        name=_str(meta.get("name")) or "",
        domain=_str(meta.get("domain")) or "",
        version_text=_str(meta.get("version")) or str(meta.get("version", "")),
        owner=_str(spec.get("owner")),
        fields=_fields(schema.get("fields")),
        title=_str(meta.get("title")),
        description=_str(meta.get("description")),
        status=meta.get("status") if meta.get("status") in STATUSES else "active",
        sunset=_date(meta.get("sunset")),
        compatibility=meta.get("compatibility") if meta.get("compatibility") in MODES else None,
        tags=_strs(meta.get("tags")),
        schema_type=_str(schema.get("type")),
        watermark=_str(schema.get("watermark")),
        sla=_sla(spec.get("sla")),
        checks=_checks(_map(spec.get("quality")).get("checks")),
        upstream=_strs(lineage.get("upstream")),
        downstream=_strs(lineage.get("downstream")),
        roles=_strs(access.get("roles")),
        policies=_strs(access.get("policies")),
        extensions=_ext(data),
    )


def _fields(raw_fields: Any) -> list[Field]:
    """`spec.schema.fields`: every item with a name (an unparseable type is kept as None)."""
    fields: list[Field] = []
    for i, raw in enumerate(raw_fields if isinstance(raw_fields, list) else []):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            continue
        type_text = raw.get("type") if isinstance(raw.get("type"), str) else ""
        try:
            ltype: LogicalType | None = parse_type(type_text)
        except TypeParseError:
            ltype = None
        dep = raw.get("deprecated")
        fields.append(Field(
            name=raw["name"],
            type_text=type_text,
            type=ltype,
            path=("spec", "schema", "fields", i),
            description=_str(raw.get("description")),
            constraints=_constraints(_map(raw.get("constraints"))),
            stated=tuple(raw["constraints"]) if isinstance(raw.get("constraints"), dict) else None,
            deprecated=Deprecation(
                since=_str(dep.get("since")), sunset=_str(dep.get("sunset")),
                replaced_by=_str(dep.get("replaced_by")), reason=_str(dep.get("reason")),
            ) if isinstance(dep, dict) else None,
            renamed_from=_str(raw.get("renamed_from")),
            extensions=_ext(raw),
        ))
    return fields


def _checks(raw_checks: Any) -> list[QualityCheck]:
    """`spec.quality.checks`: every item with an assertion (a malformed threshold counts as 1.0)."""
    checks: list[QualityCheck] = []
    for i, raw in enumerate(raw_checks if isinstance(raw_checks, list) else []):
        if not isinstance(raw, dict) or not isinstance(raw.get("assertion"), str):
            continue
        threshold = raw.get("threshold", 1.0)
        checks.append(QualityCheck(
            assertion=raw["assertion"],
            path=("spec", "quality", "checks", i),
            column=_str(raw.get("column")),
            threshold=float(threshold) if isinstance(threshold, int | float) and not isinstance(threshold, bool) else 1.0,
            value=_map(raw.get("value")),
            name=_str(raw.get("name")),
            description=_str(raw.get("description")),
        ))
    return checks


def _sla(raw_sla: Any) -> Sla | None:
    """`spec.sla`, with a freshness or availability that does not parse left as None."""
    if not isinstance(raw_sla, dict):
        return None
    sla = Sla(freshness_column=_str(raw_sla.get("freshness_column")))
    try:
        sla.freshness = parse_duration(raw_sla["freshness"]) if "freshness" in raw_sla else None
    except ValueError:
        sla.freshness = None
    if "availability" in raw_sla:
        sla.availability_text = str(raw_sla["availability"])
        try:
            sla.availability = parse_percent(raw_sla["availability"])
        except ValueError:
            sla.availability = None
    return sla


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


__all__ = ["Constraints", "Contract", "Deprecation", "Field", "Node", "QualityCheck", "Sla", "build", "node"]
