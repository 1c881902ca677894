"""OpenLineage events for a data product's publish run, built from its contract.

The publish run (job `<product>.publish`) reads the contract's upstreams and
writes the product, with schema, documentation, ownership, version and tag
facets. When a `scaffolder test --format json` report is given, a child run
(job `<product>.checks`, parent: the publish run) reads the product with the
data-quality facets: the spec defines `dataQualityAssertions` and
`dataQualityMetrics` as input facets, which is how Great Expectations and dbt
report tests too. The product's output also carries `dataQualityMetrics` as a
dataset facet (its row count). Events go through the openlineage-python client
(HTTP transport to a URL, or a file transport writing one JSON event a line).
The events carry the client's core schema version (2-0-2 with openlineage-python 1.x),
the one tests/catalog/test_openlineage_schema.py validates against and the README names.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from scaffolder import __version__
from scaffolder.checks.assertions import ASSERTIONS
from scaffolder.contract.model import Contract
from scaffolder.extras import require

PRODUCER = f"urn:datamesh-scaffolder:scaffolder:{__version__}"
DEFAULT_NAMESPACE = "datamesh"

@dataclass
class EmitOptions:
    namespace: str = DEFAULT_NAMESPACE
    run_id: str | None = None
    producer: str = PRODUCER
    event_time: dt.datetime | None = None


FACET_MODULES = (
    "data_quality_assertions_dataset", "data_quality_metrics_dataset", "data_quality_metrics_input_dataset",
    "dataset_version_dataset", "documentation_dataset", "documentation_job", "job_type_job", "ownership_dataset",
    "ownership_job", "parent_run", "processing_engine_run", "schema_dataset", "tags_dataset",
)


def _client() -> None:
    """Check the openlineage-python client (the lineage extra) is there before importing from it."""
    require("openlineage.client", "lineage", "emitting OpenLineage events")


def _facets() -> dict[str, Any]:
    """The client's generated facet modules (imported late: the client is an optional extra)."""
    return {name: require(f"openlineage.client.generated.{name}", "lineage", "emitting OpenLineage events")
            for name in FACET_MODULES}


def _schema_facet(c: Contract, F: dict[str, Any], p: str):
    sd = F["schema_dataset"]
    return sd.SchemaDatasetFacet(fields=[
        sd.SchemaDatasetFacetFields(name=f.name, type=str(f.type) if f.type else f.type_text,
                                    description=f.description, ordinal_position=i)
        for i, f in enumerate(c.fields, start=1)
    ], producer=p)


def dataset_facets(c: Contract, F: dict[str, Any], p: str = PRODUCER) -> dict[str, Any]:
    """What the contract says about the dataset: schema, documentation, ownership, version, tags (and PII)."""
    facets: dict[str, Any] = {"schema": _schema_facet(c, F, p)}
    if c.description or c.title:
        facets["documentation"] = F["documentation_dataset"].DocumentationDatasetFacet(
            description=c.description or c.title or "", producer=p)
    if c.owner:
        od = F["ownership_dataset"]
        facets["ownership"] = od.OwnershipDatasetFacet(owners=[od.Owner(name=f"team:{c.owner}", type="team")], producer=p)
    facets["version"] = F["dataset_version_dataset"].DatasetVersionDatasetFacet(datasetVersion=c.version_text, producer=p)
    td = F["tags_dataset"]
    tags = [td.TagsDatasetFacetFields(key=t, value="true", source="CONTRACT") for t in c.tags]
    tags += [td.TagsDatasetFacetFields(key="pii", value="true", source="CONTRACT", field=name) for name in c.pii_fields]
    tags.append(td.TagsDatasetFacetFields(key="status", value=c.status, source="CONTRACT"))
    facets["tags"] = td.TagsDatasetFacet(tags=tags, producer=p)
    return facets


