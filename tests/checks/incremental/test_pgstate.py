"""STATE kept in a real PostgreSQL server (`--state postgresql://...`): same results, nothing lost, no password shown."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from scaffolder.checks.incremental import pgstate, run, run_incremental
from scaffolder.checks.incremental.state import StateError
from scaffolder.checks.run import parse_now, run_checks
from scaffolder.errors import UsageError
from tests.checks.data import CONTRACT, NOW, rows
from tests.checks.incremental.support import results, write
from tests.conftest import run_cli

NOW_TS = parse_now(NOW)
SECRET = "pw-3x4mpl3-zz9"  # trust authentication ignores it; it must never be printed


@pytest.fixture
def setup(pg, tmp_path: Path) -> tuple[Path, str, str]:
    name = f"state_{tmp_path.name.lower().replace('-', '_')[-40:]}"
    pg.create_database(name)
    (tmp_path / "data").mkdir()
    (tmp_path / "c.yaml").write_text(CONTRACT)
    write(tmp_path / "data" / "a.parquet", rows()[:10])
    return tmp_path / "c.yaml", str(tmp_path / "data" / "*.parquet"), pg.dsn(name, password=SECRET)


def _row(url: str) -> tuple[int, bytes] | None:
    with psycopg.connect(url) as con:
        got = con.execute(f"SELECT generation, body FROM {pgstate.TABLE}").fetchall()
    assert len(got) <= 1
    return (got[0][0], bytes(got[0][1])) if got else None


def test_state_in_postgres_reads_only_new_files_and_equals_a_full_run(setup) -> None:
    contract, source, url = setup
    first = run_incremental(contract, source, url, now=NOW_TS)
    assert first.run is not None and first.run.mode == "full"
    assert _row(url) is not None and _row(url)[0] == 1
    new = Path(source).parent / "b.parquet"
    write(new, rows()[10:])
    second = run_incremental(contract, source, url, now=NOW_TS)
    assert second.run is not None and second.run.mode == "incremental" and second.run.read == [str(new)]
    assert results(second) == results(run_checks(contract, source, now=NOW_TS))
    assert _row(url)[0] == 2
    assert SECRET not in json.dumps(second.to_json()) and second.run.state.endswith(url.rsplit("@", 1)[1])


def test_a_failed_run_writes_nothing_back(setup, monkeypatch) -> None:
    contract, source, url = setup
    run_incremental(contract, source, url, now=NOW_TS)
    before = _row(url)
    write(Path(source).parent / "b.parquet", rows()[10:])
    real = run.run_incremental

    def dies(*args, **kwargs):  # the run itself completes (its local STATE grows), then the process fails
        real(*args, **kwargs)
        raise RuntimeError("killed")

    monkeypatch.setattr(run, "run_incremental", dies)
    with pytest.raises(RuntimeError):
        run_incremental(contract, source, url, now=NOW_TS)
    assert _row(url) == before
    monkeypatch.setattr(run, "run_incremental", real)
    again = run_incremental(contract, source, url, now=NOW_TS)  # the new file is still new
    assert again.run is not None and again.run.mode == "incremental" and len(again.run.read) == 1


def test_a_key_in_use_is_a_usage_error(setup) -> None:
    contract, source, url = setup
    key = pgstate.key_of("shop.orders", source)
    from scaffolder.contract.validate import load_contract

    assert load_contract(contract).name == "shop.orders", "the key below is the product's"
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [key])
        with pytest.raises(StateError, match="in use by another run"):
            run_incremental(contract, source, url, now=NOW_TS)


def test_cli_with_state_in_postgres_prints_no_password(setup) -> None:
    contract, source, url = setup
    for fmt in ("text", "json", "markdown"):
        r = run_cli("test", str(contract), "--data", source, "--state", url, "--now", NOW, "--format", fmt)
        assert r.code in (0, 1), r.out + r.err
        assert SECRET not in r.out + r.err
        assert ("***" in r.out) == (fmt != "markdown")  # the state line (Markdown for PRs names no state)
    bad = url.replace(url.rsplit("/", 1)[1], "no_such_database")
    r = run_cli("test", str(contract), "--data", source, "--state", bad)
    assert r.code == 2 and "cannot connect to the state database" in r.err and SECRET not in r.out + r.err


def test_spark_with_state_in_postgres_is_a_usage_error(setup) -> None:
    contract, source, url = setup
    with pytest.raises(UsageError, match="works with --engine duckdb"):
        run_incremental(contract, source, url, engine="spark")
