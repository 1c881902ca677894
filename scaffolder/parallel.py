"""One helper for CPU-bound work over many items: forked worker processes on every core (up to 8).

YAML parsing with positions is pure Python, so validating a large mesh, or every
old version of its contracts, is spread over forked workers. Fork (not spawn)
so the workers inherit what the parent loaded and the job's data is never
pickled; below `least` items, or where fork does not exist, the work runs here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 8


def fork_map(fn: Callable[[T], R], items: Sequence[T], *, least: int) -> list[R]:
    """`[fn(x) for x in items]`, in order; in forked workers from `least` items on."""
    import multiprocessing
    import os

    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(items) < least or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(x) for x in items]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(fn, items, chunksize=max(1, len(items) // (workers * 4))))