def _lineage_class(assertion: str) -> str:
    """The short class OpenLineage consumers show for an assertion (the catalogue's), else its name."""
    spec = ASSERTIONS.get(assertion)
    return spec.lineage_class if spec is not None else assertion


def _assertions(report: dict[str, Any], F: dict[str, Any], p: str):
    dqa = F["data_quality_assertions_dataset"]
    out = []
    for r in report.get("checks", []):
        if not isinstance(r, dict) or not isinstance(r.get("assertion"), str):
            continue
        name = str(r.get("id") or r["assertion"])
        expected = f"threshold {r['threshold']}" if isinstance(r.get("threshold"), int | float) else None
        actual = f"{r.get('failed')} of {r.get('total')} rows failed" if r.get("total") is not None else r.get("error")
        out.append(dqa.Assertion(
            assertion=_lineage_class(r["assertion"]), success=bool(r.get("passed")),
            column=r.get("column") if isinstance(r.get("column"), str) else None,
            severity="error", name=name, expected=expected, actual=actual,
            params={"assertion": r["assertion"], "source": str(r.get("source", ""))},
        ))
    return dqa.DataQualityAssertionsDatasetFacet(assertions=out, producer=p)


def _metrics(module: Any, facet: str, report: dict[str, Any], producer: str) -> Any:
    """Row and null counts of a check run, as the dataset or the input-dataset metrics facet."""
    return getattr(module, facet)(
        columnMetrics={col: module.ColumnMetrics(nullCount=n) for col, n in _null_counts(report).items()},
        rowCount=report["rows"], producer=producer)


def _null_counts(report: dict[str, Any]) -> dict[str, int]:
    """Null counts the not-null checks measured, by column."""
    out: dict[str, int] = {}
    for r in report.get("checks", []):
        if (isinstance(r, dict) and r.get("assertion") == "expect_column_values_to_not_be_null"
                and isinstance(r.get("column"), str) and type(r.get("failed")) is int):
            out[r["column"]] = r["failed"]
    return out


