"""Appends from several processes at once lose nothing; a killed writer leaves no half record."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from scaffolder.health.store import open_store
from scaffolder.pgurl import describe
from tests.conftest import ROOT

WRITER = textwrap.dedent("""
    import sys
    from scaffolder.health.record import CheckRecord, RunRecord
    from scaffolder.health.store import append
    url, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(n):
        append(url, RunRecord(f"p{who}", "1.0.0", "h", "src", i, i + 1.0, "ok", freshness_lag_s=1.0,
                              checks=[CheckRecord("a", 0, 1, True), CheckRecord("b", 1, 1, False, [i])]))
""")

KILLED = textwrap.dedent("""
    import os, sys
    from scaffolder.health import store
    from scaffolder.health.record import CheckRecord, RunRecord
    real = store._insert
    def dies_half_way(con, records, many, mark="?"):
        def first_then_die(sql, rows):
            many(sql, rows)
            os._exit(9)  # killed after the run row, before its check rows
        real(con, records, first_then_die, mark)
    store._insert = dies_half_way
    store.append(sys.argv[1], RunRecord("killed", "1.0.0", "h", "src", 0, 1.0, "failed",
                                        checks=[CheckRecord("a", 1, 1, False)]))
""")


def _python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_concurrent_appends_lose_nothing(store_url: str) -> None:
    writers, each = 4, 15
    procs = [_python(WRITER, store_url, str(w), str(each)) for w in range(writers)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    with open_store(store_url) as s:
        assert s.query("SELECT count(*), count(DISTINCT run_id) FROM runs") == [(writers * each, writers * each)]
        per = dict(s.query("SELECT product, count(*) FROM runs GROUP BY product"))
        assert per == {f"p{w}": each for w in range(writers)}
        assert s.query("SELECT count(*) FROM checks") == [(2 * writers * each,)]
        orphans = s.query("SELECT count(*) FROM checks c LEFT JOIN runs r ON c.run_id = r.run_id "
                          "WHERE r.run_id IS NULL")
        assert orphans == [(0,)]


def test_a_killed_writer_leaves_no_half_record(store_url: str) -> None:
    with open_store(store_url, write=True):
        pass  # the tables exist, so the kill lands inside the record's transaction
    p = _python(KILLED, store_url)
    p.communicate(timeout=120)
    assert p.returncode == 9
    with open_store(store_url, write=True) as s:  # the next writer gets in (no stale lock)
        assert s.query("SELECT count(*) FROM runs") == [(0,)]
        assert s.query("SELECT count(*) FROM checks") == [(0,)]


def test_describe_hides_a_password() -> None:
    assert describe("postgresql://bot:s3cret@db.example:5432/mesh") == "postgresql://bot:***@db.example:5432/mesh"
    assert describe("health.duckdb") == "health.duckdb"
