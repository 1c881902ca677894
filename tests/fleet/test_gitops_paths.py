"""The fleet's git plumbing reads paths NUL-separated: a newline in a name shifts nothing (issue 14)."""

from __future__ import annotations

from pathlib import Path

from scaffolder.vcs import git as vcs_git
from tests.changes.conftest import git


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def test_conflicts_in_tree_with_odd_names(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    names = ["domains/a/x\nplain.sql", "domains/a/with:colon.sql", "domains/a/[b]*.yml.rej", "domains/a/ok.sql"]
    for name in names[:2]:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("<<<<<<< before updating\nx\n>>>>>>> after updating\n")
    (repo / names[2]).write_text("rejected hunk\n")
    (repo / names[3]).write_text("select 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "files")
    assert vcs_git.conflicts_in_tree(repo, "main", "domains/a") == sorted(names[:3])


def test_worktrees_with_a_newline_in_the_path(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    git(repo, "commit", "-q", "--allow-empty", "-m", "root")
    odd = tmp_path / "wt\nbranch x"
    git(repo, "worktree", "add", "-q", "-b", "template-update/v2/a", str(odd))
    got = {w["worktree"]: w.get("branch") for w in vcs_git.worktrees(repo)}
    assert got == {str(repo): "refs/heads/main", str(odd): "refs/heads/template-update/v2/a"}


def test_one_default_branch_rule_for_the_check_and_the_fleet(tmp_path: Path) -> None:
    """The host's default (origin/HEAD) wins over a local `main` for both callers: the change check
    compares with origin's copy, the fleet starts from and targets the branch by its local name."""
    from scaffolder.fleet.update import default_base

    origin = _repo(tmp_path)
    git(origin, "checkout", "-q", "-b", "trunk")
    git(origin, "commit", "-q", "--allow-empty", "-m", "root")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{origin}", str(clone))
    git(clone, "branch", "-q", "main")  # a local main that is not the host's default
    assert vcs_git.default_branch(clone) == "trunk"
    assert vcs_git.Git(clone).default_base() == "origin/trunk"
    assert default_base(clone) == "trunk"
    (tmp_path / "plain").mkdir()
    plain = _repo(tmp_path / "plain")
    git(plain, "commit", "-q", "--allow-empty", "-m", "root")
    assert vcs_git.default_branch(plain) == "main" and vcs_git.Git(plain).default_base() == "main"
    assert default_base(plain) == "main"
