"""The change rule catalogue: one declarative entry per row of changes.md's table.

Each entry says what changed, the bump it requires for consumers and for
producers, a one-line message template and a documented example pair. The
diff looks rules up by id; adding a rule is adding an entry (and its test),
never a new branch in a long function. Mode arithmetic lives here too, so the
catalogue alone answers "what does this change cost in mode X?".
"""

from __future__ import annotations

from dataclasses import dataclass

from scaffolder.contract.model import MODES, Mode
from scaffolder.contract.semver import BUMPS, Bump


@dataclass(frozen=True)
class ChangeRule:
    id: str
    what: str  # the row of changes.md's table, in words
    consumer: str  # bump required in `consumer` mode: major | minor | patch | none
    producer: str  # bump required in `producer` mode
    message: str  # str.format template over the diff's named values
    old: str  # example: the YAML before ...
    new: str  # ... and after
    advice: str = ""  # what a consumer must do when this is breaking (Markdown report)

    def bump(self, mode: str) -> Bump:
        """The bump this rule requires in `mode` (full = the larger, none = patch at most)."""
        if mode == Mode.CONSUMER:
            return Bump(self.consumer)
        if mode == Mode.PRODUCER:
            return Bump(self.producer)
        larger = Bump.largest([self.consumer, self.producer])
        if mode == Mode.FULL:
            return larger
        if mode == Mode.NONE:
            return min(larger, Bump.PATCH)
        raise ValueError(f"unknown compatibility mode {mode!r} (one of {', '.join(MODES)})")


def cap(bump: str, mode: str) -> Bump:
    """Mode `none` never requires more than a patch, whatever an override says."""
    return min(Bump(bump), Bump.PATCH) if mode == Mode.NONE else Bump(bump)


def _r(id: str, what: str, consumer: str, producer: str, message: str, old: str, new: str, advice: str = "") -> ChangeRule:
    assert consumer in BUMPS and producer in BUMPS, id
    return ChangeRule(id, what, consumer, producer, message, old, new, advice)


