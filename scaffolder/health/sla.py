"""SLA health from the run history: the counting rules of docs/operating.md, in SQL both backends run.

The window is (now - window, now]. In short:
- freshness: a run that read the data at time t and saw lag L bounds the lag
  after t by L + (s - t) until the next run that read the data (data only
  gets older unless a run sees newer data). The product is fresh while that
  bound is within sla.freshness. Runs that could not read the data observe
  nothing: the bound keeps growing from the last good read, so gaps, missed
  runs and failed reads all count as stale once the bound passes the SLA. A
  read that found no rows is never fresh. The measured span starts at the
  window start or at the product's first recorded run, whichever is later;
  the last good read before the window seeds its start.
- availability: the share of recorded runs in the window that could read the data.
- objective: sla.availability (from the newest record), else `default_objective`;
  it is the target of both freshness compliance and availability.
- error budget left: 1 - spent / allowed (allowed = 1 - objective); below 0
  means breached. With a 100 % objective any miss leaves -1.
- check pass rate: runs whose check passed / runs that read the data and ran it.
- trend: the second half of the window minus the first, in percentage points;
  worsening / improving past TREND_STEP points, else steady.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scaffolder.health.store import Store

DEFAULT_OBJECTIVE = 99.0
TREND_STEP = 0.1  # percentage points
SAMPLE_CHECKS = 5  # failing checks shown from the newest failing run
NEVER = 1e18  # the bound of a read without a freshness value: never fresh


@dataclass
class CheckRate:
    id: str
    runs: int
    passed: int
    last_failed_at: float | None = None

    @property
    def rate(self) -> float:
        return self.passed / self.runs if self.runs else 1.0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "runs": self.runs, "passed": self.passed, "pass_rate": round(self.rate, 6),
                "last_failed_at": self.last_failed_at}


@dataclass
class FailingSample:
    check_id: str
    at: float
    failed: int | None
    total: int | None
    samples: list[Any] | None

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check_id, "at": self.at, "failed": self.failed, "total": self.total,
                "samples": self.samples}


@dataclass
class ProductHealth:
    product: str
    objective: float  # percent
    runs: int = 0
    unreadable: int = 0
    last_at: float | None = None
    last_outcome: str | None = None
    last_lag_s: float | None = None
    contract_version: str | None = None
    freshness_sla_s: float | None = None
    measured_s: float = 0.0  # the span freshness is measured over
    fresh_s: float = 0.0
    halves: tuple[tuple[float, float, int, int], tuple[float, float, int, int]] = ((0, 0, 0, 0), (0, 0, 0, 0))
    checks: list[CheckRate] = field(default_factory=list)
    failing: list[FailingSample] = field(default_factory=list)

    @property
    def freshness(self) -> float | None:
        """Freshness compliance (0..1), None without a freshness SLA or any measured time."""
        if self.freshness_sla_s is None or self.measured_s <= 0:
            return None
        return self.fresh_s / self.measured_s

    @property
    def availability(self) -> float | None:
        return (self.runs - self.unreadable) / self.runs if self.runs else None

    def budget(self, compliance: float | None) -> float | None:
        if compliance is None:
            return None
        allowed, spent = 1 - self.objective / 100, 1 - compliance
        if allowed <= 1e-12:
            return 1.0 if spent <= 1e-12 else -1.0
        return 1 - spent / allowed

    @property
    def budget_left(self) -> float | None:
        known = [b for b in (self.budget(self.freshness), self.budget(self.availability)) if b is not None]
        return min(known) if known else None

    @property
    def breaches(self) -> list[str]:
        out = []
        target = self.objective / 100
        if self.freshness is not None and self.freshness < target - 1e-12:
            out.append(f"freshness compliance {pct(self.freshness)} is below the {self.objective:g}% objective")
        if self.availability is not None and self.availability < target - 1e-12:
            out.append(f"availability {pct(self.availability)} is below the {self.objective:g}% objective")
        return out

    @property
    def breached(self) -> bool:
        return bool(self.breaches)

    def trend_points(self) -> dict[str, float]:
        """Second half minus first half, in percentage points, for each measure both halves have."""
        (m1, f1, r1, u1), (m2, f2, r2, u2) = self.halves
        out = {}
        if self.freshness_sla_s is not None and m1 > 0 and m2 > 0:
            out["freshness"] = round((f2 / m2 - f1 / m1) * 100, 4)
        if r1 and r2:
            out["availability"] = round(((r2 - u2) / r2 - (r1 - u1) / r1) * 100, 4)
        return out

    @property
    def trend(self) -> str:
        points = self.trend_points().values()
        if any(p <= -TREND_STEP for p in points):
            return "worsening"
        if any(p >= TREND_STEP for p in points):
            return "improving"
        return "steady"

    @property
    def risk(self) -> float:
        """Sort key: the least budget left first (a product measuring nothing sorts as healthy)."""
        left = self.budget_left
        return 1.0 if left is None else left

    def to_json(self) -> dict[str, Any]:
        return {
            "product": self.product, "breached": self.breached, "breaches": self.breaches,
            "objective_percent": self.objective, "runs": self.runs, "unreadable_runs": self.unreadable,
            "freshness_sla_seconds": self.freshness_sla_s, "freshness_compliance": r6(self.freshness),
            "measured_seconds": round(self.measured_s, 3), "fresh_seconds": round(self.fresh_s, 3),
            "availability": r6(self.availability),
            "error_budget_left": {"freshness": r6(self.budget(self.freshness)),
                                  "availability": r6(self.budget(self.availability)), "overall": r6(self.budget_left)},
            "trend": self.trend, "trend_points": self.trend_points(),
            "last_run": {"at": self.last_at, "outcome": self.last_outcome, "freshness_lag_seconds": self.last_lag_s,
                         "contract_version": self.contract_version},
            "checks": [c.to_json() for c in self.checks],
            "last_failing": [s.to_json() for s in self.failing],
        }


def r6(v: float | None) -> float | None:
    return None if v is None else round(v, 6)


def pct(share: float | None) -> str:
    if share is None:
        return "n/a"
    return f"{share * 100:.3f}".rstrip("0").rstrip(".") + "%"


def _in(products: list[str] | None, column: str = "product") -> tuple[str, list[Any]]:
    if not products:
        return "", []
    return f" AND {column} IN ({', '.join('?' * len(products))})", list(products)


def evaluate(store: Store, *, now: float, window: float, products: list[str] | None = None,
             default_objective: float = DEFAULT_OBJECTIVE) -> list[ProductHealth]:
    """Every product with a run at or before `now` (or just `products`), sorted by SLA risk."""
    ws, mid = now - window, now - window / 2
    where, names = _in(products)
    latest = store.query(
        "SELECT r.product, r.outcome, r.freshness_sla_s, r.availability_pct, r.contract_version, "
        "r.freshness_lag_s, r.ended_at FROM runs r JOIN (SELECT product, max(ended_at) AS m FROM runs "
        f"WHERE ended_at <= ?{where} GROUP BY product) l ON r.product = l.product AND r.ended_at = l.m "
        "ORDER BY r.product, r.run_id", [now, *names])
    out: dict[str, ProductHealth] = {}
    for product, outcome, fsla, avail, version, lag, at in latest:
        if product in out:
            continue
        out[product] = ProductHealth(product, float(avail) if avail is not None else default_objective,
                                     last_at=at, last_outcome=outcome, last_lag_s=lag, contract_version=version,
                                     freshness_sla_s=fsla)
    counts = store.query(
        "SELECT product, count(*), sum(CASE WHEN outcome = 'unreadable' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN ended_at > ? THEN 1 ELSE 0 END), "
        "sum(CASE WHEN ended_at > ? AND outcome = 'unreadable' THEN 1 ELSE 0 END) "
        f"FROM runs WHERE ended_at > ? AND ended_at <= ?{where} GROUP BY product", [mid, mid, ws, now, *names])
    half: dict[str, list[int]] = {}
    for product, n, bad, n2, bad2 in counts:
        h = out[product]
        h.runs, h.unreadable = int(n), int(bad)
        half[product] = [int(n) - int(n2), int(bad) - int(bad2), int(n2), int(bad2)]
    spans = {p: float(first) for p, first in store.query(
        f"SELECT product, min(ended_at) FROM runs WHERE ended_at <= ?{where} GROUP BY product", [now, *names])}
    fresh = {p: (float(a or 0), float(b or 0)) for p, a, b in store.query(_FRESH_SQL.format(where=where), [
        ws, *names, ws, now, *names, now, ws, now, mid])}
    for product, h in out.items():
        start = max(ws, spans.get(product, now))
        h.measured_s = now - start
        second = now - max(start, mid)
        whole, late = fresh.get(product, (0.0, 0.0))
        h.fresh_s = whole
        r1, u1, r2, u2 = half.get(product, [0, 0, 0, 0])
        h.halves = ((h.measured_s - second, whole - late, r1, u1), (second, late, r2, u2))
    _checks(store, out, ws, now, where, names)
    return sorted(out.values(), key=lambda h: (h.risk, h.product))


# Each good read opens a segment [t, next good read) clipped to the window; inside it the lag
# bound L + (s - t) stays within the SLA until f = t + sla - L. The seed is the last good read
# before the window. Placeholders: ws, names, ws, now, names, now, ws, now, mid.
_FRESH_SQL = """
WITH seed AS (
  SELECT product, max(ended_at) AS t FROM runs
  WHERE outcome <> 'unreadable' AND ended_at <= ?{where} GROUP BY product
), obs AS (
  SELECT product, ended_at AS t, freshness_lag_s AS lag, freshness_sla_s AS sla FROM runs
  WHERE outcome <> 'unreadable' AND ended_at > ? AND ended_at <= ?{where}
  UNION ALL
  SELECT r.product, r.ended_at, r.freshness_lag_s, r.freshness_sla_s FROM runs r
  JOIN seed s ON r.product = s.product AND r.ended_at = s.t WHERE r.outcome <> 'unreadable'
), seg AS (
  SELECT product, t,
    CASE WHEN sla IS NULL THEN {never} WHEN lag IS NULL THEN t ELSE t + sla - lag END AS f,
    coalesce(lead(t) OVER (PARTITION BY product ORDER BY t), ?) AS next_t
  FROM obs
), parts AS (
  SELECT product, greatest(t, ?) AS a, least(next_t, ?) AS b, f FROM seg
)
SELECT product, sum(greatest(0, least(b, f) - a)), sum(greatest(0, least(b, f) - greatest(a, ?)))
FROM parts GROUP BY product
""".replace("{never}", repr(NEVER))


def _checks(store: Store, out: dict[str, ProductHealth], ws: float, now: float, where: str,
            names: list[Any]) -> None:
    import json

    for product, cid, n, ok, last_failed in store.query(
            "SELECT product, check_id, count(*), sum(CASE WHEN passed THEN 1 ELSE 0 END), "
            "max(CASE WHEN passed THEN NULL ELSE ended_at END) FROM checks "
            f"WHERE ended_at > ? AND ended_at <= ?{where} GROUP BY product, check_id ORDER BY product, check_id",
            [ws, now, *names]):
        if product in out:
            out[product].checks.append(CheckRate(cid, int(n), int(ok), last_failed))
    rows = store.query(
        "SELECT c.product, c.check_id, c.ended_at, c.failed, c.total, c.samples FROM checks c JOIN "
        "(SELECT product, max(ended_at) AS m FROM checks WHERE NOT passed AND ended_at > ? AND ended_at <= ?"
        f"{where} GROUP BY product) l ON c.product = l.product AND c.ended_at = l.m WHERE NOT c.passed "
        "ORDER BY c.product, c.check_id", [ws, now, *names])
    for product, cid, at, failed, total, samples in rows:
        h = out.get(product)
        if h is not None and len(h.failing) < SAMPLE_CHECKS:
            h.failing.append(FailingSample(cid, at, failed, total, json.loads(samples) if samples else None))


@dataclass(slots=True)
class Point:
    at: float
    lag_s: float | None  # the worst lag read in the bucket; None: no good read in it
    unreadable: int


def lag_series(store: Store, *, now: float, window: float, products: list[str] | None = None,
               points: int = 120) -> dict[str, list[Point]]:
    """Per product, the worst observed lag per time bucket (at most `points`), for charts."""
    ws = now - window
    bucket = window / points
    where, names = _in(products)
    series: dict[str, list[Point]] = {}
    for product, at, lag, bad in store.query(
            "SELECT product, max(ended_at), max(freshness_lag_s), "
            "sum(CASE WHEN outcome = 'unreadable' THEN 1 ELSE 0 END) "
            f"FROM runs WHERE ended_at > ? AND ended_at <= ?{where} "
            "GROUP BY product, floor((ended_at - ?) / ?) ORDER BY product, 2", [ws, now, *names, ws, bucket]):
        series.setdefault(product, []).append(Point(float(at), None if lag is None else float(lag), int(bad)))
    return series
