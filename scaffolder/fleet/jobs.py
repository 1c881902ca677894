"""What a fleet worker process is asked to do: one dataclass per kind of job.

The parent plans a job, writes it as JSON for the worker process, and the
worker reads it back: a typed payload instead of a dict of strings keeps the
two sides in step.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class UpdateJob:
    """Update one domain to a template release on its own branch (`fleet update`)."""

    kind: ClassVar[str] = "update"
    name: str
    repo_root: str
    rel: str
    answers_rel: str
    ref: str
    to_sha: str
    mirror: str
    base: str
    branch: str
    worktree: str
    from_version: str | None


@dataclass(frozen=True)
class RenderJob:
    """Render a domain's recorded template version to list its drift (`fleet status`)."""

    kind: ClassVar[str] = "render"
    src: str
    commit: str | None
    answers: dict[str, Any]
    domain_path: str
    render_dir: str


Payload = UpdateJob | RenderJob
KINDS: dict[str, type[UpdateJob] | type[RenderJob]] = {k.kind: k for k in (UpdateJob, RenderJob)}


def to_json(payload: Payload) -> dict[str, Any]:
    return {"kind": payload.kind, **asdict(payload)}


def from_json(data: dict[str, Any]) -> Payload:
    cls = KINDS.get(data.get("kind", ""))
    if cls is None:
        raise SystemExit(f"unknown job kind {data.get('kind')!r}")
    return cls(**{f.name: data[f.name] for f in fields(cls)})
