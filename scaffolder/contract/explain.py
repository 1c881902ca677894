"""A contract in plain words: what a consumer may rely on, field by field."""

from __future__ import annotations

from typing import Any

from scaffolder.checks.assertions import QUERY
from scaffolder.contract.model import Contract, Field


def _field_promises(f: Field) -> list[str]:
    k = f.constraints
    out = []
    if k.primary_key:
        out.append("primary key (never null, unique)")
    else:
        out.append("never null" if k.nullable is False else "may be null")
        if k.unique:
            out.append("unique")
    if k.enum:
        out.append("one of " + ", ".join(map(str, k.enum)))
    if k.min is not None or k.max is not None:
        out.append(f"between {k.min if k.min is not None else '-inf'} and {k.max if k.max is not None else '+inf'}")
    if k.min_length is not None or k.max_length is not None:
        out.append(f"length {k.min_length or 0}..{k.max_length if k.max_length is not None else 'any'}")
    if k.pattern:
        out.append(f"matches {k.pattern}")
    if k.timezone:
        out.append(f"in {k.timezone}")
    if k.pii:
        out.append(f"PII, published {k.masking + '-masked' if k.masking and k.masking != 'none' else 'UNMASKED'}")
    if f.deprecated:
        out.append(f"DEPRECATED (sunset {f.deprecated.sunset or 'unset'})")
    return out


def explain_json(c: Contract) -> dict[str, Any]:
    return {
        "name": c.name, "domain": c.domain, "version": c.version_text, "status": c.status,
        "owner": c.owner, "compatibility": c.compatibility or "consumer",
        "fields": [{"name": f.name, "type": str(f.type), "duckdb_type": f.type.duckdb() if f.type else None,
                    "dbt_data_type": f.type.dbt() if f.type else None, "promises": _field_promises(f)}
                   for f in c.fields],
        "sla": {"freshness_seconds": c.sla.freshness.seconds if c.sla and c.sla.freshness else None,
                "freshness_column": c.freshness_column,
                "availability_percent": c.sla.availability if c.sla else None},
        "checks": [{"assertion": q.assertion, "column": q.column, "threshold": q.threshold, "value": q.value}
                   for q in c.checks],
        "upstream": c.upstream, "downstream": c.downstream, "roles": c.roles, "policies": c.policies,
    }


def explain(c: Contract) -> str:
    lines = [f"{c.name} v{c.version_text} ({c.status}) — domain {c.domain}, owned by {c.owner or 'nobody'}"]
    if c.description:
        lines.append(f"  {c.description}")
    lines.append(f"Compatibility mode: {c.compatibility or 'consumer'} (see `scaffolder rules`)")
    lines.append("")
    lines.append(f"Schema ({c.schema_type or 'unspecified encoding'}), {len(c.fields)} fields:")
    width = max((len(f.name) for f in c.fields), default=4)
    for f in c.fields:
        t = f"{f.type} -> {f.type.duckdb()}" if f.type else f.type_text
        lines.append(f"  {f.name:<{width}}  {t}: {'; '.join(_field_promises(f))}")
    lines.append("")
    if c.sla:
        parts = []
        if c.sla.freshness:
            parts.append(f"data at most {c.sla.freshness} old (measured on {c.freshness_column or '?'})")
        if c.sla.availability is not None:
            parts.append(f"available {c.sla.availability}% of the time")
        lines.append("SLA: " + ("; ".join(parts) or "none stated"))
    else:
        lines.append("SLA: none stated")
    if c.checks:
        lines.append("Quality checks:")
        for q in c.checks:
            target = q.column or "table"
            args = ", ".join(f"{k}={v}" for k, v in q.value.items())
            share = "" if q.assertion == QUERY else f" on at least {q.threshold:.0%} of rows"  # one value
            lines.append(f"  {target}: {q.assertion}({args}){share}")
    lines.append(f"Lineage: from {', '.join(c.upstream) or 'nothing declared'}; "
                 f"read by {', '.join(c.downstream) or 'nobody declared'}")
    lines.append(f"Access: roles {', '.join(c.roles) or 'none'}; policies {', '.join(c.policies) or 'none'}")
    return "\n".join(lines)
