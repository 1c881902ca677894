"""CODEOWNERS matching, the summary renderers and the template cache, without Copier."""

from __future__ import annotations

from pathlib import Path

from scaffolder.fleet import codeowners, report
from scaffolder.fleet.model import Outcome
from scaffolder.fleet.template import TemplateCache, git_url


def test_codeowners_last_matching_rule_wins(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/CODEOWNERS").write_text(
        "# platform owns everything by default\n*  @acme/platform\n"
        "/domains/orders/  @acme/orders-team @dana  # the team\n"
        "domains/pay*/  ops@example.com @erin\n")
    assert codeowners.owners(tmp_path, "domains/orders") == ["@acme/orders-team", "@dana"]
    assert codeowners.owners(tmp_path, "domains/payments") == ["ops@example.com", "@erin"]
    assert codeowners.owners(tmp_path, "domains/other") == ["@acme/platform"]
    assert codeowners.split_reviewers(["@acme/orders-team", "@dana", "ops@example.com"]) == \
        (["dana"], ["orders-team"])
    assert codeowners.owners(tmp_path / "nowhere", ".") == []


def test_summaries_count_every_status() -> None:
    outs = [Outcome("a", "updated", "v2", from_version="v1", changed=["x", "y"]),
            Outcome("b", "needs-answer", "v2", from_version="v1", question="cost_center"),
            Outcome("c|d", "failed", "v2", from_version="v1", reason="boom | bang")]
    data = report.to_json(outs, "v2")
    assert data["counts"] == {"failed": 1, "pr-failed": 0, "needs-answer": 1, "conflicted": 0, "updated": 1,
                              "up-to-date": 0}
    assert data["ok"] is False and not report.ok(outs) and report.ok(outs[:1])
    md = report.markdown(outs, "v2")
    assert "| c\\|d | ❌ failed | v1 |  | boom \\| bang |" in md  # table cells escape pipes
    assert "new question without a default: cost_center" in report.text(outs, "v2")


def test_template_urls_are_normalised_as_copier_does() -> None:
    assert git_url("gh:acme/templates") == "https://github.com/acme/templates.git"
    assert git_url("gl:/acme/t.git") == "https://gitlab.com/acme/t.git"
    assert git_url("git+https://git.example.com/t") == "https://git.example.com/t"
    assert git_url("https://github.com/acme/t") == "https://github.com/acme/t.git"
    assert git_url("/srv/templates") == "/srv/templates"


def test_latest_release_skips_prereleases_and_non_versions(template: Path, tmp_path: Path) -> None:
    from tests.fleet.builders import git

    src = tmp_path / "t"
    git(tmp_path, "clone", "-q", str(template), str(src))
    for tag in ("v10.0.0rc1", "nightly", "v3.1"):
        git(src, "tag", tag)
    cache = TemplateCache(tmp_path / "cache")
    assert cache.latest_release(str(src)) == "v3.1"
    log = cache.changelog(str(src), "v1", "v2")  # git log --oneline v1..v2, newest first
    assert [line.split(" ", 1)[1] for line in log] == ["dbt: 4 threads, sqlfluff config",
                                                       "ci: pin scaffolder 2.0, run the data checks"]
    assert cache.resolve(str(src), "no-such-ref") is None


def test_unreadable_answers_fail_their_domain_alone(tmp_path: Path) -> None:
    from scaffolder.fleet.discover import discover_monorepo
    from tests.fleet.builders import git

    git(tmp_path, "init", "-q")
    for name, text in {"ok": "_commit: v1\n_src_path: gh:acme/t\n", "rel": "_commit: v1\n_src_path: ../tpl\n",
                       "bad": "_commit: [v1\n", "list": "- a\n"}.items():
        (tmp_path / "domains" / name).mkdir(parents=True)
        (tmp_path / "domains" / name / ".copier-answers.yml").write_text(text)
    problems = {d.name: d.problem for d in discover_monorepo(tmp_path)}
    assert problems["ok"] is None
    assert "answers.yml:2:12: relative _src_path '../tpl'" in problems["rel"]
    assert "answers.yml:2:1: not valid YAML" in problems["bad"]
    assert "answers.yml:1:1: not a mapping of answers" in problems["list"]


def test_a_failed_git_command_is_reported_in_gits_words() -> None:
    from scaffolder.fleet.update import failure

    plumbum = ("Unexpected exit code: 1\nCommand line: | /usr/bin/git remote update --prune\n"
               "Stderr:       | fatal: bad object worktrees/clone/HEAD\n"
               "              | error: file:///tmp/t.git did not send all necessary objects\n              |")
    assert failure(plumbum) == "Unexpected exit code: 1 (fatal: bad object worktrees/clone/HEAD)"
    assert failure("Question \"x\" is required\nmore") == "Question \"x\" is required"
    assert failure("TemplateSyntaxError: bad\n  {{ x | upper }}") == "TemplateSyntaxError: bad"  # not git: first line


def test_jobs_running_at_once_never_share_a_copier_cache(tmp_path: Path) -> None:
    """Copier updates its cached clone in place; two processes at once corrupt it."""
    from scaffolder.fleet.runner import slot_env

    env = {"COPIER_CACHE_DIR": str(tmp_path / "cache"), "GIT_TERMINAL_PROMPT": "0"}
    caches = {slot_env(env, slot)["COPIER_CACHE_DIR"] for slot in range(3)}
    assert len(caches) == 3 and all(c.startswith(str(tmp_path / "cache")) for c in caches)
    assert slot_env(env, 1)["GIT_TERMINAL_PROMPT"] == "0" and slot_env({}, 1) == {}


def test_a_long_tmpdir_falls_back_from_the_forkserver(tmp_path: Path, monkeypatch) -> None:
    """The forkserver's socket lives under $TMPDIR; a long $TMPDIR made every update exit 3
    ("AF_UNIX path too long"). Jobs then run in spawned processes instead."""
    import tempfile

    from scaffolder.fleet.runner import Job, run_jobs

    deep = tmp_path / ("d" * 60) / ("e" * 40)
    deep.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(deep))
    monkeypatch.setattr(tempfile, "tempdir", None)
    job = {"kind": "unknown"}  # the worker refuses it: enough to prove a process ran
    results = run_jobs([Job("a", job)], tmp_path / "jobs", 1)
    assert "unknown job kind" in results["a"]["error"]
