"""`scaffolder ci` as the Action runs it: a subprocess, a GitHub-shaped environment, a real git
repo with an origin, and PyGithub talking HTTP to a GitHub double on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEED, git, run_cli
from tests.github.fake_github import FakeGitHub

TOKEN = "ghs_TOPSECRETtoken1234567890"
ORDERS = "domains/orders/data-product-contract.yaml"
BILLING_CONTRACT = """\
apiVersion: datamesh.io/v1
kind: DataProduct
metadata: {name: billing.invoices, domain: billing, version: 1.0.0}
spec:
  owner: team-billing@company.io
  sla: {freshness: 1h}
  schema:
    fields:
      - {name: invoice_id, type: string, constraints: {primary_key: true}}
      - {name: issued_at, type: timestamp}
  lineage:
    upstream: [orders-domain.order_events]
    downstream: [finance.ledger]
"""


@pytest.fixture
def mesh_repo(tmp_path: Path) -> Path:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    repo = tmp_path / "mesh"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ci@example.com")
    git(repo, "config", "user.name", "CI")
    (repo / "mesh.yaml").write_text("apiVersion: datamesh.io/v1\nkind: Mesh\ncontracts: ['domains/*/data-product-contract.yaml']\n")
    (repo / "domains/orders").mkdir(parents=True)
    (repo / "domains/billing").mkdir(parents=True)
    (repo / ORDERS).write_text(SEED.read_text())
    (repo / "domains/billing/data-product-contract.yaml").write_text(BILLING_CONTRACT)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "mesh")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    git(repo, "checkout", "-qb", "pr")
    return repo


def edit_orders(repo: Path, *pairs: tuple[str, str]) -> None:
    text = SEED.read_text()
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    (repo / ORDERS).write_text(text)
    git(repo, "commit", "-qam", "change orders")


BREAK = ("      - name: customer_id\n        type: string\n        constraints: { pii: true, masking: \"hash\" }\n", "")


def ci_env(repo: Path, gh: FakeGitHub, tmp: Path, *, labels: list[str] | None = None, fork: bool = False) -> dict[str, str]:
    event = {"number": 7, "pull_request": {
        "number": 7, "labels": [{"name": n} for n in labels or []],
        "base": {"ref": "main", "repo": {"full_name": "acme/mesh"}},
        "head": {"ref": "pr", "repo": {"full_name": "someone/mesh" if fork else "acme/mesh"}}}}
    (tmp / "event.json").write_text(json.dumps(event))
    for name in ("output.txt", "summary.md"):
        (tmp / name).write_text("")
    return {
        "GITHUB_ACTIONS": "true", "CI": "true",
        "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(tmp / "event.json"),
        "GITHUB_REPOSITORY": "acme/mesh", "GITHUB_API_URL": gh.api_url, "GITHUB_TOKEN": TOKEN,
        "GITHUB_OUTPUT": str(tmp / "output.txt"), "GITHUB_STEP_SUMMARY": str(tmp / "summary.md"),
        "GITHUB_WORKSPACE": str(repo), "GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "pr",
        "SCAFFOLDER_GITHUB_BACKOFF": "0",
    }


def outputs(tmp: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in (tmp / "output.txt").read_text().splitlines() if "=" in line)


def bot_comments(gh: FakeGitHub) -> list:
    return [c for c in gh.state.comments.get(7, []) if c.login == "github-actions[bot]"]


def test_breaking_change_reported_everywhere_and_one_comment_after_three_runs(mesh_repo, tmp_path):
    edit_orders(mesh_repo, BREAK, ("version: 2.1.0", "version: 2.1.1"))
    with FakeGitHub() as gh:
        for i in range(7):  # other people's comments fill two pages before ours
            gh.add_comment(7, f"review comment {i}", "alice")
        gh.add_comment(7, "<!-- scaffolder:contract-report --> quoted by a human", "mallory")
        env = ci_env(mesh_repo, gh, tmp_path)
        first = run_cli("ci", cwd=mesh_repo, env=env)
        assert first.code == 1, first.out + first.err
        out = outputs(tmp_path)
        assert out["ok"] == "false"
        assert out["required-bump"] == "major"
        assert out["declared-bump"] == "patch"
        report = json.loads(Path(out["report-path"]).read_text())
        (orders,) = [c for c in report["contracts"] if c["name"] == "orders-domain.order_events"]
        assert [ch["rule"] for ch in orders["changes"]] == ["field-removed"]
        assert report["impact"]["orders-domain.order_events"][0]["name"] == "billing.invoices"
        assert {i["name"] for i in report["impact"]["orders-domain.order_events"]} == {
            "billing.invoices", "analytics.order_facts", "billing.order_aggregates", "finance.ledger"}
        summary = (tmp_path / "summary.md").read_text()
        assert "field-removed" in summary and "billing.invoices" in summary and "```mermaid" in summary
        assert f"::error file={ORDERS},line=" in first.out and "title=version-bump-too-small" in first.out
        assert "title=field-removed" in first.out

        edit_orders(mesh_repo, BREAK, ("version: 2.1.0", "version: 2.2.0"))
        second = run_cli("ci", cwd=mesh_repo, env=ci_env(mesh_repo, gh, tmp_path))
        third = run_cli("ci", cwd=mesh_repo, env=ci_env(mesh_repo, gh, tmp_path))
        assert second.code == third.code == 1
        mine = bot_comments(gh)
        assert len(mine) == 1
        assert "field-removed" in mine[0].body and "2.2.0" in mine[0].body
        others = [c for c in gh.state.comments[7] if c.login != "github-actions[bot]"]
        assert [c.body for c in others] == [f"review comment {i}" for i in range(7)] + [
            "<!-- scaffolder:contract-report --> quoted by a human"]
        methods = [m for m, p, _, _ in gh.state.requests if "/comments" in p and m != "GET"]
        assert methods == ["POST", "PATCH"]  # created once, edited once, third run unchanged
        assert any("page=3" in p for m, p, _, _ in gh.state.requests if m == "GET")  # ours was on page 3
        for run in (first, second, third):
            assert TOKEN not in run.out + run.err
        assert TOKEN not in summary and TOKEN not in (tmp_path / "output.txt").read_text()
        assert TOKEN not in Path(out["report-path"]).read_text()
        auth = [h.get("Authorization", "") for _, _, _, h in gh.state.requests]
        assert all(a == f"token {TOKEN}" or a == f"Bearer {TOKEN}" for a in auth)

        # a later push fixes everything: the same comment now says so
        edit_orders(mesh_repo, BREAK, ("version: 2.1.0", "version: 3.0.0"))
        fixed = run_cli("ci", cwd=mesh_repo, env=ci_env(mesh_repo, gh, tmp_path))
        assert fixed.code == 0, fixed.out
        assert outputs(tmp_path)["ok"] == "true"
        (mine,) = bot_comments(gh)
        assert "3.0.0" in mine.body

        # and when the PR stops touching contracts, the comment is rewritten to all clear
        (mesh_repo / ORDERS).write_text(SEED.read_text())
        git(mesh_repo, "commit", "-qam", "revert")
        clear = run_cli("ci", cwd=mesh_repo, env=ci_env(mesh_repo, gh, tmp_path))
        assert clear.code == 0
        (mine,) = bot_comments(gh)
        assert "All clear" in mine.body


def test_clean_pr_gets_no_comment(mesh_repo, tmp_path):
    (mesh_repo / "README.md").write_text("docs only\n")
    git(mesh_repo, "add", "-A")
    git(mesh_repo, "commit", "-qm", "docs")
    with FakeGitHub() as gh:
        result = run_cli("ci", cwd=mesh_repo, env=ci_env(mesh_repo, gh, tmp_path))
        assert result.code == 0, result.out + result.err
        assert gh.state.comments.get(7, []) == []
        assert not [r for r in gh.state.requests if r[0] == "POST"]
        assert outputs(tmp_path)["contracts-changed"] == "0"


def test_fork_pr_reports_without_commenting(mesh_repo, tmp_path):
    edit_orders(mesh_repo, BREAK, ("version: 2.1.0", "version: 3.0.0"))
    with FakeGitHub() as gh:
        gh.state.read_only = True
        result = run_cli("ci", cwd=mesh_repo, env=ci_env(mesh_repo, gh, tmp_path, fork=True))
        assert result.code == 0, result.out + result.err  # the gate passes; the 403 does not fail the run
        assert "PR comment: forbidden" in result.out
        assert "field-removed" in (tmp_path / "summary.md").read_text()
        assert "title=field-removed" in result.out
        assert "Traceback" not in result.err


def test_server_error_is_retried(mesh_repo, tmp_path):
    edit_orders(mesh_repo, BREAK, ("version: 2.1.0", "version: 3.0.0"))
    with FakeGitHub() as gh:
        gh.state.fail_next = 1
        result = run_cli("ci", cwd=mesh_repo, env=ci_env(mesh_repo, gh, tmp_path))
        assert result.code == 0, result.out + result.err
        assert len(bot_comments(gh)) == 1
        statuses = [p for _, p, _, _ in gh.state.requests]
        assert statuses[0] == statuses[1]  # the failed request was sent again


def test_fail_on_breaking_and_the_approval_label(mesh_repo, tmp_path):
    edit_orders(mesh_repo, BREAK, ("version: 2.1.0", "version: 3.0.0"))
    with FakeGitHub() as gh:
        strict = run_cli("ci", "--fail-on", "breaking", "--comment", "off", cwd=mesh_repo,
                         env=ci_env(mesh_repo, gh, tmp_path))
        assert strict.code == 1
        approved = run_cli("ci", "--fail-on", "breaking", "--comment", "off", cwd=mesh_repo,
                           env=ci_env(mesh_repo, gh, tmp_path, labels=["approved-breaking-change"]))
        assert approved.code == 0, approved.out
        assert gh.state.requests == []


def test_runs_locally_without_github(mesh_repo):
    edit_orders(mesh_repo, BREAK, ("version: 2.1.0", "version: 2.1.1"))
    result = run_cli("ci", "--base-ref", "main", cwd=mesh_repo, env={"GITHUB_ACTIONS": "", "CI": ""})
    assert result.code == 1
    assert "## Data contract changes" in result.out and "field-removed" in result.out


def test_workflow_run_commenter_posts_the_saved_report(tmp_path):
    report = tmp_path / "report.md"
    report.write_text("<!-- scaffolder:contract-report -->\n## Data contract changes\nfrom a fork\n")
    with FakeGitHub() as gh:
        env = {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "acme/mesh", "GITHUB_API_URL": gh.api_url,
               "SCAFFOLDER_GITHUB_BACKOFF": "0"}
        for _ in range(2):
            result = run_cli("comment", "--pr", "7", "--body-file", str(report), env=env)
            assert result.code == 0, result.out + result.err
        (mine,) = bot_comments(gh)
        assert "from a fork" in mine.body
        assert TOKEN not in result.out + result.err


def test_data_checks_run_on_the_changed_contract(mesh_repo, tmp_path):
    edit_orders(mesh_repo, ("version: 2.1.0", "version: 2.1.1"), ("        constraints: { pii: true, masking: \"hash\" }",
                                                                   "        description: hashed customer\n"
                                                                   "        constraints: { pii: true, masking: \"hash\" }"))
    data = tmp_path / "orders.csv"
    digest = "a" * 64
    data.write_text("order_id,event_ts,customer_id\n"
                    f"o1,2026-11-25 09:55:00,{digest}\n"
                    f"o2,2026-11-25 09:58:00,not-a-digest\n"
                    f",2026-11-25 09:59:00,{digest}\n")
    with FakeGitHub() as gh:
        result = run_cli("ci", "--comment", "off", "--now", "2026-11-25T10:00:00",
                         "--data", f"orders-domain.order_events={data}", cwd=mesh_repo, env=ci_env(mesh_repo, gh, tmp_path))
    assert result.code == 1, result.out + result.err  # the gate passes (patch for a description), the data does not
    report = json.loads(Path(outputs(tmp_path)["report-path"]).read_text())
    assert report["contracts"][0]["ok"] is True
    (checks,) = report["data_checks"]
    failed = {c["id"]: (c["failed"], c["total"]) for c in checks["checks"] if not c["passed"]}
    assert failed["customer_id.masking"] == (1, 3)
    assert any(cid.startswith("order_id.") and v == (1, 3) for cid, v in failed.items())
    summary = (tmp_path / "summary.md").read_text()
    # the headline sums up everything that fails: the data, though the contract check passed
    headline = summary.split("## Data contract changes\n\n", 1)[1].splitlines()[0]
    assert headline.startswith("❌ **Data checks failed**: 4 of 10 failed for `orders-domain.order_events`.")
    assert "✅" not in headline and "Contract check passed" in headline
    assert summary.count("Data checks") == 2 and summary.count("### ❌ Data checks: `orders-domain.order_events`") == 1


def test_the_domains_dbt_build_output_is_checked_without_being_named(mesh_repo, tmp_path):
    import duckdb

    edit_orders(mesh_repo, ("version: 2.1.0", "version: 2.1.1"), ("        constraints: { pii: true, masking: \"hash\" }",
                                                                   "        description: hashed customer\n"
                                                                   "        constraints: { pii: true, masking: \"hash\" }"))
    target = mesh_repo / "domains/orders/target"
    target.mkdir()
    con = duckdb.connect(str(target / "dev.duckdb"))
    con.execute("CREATE TABLE order_events AS SELECT * FROM (VALUES "
                "('o1', TIMESTAMP '2026-11-25 09:55:00', repeat('a', 64)), "
                "('o1', TIMESTAMP '2026-11-25 09:58:00', repeat('b', 64))) v(order_id, event_ts, customer_id)")
    con.close()
    with FakeGitHub() as gh:
        result = run_cli("ci", "--comment", "off", "--now", "2026-11-25T10:00:00", cwd=mesh_repo,
                         env=ci_env(mesh_repo, gh, tmp_path))
    assert result.code == 1, result.out + result.err
    (checks,) = json.loads(Path(outputs(tmp_path)["report-path"]).read_text())["data_checks"]
    assert checks["source"].endswith("dev.duckdb::main.order_events")
    failed = {c["id"]: (c["failed"], c["total"]) for c in checks["checks"] if not c["passed"]}
    # both members of the duplicate group count; the seed's check allows events up to 2025-12-31 only
    assert failed == {"order_id.unique": (2, 2), "event_ts.values_to_be_between": (2, 2)}


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(("version", "code"), [("3.0.0", 0), ("2.1.1", 1)])
def test_unreachable_github_still_reports_and_the_exit_code_follows_the_gate(mesh_repo, tmp_path, version, code):
    edit_orders(mesh_repo, BREAK, ("version: 2.1.0", f"version: {version}"))
    with FakeGitHub() as gh:
        env = ci_env(mesh_repo, gh, tmp_path)
    env["GITHUB_API_URL"] = f"http://127.0.0.1:{_closed_port()}/api/v3"
    del env["SCAFFOLDER_GITHUB_BACKOFF"]  # the shipped retry policy
    result = run_cli("ci", cwd=mesh_repo, env=env)
    assert result.code == code, result.out + result.err
    assert "Traceback" not in result.err
    out = outputs(tmp_path)
    assert out["ok"] == str(code == 0).lower() and out["comment"] == "failed"
    assert "field-removed" in (tmp_path / "summary.md").read_text()
    assert Path(out["report-path"]).is_file() and Path(out["report-path"]).with_suffix(".md").is_file()
    assert "title=field-removed" in result.out
    assert "::warning title=pr-comment::the PR comment was not posted: GitHub API at" in result.out
    assert "could not connect" in result.out
    # the report and its annotations come before the comment's fate
    assert result.out.index("title=field-removed") < result.out.index("title=pr-comment")


def test_github_answering_5xx_is_a_warning_after_a_few_retries(mesh_repo, tmp_path):
    from scaffolder.github.comment import RETRIES

    edit_orders(mesh_repo, BREAK, ("version: 2.1.0", "version: 3.0.0"))
    with FakeGitHub() as gh:
        gh.state.fail_next = 10_000
        result = run_cli("ci", cwd=mesh_repo, env=ci_env(mesh_repo, gh, tmp_path))
        assert result.code == 0, result.out + result.err
        assert len(gh.state.requests) == 1 + RETRIES  # one call retried, then given up
    assert "Traceback" not in result.err
    assert outputs(tmp_path)["comment"] == "failed" and outputs(tmp_path)["ok"] == "true"
    assert "::warning title=pr-comment::" in result.out and "kept answering with errors" in result.out
    assert "field-removed" in (tmp_path / "summary.md").read_text()


def test_the_retry_policy_waits_seconds_not_minutes(monkeypatch):
    from scaffolder.github.comment import TIMEOUT, retry_policy

    monkeypatch.delenv("SCAFFOLDER_GITHUB_BACKOFF", raising=False)
    monkeypatch.delenv("SCAFFOLDER_GITHUB_RETRIES", raising=False)
    policy = retry_policy()
    sleeps = sum(min(policy.DEFAULT_BACKOFF_MAX, policy.backoff_factor * 2 ** i) for i in range(1, policy.total))
    assert sleeps + (policy.total + 1) * TIMEOUT <= 20  # one call, every attempt timing out
    assert policy.max_rate_limit_wait <= 5 and policy.secondary_rate_wait <= 5


def test_the_workflow_run_commenter_says_github_is_unreachable_without_a_traceback(tmp_path):
    report = tmp_path / "report.md"
    report.write_text("<!-- scaffolder:contract-report -->\n## Data contract changes\n")
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "acme/mesh", "SCAFFOLDER_GITHUB_BACKOFF": "0",
           "GITHUB_API_URL": f"http://127.0.0.1:{_closed_port()}/api/v3"}
    result = run_cli("comment", "--pr", "7", "--body-file", str(report), env=env)
    assert result.code == 1 and "Traceback" not in result.err
    assert "PR comment: failed: GitHub API at http://127.0.0.1:" in result.out and "could not connect" in result.out
