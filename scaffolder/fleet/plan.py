"""`fleet plan --matrix`: one GitHub Actions job per domain, each running `fleet update --only DOMAIN`."""

from __future__ import annotations

import shlex
from typing import Any

from scaffolder.fleet.model import Domain


def matrix(domains: list[Domain], ref: str, *, extra_args: list[str] | None = None) -> dict[str, Any]:
    """`{"include": [...]}` for `strategy.matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`."""
    include = []
    for d in domains:
        cmd = ["scaffolder", "fleet", "update", "--to", ref, "--only", d.name, *(extra_args or [])]
        include.append({"domain": d.name, "path": d.rel, "version": d.version or "", "branch": d.branch(ref),
                        "command": shlex.join(cmd)})
    return {"include": include}
