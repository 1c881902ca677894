"""Snowflake, Databricks and BigQuery output: every statement parses in its dialect (sqlglot),
the views select what the decisions allow, and the grants name the roles that read."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from scaffolder.access.compile import Compiler, compile_all
from scaffolder.access.decide import Decider
from scaffolder.errors import UsageError
from tests.access.common import contract, policies

DIALECTS = ["snowflake", "databricks", "bigquery", "duckdb", "postgres"]


def statements(dialect: str, **kw):
    c = compile_all([contract()], dialect, decider=Decider(policies()), extra_roles=["outsider"], **kw)[0]
    return c, sqlglot.parse(c.sql(), read=dialect, error_level=sqlglot.ErrorLevel.RAISE)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_views_select_exactly_the_readable_columns(dialect):
    c, parsed = statements(dialect)
    views = {s.this.name.lower(): s for s in parsed if isinstance(s, exp.Create) and s.kind == "VIEW"}
    assert len(views) == 4  # one per role of the contract; none for the outsider
    for decision in c.decisions:
        name = f"order_events__{decision.role.replace('-', '_')}"
        if decision.role == "outsider":
            assert name not in views
            continue
        select = views[name].expression
        assert [e.alias_or_name.lower() for e in select.expressions] == [
            col.column for col in decision.columns if col.readable]


@pytest.mark.parametrize("dialect", ["snowflake", "databricks", "bigquery", "postgres"])
def test_grants_go_to_the_roles_that_read(dialect):
    c, parsed = statements(dialect)
    grants = [s for s in parsed if isinstance(s, exp.Grant)]
    assert grants, "no GRANT parsed"
    granted = " ".join(s.sql(dialect) for s in grants).lower()  # Snowflake: upper-case names
    for role in c.roles:
        assert role in granted
    assert "outsider" not in granted
    assert c.roles == ["analyst", "auditor", "data-scientist", "fraud"]


def test_snowflake_names_are_upper_case_like_dbt_creates_them_unless_they_need_quotes():
    sql = statements("snowflake")[0].sql()
    assert 'FROM "PUBLIC"."ORDER_EVENTS"' in sql and 'TO ROLE "ANALYST"' in sql
    assert 'TO ROLE "data-scientist"' in sql


def test_snowflake_views_are_secure():
    c, _ = statements("snowflake")
    assert c.sql().count("CREATE OR REPLACE SECURE VIEW") == 4


@pytest.mark.parametrize("dialect", ["snowflake", "bigquery", "postgres"])
def test_tokenize_reads_the_key_from_outside_the_sql(dialect):
    sql = statements(dialect)[0].sql()
    marker = {"snowflake": "$ACCESS_TOKEN_KEY", "bigquery": "@token_key",
              "postgres": "current_setting('access.token_key')"}[dialect]
    assert marker in sql


def test_databricks_tokenize_reads_a_secret():
    assert "SECRET('access', 'token_key')" in statements("databricks")[0].sql()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_hostile_names_stay_quoted(dialect):
    from scaffolder.contract.validate import load_contract_text

    hostile = load_contract_text(
        "apiVersion: datamesh.io/v1\nkind: DataProduct\n"
        "metadata: {name: orders.evil, domain: orders, version: 1.0.0}\n"
        "spec:\n  owner: a@b.io\n  schema:\n    fields:\n"
        "      - {name: 'x\"; DROP TABLE t; --', type: string, constraints: {pii: true, masking: hash}}\n"
        "  access:\n    roles: [\"r'); DROP TABLE t; --\"]\n", "evil.yaml")
    c = compile_all([hostile], dialect)[0]
    parsed = sqlglot.parse(c.sql(), read=dialect, error_level=sqlglot.ErrorLevel.RAISE)
    kinds = {type(s).__name__ for s in parsed}
    assert "Drop" not in kinds
    assert kinds <= {"Create", "Grant", "Revoke", "Command"}


def test_schema_names_are_checked():
    with pytest.raises(UsageError, match="--schema"):
        Compiler("postgres", schema='a"; DROP')
