"""dbt <-> contracts: import models from a `manifest.json`, export the model's `schema.yml`.

Import reads what `dbt parse` wrote: each model's columns (`data_type` read in
the adapter's SQL dialect), descriptions, the `not_null`/`unique`/
`accepted_values` tests attached to a column, dbt constraints, and lineage
from `depends_on` (upstream) and the models depending on it (downstream).
Export is `scaffolder dbt-schema`'s renderer: one definition of schema.yml.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scaffolder.errors import UsageError
from scaffolder.interop.draft import Column, Draft
from scaffolder.interop.sqltypes import parse_sql_type, to_logical

MAX_MANIFEST = 200 * 1024 * 1024
ADAPTER_DIALECTS = {"duckdb": "duckdb", "postgres": "postgres", "redshift": "redshift", "snowflake": "snowflake",
                    "bigquery": "bigquery", "spark": "spark", "databricks": "databricks", "trino": "trino"}


def load_manifest(path: str) -> dict[str, Any]:
    p = Path(path)
    if p.is_dir():
        p = p / "target" / "manifest.json" if (p / "target" / "manifest.json").is_file() else p / "manifest.json"
    if not p.is_file():
        raise UsageError(f"{path}: no manifest.json (run `dbt parse` first; it writes target/manifest.json)")
    if p.stat().st_size > MAX_MANIFEST:
        raise UsageError(f"{p}: larger than {MAX_MANIFEST:,} bytes")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{p}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{p}: not UTF-8 text") from None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), dict):
        raise UsageError(f"{p}: not a dbt manifest (no `nodes`)")
    return data


def read(manifest: dict[str, Any], models: list[str], folder: str | None = None,
         skipped: list[str] | None = None) -> list[Draft]:
    """Drafts for the named models, or every model under `folder` (a path as dbt shows it), or every model.

    A model whose schema.yml lists no column has nothing to import: naming it
    is an error; found by folder, it is skipped and named in `skipped`.
    """
    nodes = {k: v for k, v in manifest["nodes"].items() if isinstance(v, dict)}
    all_models = {k: v for k, v in nodes.items() if v.get("resource_type") == "model"}
    if models:
        picked = []
        for name in models:
            found = [k for k, v in all_models.items() if v.get("name") == name]
            if not found:
                known = ", ".join(sorted(v.get("name", "?") for v in all_models.values())) or "none"
                raise UsageError(f"no model {name!r} in the manifest (models: {known})")
            picked += found
    else:
        prefix = folder.strip("/") + "/" if folder else ""
        picked = [k for k, v in all_models.items() if str(v.get("original_file_path", "")).startswith(prefix)]
        if not picked:
            raise UsageError(f"no model under {folder!r} in the manifest" if folder else "the manifest has no model")
    adapter = (manifest.get("metadata") or {}).get("adapter_type") or "duckdb"
    dialect = ADAPTER_DIALECTS.get(adapter, "duckdb")
    tests = _tests(nodes)
    children = _children(manifest, nodes)
    drafts = []
    for k in sorted(picked):
        if not nodes[k].get("columns") and not models:
            if skipped is not None:
                skipped.append(f"model {nodes[k].get('name')!r}: no columns in its schema.yml, skipped")
            continue
        drafts.append(_model(nodes[k], tests.get(k, {}), sorted(children.get(k, [])), nodes, manifest, dialect))
    if not drafts:
        raise UsageError("no selected model lists its columns in a schema.yml: nothing to import")
    return drafts


def _tests(nodes: dict[str, Any]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """model id -> column -> the generic tests attached to that column."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for node in nodes.values():
        meta = node.get("test_metadata")
        if node.get("resource_type") != "test" or not isinstance(meta, dict):
            continue
        kwargs = meta.get("kwargs") or {}
        column = node.get("column_name") or kwargs.get("column_name")
        model = node.get("attached_node") or next(iter((node.get("depends_on") or {}).get("nodes") or []), None)
        if model and column:
            out.setdefault(model, {}).setdefault(column, []).append(meta)
    return out


def _children(manifest: dict[str, Any], nodes: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for node in nodes.values():
        if node.get("resource_type") != "model":
            continue
        for parent in (node.get("depends_on") or {}).get("nodes") or []:
            out.setdefault(parent, []).append(_lineage_name(node.get("unique_id", ""), nodes, manifest))
    return out


def _lineage_name(unique_id: str, nodes: dict[str, Any], manifest: dict[str, Any]) -> str:
    """`source.pkg.raw.orders` -> `raw.orders`; a model or seed -> its name."""
    node = nodes.get(unique_id) or (manifest.get("sources") or {}).get(unique_id) or {}
    if unique_id.startswith("source.") and node:
        return f"{node.get('source_name')}.{node.get('name')}"
    return str(node.get("name") or unique_id.rsplit(".", 1)[-1])


def _model(node: dict[str, Any], tests: dict[str, list[dict[str, Any]]], children: list[str],
           nodes: dict[str, Any], manifest: dict[str, Any], dialect: str) -> Draft:
    columns: list[Column] = []
    notes: list[str] = []
    for name, spec in (node.get("columns") or {}).items():
        data_type = spec.get("data_type")
        if data_type:
            logical, length = to_logical(parse_sql_type(str(data_type), dialect))
        else:
            logical, length = "string", None
            notes.append(f"column {name}: no data_type in the manifest (read as string)")
        col = Column(name, logical, description=spec.get("description") or None, max_length=length)
        for cons in spec.get("constraints") or []:
            kind = cons.get("type")
            if kind == "not_null":
                col.nullable = False
            elif kind == "unique":
                col.unique = True
            elif kind == "primary_key":
                col.primary_key = True
            else:
                notes.append(f"column {name}: dbt constraint {kind}")
        for test in tests.get(name, []):
            kind, kwargs = test.get("name"), test.get("kwargs") or {}
            if kind == "not_null":
                col.nullable = False
            elif kind == "unique":
                col.unique = True
            elif kind == "accepted_values" and isinstance(kwargs.get("values"), list):
                col.enum = list(kwargs["values"])
            else:
                notes.append(f"column {name}: dbt test {kind}")
        if col.unique and col.nullable is False and not any(c.primary_key for c in columns):
            col.primary_key = True  # not_null + unique is dbt's way of saying primary key
        columns.append(col)
    for cons in node.get("constraints") or []:
        cols = cons.get("columns") or []
        if cons.get("type") == "primary_key" and len(cols) == 1:
            for c in columns:
                c.primary_key = c.primary_key or c.name == cols[0]
        else:
            notes.append(f"model constraint {cons.get('type')} {cols}")
    if not columns:
        raise UsageError(f"model {node.get('name')!r} declares no columns in its schema.yml: nothing to import")
    upstream = sorted(_lineage_name(p, nodes, manifest) for p in (node.get("depends_on") or {}).get("nodes") or [])
    return Draft(product=str(node.get("name")), columns=columns, description=node.get("description") or None,
                 domain=str(node.get("package_name") or "") or None, upstream=upstream, downstream=children,
                 notes=notes)


def write(contract: Any) -> str:
    from scaffolder.dbt.schema import render

    return render(contract)
