"""Domain scaffolding: `new-domain` and `dbt-schema`.

`new-domain` is one command to add a domain to a mesh, a thin shell over
Copier's `run_copy`. Plain `copier copy --vcs-ref TAG TEMPLATE domains/NAME`
does the same; this command only fills in what the mesh already knows (the
template and release it was generated from, the platform repo, the branch)
and adds the domain's owners to the mesh's root CODEOWNERS.

`dbt-schema` prints a domain's `models/schema.yml` from its contract, or
checks that the two agree (the template renders both on day one; the
domain edits them afterwards).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from scaffolder.cli.common import add_format, add_mesh_root, mesh_from_args
from scaffolder.report.words import plural

SLUG = re.compile(r"[a-z][a-z0-9-]{0,39}")
# Answers a domain inherits from its mesh, when the mesh recorded them.
INHERITED = ("platform_repo", "platform_ref", "default_branch")
UNPINNED = ("latest", "auto", "main", "master")  # templates.ref values that pin no release


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new-domain", help="add a domain to the mesh from the platform's Copier template",
        description="Create domains/NAME in the mesh with Copier (same as `copier copy --vcs-ref TAG "
        "TEMPLATE domains/NAME`), from the template the mesh was made from, at the release mesh.yaml "
        "pins (templates.ref) or else the template's latest release (never an older one: a new domain "
        "is not behind at birth), and add the domain's owners to the root CODEOWNERS.")
    p.add_argument("name", metavar="NAME", help="domain name, a lowercase slug (e.g. payments)")
    add_mesh_root(p)
    p.add_argument("--template", metavar="SRC", default=None,
                   help="template repo: an absolute path or a URL (default: the mesh's own _src_path)")
    p.add_argument("--ref", metavar="TAG", default=None,
                   help="template release tag (default: mesh.yaml's templates.ref when it pins one, else the "
                   "template's latest release tag)")
    p.add_argument("--data", "-d", metavar="KEY=VALUE", action="append", default=[],
                   help="answer a template question (repeatable), e.g. -d warehouse=snowflake")
    p.add_argument("--interactive", action="store_true",
                   help="ask the questions not answered by --data (default: take the defaults)")
    p.set_defaults(run=run_new_domain)

    d = sub.add_parser(
        "dbt-schema", help="print models/schema.yml from a contract, or check that they agree",
        description="Print the dbt schema.yml a contract calls for (contract: {enforced: true}, "
        "data_type = the contract type's dbt spelling, not_null/unique/accepted_values from its "
        "constraints), or with --check report where an existing schema.yml has drifted from it.")
    d.add_argument("contract", metavar="CONTRACT", help="the contract file")
    d.add_argument("--check", metavar="SCHEMA_YML", default=None,
                   help="compare this schema.yml with the contract instead of printing one")
    d.add_argument("--model", metavar="NAME", default=None,
                   help="dbt model name (default: the product, the part of metadata.name after the domain)")
    d.add_argument("--table", metavar="NAME", default=None,
                   help="an ODCS contract with several tables: the table (schema object) to use")
    add_format(d, "text", "json", "github")
    d.set_defaults(run=run_dbt_schema)


def _source(arg: str | None, recorded: Any) -> str:
    """The template source; a local path is made absolute (a relative one breaks `copier update`)."""
    from scaffolder.errors import UsageError

    src = arg or (recorded if isinstance(recorded, str) else None)
    if not src:
        raise UsageError("the mesh records no template source (.copier-answers.yml _src_path or "
                         "mesh.yaml templates.source): pass --template SRC")
    if "://" not in src and not src.startswith(("gh:", "gl:", "git@")) and Path(src).exists():
        src = str(Path(src).resolve())
    return src


def _release(arg: str | None, pinned: Any, src: str, recorded: Any) -> tuple[str | None, str]:
    """The release a new domain starts at, and why: --ref, mesh.yaml's pin, else the latest release tag."""
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


def _parse_data(items: list[str]) -> dict[str, str]:
    from scaffolder.cli.common import parse_key_values

    return parse_key_values(items, "--data")


