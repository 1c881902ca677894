"""`fleet plan --matrix`: one GitHub Actions job per domain, each running `fleet update --only DOMAIN`."""

from __future__ import annotations

import shlex
from typing import Any

from scaffolder.fleet.model import Domain
from scaffolder.fleet.template import TemplateCache


def pending(domains: list[Domain], ref: str, cache: TemplateCache) -> list[Domain]:
    """The domains not yet on `ref` (and those with a problem: their job reports why)."""
    def behind(d: Domain) -> bool:
        try:
            target = cache.resolve(d.src_path, ref)
        except Exception:
            return True  # let the job report why
        return not target or cache.resolve(d.src_path, d.version or "") != target

    return [d for d in domains if d.problem or behind(d)]


def matrix(domains: list[Domain], ref: str, *, extra_args: list[str] | None = None) -> dict[str, Any]:
    """`{"include": [...]}` for `strategy.matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`."""
    include = []
    for d in domains:
        cmd = ["scaffolder", "fleet", "update", "--to", ref, "--only", d.name, *(extra_args or [])]
        include.append({"domain": d.name, "path": d.rel, "version": d.version or "", "branch": d.branch(ref),
                        "command": shlex.join(cmd)})
    return {"include": include}
