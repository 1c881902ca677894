"""`test --record`: time a check run and append what it found (or that it could not read) to the store."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from scaffolder.contract.model import Contract
from scaffolder.health import record, store


def recording(run_checks: Callable[..., Any], url: str, contract: Contract,
              now: dt.datetime | None) -> Callable[..., Any]:
    """`run_checks` that also appends one record. The observation time is the freshness clock:
    `--now` when given (a replayed or scheduled run), else the wall clock at the end."""
    from scaffolder.checks.sources import SourceError

    def run(c: Contract, source: str, **kw: Any) -> Any:
        wall = time.time()
        try:
            report = run_checks(c, source, **kw)
        except SourceError as exc:
            started, ended = _times(wall, now)
            store.append(url, record.unreadable(contract, source, str(exc).splitlines()[0], started, ended))
            raise
        started, ended = _times(wall, now)
        store.append(url, record.from_report(contract, report, started, ended))
        return report

    return run


def _times(wall_start: float, now: dt.datetime | None) -> tuple[float, float]:
    elapsed = time.time() - wall_start
    end = now.timestamp() if now is not None else time.time()
    return end - elapsed, end
