"""The cron for the scheduled checks: at least every half freshness period, never under 5 minutes."""

from __future__ import annotations

import pytest

from scaffolder.health.schedule import cron_for


@pytest.mark.parametrize(("seconds", "cron"), [
    (None, "0 0 * * *"),  # no freshness SLA: daily
    (60, "*/5 * * * *"),  # GitHub's floor
    (900, "*/5 * * * *"),  # 15m -> every 7.5m -> 5
    (1800, "*/15 * * * *"),
    (3600, "*/30 * * * *"),
    (2 * 3600, "0 */1 * * *"),
    (5 * 3600, "0 */2 * * *"),  # every 2.5h -> 2
    (86400, "0 */12 * * *"),
    (3 * 86400, "0 0 * * *"),
])
def test_cron_for(seconds, cron) -> None:
    assert cron_for(seconds) == cron
