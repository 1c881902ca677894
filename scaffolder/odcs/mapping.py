"""ODCS v3 ↔ datamesh.io/v1, as data: one row per mapped concept.

convert.py reads these tables in both directions; docs/odcs.md shows them and
tests/odcs/test_mapping.py checks that every row is documented there. What no
row covers is kept under `x-odcs` (ODCS → ours) or a `datamesh.*` custom
property (ours → ODCS) so that nothing is lost on a round trip.
"""

from __future__ import annotations

from dataclasses import dataclass

from scaffolder.checks.assertions import OPERATORS as _OPERATORS
from scaffolder.checks.assertions import QUERY

API_VERSIONS = ("v3.0.0", "v3.0.1", "v3.0.2", "v3.1.0", "v3.2.0")
WRITE_API_VERSION = "v3.1.0"  # what `convert --to odcs` writes: the most widely read v3 release
KEEP = "x-odcs"  # our extension key holding ODCS parts without a counterpart
CUSTOM_PREFIX = "datamesh."  # ODCS customProperties holding our parts without a counterpart
ENGINE = "datamesh-scaffolder"  # `custom` quality rules that carry one of our assertions


@dataclass(frozen=True)
class TypeRow:
    ours: str  # our primitive / complex type name
    logical: str  # ODCS logicalType
    format: str | None = None  # logicalTypeOptions.format (integers, numbers, strings)
    note: str = ""


TYPES = [
    TypeRow("string", "string"),
    TypeRow("uuid", "string", "uuid"),
    TypeRow("bytes", "string", "binary"),
    TypeRow("boolean", "boolean"),
    TypeRow("int", "integer", "i32", "also i8, i16, u8, u16"),
    TypeRow("long", "integer", "i64", "any other integer format, or none"),
    TypeRow("float", "number", "f32"),
    TypeRow("double", "number", "f64", "a number without format"),
    TypeRow("decimal", "number", None, "physicalType decimal(p,s) / numeric(p,s) keeps precision and scale"),
    TypeRow("date", "date"),
    TypeRow("timestamp", "timestamp"),
    TypeRow("timestamp_tz", "timestamp", None, "logicalTypeOptions.timezone: true"),
    TypeRow("time", "time"),
    TypeRow("array", "array", None, "items: the element's property"),
    TypeRow("map", "map", None, "map.key / map.value"),
    TypeRow("struct", "object", None, "properties: one per struct field"),
]
SMALL_INTS = {"i8", "i16", "i32", "u8", "u16"}


@dataclass(frozen=True)
class ConstraintRow:
    ours: str  # key under a field's `constraints`
    odcs: str  # where it lives on an ODCS property
    note: str = ""


CONSTRAINTS = [
    ConstraintRow("primary_key", "primaryKey", "primaryKeyPosition: the order among key fields"),
    ConstraintRow("nullable", "required", "nullable: false ↔ required: true"),
    ConstraintRow("unique", "unique"),
    ConstraintRow("pii", "classification", "pii ↔ classification `pii` (read: also restricted, confidential, "
                  "sensitive, personal, or a `pii` tag)"),
    ConstraintRow("masking", "customProperties datamesh.masking"),
    ConstraintRow("timezone", "logicalTypeOptions.defaultTimezone"),
    ConstraintRow("enum", "quality: invalidValues with arguments.validValues, mustBe 0, no name",
                  "also v3.2's property `enum` (its values), written back in that form with its labels"),
    ConstraintRow("min", "logicalTypeOptions.minimum"),
    ConstraintRow("max", "logicalTypeOptions.maximum"),
    ConstraintRow("min_length", "logicalTypeOptions.minLength"),
    ConstraintRow("max_length", "logicalTypeOptions.maxLength"),
    ConstraintRow("pattern", "logicalTypeOptions.pattern"),
]
PII_CLASSES = {"pii", "restricted", "confidential", "sensitive", "personal"}


@dataclass(frozen=True)
class CheckRow:
    assertion: str
    metric: str  # ODCS library metric
    argument: str | None = None  # ODCS arguments key carrying our value
    ours_arg: str | None = None  # our `value` key
    note: str = ""


