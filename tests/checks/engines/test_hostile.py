"""A hostile contract (names, values and regexes full of quotes, backticks, `'; DROP TABLE`,
newlines, unicode) counts right and leaves the data untouched, on every engine."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from scaffolder.contract.validate import load_contract_text
from tests.checks.engines.conftest import Runner
from tests.checks.test_injection import DROP, EXPECTED, QUOTE, SLASH, _contract, _write

BACKTICK = "back`tick` ; DROP TABLE t; --"


def _with_backticks() -> str:
    """The injection contract plus a column and values with backticks (Spark's identifier quote)."""
    doc = json.loads(_contract())
    doc["spec"]["schema"]["fields"].append(
        {"name": BACKTICK, "type": "string", "constraints": {"enum": ["`", "a`b", DROP]}})
    return json.dumps(doc, ensure_ascii=False)


def _write_with_backticks(folder: Path) -> Path:
    import duckdb

    _, parquet = _write(folder)
    out = folder / "evil_bt.parquet"
    con = duckdb.connect()
    name = '"' + BACKTICK.replace('"', '""') + '"'
    src = str(parquet).replace("'", "''")
    con.execute(f"COPY (SELECT *, CASE WHEN row_number() OVER () % 2 = 0 THEN 'a`b' ELSE '`x' END AS {name} "
                f"FROM read_parquet('{src}')) TO '{str(out).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)")
    return out


def test_hostile_contract_counts_and_touches_nothing(engine: Runner, tmp_path: Path) -> None:
    parquet = _write_with_backticks(tmp_path)
    files = sorted(p for p in tmp_path.iterdir() if p.is_file())
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    if engine.session is not None:
        engine.session.sql("CREATE OR REPLACE TEMP VIEW t AS SELECT 42 AS sentinel")
    contract = load_contract_text(_with_backticks(), str(tmp_path / "evil.yaml"))
    report = engine.run(contract, str(parquet), samples=5)
    got = {c.id: (c.failed, c.total) for c in report.checks}
    assert [c.error for c in report.checks if c.error] == []
    assert {k: got[k] for k in EXPECTED} == EXPECTED
    assert got[f"{BACKTICK}.enum"] == (3, 6) and got[f"{BACKTICK}.schema"] == (0, 1)
    samples = {c.id: c.samples for c in report.checks if not c.passed}
    assert sorted(samples[f"{DROP}.enum"]) == ["EVIL", "evil"]
    assert samples[f"{SLASH}.unique"] == ["x'); DELETE FROM t; --"]
    assert samples[f"{QUOTE}.values_to_not_match_regex"] == ["'; DROP TABLE t; --"]
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files} == before
    assert sorted(p for p in tmp_path.iterdir() if p.is_file()) == files
    if engine.session is not None:
        assert engine.session.sql("SELECT sentinel FROM t").collect()[0][0] == 42


@pytest.mark.parametrize("value", ["a'b", "a`b", DROP, "new\nline", "ünï✓"])
def test_values_are_parameters_in_every_dialect(value: str) -> None:
    from scaffolder.checks.dialects import DIALECTS
    from scaffolder.checks.print_sql import statements

    doc = json.loads(_contract())
    doc["spec"]["quality"]["checks"].append({"column": DROP, "assertion": "expect_column_values_to_be_in_set",
                                             "value": {"value_set": [value]}})
    contract = load_contract_text(json.dumps(doc, ensure_ascii=False), "evil.yaml")
    for dialect in DIALECTS:
        for stmt in statements(contract, dialect):
            without_idents = stmt.sql
            for f in contract.fields:
                without_idents = without_idents.replace(DIALECTS[dialect].ident(f.name), "")
            assert value not in without_idents, dialect
