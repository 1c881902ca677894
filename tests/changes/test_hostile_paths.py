"""`check` on hostile repositories: newlines in paths, symlinks, oversized files (issue 14)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from scaffolder.vcs.git import Git
from tests.changes.conftest import BASE, edit, git
from tests.conftest import run_cli

MESH = ("apiVersion: datamesh.io/v1\nkind: Mesh\nname: test\n"
        "contracts: [\"domains/*/data-product-contract.yaml\"]\n")


def product(name: str) -> str:
    return edit(BASE, ("name: orders.order_events", f"name: {name}"))


def write(root: Path, rel: str, text: str | bytes) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text)
    return p


def commit(root: Path, msg: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", msg)


@pytest.fixture
def mesh(tmp_path: Path) -> Path:
    root = tmp_path / "mesh"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, "mesh.yaml", MESH)
    commit(root, "mesh")
    return root


@pytest.mark.parametrize("glob", ["domains/*/data-product-contract.yaml", "**/data-product-contract.yaml"])
def test_newline_in_a_folder_name_does_not_shift_the_answers(mesh: Path, glob: str) -> None:
    """The issue's repro: a removed contract and a field dropped without a bump must both fail the gate."""
    if glob not in MESH:
        write(mesh, "mesh.yaml", MESH.replace("domains/*/data-product-contract.yaml", glob))
        commit(mesh, "glob")
    write(mesh, "domains/a\nb/data-product-contract.yaml", product("a.events"))
    write(mesh, "domains/z/data-product-contract.yaml", product("z.events"))
    commit(mesh, "two products")
    git(mesh, "checkout", "-q", "-b", "feature")
    git(mesh, "rm", "-q", "domains/a\nb/data-product-contract.yaml")
    dropped = product("z.events").replace("      - name: note\n        type: string\n", "")
    write(mesh, "domains/z/data-product-contract.yaml", dropped)
    commit(mesh, "remove a, drop a field in z")

    run = run_cli("check", "--base", "main", "--head", "HEAD", "--format", "json", cwd=mesh)
    assert run.code == 1, run.out + run.err
    report = json.loads(run.out)
    status = {c["name"]: c["status"] for c in report["contracts"]}
    assert status == {"a.events": "removed", "z.events": "modified"}
    paths = {c["name"]: c["path"] for c in report["contracts"]}
    assert paths["a.events"] == "domains/a\nb/data-product-contract.yaml"
    z = next(c for c in report["contracts"] if c["name"] == "z.events")
    assert any(f["rule"] == "field-removed" for f in z["changes"]) and not z["ok"]

    working = run_cli("check", "--base", "main", cwd=mesh)  # the working tree reads the same way
    assert working.code == 1, working.out + working.err


def test_blobs_are_read_by_object_id_whatever_the_path_holds(mesh: Path) -> None:
    """Paths with a newline, a space before `missing`, or glob characters read as themselves."""
    names = ["domains/a\nb/x.yaml", "domains/c missing/x.yaml", "domains/[d]*/x.yaml"]
    for i, rel in enumerate(names):
        write(mesh, rel, f"n: {i}\n")
    commit(mesh, "odd names")
    got = Git(mesh).show_many("HEAD", [*names, "domains/nothere.yaml"])
    assert got == {names[0]: b"n: 0\n", names[1]: b"n: 1\n", names[2]: b"n: 2\n", "domains/nothere.yaml": None}


SECRET = "sekrit-value-42"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the repository that a link in it points at."""
    p = tmp_path / "outside.yaml"
    p.write_text(f"token: {SECRET}\n{SECRET}: [\n")  # also broken YAML: an error would quote it
    return p


def test_a_committed_symlink_is_not_a_contract(mesh: Path, secret: Path) -> None:
    git(mesh, "checkout", "-q", "-b", "feature")
    link = mesh / "domains/evil/data-product-contract.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    commit(mesh, "a link")
    run = run_cli("check", "--base", "main", "--head", "HEAD", cwd=mesh)
    assert run.code == 1, run.out + run.err
    assert SECRET not in run.out + run.err
    assert "domains/evil/data-product-contract.yaml:1:1: a symbolic link is not a contract file" in run.out
    assert "[contract-symlink]" in run.out


def test_a_symlink_in_the_working_tree_is_refused_unread(mesh: Path, secret: Path) -> None:
    link = mesh / "domains/evil/data-product-contract.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    for fmt in ("text", "json", "github", "markdown"):
        run = run_cli("check", "--base", "main", "--format", fmt, cwd=mesh)
        assert run.code == 1, run.out + run.err
        assert SECRET not in run.out + run.err
        assert "contract-symlink" in run.out


def test_a_symlink_in_history_reads_as_an_invalid_version(mesh: Path, secret: Path) -> None:
    from scaffolder.catalog.history import histories
    from scaffolder.contract.validate import load_contract

    rel = "domains/a\nb/data-product-contract.yaml"
    link = mesh / rel
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    commit(mesh, "a link")
    link.unlink()
    write(mesh, rel, product("a.events"))
    commit(mesh, "the file")
    got = histories([load_contract(link)])["a.events"]
    assert [(v.subject, v.invalid, v.version) for v in got] == [("the file", False, "2.1.0"), ("a link", True, None)]


BIG = 64 * 1024 * 1024  # over the 5 MB contract limit, and far over what imports allocate


def _peak(fn) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_oversized_contract_is_refused_before_it_is_read(mesh: Path) -> None:
    """Working tree and git objects alike: the size is looked at first, the bytes never loaded."""
    from scaffolder.changes.check import check_changes
    from scaffolder.contract.mesh import load_mesh

    big = "domains/big/data-product-contract.yaml"
    with open(write(mesh, big, ""), "r+b") as fh:  # sparse: costs no disk
        fh.truncate(BIG)
    report = []
    peak = _peak(lambda: report.append(check_changes(mesh, "main", None, load_mesh(mesh), dt.date(2026, 1, 1))))
    assert peak < BIG // 4
    (result,) = report[0].contracts
    assert [(f.rule, f.location.path, f.location.line) for f in result.errors] == [("file-too-large", big, 1)]

    git(mesh, "checkout", "-q", "-b", "feature")
    commit(mesh, "big")
    report.clear()
    peak = _peak(lambda: report.append(check_changes(mesh, "main", "HEAD", load_mesh(mesh), dt.date(2026, 1, 1))))
    assert peak < BIG // 4
    (result,) = report[0].contracts
    assert [(f.rule, f.location.path) for f in result.errors] == [("file-too-large", big)]
    assert "67,108,864 bytes" in result.errors[0].message

    run = run_cli("check", "--base", "main", "--head", "HEAD", cwd=mesh)
    assert run.code == 1 and f"{big}:1:1: file is 67,108,864 bytes" in run.out, run.out + run.err
