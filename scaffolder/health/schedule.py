"""A cron for the scheduled checks from the mesh's tightest freshness SLA.

A run at least every half freshness period keeps a product that is on time
inside its SLA by the counting rules (the lag bound grows between runs).
GitHub runs schedules at most every 5 minutes, so that is the floor.
"""

from __future__ import annotations

MINUTES = (5, 10, 15, 20, 30)
HOURS = (1, 2, 3, 4, 6, 8, 12)


def cron_for(freshness_seconds: float | None) -> str:
    """The loosest standard cron that runs at least every freshness/2 (daily when there is no SLA)."""
    if freshness_seconds is None:
        return "0 0 * * *"
    every = freshness_seconds / 2 / 60  # minutes
    if every < 60:
        step = max([m for m in MINUTES if m <= every] or [MINUTES[0]])
        return f"*/{step} * * * *"
    hours = [h for h in HOURS if h * 60 <= every]
    return f"0 */{max(hours)} * * *" if max(hours) < 24 and every < 24 * 60 else "0 0 * * *"


def tightest(contracts: list) -> float | None:
    found = [c.sla.freshness.seconds for c in contracts if c.sla is not None and c.sla.freshness is not None]
    return float(min(found)) if found else None
