"""`fleet update`: real git, real Copier, a 7-domain mesh updated from template v1 to v2 (and v3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.fleet.builders import EXPECTED_V2, git

ANSWERS = ".copier-answers.yml"


def update(mesh: Path, *args: str) -> tuple[int, dict]:
    r = run_cli("fleet", "update", "--format", "json", *args, cwd=mesh, env={"CI": "true"})
    assert r.code in (0, 1), r.err
    return r.code, json.loads(r.out)


def statuses(report: dict) -> dict[str, str]:
    return {d["domain"]: d["status"] for d in report["domains"]}


@pytest.fixture(scope="module")
def after_v2(built, tmp_path_factory) -> tuple[Path, str, int, dict, str]:
    """The mesh after one `fleet update --to v2 --jobs 2` (shared by read-only tests)."""
    from tests.fleet.builders import clone_tree

    mesh = clone_tree(built[1], tmp_path_factory.mktemp("after-v2") / "mesh")
    main_before = git(mesh, "rev-parse", "main").strip()
    r = run_cli("fleet", "update", "--to", "v2", "--jobs", "2", "--format", "json", cwd=mesh, env={"CI": "true"})
    return mesh, main_before, r.code, json.loads(r.out), r.err


def test_every_domain_gets_the_expected_status(after_v2) -> None:
    mesh, _, code, report, err = after_v2
    assert statuses(report) == EXPECTED_V2
    assert report["counts"] == {"failed": 1, "pr-failed": 0, "needs-answer": 0, "conflicted": 1, "updated": 4,
                                "up-to-date": 1}
    assert code == 1  # a conflict and a failure need a person
    assert "[7/7]" in err  # plain progress lines in CI


def test_main_is_untouched_and_no_worktree_is_left(after_v2, repo) -> None:
    mesh, main_before, *_ = after_v2
    r = repo(mesh)
    assert r.rev("main") == main_before
    assert r.git("status", "--porcelain") == ""
    assert r.git("symbolic-ref", "--short", "HEAD").strip() == "main"
    assert "threads: 1" in (mesh / "domains/alpha/dbt_project.yml").read_text()
    assert not (mesh / "domains/alpha/.sqlfluff").exists()
    assert r.worktrees() == [str(mesh)]


def test_branches_hold_one_update_commit_each(after_v2, repo) -> None:
    mesh, *_ = after_v2
    r = repo(mesh)
    expected = {f"template-update/v2/{d}" for d, s in EXPECTED_V2.items() if s in ("updated", "conflicted")}
    assert set(r.branches()) == expected  # none for echo (up to date) or golf (failed)
    for branch in expected:
        assert r.commits_on(branch) == 1
        domain = branch.rsplit("/", 1)[1]
        answers = r.show(branch, f"domains/{domain}/{ANSWERS}")
        assert "_commit: v2" in answers and "warehouse: duckdb" in answers  # new question took its default
        assert r.show(branch, f"domains/{domain}/.sqlfluff") == "[sqlfluff]\ndialect = duckdb\n"  # added file
        workflow = r.show(branch, f"domains/{domain}/.github/workflows/ci.yml")
        assert "pip install scaffolder==2.0" in workflow and "scaffolder test" in workflow
        # only the domain's own folder changes on its branch
        changed = r.git("diff", "--name-only", f"main...{branch}").split()
        assert changed and all(p.startswith(f"domains/{domain}/") for p in changed)


def test_local_edits_survive_or_show_as_conflicts(after_v2, repo) -> None:
    mesh, _, _, report, _ = after_v2
    r = repo(mesh)
    readme = r.show("template-update/v2/bravo", "domains/bravo/README.md")
    assert "Platform notes: v2." in readme and "Bravo's own notes." in readme
    assert r.show("template-update/v2/delta", "domains/delta/models/delta.sql") == \
        "select 42 as answer -- delta's own model\n"  # skip_if_exists: the domain's model is never touched
    workflow = r.show("template-update/v2/foxtrot", "domains/foxtrot/.github/workflows/ci.yml")
    assert "on: [pull_request, push]" in workflow and "pip install scaffolder==2.0" in workflow
    dbt = r.show("template-update/v2/charlie", "domains/charlie/dbt_project.yml")
    assert "<<<<<<< before updating\nthreads: 8\n=======\nthreads: 4\n>>>>>>> after updating" in dbt
    charlie = next(d for d in report["domains"] if d["domain"] == "charlie")
    assert charlie["conflicts"] == ["domains/charlie/dbt_project.yml"]
    assert "Conflicts: domains/charlie/dbt_project.yml" in r.git("log", "-1", "--format=%B",
                                                                  "template-update/v2/charlie")
    # the markers live on the update branch only
    assert "<<<<<<<" not in (mesh / "domains/charlie/dbt_project.yml").read_text()
    golf = next(d for d in report["domains"] if d["domain"] == "golf")
    assert "no-such-template" in golf["reason"]


def test_a_second_run_changes_nothing(after_v2, repo, tmp_path) -> None:
    from tests.fleet.builders import clone_tree

    mesh = clone_tree(after_v2[0], tmp_path / "mesh")
    r = repo(mesh)
    before = r.refs()
    code, report = update(mesh, "--to", "v2", "--jobs", "2")
    assert statuses(report) == EXPECTED_V2
    assert r.refs() == before  # no new commit, no moved branch
    assert all(d["reused"] for d in report["domains"] if d["status"] in ("updated", "conflicted"))
    assert next(d for d in report["domains"] if d["domain"] == "charlie")["conflicts"] == \
        ["domains/charlie/dbt_project.yml"]
    assert code == 1


def test_markdown_and_text_summaries(after_v2, tmp_path) -> None:
    from tests.fleet.builders import clone_tree

    mesh = clone_tree(after_v2[0], tmp_path / "mesh")
    summary = tmp_path / "summary.md"
    r = run_cli("fleet", "update", "--to", "v2", "--only", "charlie", "--only", "echo", "--format", "markdown",
                "--report-path", str(tmp_path / "r.json"), cwd=mesh,
                env={"CI": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert r.code == 1
    assert "## Template update to `v2`: 2 domain(s)" in r.out
    assert "⚠️ 1 conflicted · ✅ 1 up-to-date" in r.out
    assert "| charlie | ⚠️ conflicted | v1 | `template-update/v2/charlie` | conflicts in " \
           "domains/charlie/dbt_project.yml" in r.out
    assert summary.read_text() == r.out
    assert json.loads((tmp_path / "r.json").read_text())["counts"]["conflicted"] == 1
    t = run_cli("fleet", "update", "--to", "v2", "--only", "echo", cwd=mesh, env={"CI": "true"})
    assert t.code == 0
    assert t.out.splitlines()[-1] == "1 domain(s) to v2: 1 up-to-date"


def test_a_new_question_without_default_needs_an_answer(mesh, repo) -> None:
    r = repo(mesh)
    main_before = r.rev("main")
    code, report = update(mesh, "--to", "v3", "--only", "alpha")
    [alpha] = report["domains"]
    assert (alpha["status"], alpha["question"]) == ("needs-answer", "cost_center")
    assert "cost_center" in alpha["reason"]
    assert code == 1
    assert r.branches() == {} and r.rev("main") == main_before and r.worktrees() == [str(mesh)]
    # the team answers on main; the next run goes through
    answers = mesh / "domains/alpha" / ANSWERS
    answers.write_text(answers.read_text() + "cost_center: CC-42\n")
    git(mesh, "commit", "-qam", "alpha: cost center")
    code, report = update(mesh, "--to", "v3", "--only", "alpha")
    assert statuses(report) == {"alpha": "updated"} and code == 0
    assert r.show("template-update/v3/alpha", "domains/alpha/COST_CENTER") == "CC-42\n"


def test_a_persons_worktree_on_an_update_branch_is_never_removed(mesh, repo, tmp_path) -> None:
    """Someone resolves charlie's conflict in their own worktree, not committed yet, and starts alpha's
    update by hand: the next run leaves both worktrees and their edits alone and says why alpha waits."""
    r = repo(mesh)
    code, report = update(mesh, "--to", "v2", "--only", "charlie")
    assert statuses(report) == {"charlie": "conflicted"}
    resolving, manual = tmp_path / "resolve-charlie", tmp_path / "alpha-by-hand"
    git(mesh, "worktree", "add", "-q", str(resolving), "template-update/v2/charlie")
    dbt = resolving / "domains/charlie/dbt_project.yml"
    dbt.write_text("threads: 8  # resolved by hand\n")
    git(mesh, "worktree", "add", "-q", "-b", "template-update/v2/alpha", str(manual), "main")
    (manual / "domains/alpha/README.md").write_text("work in progress\n")

    code, report = update(mesh, "--to", "v2")
    by_name = {d["domain"]: d for d in report["domains"]}
    assert by_name["charlie"]["status"] == "conflicted" and by_name["charlie"]["reused"]
    assert by_name["alpha"]["status"] == "failed"
    assert f"checked out in {manual}" in by_name["alpha"]["reason"]
    assert "the fleet did not make" in by_name["alpha"]["reason"]
    assert statuses(report) == {**EXPECTED_V2, "alpha": "failed"}
    assert dbt.read_text() == "threads: 8  # resolved by hand\n"
    assert (manual / "domains/alpha/README.md").read_text() == "work in progress\n"
    assert sorted(r.worktrees()) == sorted([str(mesh), str(resolving), str(manual)])


def test_a_second_fleet_update_at_once_stops_with_the_first_ones_pid(mesh, repo) -> None:
    import os

    from scaffolder.vcs.git import run_lock

    r = repo(mesh)
    with run_lock([mesh]):  # this test process plays the first run
        res = run_cli("fleet", "update", "--to", "v2", cwd=mesh, env={"CI": "true"})
    assert res.code == 2, res.out + res.err
    assert f"another fleet update is running (pid {os.getpid()})" in res.err
    assert r.branches() == {} and r.worktrees() == [str(mesh)]
    assert update(mesh, "--to", "v2", "--only", "alpha")[1]["domains"][0]["status"] == "updated"
