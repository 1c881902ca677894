"""The compiler: one catalogue entry per assertion, values only as parameters, one statement."""

from __future__ import annotations

import duckdb

from scaffolder.checks.compile import (
    Col,
    Counting,
    main_statement,
    plan,
)
from scaffolder.checks.sql import Params, ident, literal
from scaffolder.checks.uniqueness import DuplicatePlan
from scaffolder.contract.validate import load_contract_text
from tests.checks.data import CONTRACT, SMALL
from tests.checks.test_injection import DROP, REGEX, VALUES, _contract


def test_identifiers_and_literals_escape() -> None:
    assert ident('a"b') == '"a""b"'
    assert literal("it's") == "'it''s'"
    con = duckdb.connect()
    for name in [DROP, 'quo"te', "back\\slash", "new\nline", "ünï✓"]:
        assert con.execute(f"SELECT 1 AS {ident(name)}").description[0][0] == name
        assert con.execute(f"SELECT {literal(name)}").fetchone()[0] == name


def _bound(contract_text: str) -> list:
    contract = load_contract_text(contract_text, "c.yaml")
    checks = [c for c in plan(contract) if c.counting not in (Counting.COLUMNS, Counting.FRESHNESS)]
    for c in checks:
        for name in (c.columns or ((c.column,) if c.column else ())):
            f = contract.field(name)
            fam = "number" if f.type.is_numeric else f.type.name if f.type.is_temporal else "string"
            c.cols[name] = Col(name, f.type.duckdb(), fam)
    return checks


def test_contract_values_never_reach_the_sql_text() -> None:
    checks = _bound(_contract())
    stmt = main_statement(checks, "data", None)
    without_idents = stmt.sql
    for c in checks:
        for name in (c.columns or ((c.column,) if c.column else ())):
            without_idents = without_idents.replace(ident(name), "")
    for value in [v for v in [*VALUES, REGEX, "x'); DELETE FROM t; --"] if v not in ("$1", "?")]:
        assert value not in without_idents  # "$1" and "?" are values too, but also placeholder syntax
    assert DROP in stmt.params and REGEX in stmt.params
    assert stmt.sql.count("FROM data") == 1  # one scan


def test_one_statement_for_every_row_check() -> None:
    checks = _bound(CONTRACT)
    stmt = main_statement(checks, "data", None)
    assert stmt.sql.upper().count("SELECT") == 1
    dups = DuplicatePlan.of(checks, "cand")
    assert dups is not None
    # id and code stand alone (one GROUPING SETS scan); (code, status) and (id, qty) contain them
    assert dups.base == [("id",), ("code",)]
    assert dups.leading == {("code", "status"): "code", ("id", "qty"): "id"}
    first = dups.first_pass("data")
    assert "GROUPING SETS" in first and first.count("FROM data") == 1
    params = Params()
    assert params.add("x") == "$1" and params.add("y") == "$2"


def test_a_lone_key_finds_repeated_hashes_by_sorting_unless_it_holds_floats() -> None:
    """One stand-alone key: its repeated hashes are found by sorting, then only those rows are grouped."""
    def plan_for(typ: str) -> DuplicatePlan:
        text = SMALL + f"""\
  schema:
    fields:
      - {{name: k, type: {typ}, constraints: {{unique: true}}}}
      - {{name: n, type: int}}
  quality:
    checks:
      - {{assertion: expect_compound_columns_to_be_unique, value: {{column_list: [k, n]}}}}
"""
        dups = DuplicatePlan.of(_bound(text), "cand")
        assert dups is not None
        return dups

    for typ in ("string", "long", "date"):
        dups = plan_for(typ)
        first = dups.first_pass("data")
        assert dups.hashed and "lag(h) OVER (ORDER BY h)" in first and "GROUPING SETS" in first
        assert dups.candidates(("k", "n")) == "SELECT 0"  # the compound key was grouped in that pass
    floats = plan_for("double")
    assert not floats.hashed and "lag(" not in floats.first_pass("data")
