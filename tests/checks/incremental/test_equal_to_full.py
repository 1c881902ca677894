"""Property: after any sequence of appended, rewritten and deleted files, an incremental run
reports exactly what a full run over the same files reports, for every assertion of the catalogue.

The contract (tests.checks.data.CONTRACT) uses every assertion; the rows plant nulls, duplicate
keys across files (ids and codes from a small pool), out-of-range values, NaN, and timestamps
both early and late for the freshness SLA and the timestamp bounds.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.checks.assertions import ASSERTIONS
from scaffolder.checks.incremental import run_incremental
from scaffolder.checks.run import parse_now, run_checks
from scaffolder.contract.validate import load_contract
from tests.checks.data import CONTRACT, NOW
from tests.checks.incremental.support import results, write

NOW_TS = parse_now(NOW)



def _row() -> st.SearchStrategy[tuple]:
    return st.tuples(
        st.none() | st.sampled_from([f"A-{i:03d}" for i in range(12)]),  # duplicates across files
        st.none() | st.sampled_from(["CA-000", "CB-001", "XX-12", "toolongcode", "CC-002"]),
        st.none() | st.sampled_from(["new", "paid", "it's", 'quote"d', "lost", "PAID"]),
        st.none() | st.sampled_from([-1.5, 0.0, 5.0, 100.0, 100.5, math.nan]),
        st.none() | st.dates(dt.date(2023, 12, 30), dt.date(2025, 1, 2)),
        st.none() | st.datetimes(dt.datetime(2024, 3, 1, 10), dt.datetime(2024, 3, 2, 9)),  # early and late
        st.none() | st.sampled_from(["0" * 32, "f" * 64, "abc", "zz" + "0" * 30]),
        st.none() | st.integers(0, 12),
        st.none() | st.just("x"),
    )


_rows = st.lists(_row(), min_size=0, max_size=6)
_step = st.one_of(
    st.tuples(st.just("append"), _rows),
    st.tuples(st.just("rewrite"), st.integers(0, 10), _rows),
    st.tuples(st.just("delete"), st.integers(0, 10)),
)


def _apply(folder: Path, step: tuple, counter: list[int]) -> None:
    files = sorted(folder.glob("*.parquet"))
    if step[0] == "append" or not files:
        counter[0] += 1
        write(folder / f"part-{counter[0]:03d}.parquet", step[-1] if step[0] != "delete" else [])
    elif step[0] == "rewrite":
        write(files[step[1] % len(files)], step[2])
    elif len(files) > 1:  # keep one file: no file at all is an error of both runs
        files[step[1] % len(files)].unlink()


def test_the_contract_uses_every_assertion() -> None:
    used = {c.assertion for c in load_contract_text().checks}
    used |= {"expect_column_values_to_not_be_null", "expect_column_values_to_be_unique"}  # from constraints
    # an ODCS sql rule's query is refused with --state (test_state::test_a_sql_rule_is_refused_with_state)
    assert used >= set(ASSERTIONS) - {"expect_sql_query_result"}


def load_contract_text():
    folder = Path(tempfile.mkdtemp())
    (folder / "c.yaml").write_text(CONTRACT)
    return load_contract(folder / "c.yaml")


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(first=_rows, steps=st.lists(_step, min_size=1, max_size=4))
def test_incremental_equals_full_after_every_step(first: list[tuple], steps: list[tuple]) -> None:
    contract = load_contract_text()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "data")
        folder.mkdir()
        counter = [0]
        source, state = str(folder / "*.parquet"), str(Path(tmp, "state.duckdb"))
        for i, step in enumerate([("append", first), *steps]):
            before = len(list(folder.glob("*.parquet")))
            _apply(folder, step, counter)
            files = list(folder.glob("*.parquet"))
            inc = run_incremental(contract, source, state, now=NOW_TS)
            full = run_checks(contract, source, now=NOW_TS)
            assert results(inc) == results(full), step
            assert inc.run is not None
            if i and step[0] == "append":  # only the new file is read
                assert inc.run.mode == "incremental", inc.run.reasons
                assert inc.run.read == [str(sorted(folder.glob("*.parquet"))[-1])]
            elif i and step[0] == "rewrite":  # the same bytes again are no change
                assert inc.run.read == [] or "changed since the last run" in inc.run.reasons[0]
            elif i and len(files) < before:
                assert inc.run.mode == "full" and "deleted since the last run" in inc.run.reasons[0]
