"""Fleet update cost per domain, as ratios to a lone `copier update` measured in the same run.

24 domains made from a template at v1 are updated to v2 three ways, each on
its own copy of the same mesh:
- baseline: 24 x a lone `copier update --defaults --skip-answered --vcs-ref v2`
  run one after the other in each domain folder (only the copier call is
  timed; the commit that lets the next one run on a clean tree is not);
- `scaffolder fleet update --to v2 --jobs 1` (whole command: worktrees,
  worker processes, classification, commits);
- the same with `--jobs 2`.
Goal (issue 8): the fleet's per-domain cost does not exceed a lone update.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from _timing import PY, table  # noqa: E402

from tests.fleet.builders import COPIER, copy_domain, git  # noqa: E402

N = 24


def build(tmp: Path) -> tuple[Path, Path]:
    from tests.fleet.builders import build_template

    template = build_template(tmp / "template")
    mesh = tmp / "mesh"
    mesh.mkdir()
    git(mesh, "init", "-q", "-b", "main")
    for i in range(N):
        copy_domain(template, mesh / "domains" / f"d{i:02d}", f"d{i:02d}", "v1")
    git(mesh, "add", "-A")
    git(mesh, "commit", "-q", "-m", "mesh")
    return template, mesh


def lone_updates(mesh: Path) -> float:
    total = 0.0
    for folder in sorted((mesh / "domains").iterdir()):
        start = time.perf_counter()
        subprocess.run([COPIER, "update", "--quiet", "--defaults", "--skip-answered", "--vcs-ref", "v2"], cwd=folder,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        total += time.perf_counter() - start
        git(mesh, "add", "-A")
        git(mesh, "commit", "-q", "-m", f"update {folder.name}")
    return total


def fleet(mesh: Path, jobs: int) -> float:
    start = time.perf_counter()
    proc = subprocess.run([PY, "-m", "scaffolder", "fleet", "update", "--to", "v2", "--jobs", str(jobs)], cwd=mesh,
                          capture_output=True, text=True, env={"CI": "true", "PATH": str(Path(PY).parent) + ":/usr/bin:/bin"})
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or f"{N} updated" not in proc.stdout:
        raise SystemExit(f"fleet --jobs {jobs} did not update every domain:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-fleet-"))
    try:
        _, mesh = build(tmp)
        copies = {name: shutil.copytree(mesh, tmp / name, symlinks=True) for name in ("lone", "j1", "j2")}
        lone = lone_updates(copies["lone"])
        j1 = fleet(copies["j1"], 1)
        j2 = fleet(copies["j2"], 2)
        per = lone / N
        table(f"Fleet update of {N} domains v1 -> v2, seconds per domain", "lone `copier update`", per,
              [("fleet update --jobs 1", j1 / N), ("fleet update --jobs 2", j2 / N)])
        print(f"\ntotals: {N} x lone copier update {lone:.1f}s, --jobs 1 {j1:.1f}s, --jobs 2 {j2:.1f}s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
