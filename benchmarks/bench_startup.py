"""CLI start-up and validation cost, as ratios to a bare `python -c pass` in the same run.

Goal (issue 3): `scaffolder --help` and `scaffolder validate` under 0.3 s on
the 2-core machine; hostile inputs (alias bomb, 5 MB file, deep nesting)
rejected under 2 s.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import PY, best_of, table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed" / "data-product-contract.yaml"


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    bomb = ["a: &a [" + ",".join(['"lol"'] * 9) + "]"]
    for i in range(1, 10):
        bomb.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]")
    (tmp / "bomb.yaml").write_text("\n".join(bomb) + "\n")
    (tmp / "big.yaml").write_text("a: " + "x" * (5 * 1024 * 1024 + 10))
    (tmp / "deep.yaml").write_text("k: " + "[" * 5000 + "]" * 5000 + "\n")
    (tmp / "near-limit.yaml").write_text("items:\n" + "".join(f"  - key{i}: value {i}\n" for i in range(60000)))

    base = best_of([PY, "-c", "pass"])
    cli = [PY, "-m", "scaffolder"]
    rows = [
        ("scaffolder --help", best_of([*cli, "--help"])),
        ("scaffolder validate <seed>", best_of([*cli, "validate", str(SEED)], cwd=str(tmp))),
        ("scaffolder explain <seed>", best_of([*cli, "explain", str(SEED)], cwd=str(tmp))),
        ("validate alias bomb (refused)", best_of([*cli, "validate", str(tmp / "bomb.yaml")], 3, str(tmp))),
        ("validate 5 MB+ file (refused)", best_of([*cli, "validate", str(tmp / "big.yaml")], 3, str(tmp))),
        ("validate 5000-deep nesting (refused)", best_of([*cli, "validate", str(tmp / "deep.yaml")], 3, str(tmp))),
        ("validate 1.2 MB YAML, 60k keys (rejected)", best_of([*cli, "validate", str(tmp / "near-limit.yaml")], 3, str(tmp))),
    ]
    table("CLI start-up and validation (best of N, whole processes)", "python -c pass", base, rows)


if __name__ == "__main__":
    main()
