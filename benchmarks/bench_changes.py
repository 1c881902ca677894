"""Benchmark: `check` and `diff` against merely loading and validating the same files.

Generates a mesh of 1,000 contracts in a temporary git repo, changes 100 of
them on a branch, and prints ratios against baselines measured in the same
run (never absolute goals): the goal is that diffing adds < 50% on top of
loading and validating.

Run: python benchmarks/bench_changes.py   (or `nox -s bench -- changes`)
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scaffolder.changes.check import check_changes, compare_files  # noqa: E402
from scaffolder.changes.diff import diff_contracts  # noqa: E402
from scaffolder.contract.mesh import load_mesh  # noqa: E402
from scaffolder.contract.validate import validate_file, validate_text  # noqa: E402

N_CONTRACTS = 1000
N_CHANGED = 100
TODAY = dt.date(2026, 1, 1)


def contract(i: int, version: str = "1.0.0", extra: str = "") -> str:
    fields = "".join(f"      - name: col_{j}\n        type: {'long' if j % 3 else 'string'}\n"
                     f"        constraints: {{min: 0, max: {1000 + j}}}\n" if j % 3 else
                     f"      - name: col_{j}\n        type: string\n        constraints: {{enum: [a, b, c], max_length: 64}}\n"
                     for j in range(20))
    return f"""apiVersion: datamesh.io/v1
kind: DataProduct
metadata:
  name: d{i % 50}.product_{i}
  domain: d{i % 50}
  version: {version}
  description: Generated product {i}
spec:
  owner: team-{i % 50}@company.io
  sla:
    freshness: 15m
    availability: "99.9%"
  schema:
    type: parquet
    fields:
      - name: id
        type: string
        constraints: {{primary_key: true}}
      - name: event_ts
        type: timestamp
        constraints: {{nullable: false, timezone: UTC}}
{fields}{extra}  quality:
    checks:
      - column: id
        assertion: expect_column_values_to_not_be_null
        threshold: 0.99
      - column: col_1
        assertion: expect_column_values_to_be_between
        value: {{min_value: 0, max_value: 100}}
  lineage:
    upstream: [raw.source_{i}]
  access:
    roles: [analyst]
"""


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@x", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@x"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def best(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def interleaved(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best of `repeat` for each, alternating a and b so machine load drifts hit both alike."""
    ta, tb = [], []
    for _ in range(repeat):
        ta.append(best(a, 1))
        tb.append(best(b, 1))
    return min(ta), min(tb)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        git(root, "init", "-q", "-b", "main")
        (root / "mesh.yaml").write_text('apiVersion: datamesh.io/v1\nkind: Mesh\ncontracts: ["domains/*/*.contract.yaml"]\n')
        paths = []
        for i in range(N_CONTRACTS):
            p = root / "domains" / f"d{i % 50}" / f"product_{i}.contract.yaml"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(contract(i))
            paths.append(p)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "mesh")
        git(root, "checkout", "-q", "-b", "feature")
        base_texts = {}
        extra = "      - name: added_col\n        type: string\n"
        for i in range(0, N_CONTRACTS, N_CONTRACTS // N_CHANGED):
            base_texts[paths[i]] = paths[i].read_text()
            paths[i].write_text(contract(i, "1.1.0", extra))
        git(root, "commit", "-q", "-am", "change 100")
        mesh = load_mesh(root)
        changed = list(base_texts)

        def validate_changed() -> None:
            for p in changed:
                validate_text(base_texts[p], str(p))
                validate_file(p, mesh)

        def validate_all() -> None:
            for p in paths:
                validate_file(p, mesh)

        def run_check() -> None:
            report = check_changes(root, "main", "feature", mesh, TODAY)
            assert len(report.contracts) == N_CHANGED and report.ok, report.to_json()

        t_load, t_check = interleaved(validate_changed, run_check, 3)
        t_all = best(validate_all, 1)

        old_p, new_p = root / "old.yaml", changed[0]
        old_p.write_text(base_texts[new_p])

        def load_pair() -> None:
            validate_file(old_p)
            validate_file(new_p, mesh)

        def diff_pair() -> None:
            compare_files(old_p, new_p, mesh, TODAY)

        old_c, new_c = validate_file(old_p).contract, validate_file(new_p, mesh).contract
        t_pair_load, t_pair_diff = interleaved(load_pair, diff_pair, 50)
        t_pure = best(lambda: diff_contracts(old_c, new_c), 200)

    print(f"mesh: {N_CONTRACTS} contracts, {N_CHANGED} changed (one field added, minor bump)")
    print(f"baseline  load+validate the {N_CHANGED} changed files, both sides: {t_load * 1000:8.1f} ms")
    print(f"check     merge-base, git diff, load+validate, diff, gate:       {t_check * 1000:8.1f} ms"
          f"  ratio {t_check / t_load:.2f}x  (adds {100 * (t_check - t_load) / t_load:.0f}%)")
    print(f"context   validate all {N_CONTRACTS} contracts (`scaffolder validate`):    {t_all * 1000:8.1f} ms"
          f"  check is {t_check / t_all:.2f}x of it")
    print(f"baseline  load+validate one pair:                                {t_pair_load * 1000:8.2f} ms")
    print(f"diff      compare_files on the pair (load, diff, gate, report):  {t_pair_diff * 1000:8.2f} ms"
          f"  ratio {t_pair_diff / t_pair_load:.2f}x  (adds {100 * (t_pair_diff - t_pair_load) / t_pair_load:.0f}%)")
    print(f"diff      diff_contracts alone on loaded contracts:              {t_pure * 1000:8.3f} ms"
          f"  = {100 * t_pure / t_pair_load:.1f}% of loading the pair")
    goal = (t_pair_diff - t_pair_load) / t_pair_load < 0.5
    print(f"goal: diff adds < 50% on top of loading: {'met' if goal else 'NOT met'}")


if __name__ == "__main__":
    main()
