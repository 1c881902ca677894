"""A template repository (v1, v2, v3) and a mesh of 7 domains, built once per session, copied per test."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fleet.builders import build_mesh, build_template, clone_tree, git


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("fleet-built")
    template = build_template(root / "template")
    return template, build_mesh(root / "mesh", template)


@pytest.fixture
def template(built: tuple[Path, Path]) -> Path:
    return built[0]


@pytest.fixture
def mesh(built: tuple[Path, Path], tmp_path: Path) -> Path:
    return clone_tree(built[1], tmp_path / "mesh")


class Repo:
    """Read a repository's state the way a reviewer would."""

    def __init__(self, root: Path):
        self.root = root

    def git(self, *args: str) -> str:
        return git(self.root, *args)

    def rev(self, ref: str) -> str:
        return self.git("rev-parse", ref).strip()

    def show(self, ref: str, path: str) -> str | None:
        proc = subprocess.run(["git", "show", f"{ref}:{path}"], cwd=self.root, capture_output=True, text=True)
        return proc.stdout if proc.returncode == 0 else None

    def branches(self, prefix: str = "template-update/") -> dict[str, str]:
        out = self.git("for-each-ref", "--format=%(refname:short) %(objectname)", f"refs/heads/{prefix}")
        return dict(line.split() for line in out.splitlines())

    def refs(self) -> str:
        return self.git("for-each-ref", "--format=%(refname) %(objectname)")

    def worktrees(self) -> list[str]:
        return [line.split(" ", 1)[1] for line in self.git("worktree", "list", "--porcelain").splitlines()
                if line.startswith("worktree ")]

    def commits_on(self, branch: str, base: str = "main") -> int:
        return int(self.git("rev-list", "--count", f"{base}..{branch}").strip())


@pytest.fixture
def repo() -> Callable[[Path], Repo]:
    return Repo
