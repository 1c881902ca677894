"""Validation in contract.md's four stages: YAML, schema, meaning, governance.

Every stage runs and every error is kept; a later stage skips only the parts
an earlier stage already reported, so one mistake gives one message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.contract.load import Document, LoadError, load_file, load_text
from scaffolder.contract.mesh import Mesh
from scaffolder.contract.model import Contract, build
from scaffolder.contract.policy import check_policy
from scaffolder.contract.schema import validate_structure
from scaffolder.contract.semantics import validate_meaning
from scaffolder.report.finding import Finding, Severity, has_errors, sort_key


@dataclass
class Validation:
    path: str
    contract: Contract | None
    findings: list[Finding] = field(default_factory=list)
    # an ODCS file with several `schema` objects: one Validation per table, this one first
    tables: list[Validation] = field(default_factory=list)

    @property
    def each(self) -> list[Validation]:
        """Every contract the file holds: itself, or each table of a multi-table ODCS file."""
        return self.tables or [self]

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "name": self.contract.name if self.contract else None,
            "version": self.contract.version_text if self.contract else None,
            "ok": self.ok,
            "findings": [f.to_json() for f in self.findings],
        }


class ContractError(Exception):
    """A contract that does not validate, for callers that need a valid one."""

    def __init__(self, validation: Validation):
        errors = [f for f in validation.findings if f.severity is Severity.ERROR]
        super().__init__("\n".join(f.text() for f in errors))
        self.validation = validation


def _within(json_path: str | None, prefixes: set[str]) -> bool:
    if not json_path:
        return False
    return any(json_path == p or json_path.startswith(p + ".") or json_path.startswith(p + "[") for p in prefixes)


def validate_document(doc: Document, mesh: Mesh | None = None) -> Validation:
    """The file's Validation; for an ODCS file with several tables, the first, with `tables` set."""
    from scaffolder.odcs.detect import is_odcs

    if is_odcs(doc.data):
        from scaffolder.odcs.load import odcs_tables

        tables = [_judge(doc.path, contract, own, mesh) for contract, own in odcs_tables(doc)]
        if len(tables) > 1:
            tables[0].tables = tables
        return tables[0]
    structural = validate_structure(doc)
    contract = build(doc)
    # A missing key leaves its parent usable; any other structural error spoils its subtree.
    broken = {f.location.json_path for f in structural if f.location.json_path and f.rule != "missing-key"}
    return _judge(doc.path, contract, structural, mesh, broken)


def _judge(path: str, contract: Contract, structural: list[Finding], mesh: Mesh | None,
           broken: set[str | None] | frozenset[str | None] = frozenset()) -> Validation:
    """Meaning, the mesh's built-in policy and its Rego rules over a contract, after its structure."""
    meaning = [f for f in validate_meaning(contract) if not _within(f.location.json_path, broken)]
    governance = check_policy(contract, mesh) if mesh is not None else []
    rego = mesh.rego_policies if mesh is not None else None
    if rego is not None and rego.on_validate and not has_errors(structural + meaning):
        governance += rego(contract)  # the mesh's own Rego rules, on a contract they can trust
    return Validation(path, contract, sorted(structural + meaning + governance, key=sort_key))


def validate_file(path: str | Path, mesh: Mesh | None = None, within: Path | None = None) -> Validation:
    """`within`: the mesh root a found contract must not leave through a symbolic link."""
    try:
        doc = load_file(path, within)
    except LoadError as exc:
        return Validation(str(path), None, exc.findings)
    return validate_document(doc, mesh)


PARALLEL_FROM = 64  # below this, starting worker processes costs more than it saves


def validate_files(files: list[Path], mesh: Mesh | None = None, within: Path | None = None) -> list[Validation]:
    """validate_file for each of `files`, in order (each table of an ODCS file on its own); on every
    core (up to 8) from PARALLEL_FROM files.

    YAML parsing with positions is pure Python and CPU-bound, so a large mesh
    is validated in forked worker processes (where fork exists).
    """
    import functools

    from scaffolder.parallel import fork_map

    done = fork_map(functools.partial(validate_file, mesh=mesh, within=within), files, least=PARALLEL_FROM)
    return [v for result in done for v in result.each]


def validate_text(text: str, path: str = "<input>", mesh: Mesh | None = None) -> Validation:
    try:
        doc = load_text(text, path)
    except LoadError as exc:
        return Validation(path, None, exc.findings)
    return validate_document(doc, mesh)


def pick_table(validation: Validation, table: str | None) -> Validation:
    """The one contract a single-contract command works on: the file's, or the ODCS table named
    by `table` (its `schema` object name, or the contract name); several tables need a name."""
    from scaffolder.errors import UsageError

    each = validation.each
    if table is None:
        if len(each) > 1:
            names = ", ".join(v.contract.name for v in each if v.contract)
            raise UsageError(f"{validation.path} holds {len(each)} tables ({names}): name one with --table")
        return validation
    for v in each:
        if v.contract and table in (v.contract.name, v.contract.product):
            return v
    raise UsageError(f"{validation.path}: no table {table!r}")


def load_contract(path: str | Path, mesh: Mesh | None = None) -> Contract:
    """A valid Contract, or ContractError carrying every finding."""
    result = validate_file(path, mesh)
    if not result.ok or result.contract is None:
        raise ContractError(result)
    return result.contract


def load_contract_text(text: str, path: str, mesh: Mesh | None = None) -> Contract:
    result = validate_text(text, path, mesh)
    if not result.ok or result.contract is None:
        raise ContractError(result)
    return result.contract
