"""The counting rules of docs/operating.md on hand-planted histories (tests/health/history.py)."""

from __future__ import annotations

import pytest

from scaffolder.health.sla import evaluate, lag_series
from scaffolder.health.store import open_store
from tests.health.history import NOW, WINDOW, empty_read, everything, newcomer, shop, steady

H = 3600.0


def _evaluate(url: str, records, **kw):
    with open_store(url, write=True) as s:
        s.append_many(records)
    with open_store(url) as s:
        return {h.product: h for h in evaluate(s, now=NOW, window=WINDOW, **kw)}


def test_gaps_failed_reads_late_data_and_recovery(store_url: str) -> None:
    h = _evaluate(store_url, shop())["shop.orders"]
    assert h.measured_s == pytest.approx(24 * H)
    assert h.fresh_s == pytest.approx(16.75 * H)
    assert h.freshness == pytest.approx(16.75 / 24)
    assert (h.runs, h.unreadable) == (19, 2)
    assert h.availability == pytest.approx(17 / 19)
    assert h.objective == 99.0
    assert h.budget(h.freshness) == pytest.approx(1 - (7.25 / 24) / 0.01)
    assert h.budget(h.availability) == pytest.approx(1 - (2 / 19) / 0.01)
    assert h.breached and len(h.breaches) == 2
    assert h.trend_points() == {"freshness": pytest.approx((1 - 4.75 / 12) * 100), "availability": pytest.approx(25.0)}
    assert h.trend == "improving"
    rates = {c.id: (c.passed, c.runs) for c in h.checks}
    assert rates == {"id.not_null": (17, 17), "amount.range": (15, 17)}  # the seed run is before the window
    assert [(s.check_id, s.samples) for s in h.failing] == [("amount.range", [-1, -2])]
    assert (h.last_outcome, h.last_lag_s) == ("ok", pytest.approx(0.1 * H))


def test_no_freshness_sla_and_perfect_availability(store_url: str) -> None:
    h = _evaluate(store_url, steady())["billing.invoices"]
    assert h.freshness is None and h.availability == 1.0
    assert h.objective == 99.9 and not h.breached and h.budget_left == 1.0 and h.trend == "steady"


def test_measured_from_the_first_run_and_default_objective(store_url: str) -> None:
    h = _evaluate(store_url, newcomer(), default_objective=20.0)["late.starter"]
    assert h.measured_s == pytest.approx(4 * H) and h.fresh_s == pytest.approx(1 * H)
    assert h.freshness == pytest.approx(0.25) and h.availability == pytest.approx(0.5)
    assert h.objective == 20.0 and not h.breached  # 25% and 50% both meet a 20% objective
    assert h.budget_left == pytest.approx(1 - 0.75 / 0.8)


def test_reads_without_rows_are_never_fresh(store_url: str) -> None:
    h = _evaluate(store_url, empty_read())["empty.table"]
    assert h.freshness == 0.0 and h.measured_s == pytest.approx(18 * H) and h.availability == 1.0
    assert h.breaches == ["freshness compliance 0% is below the 90% objective"]


def test_sorted_by_risk_and_filtered(store_url: str) -> None:
    with open_store(store_url, write=True) as s:
        s.append_many(everything())
    with open_store(store_url) as s:
        names = [h.product for h in evaluate(s, now=NOW, window=WINDOW)]
        only = evaluate(s, now=NOW, window=WINDOW, products=["late.starter"])
        series = lag_series(s, now=NOW, window=WINDOW, products=["shop.orders"], points=24)
    # budgets: shop.orders -29.2, empty.table -9, late.starter (99%) -74, billing 1
    assert names == ["late.starter", "shop.orders", "empty.table", "billing.invoices"]
    assert [h.product for h in only] == ["late.starter"]
    points = series["shop.orders"]
    assert len(points) == 19  # one per hour with a run in the window
    assert max(p.lag_s or 0 for p in points) == pytest.approx(3 * H)
    assert sum(p.unreadable for p in points) == 2


def test_a_later_clock_sees_the_runs_stop(store_url: str) -> None:
    """No run after hour 24: six hours later the bound has passed the SLA for most of that time."""
    with open_store(store_url, write=True) as s:
        s.append_many(steady()[:1] + shop())
    with open_store(store_url) as s:
        h = {x.product: x for x in evaluate(s, now=NOW + 6 * H, window=6 * H)}["shop.orders"]
    # last good read at hour 23 with lag 0.1h: fresh until 24.9; window (24, 30] -> 0.9h of 6h
    assert h.fresh_s == pytest.approx(0.9 * H) and h.runs == 0 and h.availability is None