def build_events(c: Contract, options: EmitOptions | None = None, report: dict[str, Any] | None = None,
                 upstream_contracts: dict[str, Contract] | None = None) -> list[Any]:
    """START and COMPLETE of the publish run (FAIL when the report failed), then the checks run if any."""
    _client()
    from openlineage.client.event_v2 import (
        InputDataset,
        Job,
        OutputDataset,
        Run,
        RunEvent,
        RunState,
    )
    from openlineage.client.uuid import generate_new_uuid

    o = options or EmitOptions()
    F = _facets()
    now = (o.event_time or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    run_id = o.run_id or str(generate_new_uuid())
    p = o.producer
    job_facets = {
        "jobType": F["job_type_job"].JobTypeJobFacet(processingType="BATCH", integration="SCAFFOLDER", jobType="PUBLISH", producer=p),
        "documentation": F["documentation_job"].DocumentationJobFacet(description=f"Publish the data product {c.name} (version {c.version_text})", producer=p),
    }
    if c.owner:
        oj = F["ownership_job"]
        job_facets["ownership"] = oj.OwnershipJobFacet(owners=[oj.Owner(name=f"team:{c.owner}", type="team")], producer=p)
    job = Job(namespace=o.namespace, name=f"{c.name}.publish", facets=job_facets)
    engine = F["processing_engine_run"].ProcessingEngineRunFacet(version=__version__, name="scaffolder", producer=p)
    ups = upstream_contracts or {}
    inputs = [InputDataset(namespace=o.namespace, name=up, facets=dataset_facets(ups[up], F, p) if up in ups else {})
              for up in c.upstream]
    out_facets = dataset_facets(c, F, p)
    failed = report is not None and not report.get("ok", False)
    counted = report is not None and type(report.get("rows")) is int
    if counted:
        out_facets["dataQualityMetrics"] = _metrics(F["data_quality_metrics_dataset"], "DataQualityMetricsDatasetFacet",
                                                    report, p)
    output = OutputDataset(namespace=o.namespace, name=c.name, facets=out_facets)
    end_state = RunState.FAIL if failed else RunState.COMPLETE
    events = [RunEvent(eventType=state, eventTime=now.isoformat(), run=Run(runId=run_id, facets={"processing_engine": engine}),
                       job=job, inputs=inputs, outputs=[output], producer=p) for state in (RunState.START, end_state)]
    if report is not None and isinstance(report.get("checks"), list):
        pr = F["parent_run"]
        parent = pr.ParentRunFacet(run=pr.Run(runId=run_id), job=pr.Job(namespace=o.namespace, name=job.name), producer=p)
        input_facets: dict[str, Any] = {"dataQualityAssertions": _assertions(report, F, p)}
        if counted:
            input_facets["dataQualityMetrics"] = _metrics(F["data_quality_metrics_input_dataset"],
                                                          "DataQualityMetricsInputDatasetFacet", report, p)
        checked = InputDataset(namespace=o.namespace, name=c.name, facets={"schema": _schema_facet(c, F, p)}, inputFacets=input_facets)
        check_job = Job(namespace=o.namespace, name=f"{c.name}.checks", facets={
            "jobType": F["job_type_job"].JobTypeJobFacet(processingType="BATCH", integration="SCAFFOLDER", jobType="DATA_QUALITY", producer=p)})
        check_id = str(uuid.uuid5(uuid.UUID(run_id), "checks"))
        for state in (RunState.START, end_state):
            events.append(RunEvent(eventType=state, eventTime=now.isoformat(),
                                   run=Run(runId=check_id, facets={"parent": parent, "processing_engine": engine}),
                                   job=check_job, inputs=[checked], outputs=[], producer=p))
    return events


def ci_run_id(product: str, env: dict[str, str] | Any) -> str | None:
    """A stable run UUID for a GitHub Actions run attempt and product (None outside Actions)."""
    run = env.get("GITHUB_RUN_ID")
    if not run:
        return None
    where = f"{env.get('GITHUB_SERVER_URL', '')}/{env.get('GITHUB_REPOSITORY', '')}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{where}/actions/runs/{run}/attempts/{env.get('GITHUB_RUN_ATTEMPT', '1')}#{product}"))


def to_dicts(events: list[Any]) -> list[dict[str, Any]]:
    """The events as the JSON the transports send."""
    _client()
    from openlineage.client.serde import Serde

    return [json.loads(Serde.to_json(ev)) for ev in events]


class EmitError(Exception):
    """The lineage backend refused or could not be reached."""


def emit(events: list[Any], *, url: str | None = None, endpoint: str = "api/v1/lineage", file: str | None = None,
         api_key: str | None = None, timeout: float = 10.0) -> int:
    """Send through the openlineage-python client; returns how many events went out."""
    _client()
    from openlineage.client import OpenLineageClient

    if url:
        from openlineage.client.transport.http import HttpConfig, HttpTransport

        cfg: dict[str, Any] = {"url": url, "endpoint": endpoint, "timeout": timeout,
                               "retry": {"total": 2, "backoff_factor": 0.3, "status_forcelist": [500, 502, 503, 504]}}
        if api_key:
            cfg["auth"] = {"type": "api_key", "apiKey": api_key}
        transport: Any = HttpTransport(HttpConfig.from_dict(cfg))
    elif file:
        from openlineage.client.transport.file import FileConfig, FileTransport

        transport = FileTransport(FileConfig(log_file_path=file, append=True))
    else:
        raise ValueError("give a url or a file")
    client = OpenLineageClient(transport=transport)
    try:
        for ev in events:
            client.emit(ev)
    except Exception as exc:  # requests' errors and the client's own: say which backend, not a traceback
        raise EmitError(f"{url or file}: {type(exc).__name__}: {exc}") from exc
    finally:
        transport.close()
    return len(events)
