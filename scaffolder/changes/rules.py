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

    def __post_init__(self) -> None:
        if self.consumer not in BUMPS or self.producer not in BUMPS:
            raise ValueError(f"{self.id}: consumer and producer are bumps ({', '.join(BUMPS)})")

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


# Examples are fragments of a contract; `…` stands for the unchanged rest.
_ENTRIES = [
    ChangeRule(
        id="contract-removed", consumer="major", producer="major",
        what="contract removed (file deleted, or `metadata.name` changed)",
        message="contract {name} was removed",
        old="metadata: {name: orders.order_events, …}",
        new="(file deleted)",
        advice="move to the product that replaces {name}; it will no longer be published"),
    ChangeRule(
        id="contract-added", consumer="none", producer="none",
        what="contract added (no base): any valid version passes",
        message="contract {name} was added at version {version}",
        old="(no file)",
        new="metadata: {name: orders.order_events, version: 1.0.0, …}"),
    ChangeRule(
        id="domain-changed", consumer="major", producer="major",
        what="`metadata.domain` changed",
        message="domain changed from {old} to {new}",
        old="metadata: {domain: orders}",
        new="metadata: {domain: sales}",
        advice="look the product up under its new domain {new}"),
    ChangeRule(
        id="status-retired", consumer="major", producer="major",
        what="`status` becomes `retired`",
        message="status changed from {old} to retired",
        old="metadata: {status: deprecated}",
        new="metadata: {status: retired}",
        advice="stop reading this product: it is retired"),
    ChangeRule(
        id="status-changed", consumer="minor", producer="minor",
        what="`status` becomes `deprecated`, or back to `active`",
        message="status changed from {old} to {new}",
        old="metadata: {status: active}",
        new="metadata: {status: deprecated, sunset: 2027-06-30}"),
    ChangeRule(
        id="field-removed", consumer="major", producer="minor",
        what="field removed (also when deprecated before)",
        message="field {field} was removed",
        old="fields: [{name: order_id}, {name: customer_id}]",
        new="fields: [{name: order_id}]",
        advice="stop selecting `{field}`"),
    ChangeRule(
        id="field-added", consumer="minor", producer="major",
        what="field added (nullable or not)",
        message="field {field} ({type}) was added",
        old="fields: [{name: order_id}]",
        new="fields: [{name: order_id}, {name: channel, type: string}]",
        advice="writers must now provide `{field}`"),
    ChangeRule(
        id="field-renamed", consumer="major", producer="major",
        what="field renamed (declared with `renamed_from`)",
        message="field {old} was renamed to {field}",
        old="fields: [{name: cust_id}]",
        new="fields: [{name: customer_id, renamed_from: cust_id}]",
        advice="read `{field}` instead of `{old}`"),
    ChangeRule(
        id="field-type-changed", consumer="major", producer="major",
        what="field type changed to an unrelated type",
        message="type of {field} changed from {old} to {new}",
        old="{name: amount, type: string}",
        new="{name: amount, type: double}",
        advice="re-map `{field}` from {old} to {new}"),
    ChangeRule(
        id="field-type-widened", consumer="major", producer="minor",
        what="field type widened (int→long, float→double, decimal grows, date→timestamp)",
        message="type of {field} widened from {old} to {new}",
        old="{name: qty, type: int}",
        new="{name: qty, type: long}",
        advice="make sure `{field}` is read as {new} (values may no longer fit {old})"),
    ChangeRule(
        id="field-type-narrowed", consumer="minor", producer="major",
        what="field type narrowed (long→int, decimal shrinks)",
        message="type of {field} narrowed from {old} to {new}",
        old="{name: qty, type: long}",
        new="{name: qty, type: int}"),
    ChangeRule(
        id="field-became-nullable", consumer="major", producer="minor",
        what="became nullable",
        message="field {field} may now be null",
        old="constraints: {nullable: false}",
        new="constraints: {}",
        advice="handle nulls in `{field}`"),
    ChangeRule(
        id="field-became-not-null", consumer="minor", producer="major",
        what="became not-null",
        message="field {field} is now not-null",
        old="constraints: {}",
        new="constraints: {nullable: false}"),
    ChangeRule(
        id="primary-key-added", consumer="minor", producer="major",
        what="primary key added where the key had none",
        message="primary key ({new}) was added",
        old="{name: order_id}",
        new="{name: order_id, constraints: {primary_key: true}}"),
    ChangeRule(
        id="primary-key-removed", consumer="major", producer="minor",
        what="primary key removed",
        message="primary key ({old}) was removed",
        old="{name: order_id, constraints: {primary_key: true}}",
        new="{name: order_id}",
        advice="stop relying on ({old}) being unique and not null"),
    ChangeRule(
        id="primary-key-moved", consumer="major", producer="major",
        what="primary key moved to other fields",
        message="primary key moved from ({old}) to ({new})",
        old="order_id: {primary_key: true}",
        new="order_ref: {primary_key: true}",
        advice="join and deduplicate on ({new}) instead of ({old})"),
    ChangeRule(
        id="unique-removed", consumer="major", producer="minor",
        what="`unique` removed",
        message="field {field} is no longer unique",
        old="constraints: {unique: true}",
        new="constraints: {}",
        advice="deduplicate `{field}` yourself"),
    ChangeRule(
        id="unique-added", consumer="minor", producer="major",
        what="`unique` added",
        message="field {field} is now unique",
        old="constraints: {}",
        new="constraints: {unique: true}"),
    ChangeRule(
        id="enum-value-added", consumer="major", producer="minor",
        what="enum value added",
        message="{field} accepts new value(s) {values}",
        old="enum: [placed, paid]",
        new="enum: [placed, paid, refunded]",
        advice="handle the new value(s) {values} of `{field}`"),
    ChangeRule(
        id="enum-value-removed", consumer="minor", producer="major",
        what="enum value removed",
        message="{field} no longer accepts value(s) {values}",
        old="enum: [placed, paid, refunded]",
        new="enum: [placed, paid]"),
    ChangeRule(
        id="enum-added", consumer="minor", producer="major",
        what="enum added (constraint added)",
        message="{field} is now limited to {values}",
        old="constraints: {}",
        new="constraints: {enum: [placed, paid]}"),
    ChangeRule(
        id="enum-removed", consumer="major", producer="minor",
        what="enum removed (constraint removed)",
        message="{field} is no longer limited to a set of values (was {values})",
        old="constraints: {enum: [placed, paid]}",
        new="constraints: {}",
        advice="accept any value of `{field}`, not only {values}"),
    ChangeRule(
        id="bound-loosened", consumer="major", producer="minor",
        what="min lowered / max raised / bound removed (also lengths)",
        message="{field}: {bound} loosened from {old} to {new}",
        old="constraints: {max: 100}",
        new="constraints: {max: 1000}",
        advice="accept `{field}` values outside the old {bound} {old}"),
    ChangeRule(
        id="bound-tightened", consumer="minor", producer="major",
        what="min raised / max lowered / bound added (also lengths)",
        message="{field}: {bound} tightened from {old} to {new}",
        old="constraints: {min: 0}",
        new="constraints: {min: 1}"),
    ChangeRule(
        id="pattern-changed", consumer="major", producer="major",
        what="pattern changed",
        message="pattern of {field} changed from {old} to {new}",
        old='pattern: "^[A-Z]{3}-\\\\d+$"',
        new='pattern: "^[A-Z]{4}-\\\\d+$"',
        advice="re-check how you parse `{field}`: its pattern is now {new}"),
    ChangeRule(
        id="pattern-removed", consumer="major", producer="minor",
        what="pattern removed",
        message="pattern {old} of {field} was removed",
        old='pattern: "^[A-Z]{3}-\\\\d+$"',
        new="(no pattern)",
        advice="accept `{field}` values that do not match {old}"),
    ChangeRule(
        id="pattern-added", consumer="minor", producer="major",
        what="pattern added",
        message="{field} must now match {new}",
        old="(no pattern)",
        new='pattern: "^[A-Z]{3}-\\\\d+$"'),
    ChangeRule(
        id="masking-changed", consumer="major", producer="major",
        what="masking added, removed or changed",
        message="masking of {field} changed from {old} to {new}",
        old="masking: hash",
        new="masking: tokenize",
        advice="re-check joins and lookups on `{field}`: its masking is now {new}"),
    ChangeRule(
        id="timezone-changed", consumer="major", producer="major",
        what="timezone changed",
        message="timezone of {field} changed from {old} to {new}",
        old="timezone: UTC",
        new="timezone: Europe/Berlin",
        advice="convert `{field}` from {new}, not {old}"),
    ChangeRule(
        id="pii-changed", consumer="minor", producer="minor",
        what="`pii` changed",
        message="pii of {field} changed from {old} to {new}",
        old="constraints: {}",
        new="constraints: {pii: true, masking: hash}"),
    ChangeRule(
        id="field-deprecated", consumer="minor", producer="minor",
        what="field `deprecated` added",
        message="field {field} is deprecated{detail}",
        old="{name: order_ref}",
        new="{name: order_ref, deprecated: {since: 2.2.0, sunset: 2027-01-01}}"),
    ChangeRule(
        id="field-deprecation-changed", consumer="patch", producer="patch",
        what="field `deprecated` changed or withdrawn (ours: not in the spec's table)",
        message="deprecation of {field} changed",
        old="deprecated: {sunset: 2027-01-01}",
        new="deprecated: {sunset: 2027-06-30}"),
    ChangeRule(
        id="field-description-changed", consumer="patch", producer="patch",
        what="field description changed",
        message="description of {field} changed",
        old="description: Order id",
        new="description: The order's id"),
    ChangeRule(
        id="check-removed", consumer="major", producer="minor",
        what="quality check removed",
        message="quality check {check} was removed",
        old="checks: [{column: order_id, assertion: expect_column_values_to_be_unique}]",
        new="checks: []",
        advice="check `{check}` yourself if you relied on it"),
    ChangeRule(
        id="check-added", consumer="minor", producer="major",
        what="quality check added",
        message="quality check {check} was added",
        old="checks: []",
        new="checks: [{column: order_id, assertion: expect_column_values_to_be_unique}]"),
    ChangeRule(
        id="check-changed", consumer="major", producer="major",
        what="quality check's assertion or column changed, or its arguments changed in a way not listed below",
        message="quality check {check}: {detail}",
        old="{name: ids, column: order_id, assertion: expect_column_values_to_be_unique}",
        new="{name: ids, column: order_ref, assertion: expect_column_values_to_be_unique}",
        advice="re-check what `{check}` now guarantees: {detail}"),
    ChangeRule(
        id="check-loosened", consumer="major", producer="minor",
        what="quality threshold lowered / range of a `between` check widened / value set of an in-set check grown",
        message="quality check {check}: {detail}",
        old="threshold: 0.99",
        new="threshold: 0.95",
        advice="expect data that `{check}` used to reject: {detail}"),
    ChangeRule(
        id="check-tightened", consumer="minor", producer="major",
        what="quality threshold raised / range narrowed / value set shrunk",
        message="quality check {check}: {detail}",
        old="threshold: 0.95",
        new="threshold: 0.99"),
    ChangeRule(
        id="freshness-loosened", consumer="major", producer="minor",
        what="SLA freshness loosened (longer) or removed",
        message="freshness SLA loosened from {old} to {new}",
        old="sla: {freshness: 15m}",
        new="sla: {freshness: 1h}",
        advice="expect data up to {new} old"),
    ChangeRule(
        id="freshness-tightened", consumer="minor", producer="major",
        what="SLA freshness tightened (shorter) or added",
        message="freshness SLA tightened from {old} to {new}",
        old="sla: {freshness: 1h}",
        new="sla: {freshness: 15m}"),
    ChangeRule(
        id="freshness-column-changed", consumer="major", producer="major",
        what="SLA `freshness_column` changed",
        message="freshness column changed from {old} to {new}",
        old="sla: {freshness_column: event_ts}",
        new="sla: {freshness_column: ingested_at}",
        advice="measure freshness on `{new}`"),
    ChangeRule(
        id="availability-lowered", consumer="major", producer="minor",
        what="SLA availability lowered or removed",
        message="availability SLA lowered from {old} to {new}",
        old='sla: {availability: "99.9%"}',
        new='sla: {availability: "99%"}',
        advice="plan for availability of {new}"),
    ChangeRule(
        id="availability-raised", consumer="minor", producer="major",
        what="SLA availability raised or added",
        message="availability SLA raised from {old} to {new}",
        old='sla: {availability: "99%"}',
        new='sla: {availability: "99.9%"}'),
    ChangeRule(
        id="access-role-removed", consumer="major", producer="major",
        what="access role removed",
        message="access role {role} was removed",
        old="roles: [analyst, data-scientist]",
        new="roles: [analyst]",
        advice="request access through another role than `{role}`"),
    ChangeRule(
        id="access-role-added", consumer="minor", producer="minor",
        what="access role added",
        message="access role {role} was added",
        old="roles: [analyst]",
        new="roles: [analyst, data-scientist]"),
    ChangeRule(
        id="access-clear-lost", consumer="major", producer="patch",
        what="a column a role read in clear is now masked or denied (the default access "
       "policy: `scaffolder access explain`)",
        message="role {role} no longer reads {field} in clear: now {new}",
        old="{name: customer_id, constraints: {pii: true, masking: none}}",
        new="{name: customer_id, constraints: {pii: true, masking: hash}}",
        advice="`{role}` now reads `{field}` as {new}: re-check joins, filters and exports that need its clear value"),
    ChangeRule(
        id="access-policy-added", consumer="major", producer="major",
        what="access policy added",
        message="access policy {policy} was added",
        old="policies: []",
        new="policies: [PII-RED-ACT]",
        advice="make sure your reads comply with policy `{policy}`"),
    ChangeRule(
        id="access-policy-removed", consumer="minor", producer="minor",
        what="access policy removed",
        message="access policy {policy} was removed",
        old="policies: [PII-RED-ACT]",
        new="policies: []"),
    ChangeRule(
        id="schema-type-changed", consumer="major", producer="major",
        what="`schema.type` changed",
        message="schema type changed from {old} to {new}",
        old="schema: {type: avro}",
        new="schema: {type: parquet}",
        advice="read the data as {new}, not {old}"),
    ChangeRule(
        id="owner-changed", consumer="patch", producer="patch",
        what="owner changed",
        message="owner changed from {old} to {new}",
        old="owner: team-orders@company.io",
        new="owner: team-sales@company.io"),
    ChangeRule(
        id="description-changed", consumer="patch", producer="patch",
        what="description (or title, tags, compatibility, check name) changed",
        message="{what} changed",
        old="metadata: {description: Orders}",
        new="metadata: {description: Order events}"),
    ChangeRule(
        id="lineage-changed", consumer="patch", producer="patch",
        what="lineage changed",
        message="lineage {what}: {detail}",
        old="upstream: [raw.orders]",
        new="upstream: [raw.kafka.order_events]"),
    ChangeRule(
        id="extension-changed", consumer="patch", producer="patch",
        what="`x-` extensions changed",
        message="extension {ext} changed",
        old="x-team-slack: '#orders'",
        new="x-team-slack: '#orders-oncall'"),
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
