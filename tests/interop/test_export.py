"""Export to Avro, JSON Schema, SQL DDL and dbt: each output is read by the tool that owns the format."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SEED, run_cli

RICH = Path(__file__).with_name("rich.yaml")
CONTRACTS = [SEED, RICH]
INSERT = """INSERT INTO order_lines VALUES
  (1, 'c2d29867-3d0b-d497-9191-18a9d8ee7830', 'placed', 'web', 'ABC-1', 3, 9.99, 1.5, 0.5, true, DATE '2026-01-02',
   TIMESTAMP '2026-01-02 10:00:00', TIMESTAMPTZ '2026-01-02 10:00:00+00', TIME '10:00:00', '\\xAA'::BLOB,
   ['a', 'b'], MAP {'x': 1}, {'city': 'Oslo', 'zip': 150}),
  (2, 'c2d29867-3d0b-d497-9191-18a9d8ee7831', 'it''s', NULL, NULL, 100, NULL, NULL, NULL, NULL, NULL,
   TIMESTAMP '2026-01-03 10:00:00', NULL, NULL, NULL, NULL, NULL, NULL)"""


def export(fmt: str, contract: Path) -> str:
    r = run_cli("export", "--format", fmt, str(contract))
    assert r.code == 0, r.err
    return r.out


@pytest.fixture(scope="module")
def rich_rows(tmp_path_factory: pytest.TempPathFactory) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """RICH's table created from its exported DuckDB DDL, with two rows."""
    con = duckdb.connect()
    con.execute(export("sql:duckdb", RICH))
    con.execute(INSERT)
    return con


def test_duckdb_ddl_runs_and_enforces_the_constraints(rich_rows: duckdb.DuckDBPyConnection) -> None:
    con = rich_rows
    assert con.execute("SELECT count(*) FROM order_lines").fetchone()[0] == 2
    bad = ["(3, gen_random_uuid(), 'nope', NULL, NULL, 1, NULL, NULL, NULL, NULL, NULL, now()::TIMESTAMP, "
           "NULL, NULL, NULL, NULL, NULL, NULL)",  # status outside its enum
           "(3, gen_random_uuid(), 'paid', NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, now()::TIMESTAMP, "
           "NULL, NULL, NULL, NULL, NULL, NULL)",  # qty below min
           "(1, gen_random_uuid(), 'paid', NULL, NULL, 1, NULL, NULL, NULL, NULL, NULL, now()::TIMESTAMP, "
           "NULL, NULL, NULL, NULL, NULL, NULL)"]  # duplicate key
    for row in bad:
        with pytest.raises(duckdb.ConstraintException):
            con.execute(f"INSERT INTO order_lines VALUES {row}")


def test_duckdb_ddl_round_trips_through_import(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    con = duckdb.connect(str(db))
    con.execute(export("sql:duckdb", RICH))
    con.close()
    r = run_cli("import", "--format", "duckdb", f"{db}::order_lines", "--domain", "shop")
    assert r.code == 0, r.err
    from scaffolder.contract.validate import validate_text

    back = validate_text(r.out, "back.yaml").contract
    orig = validate_text(RICH.read_text(), "rich.yaml").contract
    assert [(f.name, f.type, f.constraints.not_null, f.constraints.is_unique) for f in back.fields] == \
        [(f.name, f.type, f.constraints.not_null, f.constraints.is_unique) for f in orig.fields]
    assert back.primary_key == orig.primary_key


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda p: p.name)
def test_postgres_ddl_runs_in_a_real_server(pg, contract: Path) -> None:
    import psycopg

    db = f"export_{contract.stem.replace('-', '_')}"
    pg.create_database(db)
    with psycopg.connect(pg.dsn(db), autocommit=True) as con:
        con.execute(export("sql:postgres", contract))
        table = "order_lines" if contract == RICH else "order_events"
        cols = dict(con.execute("SELECT column_name, is_nullable FROM information_schema.columns "
                                "WHERE table_name = %s", [table]).fetchall())
        if contract == RICH:
            assert cols["qty"] == "NO" and cols["price"] == "YES"
            with pytest.raises(psycopg.errors.CheckViolation):
                con.execute("INSERT INTO order_lines (line_id, order_id, status, qty, placed_at) "
                            "VALUES (1, gen_random_uuid(), 'nope', 1, now())")
        else:
            assert cols == {"order_id": "NO", "event_ts": "NO", "customer_id": "YES"}
        assert cols