CHECKS = [
    CheckRow("expect_column_values_to_not_be_null", "nullValues",
             note="also missingValues without arguments; threshold t ↔ mustBe 0 (t = 1) or "
                  "mustBeLessOrEqualTo (1 - t) * 100 with unit percent"),
    CheckRow("expect_column_values_to_be_unique", "duplicateValues"),
    CheckRow("expect_compound_columns_to_be_unique", "duplicateValues", "properties", "column_list",
             "a table-level rule"),
    CheckRow("expect_column_values_to_be_in_set", "invalidValues", "validValues", "value_set"),
    CheckRow("expect_column_values_to_match_regex", "invalidValues", "pattern", "regex"),
    CheckRow("expect_table_row_count_to_be_between", "rowCount",
             note="mustBe, mustBeGreaterThan, mustBeGreaterOrEqualTo, mustBeLessThan, "
                  "mustBeLessOrEqualTo, mustBeBetween ↔ min_value / max_value"),
]
# v3.0's `rule` names for the library metrics (v3.1 renamed them to `metric`).
V30_RULES = {"nullCheck": "nullValues", "duplicateCount": "duplicateValues", "rowCount": "rowCount",
             "nullValues": "nullValues", "duplicateValues": "duplicateValues", "invalidValues": "invalidValues",
             "missingValues": "missingValues"}
# ODCS operators (the checks' catalogue holds them: a `sql` rule's query check takes any of them);
# how each reads for rowCount (bounds) and for the row metrics (a failure share) is in CHECKS' notes.
OPERATORS = tuple(_OPERATORS)
UNMAPPED_OPERATORS = ("mustNotBe", "mustNotBeBetween")  # on library metrics: kept and reported


@dataclass(frozen=True)
class QualityTypeRow:
    odcs: str  # a quality rule's `type`
    ours: str  # what it becomes
    run: str  # what `scaffolder test` does with it


QUALITY_TYPES = [
    QualityTypeRow("library", "the check of the metric's row below", "runs it"),
    QualityTypeRow("sql", f"`{QUERY}`: value `{{query, <operator>: ...}}`, column for a property's rule",
                   "runs the query as written, read-only, on the checked data alone (`{object}`/`${object}` "
                   "is the data, `{property}`/`${property}` the column) and compares its one value"),
    QualityTypeRow("custom", f"engine `{ENGINE}`: the assertion it carries; any other engine: kept",
                   "runs ours; lists the others as not run"),
    QualityTypeRow("text", "kept", "lists it as not run"),
]


@dataclass(frozen=True)
class SlaRow:
    ours: str | None  # key under spec.sla, None: kept, no counterpart
    odcs: tuple[str, ...]  # slaProperties[].property names read (the first is written)
    note: str = ""


SLA = [
    SlaRow("freshness", ("latency", "freshness"), "value + unit (s, m, h, d and their long names); "
           "element table.column ↔ freshness_column"),
    SlaRow("availability", ("availability", "generalAvailability"), "value with unit percent, or \"99.9%\""),
    SlaRow(None, ("retention",), "kept and reported: no retention in our SLA"),
    SlaRow(None, ("frequency",), "kept and reported: no update frequency in our SLA"),
]
UNITS = {"s": 1, "sec": 1, "second": 1, "seconds": 1, "m": 60, "min": 60, "minute": 60, "minutes": 60,
         "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600, "d": 86400, "day": 86400, "days": 86400}


@dataclass(frozen=True)
class ContractRow:
    ours: str
    odcs: str
    note: str = ""


CONTRACT = [
    ContractRow("metadata.name", "name + schema[].name", "`<name>.<table>` (one contract per schema object)"),
    ContractRow("metadata.domain", "domain"),
    ContractRow("metadata.version", "version", "semver gate; bump edits it in place"),
    ContractRow("metadata.status", "status"),
    ContractRow("metadata.description", "description.purpose"),
    ContractRow("metadata.title", "schema[].businessName"),
    ContractRow("metadata.tags", "tags"),
    ContractRow("spec.owner", "team", "team.name, or the member whose role says owner "
                "(v3.0 team list too)"),
    ContractRow("spec.schema.type", "schema[].physicalType"),
    ContractRow("spec.schema.watermark", "schema[].customProperties datamesh.watermark",
                "the column `test --state` reads a table past"),
    ContractRow("spec.schema.fields", "schema[].properties"),
    ContractRow("field.type", "logicalType + logicalTypeOptions, physicalType", "see the type table"),
    ContractRow("field.description", "description"),
    ContractRow("field.deprecated", "deprecated: true + customProperties datamesh.deprecated"),
    ContractRow("spec.quality.checks", "schema[].quality (table) / properties[].quality (column)"),
    ContractRow("spec.access.roles", "roles[].role", "access, approvers: kept"),
    ContractRow("spec.sla", "slaProperties"),
    ContractRow("metadata.sunset, compatibility, spec.lineage, access.policies, field.renamed_from",
                "customProperties datamesh.*"),
]
