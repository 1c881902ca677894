"""The compiled SQL, executed: in DuckDB, and in a real PostgreSQL server connecting as each role."""

from __future__ import annotations

import hashlib

import pytest

from scaffolder.access.compile import REDACTED, compile_all
from scaffolder.access.decide import Decider
from tests.access.common import COLUMNS, ROWS, TOKEN_KEY, contract, policies

ROLES = ["analyst", "auditor", "data-scientist", "fraud"]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def token(text: str) -> str:
    return sha(f"{TOKEN_KEY}:{text}")


def compiled(dialect: str, extra: list[str] | None = None):
    return compile_all([contract()], dialect, decider=Decider(policies()), extra_roles=extra or [])[0]


def expected_analyst(row: tuple) -> tuple:
    order_id, amount, customer_id, _email, _age, phone, city, _ssn = row
    return (order_id, amount, sha(customer_id), REDACTED, None, token(phone), city)


def test_the_key_is_never_in_the_sql():
    for dialect in ("duckdb", "postgres", "snowflake", "databricks", "bigquery"):
        assert TOKEN_KEY not in compiled(dialect).sql()


# --- DuckDB -------------------------------------------------------------------------------

@pytest.fixture
def duck():
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE main.order_events (order_id VARCHAR, amount DOUBLE, customer_id VARCHAR, "
                "email VARCHAR, age INTEGER, phone VARCHAR, city VARCHAR, ssn VARCHAR)")
    con.executemany("INSERT INTO main.order_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ROWS)
    con.execute(compiled("duckdb", ["outsider"]).sql())
    yield con
    con.close()


def test_duckdb_analyst_view_masks_by_method(duck):
    duck.execute("SET VARIABLE access_token_key = ?", [TOKEN_KEY])
    rows = duck.execute('SELECT * FROM access."order_events__analyst" ORDER BY order_id').fetchall()
    cols = [d[0] for d in duck.description]
    assert cols == COLUMNS[:-1]  # ssn (PII without a masking method) is left out
    assert rows == [expected_analyst(r) for r in ROWS]


def test_duckdb_policy_refinements_show_in_the_views(duck):
    duck.execute("SET VARIABLE access_token_key = ?", [TOKEN_KEY])
    fraud = duck.execute('SELECT customer_id FROM access."order_events__fraud" ORDER BY 1').fetchall()
    assert fraud == [(r[2],) for r in ROWS]
    auditor = duck.execute('SELECT * FROM access."order_events__auditor"')
    assert "amount" not in [d[0] for d in auditor.description]
    ds = duck.execute('SELECT city FROM access."order_events__data_scientist" ORDER BY 1').fetchall()
    assert ds == sorted((sha(r[6]),) for r in ROWS)


def test_duckdb_role_not_in_the_contract_has_no_view(duck):
    views = {r[0] for r in duck.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'access'")
             .fetchall()}
    assert views == {f"order_events__{r.replace('-', '_')}" for r in ROLES}


def test_duckdb_tokenize_without_the_key_fails_rather_than_hashing_without_it(duck):
    import duckdb

    with pytest.raises(duckdb.Error, match="tokenize needs the key"):
        duck.execute('SELECT phone FROM access."order_events__analyst"').fetchall()


# --- PostgreSQL, with real roles ------------------------------------------------------------

@pytest.fixture(scope="module")
def pgdb(pg):
    import psycopg

    dsn = pg.create_database("access_test")
    for role in [*ROLES, "outsider"]:
        pg.create_role(role)
    with psycopg.connect(dsn, autocommit=True, options=f"-c access.token_key={TOKEN_KEY}") as con:
        con.execute("CREATE TABLE public.order_events (order_id text, amount double precision, "
                    "customer_id text, email text, age integer, phone text, city text, ssn text)")
        with con.cursor() as cur:
            cur.executemany("INSERT INTO public.order_events VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", ROWS)
        con.execute(compiled("postgres", ["outsider"]).sql())
    return pg


def as_role(pg, role: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(pg.dsn("access_test", user=role)) as con:
        return con.execute(sql).fetchall()


def test_postgres_analyst_reads_hashed_customer_id(pgdb):
    rows = as_role(pgdb, "analyst", 'SELECT * FROM access."order_events__analyst" ORDER BY order_id')
    assert rows == [expected_analyst(r) for r in ROWS]


def test_postgres_analyst_cannot_read_the_table_or_another_roles_view(pgdb):
    import psycopg

    for sql in ("SELECT * FROM public.order_events", 'SELECT * FROM access."order_events__fraud"',
                "SELECT * FROM access.token_key"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role(pgdb, "analyst", sql)


def test_postgres_role_not_in_the_contract_reads_nothing(pgdb):
    import psycopg

    views = as_role(pgdb, "postgres", "SELECT table_name FROM information_schema.views "
                    "WHERE table_schema = 'access'")
    assert not any("outsider" in v[0] for v in views)
    for view in [f"order_events__{r.replace('-', '_')}" for r in ROLES]:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role(pgdb, "outsider", f'SELECT * FROM access."{view}"')
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_role(pgdb, "outsider", "SELECT * FROM public.order_events")


def test_postgres_granted_role_reads_the_clear_value(pgdb):
    rows = as_role(pgdb, "fraud", 'SELECT customer_id, email FROM access."order_events__fraud" ORDER BY 1')
    assert rows == [(r[2], REDACTED) for r in ROWS]


def test_postgres_role_with_a_hyphen_is_quoted(pgdb):
    rows = as_role(pgdb, "data-scientist", 'SELECT city FROM access."order_events__data_scientist" ORDER BY 1')
    assert rows == sorted((sha(r[6]),) for r in ROWS)