@pytest.mark.parametrize("dialect", ["spark", "snowflake", "bigquery"])
def test_other_dialects_parse_back_in_their_dialect(dialect: str) -> None:
    import sqlglot

    ddl = export(f"sql:{dialect}", RICH)
    tree = sqlglot.parse_one(ddl, read=dialect)
    assert [c.name for c in tree.this.expressions if c.key == "columndef"][:3] == ["line_id", "order_id", "status"]


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda p: p.name)
def test_avro_schema_parses_and_carries_rows(contract: Path, rich_rows: duckdb.DuckDBPyConnection) -> None:
    import fastavro

    schema = fastavro.parse_schema(json.loads(export("avro", contract)))
    if contract != RICH:
        return
    cur = rich_rows.execute("SELECT * FROM order_lines ORDER BY line_id")
    names = [d[0] for d in cur.description]
    records = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    buf = io.BytesIO()
    fastavro.writer(buf, schema, records)
    buf.seek(0)
    back = list(fastavro.reader(buf))
    assert [r["status"] for r in back] == ["placed", "it's"] and back[0]["channel"] == "web"
    assert str(back[0]["price"]) == "9.99"
    with pytest.raises((ValueError, TypeError, KeyError)):  # not-null is not-null in Avro too
        fastavro.writer(io.BytesIO(), schema, [{**records[0], "qty": None}])


def test_json_schema_is_valid_and_the_rows_validate(rich_rows: duckdb.DuckDBPyConnection) -> None:
    import jsonschema

    schema = json.loads(export("jsonschema", RICH))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    rows = [json.loads(r[0]) for r in rich_rows.execute(
        "SELECT to_json(t) FROM order_lines t ORDER BY line_id").fetchall()]
    for row in rows:
        validator.validate(row)
    for broken in ({**rows[0], "status": "nope"}, {**rows[0], "qty": 0}, {**rows[0], "sku": "abc"},
                   {k: v for k, v in rows[0].items() if k != "qty"}, {**rows[0], "placed_at": None}):
        assert list(validator.iter_errors(broken)), broken


def test_dbt_export_is_dbt_schema(tmp_path: Path) -> None:
    assert export("dbt", SEED) == run_cli("dbt-schema", str(SEED)).out


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda p: p.name)
def test_odcs_export_validates_against_the_standard_schema(contract: Path, tmp_path: Path) -> None:
    from scaffolder.contract.validate import validate_file
    from scaffolder.odcs.schema import validate_odcs_structure

    out = tmp_path / "c.odcs.yaml"
    assert run_cli("export", "--format", "odcs", str(contract), "-o", str(out)).code == 0
    from scaffolder.contract.load import load_file

    assert validate_odcs_structure(load_file(out)) == []
    back, orig = validate_file(out), validate_file(contract)
    assert back.ok, [f.text() for f in back.findings]
    assert [(f.name, f.type, f.constraints) for f in back.contract.fields] == \
        [(f.name, f.type, f.constraints) for f in orig.contract.fields]
    # every other export reads the ODCS file as it reads ours
    for fmt in ("avro", "jsonschema", "sql:postgres", "dbt"):
        assert export(fmt, out).split("\n", 2)[2] == export(fmt, contract).split("\n", 2)[2]


def test_output_file_is_written_whole_and_bad_usage_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "t.sql"
    r = run_cli("export", "--format", "sql:postgres", str(SEED), "-o", str(out))
    assert r.code == 0 and out.read_text().startswith("-- orders-domain.order_events")
    assert not [p for p in tmp_path.iterdir() if p.name != "t.sql"]  # no temp file left behind
    assert run_cli("export", "--format", "sql:oracle", str(SEED)).code == 2
    assert run_cli("export", "--format", "avro:x", str(SEED)).code == 2
    assert run_cli("export", "--format", "avro", str(tmp_path / "none.yaml")).code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(SEED.read_text().replace("version: 2.1.0", "version: two"))
    r = run_cli("export", "--format", "avro", str(bad))
    assert r.code == 1 and "bad.yaml:" in r.err and not r.out


def test_a_multi_table_odcs_contract_exports_the_table_named(tmp_path: Path) -> None:
    from scaffolder.contract.load import load_file
    from scaffolder.odcs.convert import to_odcs
    from scaffolder.odcs.files import dump_yaml

    both = tmp_path / "shop.odcs.yaml"
    both.write_text(dump_yaml(to_odcs([load_file(RICH).data, load_file(SEED).data])))
    r = run_cli("export", "--format", "sql", str(both))
    assert r.code == 2 and "--table" in r.err
    for table, first in (("order_lines", '"line_id" BIGINT NOT NULL'), ("order_events", '"order_id" TEXT NOT NULL')):
        r = run_cli("export", "--format", "sql", str(both), "--table", table)
        assert r.code == 0, r.err
        assert f'CREATE TABLE "{table}" (\n  {first}' in r.out
