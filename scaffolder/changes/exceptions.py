"""Accepted breaking changes: entries in mesh.yaml (or its exceptions file).

An entry names the product and the rule id (and optionally a JSON path or a
fingerprint), with a required reason and expiry date. A matching finding is
marked accepted (it no longer fails `--fail-on breaking`) but keeps its bump.
An expired entry is an error and a matching-nothing entry a stale warning,
both located at the entry itself, so the list never rots silently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from scaffolder.contract.mesh import Mesh
from scaffolder.report.finding import Finding, Location, Severity


@dataclass(frozen=True)
class ChangeException:
    product: str
    rule: str
    reason: str
    expires: dt.date | None
    location: Location
    path: str | None = None
    fingerprint: str | None = None

    def matches(self, f: Finding) -> bool:
        if f.rule != self.rule or not f.product:
            return False
        if self.product not in (f.product, f.product.rsplit(".", 1)[-1]):
            return False
        if self.fingerprint and self.fingerprint != f.fingerprint:
            return False
        if self.path:
            jp = f.location.json_path or ""
            if not (jp == self.path or jp.startswith(self.path + ".") or jp.startswith(self.path + "[")):
                return False
        return True

    def describe(self) -> str:
        extra = f" at {self.path}" if self.path else f" ({self.fingerprint})" if self.fingerprint else ""
        return f"{self.rule} on {self.product}{extra}"


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def load_exceptions(mesh: Mesh) -> list[ChangeException]:
    """Every well-formed entry, each with the location of its own lines."""
    sources: list[tuple[list[Any], Any, tuple[Any, ...]]] = []
    changes = mesh.doc.data.get("changes") if mesh.doc is not None and isinstance(mesh.doc.data.get("changes"), dict) else {}
    inline = changes.get("exceptions") if isinstance(changes.get("exceptions"), list) else []
    if inline and mesh.doc is not None:
        sources.append((inline, mesh.doc, ("changes", "exceptions")))
    if mesh.exceptions_doc is not None:
        items = mesh.exceptions_doc.data.get("exceptions")
        sources.append((items if isinstance(items, list) else [], mesh.exceptions_doc, ("exceptions",)))
    out: list[ChangeException] = []
    for items, doc, base in sources:
        for i, raw in enumerate(items):
            if not isinstance(raw, dict) or not isinstance(raw.get("product"), str) or not isinstance(raw.get("rule"), str):
                continue  # the schema check of mesh.yaml reports these
            out.append(ChangeException(
                product=raw["product"], rule=raw["rule"], reason=str(raw.get("reason") or ""),
                expires=_date(raw.get("expires")),
                location=doc.location((*base, i), json_path=f"$.{'.'.join(map(str, base))}[{i}]"),
                path=raw.get("path") if isinstance(raw.get("path"), str) else None,
                fingerprint=raw.get("fingerprint") if isinstance(raw.get("fingerprint"), str) else None,
            ))
    return out


def _unknown_rule_hint(rule: str) -> str:
    import difflib

    from scaffolder.changes.rules import RULES

    if rule in RULES:
        return ""
    close = difflib.get_close_matches(rule, list(RULES), n=1)
    return f" ({rule!r} is not a change rule" + (f"; did you mean {close[0]!r}?)" if close else ")")


def check_overrides(mesh: Mesh) -> list[Finding]:
    """`changes.rules` keys that name no rule would silently do nothing: say so."""
    from scaffolder.changes.rules import RULES

    return [Finding("unknown-rule", f"changes.rules: {_unknown_rule_hint(rule).strip(' ()')}",
                    severity=Severity.WARNING, location=mesh.doc.location(("changes", "rules", rule), key=True))
            for rule in mesh.rule_overrides if rule not in RULES and mesh.doc is not None]


@dataclass
class Applied:
    findings: list[Finding]  # the input findings, matched ones with `accepted` set
    problems: list[Finding]  # expired (error) and stale (warning) entries


def apply_exceptions(entries: list[ChangeException], findings: list[Finding], today: dt.date,
                     products: set[str] | None = None) -> Applied:
    """Accept what live entries match; report expired entries and (within `products`) stale ones."""
    used: set[int] = set()
    out: list[Finding] = []
    live = [(i, e) for i, e in enumerate(entries) if e.expires is None or e.expires >= today]
    for f in findings:
        hit = next(((i, e) for i, e in live if f.bump and e.matches(f)), None)
        if hit is None:
            out.append(f)
            continue
        used.add(hit[0])
        out.append(dataclasses.replace(f, accepted=hit[1].reason or "accepted by an exception"))
    problems: list[Finding] = []
    for i, e in enumerate(entries):
        in_scope = products is None or any(e.product in (p, p.rsplit(".", 1)[-1]) for p in products)
        if not in_scope:
            continue
        if e.expires is not None and e.expires < today:
            problems.append(Finding("exception-expired",
                                    f"exception for {e.describe()} expired on {e.expires.isoformat()}: "
                                    "remove it, or renew it with a new reason and date",
                                    location=e.location, product=e.product))
        elif i not in used:
            problems.append(Finding("exception-stale", f"exception for {e.describe()} matches no change: remove it"
                                    + _unknown_rule_hint(e.rule),
                                    severity=Severity.WARNING, location=e.location, product=e.product))
    return Applied(out, problems)
