"""Shared timing helpers: best-of-N wall time of a whole process, and a ratio table."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence


def best_of(cmd: Sequence[str], runs: int = 7, cwd: str | None = None) -> float:
    """Minimum wall time over `runs` (the least noisy estimate on a shared machine)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(list(cmd), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def table(title: str, baseline_name: str, baseline: float, rows: list[tuple[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'case':<44} {'seconds':>9} {'x baseline':>11}")
    print(f"{baseline_name + ' (baseline)':<44} {baseline:>9.3f} {1.0:>11.2f}")
    for name, seconds in rows:
        print(f"{name:<44} {seconds:>9.3f} {seconds / baseline:>11.2f}")


PY = sys.executable


def descendants_cpu() -> float:
    """CPU seconds (user + system) of every live process this one started, read from /proc (Linux).

    A Spark local session's JVM is such a process: its CPU time, unlike wall time, barely moves
    with the load other work puts on a shared machine. 0.0 where /proc is missing.
    """
    import os

    try:
        tick = os.sysconf("SC_CLK_TCK")
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except (OSError, ValueError, AttributeError):
        return 0.0
    children: dict[int, list[tuple[int, float]]] = {}
    for e in entries:
        try:
            with open(f"/proc/{e}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append((int(e), (int(fields[11]) + int(fields[12])) / tick))
    total, todo = 0.0, [os.getpid()]
    while todo:
        for pid, seconds in children.get(todo.pop(), []):
            total += seconds
            todo.append(pid)
    return total
