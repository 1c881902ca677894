"""Every validation and policy rule id, registered once: id, stage, severity, summary, example.

The change rules have their catalogue in `changes/rules.py`; this one holds what
`validate` can report. Meaning and policy rules register themselves where they are
checked (`semantics.rule`, `policy.rule`), so their summary sits beside their code;
this module adds the reading, schema and mesh rules and one example per id. An
example is an edit of `EXAMPLE_BASE` (a valid contract): `find` replaced by
`replace`, validated with `mesh` as mesh.yaml. A test runs every example and checks
that it reports exactly its rule, and that every id the code can emit is here.
"""

from __future__ import annotations

from dataclasses import dataclass

EXAMPLE_BASE = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: orders.order_events
  domain: orders
  version: 1.0.0
spec:
  owner: team-orders@company.io
  sla:
    freshness: 15m
    availability: "99.9%"
  schema:
    type: parquet
    fields:
      - name: order_id
        type: string
        constraints: {primary_key: true}
      - name: amount
        type: decimal(10,2)
        constraints: {min: 0, max: 10000}
      - name: event_ts
        type: timestamp
        constraints: {nullable: false, timezone: UTC}
  quality:
    checks:
      - column: amount
        assertion: expect_column_values_to_be_between
        threshold: 0.99
        value: {min_value: 0, max_value: 100000}
