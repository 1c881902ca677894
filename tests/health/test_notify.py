"""`health --notify` against the local GitHub API double: opened, updated, left alone, closed."""

from __future__ import annotations

import datetime as dt

from scaffolder.health.store import open_store
from tests.conftest import run_cli
from tests.github.fake_github import FakeGitHub
from tests.health.history import NOW, run, shop, steady

H = 3600.0


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_issue_opened_updated_and_closed(tmp_path) -> None:
    store = str(tmp_path / "h.duckdb")
    with open_store(store, write=True) as s:
        s.append_many([*shop(), *steady()])
    with FakeGitHub() as gh:
        gh.state.issues[1] = {"number": 1, "repo": "acme/mesh", "title": "someone else's", "state": "open",
                              "body": "<!-- scaffolder:sla-breach shop.orders --> copied by a person",
                              "login": "octocat", "labels": []}
        gh.state.next_number = 2
        env = {"GITHUB_API_URL": gh.api_url, "GITHUB_TOKEN": "ghs_secret_token", "GITHUB_REPOSITORY": "acme/mesh",
               "SCAFFOLDER_GITHUB_BACKOFF": "0"}

        def notify(now: float, window: str = "1d"):
            return run_cli("health", "--store", store, "--now", _iso(now), "--window", window, "--notify", env=env)

        first = notify(NOW)
        assert first.code == 1 and "opened" in first.err
        ours = [i for i in gh.state.issues.values() if i["login"] == "github-actions[bot]"]
        assert len(ours) == 1 and ours[0]["state"] == "open" and "shop.orders" in ours[0]["title"]
        assert "freshness compliance" in ours[0]["body"] and "billing" not in ours[0]["title"]
        again = notify(NOW)
        assert "opened" not in again.err and "updated" not in again.err  # same figures: untouched
        with open_store(store, write=True) as s:
            s.append(run("shop.orders", 25, "unreadable"))
        later = notify(NOW + H)
        assert "updated" in later.err and len(gh.state.issues) == 2
        with open_store(store, write=True) as s:  # recovery: fresh good reads every 30 minutes for a day
            s.append_many([run("shop.orders", 25 + k / 2, lag_h=0.1) for k in range(1, 49)])
        healed = notify(NOW + 25 * H, window="12h")
        assert healed.code == 0 and "closed" in healed.err
        assert ours[0]["state"] == "closed" and "SLA met again" in ours[0]["body"]
        assert gh.state.issues[1]["state"] == "open" and gh.state.issues[1]["body"].endswith("by a person")
        assert all("ghs_secret" not in i["body"] for i in gh.state.issues.values())


def test_notify_needs_the_repository(tmp_path) -> None:
    store = str(tmp_path / "h.duckdb")
    with open_store(store, write=True) as s:
        s.append_many(steady())
    r = run_cli("health", "--store", store, "--notify", env={"GITHUB_TOKEN": "", "GITHUB_REPOSITORY": ""})
    assert r.code == 2 and "GITHUB_REPOSITORY" in r.err
