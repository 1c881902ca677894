"""Independent reads of one DuckDB connection, run side by side on its cursors.

A batch of new files is often one Parquet row group, which DuckDB reads on one
thread; the parts an incremental run reads from it (the partial aggregates, each
key index's batch) are independent statements, so on a machine of N cores they
run N at a time, each on a cursor of the run's connection. Cursors share the
database (its views, attached STATE and global settings: the sandbox and the
time zone hold for them), not temporary tables: a job writes plain tables of the
in-memory database.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Job = Callable[[Any], None]  # given a cursor, runs its statements


def run_all(con: Any, jobs: list[Job], errors: tuple[type[BaseException], ...], *,
            side_by_side: bool = True) -> list[BaseException | None]:
    """Run `jobs`, at most one per core at a time; each one's error of type `errors` (None: it ran).

    Not `side_by_side`, they run one after the other on `con` itself: a relation over an Arrow
    object registered with `con` (a Delta or Iceberg snapshot) is not seen by its cursors.
    An error of another kind, or an interrupt, interrupts the jobs still running and is raised.
    """
    if not side_by_side or len(jobs) <= 1 or (os.cpu_count() or 1) == 1:
        return [_one(job, con, errors) for job in jobs]
    cursors = [con.cursor() for _ in jobs]
    pool = ThreadPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1))
    try:
        futures = [pool.submit(_one, job, cur, errors) for job, cur in zip(jobs, cursors, strict=True)]
        return [f.result() for f in futures]
    except BaseException:
        for cur in cursors:
            cur.interrupt()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for cur in cursors:
            cur.close()


def _one(job: Job, cur: Any, errors: tuple[type[BaseException], ...]) -> BaseException | None:
    try:
        job(cur)
    except errors as exc:
        return exc
    return None