"""


@dataclass(frozen=True)
class Example:
    """`find` in EXAMPLE_BASE replaced by `replace` (`find=""`: the whole file is `replace`)."""

    find: str
    replace: str
    mesh: str = ""  # mesh.yaml for a policy or mesh rule
    pad: int = 0  # a YAML comment of this many bytes at the end (a size limit)

    def contract(self) -> str:
        assert not self.find or self.find in EXAMPLE_BASE, self.find
        text = EXAMPLE_BASE.replace(self.find, self.replace, 1) if self.find else self.replace
        return text + ("#" + "a" * self.pad + "\n" if self.pad else "")


@dataclass(frozen=True)
class ValidationRule:
    id: str
    stage: str  # file, yaml, schema, meaning, mesh, policy (contract.md's stages)
    summary: str
    example: Example | None  # None: a file-system condition no text can give (see the tests)
    severity: str = "error"


_READ = {  # id -> (stage, summary, example)
    "file-outside-root": ("file", "a contract is a file inside the mesh (a link out of it is refused)", None),
    "file-unreadable": ("file", "a contract is a readable regular file", None),
    "file-too-large": ("file", "a contract is at most 5 MiB", Example("", EXAMPLE_BASE, pad=5 << 20)),
    "file-not-text": ("file", "a contract is UTF-8 text without NUL bytes",
                      Example("  domain: orders\n", "  domain: orders\0\n")),
    "yaml-empty": ("yaml", "a contract file is not empty", Example("", "")),
    "yaml-not-mapping": ("yaml", "a contract is a YAML mapping", Example("", "- a list\n")),
    "yaml-syntax": ("yaml", "a contract is valid YAML", Example("  domain: orders\n", "  domain: [orders\n")),
    "yaml-too-deep": ("yaml", "a contract nests at most 100 levels", Example("", "x: " + "[" * 200 + "]" * 200 + "\n")),
    "yaml-too-many-aliases": ("yaml", "a contract expands few aliases (no billion laughs)",
                              Example("", "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                                      + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
                                                for p, c in zip("abcdefgh", "bcdefghi", strict=True)))),
    "yaml-bad-value": ("yaml", "a value can be read (no out-of-range date or number)",
                       Example("  version: 1.0.0\n", "  version: 1.0.0\n  sunset: 2026-02-30\n")),
    "yaml-bad-merge": ("yaml", "a `<<` merge key merges a mapping",
                       Example("  domain: orders\n", "  domain: orders\n  <<: [1, 2]\n")),
    "yaml-duplicate-key": ("yaml", "a mapping names each key once",
                           Example("  domain: orders\n", "  domain: orders\n  domain: sales\n")),
    "missing-key": ("schema", "every required key is there", Example("  owner: team-orders@company.io\n", "")),
    "unknown-key": ("schema", "every key is one the schema knows (x- for extensions)",
                    Example("  domain: orders\n", "  domain: orders\n  domian: orders\n")),
    "wrong-type": ("schema", "every value has the type the schema wants",
                   Example("    type: parquet\n", "    type: [parquet]\n")),
    "wrong-value": ("schema", "every value is one the schema allows", Example("kind: DataProduct", "kind: Dataset")),
    "exceptions-file-outside": ("mesh", "mesh.yaml's changes.exceptions_file is inside the mesh",
                                Example("", EXAMPLE_BASE, "changes:\n  exceptions_file: ../exceptions.yaml\n")),
}

_MEANING = {
    "invalid-semver": Example("  version: 1.0.0\n", "  version: 1.0.0-01\n"),
    "sunset-required": Example("  version: 1.0.0\n", "  version: 1.0.0\n  status: deprecated\n"),
    "invalid-date": Example("        type: timestamp\n", '        type: timestamp\n'
                            '        deprecated: {sunset: "2026-02-30"}\n'),
    "duplicate-field": Example("      - name: amount\n", "      - name: order_id\n        type: string\n"
                               "      - name: amount\n"),
    "unknown-type": Example("type: decimal(10,2)", "type: money"),
    "constraint-type-mismatch": Example("{primary_key: true}", "{primary_key: true, timezone: UTC}"),
    "invalid-timezone": Example("timezone: UTC", "timezone: Mars/Olympus"),
    "invalid-bound": Example("timezone: UTC}", "timezone: UTC, min: yesterday}"),
    "bound-order": Example("{min: 0, max: 10000}", "{min: 10000, max: 0}"),
    "invalid-regex": Example("{primary_key: true}", "{primary_key: true, pattern: '('}"),
    "invalid-enum": Example("{primary_key: true}", "{primary_key: true, enum: [a, a]}"),
    "deprecation": Example("        type: timestamp\n", "        type: timestamp\n"
                           "        deprecated: {replaced_by: nothing}\n"),
    "invalid-rename": Example("        type: timestamp\n", "        type: timestamp\n        renamed_from: amount\n"),
    "invalid-sla": Example("freshness: 15m", "freshness: 15m\n    freshness_column: order_id"),
    "invalid-watermark": Example("    type: parquet\n", "    type: parquet\n    watermark: amount\n"),
    "invalid-check": Example("assertion: expect_column_values_to_be_between", "assertion: expect_nothing"),
}

_POLICY = {
    "policy-naming": Example("", EXAMPLE_BASE, "policy:\n  naming:\n    product: '^sales\\.'\n"),
    "policy-required": Example("", EXAMPLE_BASE, "policy:\n  require:\n    description: true\n"),
    "policy-pii-masking": Example("{primary_key: true}", "{primary_key: true, pii: true}"),
    "policy-masking-method": Example("{primary_key: true}", "{primary_key: true, masking: redact}",
                                     "policy:\n  pii:\n    allowed_masking: [hash]\n"),
    "policy-unknown-role": Example("  quality:\n", "  access:\n    roles: [ghost]\n  quality:\n",
                                   "policy:\n  access:\n    roles: [analyst]\n"),
    "policy-unknown-policy": Example("  quality:\n", "  access:\n    policies: [ghost]\n  quality:\n",
                                     "policy:\n  access:\n    policies: [gdpr]\n"),
}

def _catalogue() -> dict[str, ValidationRule]:
    from scaffolder.contract.policy import RULES as POLICY_RULES
    from scaffolder.contract.semantics import RULES as MEANING_RULES

    out = {id: ValidationRule(id, stage, summary, example)
           for id, (stage, summary, example) in _READ.items()}
    for r in MEANING_RULES:
        out[r.id] = ValidationRule(r.id, "meaning", r.summary, _MEANING[r.id])
    for p in POLICY_RULES:
        for id, summary in p.summaries.items():
            out[id] = ValidationRule(id, "policy", summary, _POLICY[id])
    return out


VALIDATION_RULES: dict[str, ValidationRule] = _catalogue()
