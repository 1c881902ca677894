"""The dbt side of a contract: `models/schema.yml` from `spec.schema`, and drift between them.

The domain template renders schema.yml from the same answers as the contract,
so they agree on day one; afterwards the contract changes in the domain's
hands. This module keeps the two in step: `expected_model` is the one place
that says what schema.yml must hold for a contract (`data_type` is
`LogicalType.dbt()`, dbt tests from the constraints), `render` prints it and
`check` reports where a schema.yml has drifted, each finding located.
dbt's enforced model contract then keeps the model in step with schema.yml.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from scaffolder.contract.load import Document
from scaffolder.contract.model import Contract, Field
from scaffolder.report.finding import Finding


@dataclass(frozen=True)
class DriftRule:
    id: str
    message: str  # str.format template
    example: str


RULES: dict[str, DriftRule] = {r.id: r for r in [
    DriftRule("dbt-schema-missing-model", "schema.yml has no model {model!r} (the contract's product)",
              "contract orders.order_events, schema.yml lists only stg_order_events"),
    DriftRule("dbt-schema-not-enforced", "model {model!r} must set config.contract.enforced: true",
              "config: {contract: {enforced: false}}"),
    DriftRule("dbt-schema-missing-column", "column {column!r} of the contract is missing from model {model!r} "
              "(data_type: {data_type})", "the contract adds `refund_amount`, schema.yml does not"),
    DriftRule("dbt-schema-extra-column", "column {column!r} is not in the contract",
              "schema.yml keeps `legacy_id` after the contract dropped it"),
    DriftRule("dbt-schema-data-type", "column {column!r}: data_type {actual!r}, but the contract says {type} "
              "({expected!r} in dbt)", "amount: data_type double, contract decimal(10,2)"),
    DriftRule("dbt-schema-missing-test", "column {column!r}: the contract's constraints need the dbt test {test!r}",
              "order_id is the primary key but has no `unique` test"),
    DriftRule("dbt-schema-accepted-values", "column {column!r}: accepted_values {actual} differ from the "
              "contract's enum {expected}", "status: [placed, paid] vs enum [placed, paid, shipped]"),
]}


def _finding(rule: str, doc: Document, path: tuple[Any, ...], *, key: bool = False, **args: Any) -> Finding:
    return Finding(rule, RULES[rule].message.format(**args), location=doc.location(path, key=key))


def expected_tests(f: Field) -> list[Any]:
    """The dbt data tests a field's constraints call for, in schema.yml's spelling."""
    tests: list[Any] = []
    if f.constraints.not_null:
        tests.append("not_null")
    if f.constraints.primary_key or f.constraints.unique:
        tests.append("unique")
    if f.constraints.enum:
        tests.append({"accepted_values": {"arguments": {"values": list(f.constraints.enum)}}})
    return tests


def expected_model(contract: Contract, model: str | None = None) -> dict[str, Any]:
    """The schema.yml model entry a contract calls for."""
    columns = []
    for f in contract.fields:
        col: dict[str, Any] = {"name": f.name, "data_type": f.type.dbt()}
        if f.description:
            col["description"] = f.description
        if f.constraints.not_null:
            col["constraints"] = [{"type": "not_null"}]
        tests = expected_tests(f)
        if tests:
            col["data_tests"] = tests
        columns.append(col)
    entry: dict[str, Any] = {"name": model or contract.product}
    if contract.description:
        entry["description"] = contract.description
    entry["config"] = {"contract": {"enforced": True}}
    entry["columns"] = columns
    return entry


def render(contract: Contract, model: str | None = None) -> str:
    """schema.yml text for a contract (version 2, one model)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    out.write(f"# Generated from {contract.path} by `scaffolder dbt-schema`: the contract's columns,\n"
              "# data_type = the contract type's dbt spelling, dbt tests from its constraints.\n")
    yaml.dump({"version": 2, "models": [expected_model(contract, model)]}, out)
    return out.getvalue()


def _norm_type(text: Any) -> str:
    return "".join(str(text).lower().split())


def _test_name(test: Any) -> str | None:
    if isinstance(test, str):
        return test
    if isinstance(test, dict) and len(test) == 1:
        return str(next(iter(test)))
    return None


def _accepted_values(test: dict[str, Any]) -> Any:
    body = test.get("accepted_values") or {}
    if not isinstance(body, dict):
        return None
    args = body.get("arguments") if isinstance(body.get("arguments"), dict) else body
    return args.get("values")


def check(contract: Contract, doc: Document, model: str | None = None) -> list[Finding]:
    """Where schema.yml (`doc`) disagrees with the contract; [] when they agree."""
    name = model or contract.product
    models = doc.data.get("models") if isinstance(doc.data.get("models"), list) else []
    index = next((i for i, m in enumerate(models) if isinstance(m, dict) and m.get("name") == name), None)
    if index is None:
        return [_finding("dbt-schema-missing-model", doc, ("models",) if "models" in doc.data else (),
                         key=True, model=name)]
    entry = models[index]
    base: tuple[Any, ...] = ("models", index)
    out: list[Finding] = []
    config = entry.get("config") if isinstance(entry.get("config"), dict) else {}
    enforced = (config.get("contract") or {}).get("enforced") if isinstance(config.get("contract"), dict) else None
    if enforced is not True:
        out.append(_finding("dbt-schema-not-enforced", doc, (*base, "name"), model=name))
    columns = entry.get("columns") if isinstance(entry.get("columns"), list) else []
    by_name = {c["name"]: i for i, c in enumerate(columns) if isinstance(c, dict) and isinstance(c.get("name"), str)}
    for f in contract.fields:
        if f.name not in by_name:
            where = (*base, "columns") if "columns" in entry else (*base, "name")
            out.append(_finding("dbt-schema-missing-column", doc, where, key=True, column=f.name, model=name,
                                data_type=f.type.dbt()))
            continue
        i = by_name[f.name]
        col, cpath = columns[i], (*base, "columns", i)
        expected = f.type.dbt()
        if _norm_type(col.get("data_type")) != _norm_type(expected):
            where = (*cpath, "data_type") if "data_type" in col else (*cpath, "name")
            out.append(_finding("dbt-schema-data-type", doc, where, column=f.name, actual=col.get("data_type"),
                                type=f.type_text, expected=expected))
        tests = col.get("data_tests", col.get("tests")) or []
        tests = tests if isinstance(tests, list) else []
        names = [_test_name(t) for t in tests]
        for want in expected_tests(f):
            want_name = _test_name(want)
            if want_name not in names:
                out.append(_finding("dbt-schema-missing-test", doc, (*cpath, "name"), column=f.name, test=want_name))
            elif want_name == "accepted_values":
                j = names.index("accepted_values")
                actual = _accepted_values(tests[j]) if isinstance(tests[j], dict) else None
                if actual != list(f.constraints.enum or []):
                    out.append(_finding("dbt-schema-accepted-values", doc, (*cpath, "name"), column=f.name,
                                        actual=actual, expected=list(f.constraints.enum or [])))
    known = {f.name for f in contract.fields}
    for col_name, i in by_name.items():
        if col_name not in known:
            out.append(_finding("dbt-schema-extra-column", doc, (*base, "columns", i, "name"), column=col_name))
    return out
