"""Benchmark: `check` of 1,000 ODCS contracts against 1,000 of ours, same contracts, same run.

Two git repos hold the same 1,000 generated contracts (bench_changes.contract), one in our
format and one converted to ODCS v3 (`to_odcs`). On a branch, every contract is added (so
`check` validates and diffs all 1,000) and, in a second measurement, 100 existing ones are
changed. The goal (issue 18): the ODCS path within 1.5x of ours. Ratios only, both
measured in this run, interleaved, best of BENCH_REPEAT.

Run: python benchmarks/bench_odcs.py   (or: nox -s bench -- odcs)
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_changes import N_CHANGED, N_CONTRACTS, contract, git, interleaved  # noqa: E402

from scaffolder.changes.check import check_changes  # noqa: E402
from scaffolder.contract.load import load_text  # noqa: E402
from scaffolder.contract.mesh import load_mesh  # noqa: E402
from scaffolder.odcs.convert import to_odcs  # noqa: E402
from scaffolder.odcs.files import dump_yaml  # noqa: E402

TODAY = dt.date(2026, 1, 1)
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
GOAL = 1.5


def _text(i: int, odcs: bool, version: str = "1.0.0", extra: str = "") -> str:
    text = contract(i, version, extra)
    return dump_yaml(to_odcs(load_text(text).data)) if odcs else text


def build(root: Path, odcs: bool, changed: bool) -> None:
    """main: mesh.yaml (+ the contracts when `changed`); branch: all added, or 100 changed."""
    suffix = "odcs.yaml" if odcs else "contract.yaml"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "mesh.yaml").write_text(f'apiVersion: datamesh.io/v1\nkind: Mesh\ncontracts: ["domains/*/*.{suffix}"]\n')

    def write(i: int, version: str = "1.0.0", extra: str = "") -> None:
        p = root / "domains" / f"d{i % 50}" / f"product_{i}.{suffix}"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(_text(i, odcs, version, extra))

    if changed:
        for i in range(N_CONTRACTS):
            write(i)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "feature")
    if changed:
        for i in range(N_CHANGED):
            write(i * (N_CONTRACTS // N_CHANGED), "1.1.0",
                  "      - name: added_col\n        type: string\n")
    else:
        for i in range(N_CONTRACTS):
            write(i)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "change")


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, changed in ((f"check: {N_CONTRACTS} contracts added", False),
                               (f"check: {N_CHANGED} of {N_CONTRACTS} changed", True)):
            repos = {}
            for fmt in ("ours", "odcs"):
                repos[fmt] = Path(tmp) / f"{fmt}-{changed}"
                build(repos[fmt], fmt == "odcs", changed)
            meshes = {k: load_mesh(v) for k, v in repos.items()}
            runs = {k: (lambda r=repos[k], m=meshes[k]: check_changes(r, "main", "feature", m, TODAY))
                    for k in repos}
            for k, fn in runs.items():  # same verdicts on both formats, or the timing means nothing
                report = fn()
                assert len(report.contracts) == (N_CHANGED if changed else N_CONTRACTS), k
                assert all(c.ok for c in report.contracts), [c.errors for c in report.contracts if not c.ok][:1]
            ours, odcs = interleaved(runs["ours"], runs["odcs"], REPEAT)
            rows.append((label, ours, odcs))
    print(f"\n{'case':<40} {'ours s':>8} {'ODCS s':>8} {'ODCS/ours':>10}  (goal <= {GOAL})")
    for label, ours, odcs in rows:
        print(f"{label:<40} {ours:>8.3f} {odcs:>8.3f} {odcs / ours:>10.2f}")


if __name__ == "__main__":
    main()
