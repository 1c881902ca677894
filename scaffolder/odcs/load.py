"""Read an ODCS document as our contracts: one per `schema` object, located in the ODCS file.

Each contract's Document carries the ODCS file's path and text, and positions
copied from the ODCS nodes each of our keys came from: every later stage
(meaning, policy, changes, bump) points into the ODCS file without knowing it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffolder.contract.load import Document, PathKey, to_json_path
from scaffolder.odcs.convert import Converted, convert_located
from scaffolder.odcs.detect import is_odcs
from scaffolder.report.finding import Finding, Severity

if TYPE_CHECKING:
    from scaffolder.contract.model import Contract

# ODCS keys that we read (maybe not all of their content): kept to write them back as they were
# (spelling, numbers, team members), but not reported as having no counterpart.
QUIET = {
    1: {"apiVersion", "kind", "id", "name", "version", "status", "domain", "tags", "team",
        "slaDefaultElement"},
    3: {"name", "logicalType", "physicalType", "businessName"},
    5: {"name", "logicalType", "physicalType", "logicalTypeOptions", "primaryKey", "primaryKeyPosition",
        "required", "unique", "classification", "description", "items", "map", "properties", "enum"},
}


def located(doc: Document, conv: Converted) -> Document:
    """Our contract's Document, every known key placed where its ODCS source stands."""
    value_pos: dict[PathKey, tuple[int, int]] = {(): (1, 1)}
    key_pos: dict[PathKey, tuple[int, int]] = {}
    for ours, theirs in conv.origins.items():
        value_pos[ours] = doc.pos(theirs)
        key_pos[ours] = doc.pos(theirs, key=True)
    return Document(doc.path, doc.text, conv.data, value_pos, key_pos)


def contract_documents(doc: Document) -> list[Document]:
    """The Documents our model is built from: `doc` itself, or one per table of an ODCS document."""
    if not is_odcs(doc.data):
        return [doc]
    return [located(doc, c) for c in convert_located(doc.data)]


def kept_findings(doc: Document, conv: Converted, product: str) -> list[Finding]:
    """One info finding per ODCS part with no counterpart: kept for the round trip, not used."""
    out = []
    for path in conv.kept:
        if isinstance(path[-1], str) and path[-1] in QUIET.get(len(path), ()):
            continue
        out.append(Finding("odcs-kept", f"{_label(path)} has no counterpart in datamesh contracts: kept "
                           "unchanged (written back by convert), not checked", severity=Severity.INFO,
                           location=doc.location(path, key=True, json_path=to_json_path(path)), product=product))
    return out


def _label(path: PathKey) -> str:
    return to_json_path(path)[2:] or "document"


def odcs_tables(doc: Document) -> list[tuple[Contract, list[Finding]]]:
    """Each table of an ODCS document as our contract, with the findings only ODCS can give (its
    schema's, and what was kept without a counterpart); contract.validate adds the rest."""
    from scaffolder.contract.model import build
    from scaffolder.odcs.schema import validate_odcs_structure

    structural = validate_odcs_structure(doc)
    out = []
    for i, conv in enumerate(convert_located(doc.data)):
        prefix = f"$.schema[{_index(conv, i)}]"
        mine = [f for f in structural if _belongs(f, prefix, i)]
        contract = build(located(doc, conv))
        kept = [f for f in kept_findings(doc, conv, contract.name)
                if i == 0 or (f.location.json_path or "").startswith("$.schema[")]  # contract-wide: once
        out.append((contract, mine + kept))
    return out


def _index(conv: Converted, default: int) -> int:
    at = conv.origins.get(("spec", "schema"))
    return int(at[1]) if at and isinstance(at[1], int) else default


def _belongs(f: Finding, prefix: str, i: int) -> bool:
    jp = f.location.json_path or ""
    if jp.startswith("$.schema["):
        return jp == prefix or jp.startswith((prefix + ".", prefix + "["))
    return i == 0  # contract-wide findings once, with the first table
