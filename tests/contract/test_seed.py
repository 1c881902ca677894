"""The seed contract loads and means what it says, field by field."""

from __future__ import annotations

import datetime as dt

from scaffolder.contract.mesh import load_mesh
from scaffolder.contract.validate import validate_file
from tests.conftest import SEED


def test_seed_is_a_verbatim_copy_of_shared_example():
    shared = SEED.parents[3] / "shared" / "examples" / "seed" / "data-product-contract.yaml"
    if shared.exists():
        assert shared.read_text() == SEED.read_text()


def test_seed_validates_with_default_policy(tmp_path):
    result = validate_file(SEED, load_mesh(tmp_path))
    assert result.findings == []
    assert result.ok


def test_seed_means_what_it_says():
    c = validate_file(SEED).contract
    assert c is not None
    assert (c.api_version, c.kind) == ("datamesh.io/v1", "DataProduct")
    assert c.name == "orders-domain.order_events"
    assert c.product == "order_events"
    assert c.domain == "orders"
    assert str(c.version) == "2.1.0"
    assert c.status == "active"
    assert c.owner == "team-orders@company.io"
    assert c.sla.freshness.seconds == 15 * 60
    assert c.sla.availability == 99.9
    assert c.freshness_column == "event_ts"  # the only timestamp field
    assert c.schema_type == "avro"
    assert [f.name for f in c.fields] == ["order_id", "event_ts", "customer_id"]

    order_id, event_ts, customer_id = c.fields
    assert str(order_id.type) == "string" and order_id.type.duckdb() == "VARCHAR"
    assert order_id.constraints.primary_key
    assert order_id.constraints.nullable is False  # `null: false` means not nullable
    assert order_id.constraints.not_null and order_id.constraints.is_unique

    assert event_ts.type.duckdb() == "TIMESTAMP" and event_ts.type.dbt() == "timestamp"
    assert event_ts.constraints.timezone == "UTC"
    assert event_ts.constraints.not_null
    assert not event_ts.constraints.is_unique

    assert customer_id.constraints.pii and customer_id.constraints.masking == "hash"
    assert customer_id.constraints.nullable is None and not customer_id.constraints.not_null
    assert c.pii_fields == ["customer_id"]
    assert c.primary_key == ["order_id"]

    first, second = c.checks
    assert (first.column, first.assertion, first.threshold) == ("order_id", "expect_column_values_to_not_be_null", 0.99)
    assert (second.column, second.assertion, second.threshold) == ("event_ts", "expect_column_values_to_be_between", 1.0)
    assert second.value == {"min_value": "2023-01-01", "max_value": "2025-12-31"}
    assert c.upstream == ["raw.kafka.order_events"]
    assert c.downstream == ["analytics.order_facts", "billing.order_aggregates"]
    assert c.roles == ["analyst", "data-scientist"]
    assert c.policies == ["PII-RED-ACT"]
    assert c.sunset is None and isinstance(dt.date.today(), dt.date)


def test_seed_positions_point_at_the_yaml_lines():
    c = validate_file(SEED).contract
    lines = SEED.read_text().splitlines()
    for f in c.fields:
        line, col = c.where(f.path)
        assert lines[line - 1][col - 1:].startswith(f"name: {f.name}")
    line, _ = c.where(("spec", "schema", "fields", 0, "constraints", "null"), key=True)
    assert "null: false" in lines[line - 1]


def test_null_key_and_nullable_mean_the_same(seed_text, tmp_path):
    canonical = seed_text.replace("null: false", "nullable: false")
    p = tmp_path / "c.yaml"
    p.write_text(canonical)
    a, b = validate_file(SEED).contract, validate_file(p).contract
    assert [f.constraints for f in a.fields] == [f.constraints for f in b.fields]
