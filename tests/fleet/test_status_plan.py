"""`fleet status`, `fleet plan --matrix`, polyrepos from a fleet file, and usage errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import run_cli
from tests.fleet.builders import copy_domain, git


def test_status_shows_versions_latest_release_and_drift(mesh) -> None:
    r = run_cli("fleet", "status", "--format", "json", cwd=mesh, env={"CI": "true"})
    rows = {row["domain"]: row for row in json.loads(r.out)}
    assert {d: (row["version"], row["latest"]) for d, row in rows.items() if d != "golf"} == {
        "alpha": ("v1", "v3"), "bravo": ("v1", "v3"), "charlie": ("v1", "v3"), "delta": ("v1", "v3"),
        "echo": ("v2", "v3"), "foxtrot": ("v1", "v3")}
    assert {d: row["drift"] for d, row in rows.items() if d != "golf"} == {
        "alpha": [], "bravo": ["README.md"], "charlie": ["dbt_project.yml"],
        "delta": [],  # its model is the domain's (skip_if_exists): not drift
        "echo": [], "foxtrot": [".github/workflows/ci.yml"]}
    assert "no-such-template" in rows["golf"]["problem"]
    assert r.code == 1  # golf cannot be read
    text = run_cli("fleet", "status", "--only", "bravo", "--only", "echo", cwd=mesh, env={"CI": "true"})
    assert text.code == 0
    assert text.out.splitlines() == ["DOMAIN  VERSION  LATEST       DRIFT",
                                     "bravo   v1       v3 (behind)  yes: README.md",
                                     "echo    v2       v3 (behind)  no",
                                     "2 domain(s): 2 behind, 1 drifted"]


def test_status_check_exits_1_when_behind_or_drifted_and_explains_a_template_without_releases(
        template: Path, mesh: Path, tmp_path: Path) -> None:
    assert run_cli("fleet", "status", "--only", "echo", cwd=mesh).code == 0  # behind: shown, not failed
    assert run_cli("fleet", "status", "--only", "echo", "--check", cwd=mesh).code == 1  # behind
    assert run_cli("fleet", "status", "--only", "foxtrot", "--check", "--no-drift", cwd=mesh).code == 1
    help_text = run_cli("fleet", "status", "--help").out
    assert "--check" in help_text and "behind or drifted" in help_text and "? (no release)" in help_text

    untagged = tmp_path / "untagged"
    subprocess.run(["git", "clone", "-q", str(template), str(untagged)], check=True)
    v2 = git(untagged, "rev-parse", "v2").strip()
    git(untagged, "tag", "-d", "v1", "v2", "v3")
    solo = tmp_path / "mesh2"
    copy_domain(untagged, solo / "domains" / "solo", "solo", v2)
    git(solo, "init", "-q", "-b", "main")
    git(solo, "add", "-A")
    git(solo, "commit", "-qm", "solo")
    r = run_cli("fleet", "status", "--check", cwd=solo, env={"CI": "true"})
    assert r.code == 0, r.out + r.err  # nothing to be behind, no drift
    lines = r.out.splitlines()
    assert lines[1].split()[2:] == ["?", "(no", "release)", "no"]
    assert lines[-1].startswith("? (no release): the template has no release tag")
    [row] = json.loads(run_cli("fleet", "status", "--format", "json", cwd=solo).out)
    assert (row["latest"], row["behind"], row["drifted"]) == (None, None, False)


def test_plan_prints_one_matrix_job_per_domain(mesh, tmp_path) -> None:
    out = tmp_path / "github-output"
    r = run_cli("fleet", "plan", "--to", "v2", "--matrix", cwd=mesh, env={"GITHUB_OUTPUT": str(out)})
    assert r.code == 0
    assert len(r.out.strip().splitlines()) == 1  # one line: fits $GITHUB_OUTPUT
    include = json.loads(r.out)["include"]
    assert [j["domain"] for j in include] == ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
    alpha = include[0]
    assert alpha == {"domain": "alpha", "path": "domains/alpha", "version": "v1",
                     "branch": "template-update/v2/alpha", "command": "scaffolder fleet update --to v2 --only alpha"}
    assert out.read_text() == f"matrix={r.out.strip()}\ncount=7\n"
    pending = run_cli("fleet", "plan", "--to", "v2", "--matrix", "--pending", cwd=mesh)
    assert "echo" not in [j["domain"] for j in json.loads(pending.out)["include"]]
    # each job's command is a real command: run one
    job = run_cli(*alpha["command"].split()[1:], cwd=mesh, env={"CI": "true"})
    assert job.code == 0 and "alpha" in job.out and "updated" in job.out


def test_polyrepos_listed_in_a_fleet_file(template: Path, tmp_path: Path) -> None:
    repos = {}
    for name, ref in (("orders", "v1"), ("payments", "v2")):
        path = tmp_path / f"{name}-repo"
        copy_domain(template, path, name, ref)
        git(path, "init", "-q", "-b", "main")
        git(path, "add", "-A")
        git(path, "commit", "-qm", "from template")
        repos[name] = path
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("domains:\n  - path: orders-repo\n    repository: acme/orders\n  - payments-repo\n")
    r = run_cli("fleet", "update", "--to", "v2", "--fleet-file", str(fleet), "--format", "json", cwd=tmp_path,
                env={"CI": "true"})
    report = {d["domain"]: d for d in json.loads(r.out)["domains"]}
    assert {k: v["status"] for k, v in report.items()} == {"orders-repo": "updated", "payments-repo": "up-to-date"}
    assert report["orders-repo"]["branch"] == "template-update/v2"  # one repo per domain: no domain suffix
    assert "_commit: v2" in git(repos["orders"], "show", "template-update/v2:.copier-answers.yml")
    assert git(repos["orders"], "status", "--porcelain") == ""
    bad = tmp_path / "bad.yaml"
    bad.write_text("domains:\n  - path: orders-repo\n  - path: nowhere\n")
    r = run_cli("fleet", "status", "--fleet-file", str(bad), cwd=tmp_path)
    assert r.code == 2 and f"{bad}:3:5:" in r.err and "no such folder" in r.err
    assert "Traceback" not in r.err


def test_usage_errors_are_one_line_and_exit_2(mesh, tmp_path) -> None:
    cases = [
        (("fleet", "update", "--to=v1..v2"), mesh, "not a git ref name"),
        (("fleet", "update", "--to", "v2", "--only", "nobody"), mesh, "unknown domain(s): nobody"),
        (("fleet", "status"), tmp_path, "not inside a git repository"),
        (("fleet", "update", "--to", "v2", "--open-prs"), mesh, "needs GITHUB_TOKEN"),
        (("fleet", "update", "--to", "v2", "--fleet-file", "nope.yaml"), mesh, "no such fleet file"),
    ]
    for args, cwd, message in cases:
        r = run_cli(*args, cwd=cwd, env={"GITHUB_TOKEN": ""})
        assert r.code == 2, (args, r.err)
        assert message in r.err and "Traceback" not in r.err


def test_unknown_ref_or_base_fails_each_domain_with_the_reason(mesh, repo) -> None:
    r = run_cli("fleet", "update", "--to", "v9", "--only", "alpha", "--format", "json", cwd=mesh)
    [alpha] = json.loads(r.out)["domains"]
    assert alpha["status"] == "failed" and "has no ref 'v9' (tags: v1, v2, v3)" in alpha["reason"]
    r = run_cli("fleet", "update", "--to", "v2", "--only", "alpha", "--base", "develop", "--format", "json", cwd=mesh)
    [alpha] = json.loads(r.out)["domains"]
    assert alpha["status"] == "failed" and "no base branch 'develop'" in alpha["reason"]
    assert r.code == 1 and repo(mesh).branches() == {}