# Examples are fragments of a contract; `…` stands for the unchanged rest.
_ENTRIES = [
    _r("contract-removed", "contract removed (file deleted, or `metadata.name` changed)", "major", "major",
       "contract {name} was removed",
       "metadata: {name: orders.order_events, …}", "(file deleted)",
       "move to the product that replaces {name}; it will no longer be published"),
    _r("contract-added", "contract added (no base): any valid version passes", "none", "none",
       "contract {name} was added at version {version}",
       "(no file)", "metadata: {name: orders.order_events, version: 1.0.0, …}"),
    _r("domain-changed", "`metadata.domain` changed", "major", "major",
       "domain changed from {old} to {new}",
       "metadata: {domain: orders}", "metadata: {domain: sales}",
       "look the product up under its new domain {new}"),
    _r("status-retired", "`status` becomes `retired`", "major", "major",
       "status changed from {old} to retired",
       "metadata: {status: deprecated}", "metadata: {status: retired}",
       "stop reading this product: it is retired"),
    _r("status-changed", "`status` becomes `deprecated`, or back to `active`", "minor", "minor",
       "status changed from {old} to {new}",
       "metadata: {status: active}", "metadata: {status: deprecated, sunset: 2027-06-30}"),
    _r("field-removed", "field removed (also when deprecated before)", "major", "minor",
       "field {field} was removed",
       "fields: [{name: order_id}, {name: customer_id}]", "fields: [{name: order_id}]",
       "stop selecting `{field}`"),
    _r("field-added", "field added (nullable or not)", "minor", "major",
       "field {field} ({type}) was added",
       "fields: [{name: order_id}]", "fields: [{name: order_id}, {name: channel, type: string}]",
       "writers must now provide `{field}`"),
    _r("field-renamed", "field renamed (declared with `renamed_from`)", "major", "major",
       "field {old} was renamed to {field}",
       "fields: [{name: cust_id}]", "fields: [{name: customer_id, renamed_from: cust_id}]",
       "read `{field}` instead of `{old}`"),
    _r("field-type-changed", "field type changed to an unrelated type", "major", "major",
       "type of {field} changed from {old} to {new}",
       "{name: amount, type: string}", "{name: amount, type: double}",
       "re-map `{field}` from {old} to {new}"),
    _r("field-type-widened", "field type widened (int→long, float→double, decimal grows, date→timestamp)", "major", "minor",
       "type of {field} widened from {old} to {new}",
       "{name: qty, type: int}", "{name: qty, type: long}",
       "make sure `{field}` is read as {new} (values may no longer fit {old})"),
    _r("field-type-narrowed", "field type narrowed (long→int, decimal shrinks)", "minor", "major",
       "type of {field} narrowed from {old} to {new}",
       "{name: qty, type: long}", "{name: qty, type: int}"),
    _r("field-became-nullable", "became nullable", "major", "minor",
       "field {field} may now be null",
       "constraints: {nullable: false}", "constraints: {}",
       "handle nulls in `{field}`"),
    _r("field-became-not-null", "became not-null", "minor", "major",
       "field {field} is now not-null",
       "constraints: {}", "constraints: {nullable: false}"),
    _r("primary-key-added", "primary key added where the key had none", "minor", "major",
       "primary key ({new}) was added",
       "{name: order_id}", "{name: order_id, constraints: {primary_key: true}}"),
    _r("primary-key-removed", "primary key removed", "major", "minor",
       "primary key ({old}) was removed",
       "{name: order_id, constraints: {primary_key: true}}", "{name: order_id}",
       "stop relying on ({old}) being unique and not null"),
    _r("primary-key-moved", "primary key moved to other fields", "major", "major",
       "primary key moved from ({old}) to ({new})",
       "order_id: {primary_key: true}", "order_ref: {primary_key: true}",
       "join and deduplicate on ({new}) instead of ({old})"),
    _r("unique-removed", "`unique` removed", "major", "minor",
       "field {field} is no longer unique",
       "constraints: {unique: true}", "constraints: {}",
       "deduplicate `{field}` yourself"),
    _r("unique-added", "`unique` added", "minor", "major",
       "field {field} is now unique",
       "constraints: {}", "constraints: {unique: true}"),
    _r("enum-value-added", "enum value added", "major", "minor",
       "{field} accepts new value(s) {values}",
       "enum: [placed, paid]", "enum: [placed, paid, refunded]",
       "handle the new value(s) {values} of `{field}`"),
    _r("enum-value-removed", "enum value removed", "minor", "major",
       "{field} no longer accepts value(s) {values}",
       "enum: [placed, paid, refunded]", "enum: [placed, paid]"),
    _r("enum-added", "enum added (constraint added)", "minor", "major",
       "{field} is now limited to {values}",
       "constraints: {}", "constraints: {enum: [placed, paid]}"),
    _r("enum-removed", "enum removed (constraint removed)", "major", "minor",
       "{field} is no longer limited to a set of values (was {values})",
       "constraints: {enum: [placed, paid]}", "constraints: {}",
       "accept any value of `{field}`, not only {values}"),
    _r("bound-loosened", "min lowered / max raised / bound removed (also lengths)", "major", "minor",
       "{field}: {bound} loosened from {old} to {new}",
       "constraints: {max: 100}", "constraints: {max: 1000}",
       "accept `{field}` values outside the old {bound} {old}"),
    _r("bound-tightened", "min raised / max lowered / bound added (also lengths)", "minor", "major",
       "{field}: {bound} tightened from {old} to {new}",
       "constraints: {min: 0}", "constraints: {min: 1}"),
    _r("pattern-changed", "pattern changed", "major", "major",
       "pattern of {field} changed from {old} to {new}",
       'pattern: "^[A-Z]{3}-\\\\d+$"', 'pattern: "^[A-Z]{4}-\\\\d+$"',
       "re-check how you parse `{field}`: its pattern is now {new}"),
    _r("pattern-removed", "pattern removed", "major", "minor",
       "pattern {old} of {field} was removed",
       'pattern: "^[A-Z]{3}-\\\\d+$"', "(no pattern)",
       "accept `{field}` values that do not match {old}"),
    _r("pattern-added", "pattern added", "minor", "major",
       "{field} must now match {new}",
       "(no pattern)", 'pattern: "^[A-Z]{3}-\\\\d+$"'),
    _r("masking-changed", "masking added, removed or changed", "major", "major",
       "masking of {field} changed from {old} to {new}",
       "masking: hash", "masking: tokenize",
       "re-check joins and lookups on `{field}`: its masking is now {new}"),
    _r("timezone-changed", "timezone changed", "major", "major",
       "timezone of {field} changed from {old} to {new}",
       "timezone: UTC", "timezone: Europe/Berlin",
       "convert `{field}` from {new}, not {old}"),
    _r("pii-changed", "`pii` changed", "minor", "minor",
       "pii of {field} changed from {old} to {new}",
       "constraints: {}", "constraints: {pii: true, masking: hash}"),
    _r("field-deprecated", "field `deprecated` added", "minor", "minor",
       "field {field} is deprecated{detail}",
       "{name: order_ref}", "{name: order_ref, deprecated: {since: 2.2.0, sunset: 2027-01-01}}"),
    _r("field-deprecation-changed", "field `deprecated` changed or withdrawn (ours: not in the spec's table)", "patch", "patch",
       "deprecation of {field} changed",
       "deprecated: {sunset: 2027-01-01}", "deprecated: {sunset: 2027-06-30}"),
    _r("field-description-changed", "field description changed", "patch", "patch",
       "description of {field} changed",
       "description: Order id", "description: The order's id"),
    _r("check-removed", "quality check removed", "major", "minor",
       "quality check {check} was removed",
       "checks: [{column: order_id, assertion: expect_column_values_to_be_unique}]", "checks: []",
       "check `{check}` yourself if you relied on it"),
    _r("check-added", "quality check added", "minor", "major",
       "quality check {check} was added",
       "checks: []", "checks: [{column: order_id, assertion: expect_column_values_to_be_unique}]"),
    _r("check-changed", "quality check's assertion or column changed, or its arguments changed in a way not listed below",
       "major", "major",
       "quality check {check}: {detail}",
       "{name: ids, column: order_id, assertion: expect_column_values_to_be_unique}",
       "{name: ids, column: order_ref, assertion: expect_column_values_to_be_unique}",
       "re-check what `{check}` now guarantees: {detail}"),
    _r("check-loosened", "quality threshold lowered / range of a `between` check widened / value set of an in-set check grown",
       "major", "minor",
       "quality check {check}: {detail}",
       "threshold: 0.99", "threshold: 0.95",
       "expect data that `{check}` used to reject: {detail}"),
    _r("check-tightened", "quality threshold raised / range narrowed / value set shrunk", "minor", "major",
       "quality check {check}: {detail}",
       "threshold: 0.95", "threshold: 0.99"),
    _r("freshness-loosened", "SLA freshness loosened (longer) or removed", "major", "minor",
       "freshness SLA loosened from {old} to {new}",
       "sla: {freshness: 15m}", "sla: {freshness: 1h}",
       "expect data up to {new} old"),
    _r("freshness-tightened", "SLA freshness tightened (shorter) or added", "minor", "major",
       "freshness SLA tightened from {old} to {new}",
       "sla: {freshness: 1h}", "sla: {freshness: 15m}"),
    _r("freshness-column-changed", "SLA `freshness_column` changed", "major", "major",
       "freshness column changed from {old} to {new}",
       "sla: {freshness_column: event_ts}", "sla: {freshness_column: ingested_at}",
       "measure freshness on `{new}`"),
    _r("availability-lowered", "SLA availability lowered or removed", "major", "minor",
       "availability SLA lowered from {old} to {new}",
       'sla: {availability: "99.9%"}', 'sla: {availability: "99%"}',
       "plan for availability of {new}"),
    _r("availability-raised", "SLA availability raised or added", "minor", "major",
       "availability SLA raised from {old} to {new}",
       'sla: {availability: "99%"}', 'sla: {availability: "99.9%"}'),
    _r("access-role-removed", "access role removed", "major", "major",
       "access role {role} was removed",
       "roles: [analyst, data-scientist]", "roles: [analyst]",
       "request access through another role than `{role}`"),
    _r("access-role-added", "access role added", "minor", "minor",
       "access role {role} was added",
       "roles: [analyst]", "roles: [analyst, data-scientist]"),
    _r("access-clear-lost", "a column a role read in clear is now masked or denied (the default access "
       "policy: `scaffolder access explain`)", "major", "patch",
       "role {role} no longer reads {field} in clear: now {new}",
       "{name: customer_id, constraints: {pii: true, masking: none}}",
       "{name: customer_id, constraints: {pii: true, masking: hash}}",
       "`{role}` now reads `{field}` as {new}: re-check joins, filters and exports that need its clear value"),
    _r("access-policy-added", "access policy added", "major", "major",
       "access policy {policy} was added",
       "policies: []", "policies: [PII-RED-ACT]",
       "make sure your reads comply with policy `{policy}`"),
    _r("access-policy-removed", "access policy removed", "minor", "minor",
       "access policy {policy} was removed",
       "policies: [PII-RED-ACT]", "policies: []"),
    _r("schema-type-changed", "`schema.type` changed", "major", "major",
       "schema type changed from {old} to {new}",
       "schema: {type: avro}", "schema: {type: parquet}",
       "read the data as {new}, not {old}"),
    _r("owner-changed", "owner changed", "patch", "patch",
       "owner changed from {old} to {new}",
       "owner: team-orders@company.io", "owner: team-sales@company.io"),
    _r("description-changed", "description (or title, tags, compatibility, check name) changed", "patch", "patch",
       "{what} changed",
       "metadata: {description: Orders}", "metadata: {description: Order events}"),
    _r("lineage-changed", "lineage changed", "patch", "patch",
       "lineage {what}: {detail}",
       "upstream: [raw.orders]", "upstream: [raw.kafka.order_events]"),
    _r("extension-changed", "`x-` extensions changed", "patch", "patch",
       "extension {ext} changed",
       "x-team-slack: '#orders'", "x-team-slack: '#orders-oncall'"),
]

