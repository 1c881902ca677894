"""Emitted OpenLineage events against the OpenLineage JSON Schema.

No installed package ships the spec: openlineage-python 1.54 carries classes
generated from it (and the `_schemaURL`s pointing at openlineage.io), and
openlineage-integration-common only its own custom facets. So the schema test
reads the spec from OPENLINEAGE_SPEC_DIR (OpenLineage.json and facets/*.json,
as in the OpenLineage repository's `spec/` folder) and is skipped without it;
the structural checks below always run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from pathlib import Path

import pytest

from scaffolder.catalog import openlineage as ol
from scaffolder.contract.validate import validate_text
from tests.catalog.meshgen import contract

REPORT = {"ok": False, "rows": 25, "product": "billing.product_0001", "checks": [
    {"id": "quality:id:not_null", "source": "quality", "column": "id", "assertion": "expect_column_values_to_not_be_null",
     "failed": 0, "total": 25, "threshold": 1.0, "passed": True},
    {"id": "schema:amount", "source": "schema", "column": "amount", "assertion": "column_type",
     "failed": None, "total": None, "threshold": 1.0, "passed": False, "error": "column missing"},
    {"id": "quality:row_count", "source": "quality", "column": None, "assertion": "expect_table_row_count_to_be_between",
     "failed": 0, "total": 25, "threshold": 1.0, "passed": True}]}


def events(seed_text: str) -> list[dict]:
    seed = validate_text(seed_text, "seed.yaml").contract
    other = validate_text(contract(1), "p1.yaml").contract
    run_id = str(uuid.uuid4())
    out = ol.to_dicts(ol.build_events(seed, ol.EmitOptions(run_id=run_id)))
    out += ol.to_dicts(ol.build_events(other, ol.EmitOptions(namespace="acme"), REPORT, {}))
    return out


def facet_bags(event: dict) -> list[dict]:
    bags = [event["run"].get("facets", {}), event["job"].get("facets", {})]
    for ds in event.get("inputs", []):
        bags += [ds.get("facets", {}), ds.get("inputFacets", {})]
    for ds in event.get("outputs", []):
        bags += [ds.get("facets", {}), ds.get("outputFacets", {})]
    return bags


def test_events_have_the_shape_the_spec_requires(seed_text: str) -> None:
    evs = events(seed_text)
    assert [e["eventType"] for e in evs] == ["START", "COMPLETE", "START", "FAIL", "START", "FAIL"]
    for e in evs:
        uuid.UUID(e["run"]["runId"])
        assert dt.datetime.fromisoformat(e["eventTime"]).tzinfo is not None
        assert e["schemaURL"].startswith("https://openlineage.io/spec/") and "#/$defs/RunEvent" in e["schemaURL"]
        assert e["producer"] == ol.PRODUCER
        for bag in facet_bags(e):
            for name, facet in bag.items():
                assert facet["_producer"] == ol.PRODUCER, name
                assert re.match(r"https://openlineage\.io/spec/.+\.json#/\$defs/\w+$", facet["_schemaURL"]), name


SPEC_DIR = os.environ.get("OPENLINEAGE_SPEC_DIR")


@pytest.mark.skipif(not SPEC_DIR, reason="set OPENLINEAGE_SPEC_DIR to the OpenLineage spec/ folder: no package ships it")
def test_events_validate_against_the_openlineage_json_schema(seed_text: str) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource

    spec = Path(SPEC_DIR or ".")
    core = json.loads((spec / "OpenLineage.json").read_text())
    facets = {}
    for f in sorted((spec / "facets").glob("*.json")):
        # some published facet files write `OpenLineage.json/$defs/X` for `OpenLineage.json#/$defs/X`
        facets[f.stem] = json.loads(f.read_text().replace("OpenLineage.json/$defs/", "OpenLineage.json#/$defs/"))

    def retrieve(uri: str) -> Resource:
        if re.fullmatch(r"https://openlineage\.io/spec/[\d-]+/OpenLineage\.json", uri):
            return Resource.from_contents(core)  # facets pin older core versions: the base facets are unchanged
        name = uri.rsplit("/", 1)[-1].removesuffix(".json")
        if name in facets:
            return Resource.from_contents(facets[name])
        raise NoSuchResource(ref=uri)

    registry = Registry(retrieve=retrieve)

    def validate(instance: dict, url: str) -> None:
        Draft202012Validator({"$ref": url}, registry=registry,
                             format_checker=Draft202012Validator.FORMAT_CHECKER).validate(instance)

    checked: set[str] = set()
    for e in events(seed_text):
        assert e["schemaURL"].split("#")[0] == core["$id"]  # the core version the README names
        validate(e, e["schemaURL"])
        for bag in facet_bags(e):
            for name, facet in bag.items():
                if facet["_schemaURL"].split("#")[0].rsplit("/", 1)[-1].removesuffix(".json") in facets:
                    validate(facet, facet["_schemaURL"])
                    checked.add(name)
    assert {"schema", "jobType", "ownership", "tags", "parent", "dataQualityAssertions", "dataQualityMetrics"} <= checked
    broken = events(seed_text)[0]
    broken["run"]["runId"] = "not-a-uuid"
    with pytest.raises(ValidationError):
        validate(broken, broken["schemaURL"])
    del broken["run"]
    with pytest.raises(ValidationError):
        validate(broken, broken["schemaURL"])
