"""The fleet's git plumbing reads paths NUL-separated: a newline in a name shifts nothing (issue 14)."""

from __future__ import annotations

from pathlib import Path

from scaffolder.fleet import gitops
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
    assert gitops.conflicts_in_tree(repo, "main", "domains/a") == sorted(names[:3])


def test_worktrees_with_a_newline_in_the_path(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    git(repo, "commit", "-q", "--allow-empty", "-m", "root")
    odd = tmp_path / "wt\nbranch x"
    git(repo, "worktree", "add", "-q", "-b", "template-update/v2/a", str(odd))
    got = {w["worktree"]: w.get("branch") for w in gitops.worktrees(repo)}
    assert got == {str(repo): "refs/heads/main", str(odd): "refs/heads/template-update/v2/a"}
