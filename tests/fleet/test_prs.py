"""`fleet update --open-prs` against the GitHub REST double on 127.0.0.1 (real HTTP, real PyGithub)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import run_cli
from tests.fleet.builders import git
from tests.github.fake_github import FakeGitHub

TOKEN = "ghs_fleetsecret0123456789"


def _with_origin(mesh: Path) -> Path:
    origin = mesh.parent / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    git(mesh, "remote", "add", "origin", str(origin))
    git(mesh, "push", "-q", "origin", "main")
    return origin


def _run(mesh: Path, fake: FakeGitHub, *extra: str) -> tuple[int, dict, str]:
    r = run_cli("fleet", "update", "--to", "v2", "--jobs", "2", "--open-prs", "--format", "json", *extra, cwd=mesh,
                env={"CI": "true", "GITHUB_API_URL": fake.api_url, "GITHUB_TOKEN": TOKEN,
                     "GITHUB_REPOSITORY": "acme/mesh", "SCAFFOLDER_GITHUB_BACKOFF": "0"})
    return r.code, json.loads(r.out), r.out + r.err


def test_one_pr_per_domain_opened_then_edited_never_duplicated(mesh, repo, tmp_path) -> None:
    origin = _with_origin(mesh)
    with FakeGitHub() as fake:
        code, report, output = _run(mesh, fake)
        pulls = {p["head"]: p for p in fake.state.pulls.values()}
        assert set(pulls) == {f"template-update/v2/{d}" for d in ("alpha", "bravo", "charlie", "delta", "foxtrot")}
        charlie = pulls["template-update/v2/charlie"]
        assert charlie["draft"] is True
        assert charlie["labels"] == ["template-conflict", "template-update"]
        assert charlie["base"] == "main"
        assert "- `domains/charlie/dbt_project.yml`" in charlie["body"]
        assert charlie["teams"] == ["charlie-team"] and charlie["reviewers"] == ["carol"]  # from CODEOWNERS
        alpha = pulls["template-update/v2/alpha"]
        assert (alpha["draft"], alpha["labels"], alpha["reviewers"]) == (False, ["template-update"], ["alice"])
        assert alpha["title"] == "Template update of alpha to v2"
        # the changelog between the versions: `git log --oneline v1..v2` of the template
        assert "ci: pin scaffolder 2.0, run the data checks" in alpha["body"]
        assert "dbt: 4 threads, sqlfluff config" in alpha["body"] and "v1: first release" not in alpha["body"]
        assert pulls["template-update/v2/bravo"]["teams"] == ["platform"]  # the `*` rule
        # branches were pushed, with the update commit
        for head in pulls:
            assert git(origin, "rev-parse", head).strip() == repo(mesh).rev(head)
        by_domain = {d["domain"]: d for d in report["domains"]}
        assert by_domain["charlie"]["pr"]["action"] == "created" and by_domain["charlie"]["pr"]["draft"]
        assert by_domain["echo"]["pr"] is None and by_domain["golf"]["pr"] is None

        # a second run edits nothing and opens nothing
        posts = sum(1 for m, p, *_ in fake.state.requests if m == "POST" and p.endswith("/pulls"))
        code2, report2, output2 = _run(mesh, fake)
        assert len(fake.state.pulls) == 5
        assert sum(1 for m, p, *_ in fake.state.requests if m == "POST" and p.endswith("/pulls")) == posts == 5
        assert {d["pr"]["action"] for d in report2["domains"] if d["pr"]} == {"unchanged"}

        # someone resolves charlie's conflict on the PR branch; a run elsewhere (a fresh clone, no local
        # branches) reuses the pushed branches, edits the PR and drops the conflict label
        clone = tmp_path / "clone"
        subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)
        git(clone, "checkout", "-q", "template-update/v2/charlie")
        dbt = clone / "domains/charlie/dbt_project.yml"
        dbt.write_text(dbt.read_text().replace("<<<<<<< before updating\nthreads: 8\n=======\n", "")
                       .replace(">>>>>>> after updating\n", ""))
        git(clone, "commit", "-qam", "resolve")
        git(clone, "push", "-q", "origin", "template-update/v2/charlie")
        git(clone, "checkout", "-q", "main")
        git(clone, "branch", "-q", "-D", "template-update/v2/charlie")
        code3, report3, _ = _run(clone, fake)
        by_domain = {d["domain"]: d for d in report3["domains"]}
        assert by_domain["charlie"]["status"] == "updated" and by_domain["charlie"]["reused"]
        assert by_domain["charlie"]["pr"]["action"] == "updated"
        assert fake.state.pulls[charlie["number"]]["labels"] == ["template-update"]
        assert len(fake.state.pulls) == 5
        assert all(d["reused"] for d in report3["domains"] if d["status"] == "updated")
        # back in the first clone, whose charlie branch is behind the remote: fast-forwarded, not refused
        code4, report4, _ = _run(mesh, fake)
        by_domain = {d["domain"]: d for d in report4["domains"]}
        assert by_domain["charlie"]["status"] == "updated" and by_domain["charlie"]["pr"]["action"] == "unchanged"
        assert repo(mesh).rev("template-update/v2/charlie") == git(origin, "rev-parse", "template-update/v2/charlie").strip()
        assert len(fake.state.pulls) == 5
        # the token never leaks into output
        for text in (output, output2):
            assert TOKEN not in text
        assert all(TOKEN not in body for _, _, body, _ in fake.state.requests)
    assert code == code2 == 1 and code3 == 1  # golf still fails


def test_github_errors_stay_on_their_domain(mesh, tmp_path) -> None:
    _with_origin(mesh)
    with FakeGitHub() as fake:
        fake.state.read_only = True  # every write answers 403
        code, report, _ = _run(mesh, fake, "--only", "alpha", "--only", "echo")
    alpha = next(d for d in report["domains"] if d["domain"] == "alpha")
    assert alpha["status"] == "pr-failed"  # the branch was made, but no PR: a person must act
    assert alpha["pr"] == {"action": "failed",
                           "detail": "GitHub answered 403: Resource not accessible by integration"}
    assert alpha["commit"] and alpha["changed"]
    assert (code, report["ok"], report["counts"]["pr-failed"], report["counts"]["up-to-date"]) == (1, False, 1, 1)


def test_a_failed_push_is_its_own_status_with_gits_whole_reason(mesh) -> None:
    """No `origin` to push to: not "updated" with `ok: true` and exit 0, and not half of git's message."""
    with FakeGitHub() as fake:
        code, report, output = _run(mesh, fake, "--only", "alpha")
        text = run_cli("fleet", "update", "--to", "v2", "--only", "alpha", "--open-prs", cwd=mesh,
                       env={"CI": "true", "GITHUB_API_URL": fake.api_url, "GITHUB_TOKEN": TOKEN,
                            "GITHUB_REPOSITORY": "acme/mesh"})
        assert fake.state.pulls == {}
    [alpha] = report["domains"]
    assert (code, report["ok"], alpha["status"]) == (1, False, "pr-failed")
    detail = alpha["pr"]["detail"]
    assert detail.startswith("push failed: git push --force --quiet: fatal: 'origin' does not appear")
    assert "Could not read from remote repository." in detail and detail.endswith("and the repository exists.")
    assert text.code == 1 and "alpha  pr-failed" in text.out and ": 1 pr-failed" in text.out, text.out


