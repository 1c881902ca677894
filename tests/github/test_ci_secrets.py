"""`scaffolder ci` never lets a secret out: not on stdout/stderr, not in the report files, the job
summary, $GITHUB_OUTPUT, the annotations or the PR comment; and a PR's `target/dev.duckdb` whose
view reads /proc/self/environ gets nothing."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.conftest import run_cli
from tests.github.fake_github import FakeGitHub
from tests.github.test_ci import BREAK, TOKEN, ci_env, edit_orders, mesh_repo, outputs  # noqa: F401


def sinks(tmp: Path, run_out: str, comments: list[str]) -> str:
    report = Path(outputs(tmp)["report-path"])
    return "\n".join([run_out, (tmp / "summary.md").read_text(), (tmp / "output.txt").read_text(),
                      report.read_text(), report.with_suffix(".md").read_text(), *comments])


def test_a_secret_value_is_masked_in_every_sink(mesh_repo, tmp_path):  # noqa: F811 (the fixture)
    edit_orders(mesh_repo, BREAK, ("version: 2.1.0", "version: 2.1.1"))
    with FakeGitHub() as gh:
        # the removed field's name happens to be a password: every sink says the rest, not it
        env = {**ci_env(mesh_repo, gh, tmp_path), "DB_PASSWORD": "customer_id"}
        for fmt in ("github", "json", "markdown"):
            r = run_cli("ci", *(["--format", fmt] if fmt != "github" else []), cwd=mesh_repo, env=env)
            assert r.code == 1, r.out + r.err
            everything = sinks(tmp_path, r.out + r.err, [c.body for c in gh.state.comments.get(7, [])])
            assert "field-removed" in everything and "***" in everything
            assert "customer_id" not in everything
            assert TOKEN not in everything


def test_a_pr_database_cannot_read_the_token(mesh_repo, tmp_path):  # noqa: F811 (the fixture)
    edit_orders(mesh_repo, ("version: 2.1.0", "version: 2.1.1"), ("        constraints: { pii: true, masking: \"hash\" }",
                                                                   "        description: hashed customer\n"
                                                                   "        constraints: { pii: true, masking: \"hash\" }"))
    target = mesh_repo / "domains/orders/target"
    target.mkdir()
    con = duckdb.connect(str(target / "dev.duckdb"))
    con.execute(r"CREATE VIEW order_events AS SELECT regexp_extract(content, 'GITHUB_TOKEN=([^\x00]*)', 1) "
                "AS order_id, TIMESTAMP '2026-11-25 09:55:00' AS event_ts, 'x' AS customer_id "
                "FROM read_text('/proc/self/environ')")
    con.close()
    with FakeGitHub() as gh:
        env = ci_env(mesh_repo, gh, tmp_path)
        for fmt in ("text", "json", "markdown"):
            r = run_cli("ci", "--format", fmt, "--comment", "always", "--now", "2026-11-25T10:00:00",
                        cwd=mesh_repo, env=env)
            assert TOKEN not in r.out + r.err
            assert "/proc/self/environ" in r.err and "disabled by configuration" in r.err
            assert r.code == 2
        for path in (tmp_path / "summary.md", tmp_path / "output.txt", *mesh_repo.glob("scaffolder-report*")):
            assert TOKEN not in path.read_text()
        assert all(TOKEN not in c.body for c in gh.state.comments.get(7, []))
