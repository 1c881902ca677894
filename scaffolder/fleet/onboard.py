"""Onboarding: add a domain to a mesh with Copier, filling in what the mesh already knows.

Plain `copier copy --vcs-ref TAG TEMPLATE domains/NAME` does the same; this only
picks the template and release the mesh was made from (or mesh.yaml pins),
passes on the answers a domain inherits (platform repo, branch), and adds the
domain's owners to the mesh's root CODEOWNERS. The CLI (`new-domain`) parses
and prints; everything it decides is here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.contract.mesh import MESH_FILE, load_mesh
from scaffolder.errors import ScaffolderError, UsageError
from scaffolder.fleet.answers import ANSWERS_FILE, answers_or_empty
from scaffolder.fleet.codeowners import add_domain

SLUG = re.compile(r"[a-z][a-z0-9-]{0,39}")
# Answers a domain inherits from its mesh, when the mesh recorded them.
INHERITED = ("platform_repo", "platform_ref", "default_branch")
UNPINNED = ("latest", "auto", "main", "master")  # templates.ref values that pin no release


@dataclass(frozen=True)
class Onboarded:
    """What `new_domain` made: the folder (mesh-relative), its answers, and where they came from."""

    rel: Path
    answers: dict[str, Any]
    source: str
    ref: str | None
    why: str  # why this release: --ref, the mesh's pin, the latest release, ...
    codeowners_added: bool


def template_source(arg: str | None, recorded: Any) -> str:
    """The template source; a local path is made absolute (a relative one breaks `copier update`)."""
    src = arg or (recorded if isinstance(recorded, str) else None)
    if not src:
        raise UsageError("the mesh records no template source (.copier-answers.yml _src_path or "
                         "mesh.yaml templates.source): pass --template SRC")
    if "://" not in src and not src.startswith(("gh:", "gl:", "git@")) and Path(src).exists():
        src = str(Path(src).resolve())
    return src


def release(arg: str | None, pinned: Any, src: str, recorded: Any) -> tuple[str | None, str]:
    """The release a new domain starts at, and why: --ref, mesh.yaml's pin, else the latest release tag
    (never an older one: a new domain is not behind at birth)."""
    from scaffolder.fleet.template import latest_of, remote_tags

    if arg:
        return arg, "--ref"
    if isinstance(pinned, str) and pinned.strip() and pinned not in UNPINNED:
        return pinned, "pinned by mesh.yaml templates.ref"
    tags = remote_tags(src)
    latest = latest_of(tags) if tags else None
    if latest:
        return latest, "the template's latest release"
    fallback = recorded if isinstance(recorded, str) else None
    return fallback, ("the template has no release tag: the mesh's own version" if fallback
                      else "the template has no release tag: its default branch")


def new_domain(name: str, mesh_root: Path | None = None, *, template: str | None = None,
               ref: str | None = None, data: dict[str, str] | None = None,
               interactive: bool = False) -> Onboarded:
    """Create `domains/<name>` in the mesh at (or found upward from) `mesh_root` with Copier;
    UsageError for input the user must fix."""
    if not SLUG.fullmatch(name):
        raise UsageError(f"{name!r} is not a domain name: a lowercase slug "
                         "(a letter, then letters, digits or '-', at most 40 characters)")
    mesh = load_mesh(mesh_root)
    if not (mesh.root / MESH_FILE).is_file():
        raise UsageError(f"no {MESH_FILE} found upward from {(mesh_root or Path('.')).resolve()}: "
                         "run inside a mesh repo or pass --mesh-root")
    dst = mesh.root / "domains" / name
    if dst.exists():
        raise UsageError(f"{dst} already exists")
    recorded = answers_or_empty(mesh.root / ANSWERS_FILE)
    templates = mesh.templates or {}
    src = template_source(template, recorded.get("_src_path") or templates.get("source"))
    vcs_ref, why = release(ref, templates.get("ref"), src, recorded.get("_commit"))
    answers: dict[str, Any] = {k: recorded[k] for k in INHERITED if isinstance(recorded.get(k), str)}
    answers.update(data or {})
    answers.update({"template": "domain", "domain": name, "layout": "mesh"})

    import copier
    from copier.errors import CopierError

    try:
        copier.run_copy(src, str(dst), data=answers, vcs_ref=vcs_ref,
                        defaults=not interactive, unsafe=False, quiet=True)
    except ValueError as exc:  # a question's validator refused an answer
        raise UsageError(str(exc)) from None
    except CopierError as exc:
        raise ScaffolderError(f"copier could not create {dst}: {exc}") from None
    made = answers_or_empty(dst / ANSWERS_FILE)
    added = add_domain(mesh.root, name, str(made.get("codeowners") or ""))
    return Onboarded(dst.relative_to(mesh.root), made, src, vcs_ref, why, added)
