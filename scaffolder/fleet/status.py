"""Where each domain stands: its template version, the latest release, and drift.

Drift means local edits to platform-owned files. We decide it by rendering
the domain's recorded version (`_commit`) with its recorded answers into a
temporary folder (Copier's `run_copy`, in a worker process) and comparing
every rendered file byte for byte with the domain's, except the answers file
and the files the template hands over to the domain (`_skip_if_exists`:
models, seeds, the contract...). A rendered file that is missing in the domain
counts as drift too. Files the domain added are its own business.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.fleet.jobs import RenderJob
from scaffolder.fleet.model import Domain
from scaffolder.fleet.runner import Job, run_jobs
from scaffolder.fleet.scratch import scratch_or
from scaffolder.fleet.template import TemplateCache, TemplateError


@dataclass
class DomainStatus:
    domain: str
    path: str
    version: str | None
    latest: str | None
    behind: bool | None  # None: unknown (template unreadable)
    drifted: bool | None  # None: not computed or not computable
    drift: list[str] = field(default_factory=list)  # platform-owned files edited locally
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def fleet_status(domains: list[Domain], *, jobs: int = 1, drift: bool = True, workdir: Path | None = None,
                 on_done: Callable[[DomainStatus], None] | None = None) -> list[DomainStatus]:
    with scratch_or(workdir) as workdir:
        cache = TemplateCache(workdir)
        out: dict[str, DomainStatus] = {}
        render: list[Job] = []
        for d in domains:
            st = DomainStatus(d.name, str(d.path), d.version, None, None, None, problem=d.problem)
            out[d.name] = st
            if d.problem or not d.src_path:
                continue
            try:
                cache.mirror(d.src_path)
            except TemplateError as exc:
                st.problem = str(exc)
                continue
            st.latest = cache.latest_release(d.src_path)
            here, latest = cache.resolve(d.src_path, d.version or ""), cache.resolve(d.src_path, st.latest or "")
            st.behind = (here != latest) if latest else None  # no release tag: nothing to be behind
            if drift:
                answers = {k: v for k, v in d.answers.items() if not k.startswith("_")}
                render.append(Job(d.name, RenderJob(src=d.src_path, commit=d.version, answers=answers,
                                                     domain_path=str(d.path),
                                                     render_dir=str(workdir / f"render-{len(render)}-{d.name}")),
                                  drift_one))

        def finished(key: str, raw: dict[str, Any]) -> None:
            st = out[key]
            if "error" in raw:
                st.problem = f"cannot render {st.version}: {raw['error']}"
            else:
                st.drift = list(raw["drift"])
                st.drifted = bool(st.drift)
            if on_done:
                on_done(st)

        rendering = {j.key for j in render}
        for st in out.values():
            if on_done and st.domain not in rendering:
                on_done(st)
        run_jobs(render, workdir / "jobs", jobs, cache.worker_env(workdir / "copier-cache"), finished)
        return [out[d.name] for d in domains]


def drift_one(p: RenderJob) -> dict[str, Any]:
    """Render the recorded version and list the platform-owned files that differ (worker process)."""
    import pathspec
    from copier import Worker

    dst = Path(p.render_dir)
    try:
        with Worker(src_path=p.src, dst_path=dst, data=p.answers, vcs_ref=p.commit, defaults=True,
                    overwrite=True, quiet=True, unsafe=False) as worker:
            worker.run_copy()
            skip = list(worker.template.skip_if_exists)
            answers_rel = str(worker.answers_relpath)
    except Exception as exc:  # Copier raises plain exceptions: report the first line
        return {"error": (str(exc).strip() or type(exc).__name__).splitlines()[0]}
    owned_by_domain = pathspec.PathSpec.from_lines("gitwildmatch", skip)
    domain = Path(p.domain_path)
    drift = []
    for f in sorted(dst.rglob("*")):
        if not f.is_file() or ".git" in f.relative_to(dst).parts:
            continue
        rel = f.relative_to(dst).as_posix()
        if rel == answers_rel or owned_by_domain.match_file(rel):
            continue
        mine = domain / rel
        if not mine.is_file() or mine.read_bytes() != f.read_bytes():
            drift.append(rel)
    shutil.rmtree(dst, ignore_errors=True)
    return {"drift": drift}
