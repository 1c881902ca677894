"""`catalog build` and `lineage emit|impact`: discovery from the mesh's contracts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scaffolder.cli.common import add_format, add_mesh_root, mesh_from_args
from scaffolder.report.words import plural


def register(sub: argparse._SubParsersAction) -> None:
    cat = sub.add_parser("catalog", help="publish the mesh's contracts as a static catalog site",
                         description="The data catalog: a static site (GitHub Pages ready, works offline).")
    cs = cat.add_subparsers(dest="catalog_command", metavar="COMMAND")
    b = cs.add_parser("build", help="build the static catalog site",
                      description="Build a static site from every contract of the mesh: an index with search "
                      "and filters, one page per product (schema, SLA, checks, access, lineage, versions from git "
                      "history), and the whole mesh's lineage graph as SVG. Invalid contracts are reported and left "
                      "out; the rest is still published.",
                      epilog="Exit codes: 0 built, 1 built but some contract or report was left out, 2 wrong usage "
                      "(also: no contract found, unless --allow-empty).")
    b.add_argument("paths", nargs="*", metavar="PATH", help="contract files or folders (default: every contract of the mesh)")
    b.add_argument("--out", "-o", default="site", metavar="DIR", help="where to write the site (default: %(default)s)")
    b.add_argument("--health", nargs="+", default=[], metavar="PATH",
                   help="`scaffolder test --format json` reports (files or folders of *.json) shown as health badges")
    b.add_argument("--store", default=None, metavar="STORE",
                   help="a run history (DuckDB file or postgresql:// URL, see `scaffolder health`): adds SLA health pages")
    b.add_argument("--window", default="30d", metavar="DURATION", help="the SLA pages' window (default: %(default)s)")
    b.add_argument("--now", default=None, metavar="TS", help="the SLA pages' window end, ISO 8601 (default: now)")
    b.add_argument("--title", default=None, help="the site's title (default: the mesh's name)")
    b.add_argument("--no-history", action="store_true", help="skip versions from git history (faster)")
    b.add_argument("--allow-empty", action="store_true",
                   help="build an empty catalog when no contract is found; by default that is an error (exit 2)")
    b.add_argument("--today", default=None, metavar="DATE", help="the date sunsets are counted from (default: today)")
    add_mesh_root(b)
    b.set_defaults(run=run_build)
    cat.set_defaults(run=lambda args: _help(cat))

    lin = sub.add_parser("lineage", help="OpenLineage events and impact analysis from contracts' lineage",
                         description="Lineage from the contracts: emit OpenLineage events, or list who a change reaches.")
    ls = lin.add_subparsers(dest="lineage_command", metavar="COMMAND")
    em = ls.add_parser("emit", help="send OpenLineage events for a product's publish run",
                       description="Build OpenLineage events (START, then COMPLETE or FAIL) for a product's publish run "
                       "from its contract: upstreams as inputs, the product as output with schema, documentation, "
                       "ownership, version and tag facets; with --health, a child checks run carries the data-quality "
                       "facets. Sent with the openlineage-python client (HTTP) or appended to a file, one event a line.",
                       epilog="Exit codes: 0 sent, 1 the contract is invalid or the backend refused, 2 wrong usage.")
    em.add_argument("contract", metavar="CONTRACT")
    em.add_argument("--table", metavar="NAME", default=None,
                    help="an ODCS contract with several tables: the table (schema object) whose run it is")
    dest = em.add_mutually_exclusive_group()
    dest.add_argument("--url", help="the OpenLineage backend (e.g. http://localhost:5000; default: $OPENLINEAGE_URL); "
                      "the API key, if any, is read from $OPENLINEAGE_API_KEY")
    dest.add_argument("--file", metavar="PATH", help="append the events to this file (NDJSON)")
    dest.add_argument("--print", dest="print_only", action="store_true", help="print the events (JSON) and send nothing")
    em.add_argument("--endpoint", default="api/v1/lineage", help="the HTTP endpoint under --url (default: %(default)s)")
    em.add_argument("--run-id", default=None, help="the run's UUID (default: derived from the GitHub Actions run "
                    "and product when $GITHUB_RUN_ID is set, so repeated calls in one workflow run agree; else a new UUIDv7)")
    em.add_argument("--health", metavar="REPORT", default=None, help="a `scaffolder test --format json` report")
    em.add_argument("--namespace", default=None, help="the OpenLineage namespace (default: $OPENLINEAGE_NAMESPACE or 'datamesh')")
    add_mesh_root(em)
    em.set_defaults(run=run_emit)

    im = ls.add_parser("impact", help="the consumers a change to a product reaches, transitively",
                       description="Every consumer of PRODUCT, transitively: contracts whose lineage.upstream names it, "
                       "and its own lineage.downstream, then their consumers. Products of the mesh (with owners) first.",
                       epilog="Exit codes: 0 listed (even when none), 2 wrong usage (e.g. an unknown product).")
    im.add_argument("product", metavar="PRODUCT", help="a product name (or domain.product), or a contract file")
    add_format(im, "text", "json", "mermaid")
    add_mesh_root(im)
    im.set_defaults(run=run_impact)
    lin.set_defaults(run=lambda args: _help(lin))


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def run_build(args: argparse.Namespace) -> int:
    import datetime as dt

    from scaffolder.catalog.collect import load_contracts, load_health
    from scaffolder.catalog.history import histories, repository
    from scaffolder.catalog.site import build_site, clean
    from scaffolder.errors import UsageError

    try:
        today = dt.date.fromisoformat(args.today) if args.today else None
    except ValueError:
        raise UsageError(f"--today {args.today!r}: expected a date like 2026-06-30") from None
    mesh = mesh_from_args(args)
    got = load_contracts(mesh, args.paths, allow_empty=args.allow_empty)
    health, report_findings = load_health(args.health, got.contracts)
    hist = None if args.no_history else histories(got.contracts, mesh.compatibility)
    git = repository(Path(got.contracts[0].path).resolve()) if hist and got.contracts else None
    if git is not None and git.is_shallow():
        print("warning: this is a shallow clone, so versions list only the commits fetched; "
              "check out with full history (actions/checkout: fetch-depth: 0)", file=sys.stderr)
    sla = None
    if args.store:
        from scaffolder.catalog.health_pages import load
        from scaffolder.cli.health import clock, parse_window

        sla = load(args.store, now=clock(args.now), window=parse_window(args.window))
    out = Path(args.out)
    clean(out)
    built = build_site(got.contracts, out, title=args.title or _title(mesh), health=health, histories=hist, today=today,
                       sla=sla)
    problems = [*mesh.findings, *got.findings, *report_findings]
    for f in problems:
        print(f.text(), file=sys.stderr)
    left_out = len(got.findings)
    print(f"catalog: {plural(built.products, 'product')}, {plural(built.external, 'external dataset')}, "
          f"{plural(len(health), 'health report')} -> {out}/index.html"
          + (f" ({left_out} problem{'s' if left_out != 1 else ''} left out, see above)" if left_out else ""))
    return 1 if problems else 0


def _title(mesh) -> str:
    return f"{mesh.name} catalog" if mesh.name and mesh.name != "mesh" else "Data mesh catalog"


def run_emit(args: argparse.Namespace) -> int:
    import json
    import os

    from scaffolder.catalog import openlineage as ol
    from scaffolder.contract.validate import pick_table, validate_file
    from scaffolder.errors import ScaffolderError, UsageError
    from scaffolder.report.output import dumps

    if not Path(args.contract).is_file():
        raise UsageError(f"{args.contract}: no such file")
    if not (args.url or args.file or args.print_only):
        args.url = os.environ.get("OPENLINEAGE_URL") or None
        if not args.url:
            raise UsageError("no destination: pass --url, --file or --print, or set OPENLINEAGE_URL")
    if args.run_id:
        import uuid

        try:
            uuid.UUID(args.run_id)
        except ValueError:
            raise UsageError(f"--run-id {args.run_id!r}: OpenLineage run ids are UUIDs") from None
    report = None
    if args.health:
        try:
            report = json.loads(Path(args.health).read_text("utf-8"))
        except FileNotFoundError:
            raise UsageError(f"{args.health}: no such file") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            line, col = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, 1)
            print(f"{args.health}:{line}:{col}: not a JSON report: {getattr(exc, 'msg', exc)}", file=sys.stderr)
            return 1
        if not isinstance(report, dict) or not isinstance(report.get("ok"), bool):
            print(f"{args.health}:1:1: not a `scaffolder test --format json` report (no boolean `ok`)", file=sys.stderr)
            return 1
    result = pick_table(validate_file(args.contract), args.table)
    if not result.ok or result.contract is None:
        for f in result.findings:
            print(f.text(), file=sys.stderr)
        return 1
    c = result.contract
    ups = _upstream_contracts(args, c)
    namespace = args.namespace or os.environ.get("OPENLINEAGE_NAMESPACE") or ol.DEFAULT_NAMESPACE
    run_id = args.run_id or ol.ci_run_id(c.name, os.environ)
    events = ol.build_events(c, ol.EmitOptions(namespace=namespace, run_id=run_id), report, ups)
    if args.print_only:
        print(dumps(ol.to_dicts(events)))
        return 0
    try:
        n = ol.emit(events, url=args.url, endpoint=args.endpoint, file=args.file,
                    api_key=os.environ.get("OPENLINEAGE_API_KEY"))
    except ol.EmitError as exc:
        raise ScaffolderError(f"could not send lineage: {exc}") from None
    print(f"lineage: {n} events for {c.name} (run {events[0].run.runId}) -> {args.url or args.file}")
    return 0


def _upstream_contracts(args: argparse.Namespace, c) -> dict:
    """Upstreams that are products of the mesh, so their inputs carry a schema facet too."""
    from scaffolder.catalog.collect import load_contracts
    from scaffolder.catalog.lineage import build_graph

    if not c.upstream:
        return {}
    try:
        got = load_contracts(mesh_from_args(args), allow_empty=True)
    except Exception:  # the mesh is context, not the subject: an unreadable one just means no schemas
        return {}
    g = build_graph(got.contracts)
    return {u: g.products[g.canonical(u)] for u in c.upstream if g.canonical(u) in g.products}


def run_impact(args: argparse.Namespace) -> int:
    from scaffolder.catalog.collect import load_contracts
    from scaffolder.catalog.lineage import build_graph, impacted, mermaid
    from scaffolder.errors import UsageError
    from scaffolder.report.output import dumps

    mesh = mesh_from_args(args)
    got = load_contracts(mesh, allow_empty=True)  # the mesh is context: an unknown product is said below
    for f in got.findings:
        print(f.text(), file=sys.stderr)
    graph = build_graph(got.contracts)
    name = args.product
    if Path(name).is_file():
        from scaffolder.contract.validate import validate_file

        v = validate_file(name)
        if v.contract is None or not v.contract.name:
            raise UsageError(f"{name}: not a contract with a name")
        name = v.contract.name
    canonical = graph.canonical(name)
    known = canonical in graph.products or canonical in graph.edges or any(canonical in t for t in graph.edges.values())
    if not known:
        from difflib import get_close_matches

        near = get_close_matches(name, list(graph.products), n=1)
        raise UsageError(f"no product or dataset named {name!r} in the mesh at {mesh.root}"
                         + (f" (did you mean {near[0]!r}?)" if near else ""))
    impacts = impacted(graph, canonical)
    if args.format == "json":
        print(dumps({"product": canonical, "consumers": [i.to_json() for i in impacts]}))
    elif args.format == "mermaid":
        print(mermaid(canonical, impacts))
    else:
        if not impacts:
            print(f"{canonical}: no consumers")
        for i in impacts:
            kind = f"owner {i.owner}" if i.is_product else "external"
            print(f"{'  ' * (i.depth - 1)}{i.name}  ({kind}; reads {i.via})")
        if impacts:
            prods = sum(i.is_product for i in impacts)
            print(f"{len(impacts)} consumer{'s' if len(impacts) != 1 else ''} of {canonical} ({plural(prods, 'product')}, {len(impacts) - prods} external)")
    return 0
