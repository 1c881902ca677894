"""Run histories on a fixed clock, with gaps, late data, failed reads and recoveries planted by hand.

The expected figures in the tests are worked out from docs/operating.md's
counting rules in the comments here, never by running the evaluator.
"""

from __future__ import annotations

import datetime as dt

from scaffolder.health.record import CheckRecord, RunRecord

NOW = dt.datetime(2026, 6, 30, tzinfo=dt.UTC).timestamp()
H = 3600.0
WINDOW = 24 * H
WS = NOW - WINDOW  # the window is (WS, NOW]


def run(product: str, hour: float, outcome: str = "ok", lag_h: float | None = 0.1, *, fresh_h: float | None = 2,
        avail: float | None = 99.0, checks: list[CheckRecord] | None = None) -> RunRecord:
    """A run ending `hour` hours after the window start."""
    at = WS + hour * H
    readable = outcome != "unreadable"
    return RunRecord(product, "1.0.0", "sha256:x", f"{product}.parquet", at - 5, at, outcome,
                     rows=10 if readable else None, freshness_lag_s=lag_h * H if readable and lag_h is not None else None,
                     freshness_sla_s=fresh_h * H if fresh_h is not None else None, availability_pct=avail,
                     error=None if readable else "no such file", checks=checks or [])


def _checks(amount_ok: bool, samples: list | None = None) -> list[CheckRecord]:
    return [CheckRecord("id.not_null", 0, 10, True),
            CheckRecord("amount.range", 0 if amount_ok else 2, 10, amount_ok, samples)]


def shop() -> list[RunRecord]:
    """shop.orders, SLA freshness 2h, objective 99%.

    hour  outcome     lag    segment it opens (fresh until t + 2h - lag)
    -1    ok          0.5h   [0, 1)  fresh until 0.5   -> 0.5h   (the seed, before the window)
     1    ok          0.25h  [1, 2)  until 2.75        -> 1h
     2    ok          0.25h  [2, 5)  until 3.75        -> 1.75h  (3 and 4 could not read: no new bound)
     3    unreadable
     4    unreadable
     5    ok          0.5h   [5, 10) until 6.5         -> 1.5h   (no runs 5..10: a gap)
    10    failed      3h     [10,11) until 9           -> 0      (late data; amount.range fails)
    11    failed      2.5h   [11,12) until 10.5        -> 0      (amount.range fails, samples -1, -2)
    12..23 ok         0.1h   [k, k+1) until k + 1.9    -> 1h each, 12h
    fresh = 0.5 + 1 + 1.75 + 1.5 + 12 = 16.75h of 24h = 0.6979166...
    runs in the window: 1-5, 10, 11, 12-23 = 19; unreadable 2 -> availability 17/19
    halves (mid = hour 12; a run at 12 belongs to the first): first 8 runs, 2 unreadable,
    fresh 4.75h of 12h; second 11 runs, 0 unreadable, fresh 12h of 12h
    """
    out = [run("shop.orders", -1, lag_h=0.5, checks=_checks(True)),
           run("shop.orders", 1, lag_h=0.25, checks=_checks(True)),
           run("shop.orders", 2, lag_h=0.25, checks=_checks(True)),
           run("shop.orders", 3, "unreadable"), run("shop.orders", 4, "unreadable"),
           run("shop.orders", 5, lag_h=0.5, checks=_checks(True)),
           run("shop.orders", 10, "failed", lag_h=3, checks=_checks(False)),
           run("shop.orders", 11, "failed", lag_h=2.5, checks=_checks(False, [-1, -2]))]
    out += [run("shop.orders", k, lag_h=0.1, checks=_checks(True)) for k in range(12, 24)]
    return out


def steady() -> list[RunRecord]:
    """billing.invoices: no freshness SLA, objective 99.9%, a good read every hour 1..24 (24 is NOW)."""
    return [run("billing.invoices", k, fresh_h=None, avail=99.9) for k in range(1, 25)]


def newcomer() -> list[RunRecord]:
    """late.starter: first recorded at hour 20 (unreadable), one good read at 21 with lag 0, SLA 1h,
    no objective stated. Measured from 20 to 24 = 4h; fresh [21, 22) = 1h -> 0.25; availability 1/2."""
    return [run("late.starter", 20, "unreadable", fresh_h=1, avail=None),
            run("late.starter", 21, lag_h=0, fresh_h=1, avail=None)]


def empty_read() -> list[RunRecord]:
    """empty.table: reads that find no rows have no lag: never fresh, still available."""
    return [run("empty.table", k, "failed", lag_h=None, fresh_h=1, avail=90) for k in (6, 18)]


def everything() -> list[RunRecord]:
    return [*shop(), *steady(), *newcomer(), *empty_read()]
