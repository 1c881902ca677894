"""A store per test on each backend: a DuckDB file, or a fresh database on the session's PostgreSQL."""

from __future__ import annotations

import itertools

import pytest

_n = itertools.count()


@pytest.fixture(params=["duckdb", "postgres"])
def store_url(request, tmp_path) -> str:
    if request.param == "duckdb":
        return str(tmp_path / "health.duckdb")
    pg = request.getfixturevalue("pg")
    return pg.create_database(f"health_{next(_n)}_{request.node.name[:20].lower().replace('[', '_').replace(']', '')}")