def add_codeowners(root: Path, domain: str, owners: str) -> bool:
    """Add `/domains/NAME/ OWNERS` to the mesh's CODEOWNERS; False when it is there or no file exists."""
    path = root / "CODEOWNERS"
    if not path.is_file() or not owners:
        return False
    text = path.read_text(encoding="utf-8")
    entry = f"/domains/{domain}/"
    if any(line.split()[:1] == [entry] for line in text.splitlines()):
        return False
    from scaffolder.fsutil import atomic_write

    atomic_write(path, text + ("" if text.endswith("\n") or not text else "\n") + f"{entry} {owners}\n")
    return True


def run_new_domain(args: argparse.Namespace) -> int:
    from scaffolder.contract.mesh import MESH_FILE
    from scaffolder.errors import ScaffolderError, UsageError
    from scaffolder.fleet.answers import ANSWERS_FILE, answers_or_empty

    if not SLUG.fullmatch(args.name):
        raise UsageError(f"{args.name!r} is not a domain name: a lowercase slug "
                         "(a letter, then letters, digits or '-', at most 40 characters)")
    mesh = mesh_from_args(args)
    if not (mesh.root / MESH_FILE).is_file():
        raise UsageError(f"no {MESH_FILE} found upward from {Path(args.mesh_root or '.').resolve()}: "
                         "run inside a mesh repo or pass --mesh-root")
    dst = mesh.root / "domains" / args.name
    if dst.exists():
        raise UsageError(f"{dst} already exists")
    recorded = answers_or_empty(mesh.root / ANSWERS_FILE)
    templates = mesh.templates or {}
    src = _source(args.template, recorded.get("_src_path") or templates.get("source"))
    ref, why = _release(args.ref, templates.get("ref"), src, recorded.get("_commit"))
    data: dict[str, Any] = {k: recorded[k] for k in INHERITED if isinstance(recorded.get(k), str)}
    data.update(_parse_data(args.data))
    data.update({"template": "domain", "domain": args.name, "layout": "mesh"})

    import copier
    from copier.errors import CopierError

    try:
        copier.run_copy(src, str(dst), data=data, vcs_ref=ref,
                        defaults=not args.interactive, unsafe=False, quiet=True)
    except ValueError as exc:  # a question's validator refused an answer
        raise UsageError(str(exc)) from None
    except CopierError as exc:
        raise ScaffolderError(f"copier could not create {dst}: {exc}") from None
    answers = answers_or_empty(dst / ANSWERS_FILE)
    rel = dst.relative_to(mesh.root)
    print(f"created {rel}: {answers.get('domain', args.name)}.{answers.get('product', '?')} "
          f"(template {src} at {answers.get('_commit', ref or 'HEAD')}: {why})")
    if add_codeowners(mesh.root, args.name, str(answers.get("codeowners") or "")):
        print(f"added /domains/{args.name}/ to CODEOWNERS")
    print(f"next: cd {rel} && dbt build --profiles-dir . && scaffolder validate data-product-contract.yaml")
    return 0


def run_dbt_schema(args: argparse.Namespace) -> int:
    from scaffolder.contract.load import LoadError, load_file
    from scaffolder.contract.validate import pick_table, validate_file
    from scaffolder.errors import UsageError
    from scaffolder.report.annotations import annotation
    from scaffolder.report.output import dumps
    from scaffolder.templates_support.dbt_schema import check, render

    for path in filter(None, (args.contract, args.check)):
        if not Path(path).is_file():
            raise UsageError(f"{path}: no such file")
    result = pick_table(validate_file(args.contract), args.table)
    if result.contract is None or not result.ok:
        findings = result.findings
    elif args.check is None:
        print(render(result.contract, args.model), end="")
        return 0
    else:
        try:
            findings = check(result.contract, load_file(args.check), args.model)
        except LoadError as exc:
            findings = exc.findings
    if args.format == "json":
        print(dumps({"ok": not findings, "contract": args.contract, "schema": args.check,
                     "findings": [f.to_json() for f in findings]}))
    elif args.format == "github":
        for f in findings:
            print(annotation(f))
    else:
        for f in findings:
            print(f.text())
        if args.check and result.ok:
            verdict = "agree" if not findings else f"disagree ({plural(len(findings), 'finding')})"
            print(f"{args.check} and {args.contract}: {verdict}")
    return 1 if findings else 0
