"""Property: after any sequence of appends, deletes and overwrites of a Delta table (plain or
partitioned), an incremental run reports exactly what a full run reports, for every assertion; an
append is read alone, and a delete that removed rows makes the run full."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.checks.incremental import run_incremental
from scaffolder.checks.run import run_checks
from tests.checks.incremental.support import arrow, results
from tests.checks.incremental.test_equal_to_full import NOW_TS, _row, load_contract_text

_rows = st.lists(_row(), min_size=1, max_size=6)
_step = st.one_of(
    st.tuples(st.just("append"), _rows),
    st.tuples(st.just("delete"), st.integers(0, 12)),  # the rows with this qty
    st.tuples(st.just("overwrite"), _rows),
)


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(first=_rows, steps=st.lists(_step, min_size=1, max_size=4), partitioned=st.booleans())
def test_delta_incremental_equals_full_after_every_step(first: list[tuple], steps: list[tuple],
                                                        partitioned: bool) -> None:
    from deltalake import DeltaTable, write_deltalake

    contract = load_contract_text()
    part = {"partition_by": ["status"]} if partitioned else {}
    with tempfile.TemporaryDirectory() as tmp:
        source, state = str(Path(tmp, "delta")), str(Path(tmp, "state.duckdb"))
        write_deltalake(source, arrow(first), **part)
        for i, step in enumerate([("append", first), *steps]):
            before = set(DeltaTable(source).file_uris())
            if i and step[0] == "append":
                write_deltalake(source, arrow(step[1]), mode="append", **part)
            elif step[0] == "delete":
                DeltaTable(source).delete(f"qty = {int(step[1])}")
            elif step[0] == "overwrite":
                write_deltalake(source, arrow(step[1]), mode="overwrite", **part)
            after = set(DeltaTable(source).file_uris())
            inc = run_incremental(contract, source, state, now=NOW_TS)
            assert results(inc) == results(run_checks(contract, source, now=NOW_TS)), step
            assert inc.run is not None
            if i and step[0] == "append":
                assert inc.run.mode == "incremental" and set(inc.run.read) == after - before, inc.run.reasons
            elif i and before - after:  # a file gone: the rows it held cannot be taken out of the partials
                assert inc.run.mode == "full" and "no longer in version" in inc.run.reasons[0]
            elif i:  # a delete that matched nothing writes no new file
                assert inc.run.mode == "incremental" and inc.run.read == []
