"""The small git wrapper: changed files with renames, contents at a ref, default base."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import UsageError
from scaffolder.vcs.git import FileChange, Git
from tests.changes.conftest import git


def test_changed_with_renames_deletions_and_untracked(repo: Path) -> None:
    (repo / "a.txt").write_text("alpha\n" * 20)
    (repo / "b.txt").write_text("beta\n")
    (repo / "name with space.txt").write_text("x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "files")
    base = Git(repo).run("rev-parse", "HEAD").strip()
    git(repo, "mv", "a.txt", "moved.txt")
    git(repo, "rm", "-q", "b.txt")
    (repo / "name with space.txt").write_text("y\n")
    (repo / "new.txt").write_text("new\n")
    g = Git(repo / "")
    assert sorted(g.changed(base), key=lambda c: c.status) == [
        FileChange("A", None, "new.txt"),
        FileChange("D", "b.txt", None),
        FileChange("M", "name with space.txt", "name with space.txt"),
        FileChange("R", "a.txt", "moved.txt"),
    ]
    got = g.show_many(base, ["a.txt", "b.txt", "missing.txt", "name with space.txt"])
    assert got == {"a.txt": b"alpha\n" * 20, "b.txt": b"beta\n", "missing.txt": None, "name with space.txt": b"x\n"}
    assert g.show(base, "b.txt") == b"beta\n" and g.show(base, "nope") is None


def test_default_base_prefers_origin_head(repo: Path, tmp_path: Path) -> None:
    assert Git(repo).default_base() == "main"
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{repo}", str(clone))
    assert Git(clone).default_base() == "origin/main"


def test_not_a_repo(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not inside a git repository"):
        Git(tmp_path)
