"""Layers point down only, and no module imports itself through a loop.

The layer order is data: a module belongs to the layer of the longest entry that is a prefix of
its dotted name. A module may import modules of its own layer or a lower one; every import is
counted, the lazy ones inside functions too (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "scaffolder"

# Lowest first. New packages take the layer of what they are: a format reader beside `contract`,
# a rule set beside `changes`/`checks`, a command area's library beside `catalog`/`fleet`.
LAYERS: list[list[str]] = [
    # the base: the version, errors, optional-extra guard, atomic writes
    ["scaffolder", "scaffolder.errors", "scaffolder.extras", "scaffolder.fsutil", "scaffolder.parallel",
     "scaffolder.pgurl"],
    # Finding, annotations, Markdown escaping, JSON output, redaction and terminal sinks
    ["scaffolder.report"],
    # adapters to outside systems that know nothing of contracts
    ["scaffolder.vcs", "scaffolder.github.comment", "scaffolder.github.environment",
     "scaffolder.github.sinks"],
    # the contract language: model, loader, validation, the mesh; the assertion vocabulary
    # (checks/assertions.py is a catalogue of data the validator reads, with each assertion's
    # predicate builder and the SQL pieces those need: no engine, no I/O)
    ["scaffolder.contract", "scaffolder.odcs", "scaffolder.checks.assertions",
     "scaffolder.checks.predicates", "scaffolder.checks.sql", "scaffolder.checks.dialects",
     "scaffolder.checks.literals", "scaffolder.checks.conform"],
    # what is decided from contracts: the change gate, data checks, policies, access
    ["scaffolder.changes", "scaffolder.checks", "scaffolder.policy", "scaffolder.access",
     "scaffolder.interop", "scaffolder.dbt"],
    # health records check results over time
    ["scaffolder.health"],
    # command areas built from the above
    ["scaffolder.catalog", "scaffolder.fleet"],
    # the GitHub Action: the gate and checks on a pull request
    ["scaffolder.github"],
    # entry points
    ["scaffolder.demo", "scaffolder.cli", "scaffolder.__main__"],
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in ROOT.rglob("*.py")}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The scaffolder modules `name` imports (a `from pkg import sub` counts the submodule)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, *([node.module] if node.module else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {m for m in found if m in known and m != name}


def layer(name: str) -> int:
    best, rank = "", -1
    for i, entries in enumerate(LAYERS):
        for entry in entries:
            if (name == entry or name.startswith(entry + ".")) and len(entry) > len(best):
                best, rank = entry, i
    return rank


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(name, path, set(mods)) for name, path in mods.items()}


def test_every_module_has_a_layer(graph):
    assert [m for m in graph if layer(m) < 0] == []


def test_no_import_points_up(graph):
    upward = sorted(f"{m} (layer {layer(m)}) imports {d} (layer {layer(d)})"
                    for m, deps in graph.items() for d in deps if layer(d) > layer(m))
    assert upward == []


def test_no_import_cycle(graph):
    """Tarjan's strongly connected components: any component of two or more modules is a loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    loops: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                loops.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert loops == []


def test_the_walker_sees_lazy_and_relative_imports(tmp_path):
    """The walker itself: a function-level import and a relative one both count."""
    pkg = tmp_path / "scaffolder" / "a"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "x.py").write_text("def f():\n    from . import y\n    from scaffolder.a.z import q\n")
    known = {"scaffolder.a", "scaffolder.a.x", "scaffolder.a.y", "scaffolder.a.z"}
    assert imports("scaffolder.a.x", pkg / "x.py", known) == {"scaffolder.a.y", "scaffolder.a.z"}