RULES: dict[str, ChangeRule] = {r.id: r for r in _ENTRIES}


@dataclass(frozen=True)
class GateRule:
    """Findings the gate (not the diff) raises; listed by `scaffolder rules` too."""

    id: str
    severity: str
    what: str


GATE_RULES: dict[str, GateRule] = {g.id: g for g in [
    GateRule("version-not-bumped", "error", "the contract changed but metadata.version did not"),
    GateRule("version-bump-too-small", "error", "the version was bumped by less than the changes require"),
    GateRule("version-decreased", "error", "metadata.version is lower than the base's"),
    GateRule("version-bump-larger", "info", "the version was bumped by more than required (passes, with a note)"),
    GateRule("contract-removed-before-sunset", "error",
             "a contract was removed without `status: deprecated` and a `sunset` on or before today"),
    GateRule("breaking-change", "error", "`--fail-on breaking`: a major change that no exception accepts"),
    GateRule("contract-invalid", "error", "the contract does not validate (its own findings follow)"),
    GateRule("exception-expired", "error", "an exception's `expires` date has passed: remove or renew it"),
    GateRule("exception-stale", "warning", "an exception matches no finding: remove it"),
    GateRule("unknown-rule", "warning", "`changes.rules` in mesh.yaml overrides a rule id that does not exist"),
]}


def format_message(rule: ChangeRule, values: dict[str, object]) -> str:
    return fill(rule.message, values)


def fill(template: str, values: dict[str, object]) -> str:
    """Fill a template; a missing value shows as `?` rather than crashing a report."""
    class _Safe(dict):
        def __missing__(self, key: str) -> str:
            return "?"
    return template.format_map(_Safe({k: _show(v) for k, v in values.items()}))


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, list | tuple):
        return ", ".join(_show(v) for v in value)
    return str(value)