def test_each_polyrepo_gets_its_pr_against_its_own_default_branch(template: Path, tmp_path: Path) -> None:
    """One repo on `main`, one on `master`: each update branch starts from, and its PR targets, its own."""
    from tests.fleet.builders import copy_domain

    for name, branch in (("orders", "main"), ("payments", "master")):
        path = tmp_path / f"{name}-repo"
        copy_domain(template, path, name, "v1")
        git(path, "init", "-q", "-b", branch)
        git(path, "add", "-A")
        git(path, "commit", "-qm", "from template")
        origin = tmp_path / f"{name}.git"
        subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
        git(path, "remote", "add", "origin", str(origin))
        git(path, "push", "-q", "origin", branch)
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("domains:\n  - {path: orders-repo, repository: acme/orders}\n"
                     "  - {path: payments-repo, repository: acme/payments}\n")
    with FakeGitHub() as fake:
        _, report, output = _run(tmp_path, fake, "--fleet-file", str(fleet))
        bases = {p["repo"]: p["base"] for p in fake.state.pulls.values()}
    assert {d["domain"]: d["pr"]["action"] for d in report["domains"]} == {
        "orders-repo": "created", "payments-repo": "created"}, output
    assert bases == {"acme/orders": "main", "acme/payments": "master"}
