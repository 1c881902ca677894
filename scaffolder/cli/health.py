"""`health`: SLA compliance from the run history that `test --record` keeps."""

from __future__ import annotations

import argparse
import os
import sys

from scaffolder.cli.common import add_format, add_mesh_root, mesh_from_args

DEFAULT_STORE = "health.duckdb"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "health", help="SLA health from the recorded runs: freshness, availability, pass rates, error budget",
        description="Evaluate each product's SLA over a window of the run history written by "
        "`scaffolder test --record STORE`: freshness compliance (share of the window within sla.freshness), "
        "availability (share of runs that could read the data), each check's pass rate, the error budget "
        "left and the trend. The counting rules are in docs/operating.md.",
        epilog="Exit codes: 0 every SLA met, 1 an SLA is breached in the window, 2 wrong usage or no store.")
    p.add_argument("products", nargs="*", metavar="PRODUCT", help="products to report (default: every recorded one)")
    p.add_argument("--store", default=None, metavar="STORE",
                   help=f"a DuckDB file or postgresql:// URL (default: $SCAFFOLDER_STORE, else {DEFAULT_STORE})")
    p.add_argument("--window", default="30d", metavar="DURATION", help="how far back to look, e.g. 7d, 12h (default: %(default)s)")
    p.add_argument("--now", metavar="TS", default=None, help="the window's end, ISO 8601 (default: now)")
    p.add_argument("--objective", type=float, default=None, metavar="PERCENT",
                   help="the objective for products whose contract states no sla.availability (default: 99)")
    p.add_argument("--notify", action="store_true",
                   help="open or update one GitHub issue per breached product, close it once the SLA is met "
                   "(needs GITHUB_TOKEN and GITHUB_REPOSITORY)")
    p.add_argument("--suggest-cron", action="store_true",
                   help="print the cron that checks often enough for the mesh's tightest sla.freshness, and exit")
    add_mesh_root(p)
    add_format(p, "text", "json", "markdown")
    p.set_defaults(run=run_health)


def parse_window(text: str) -> float:
    from scaffolder.contract.units import parse_duration
    from scaffolder.errors import UsageError

    try:
        seconds = parse_duration(text).seconds
    except ValueError as exc:
        raise UsageError(f"--window: {exc}") from None
    if seconds <= 0:
        raise UsageError("--window must be longer than 0")
    return float(seconds)


def store_url(given: str | None) -> str:
    return given or os.environ.get("SCAFFOLDER_STORE") or DEFAULT_STORE


def clock(text: str | None) -> float:
    import time

    from scaffolder.checks.run import parse_now
    from scaffolder.errors import UsageError

    if not text:
        return time.time()
    try:
        return parse_now(text).timestamp()
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def run_health(args: argparse.Namespace) -> int:
    from scaffolder.errors import UsageError
    from scaffolder.health import render
    from scaffolder.health.sla import DEFAULT_OBJECTIVE, evaluate
    from scaffolder.health.store import open_store
    from scaffolder.pgurl import describe
    from scaffolder.report.output import dumps

    if args.suggest_cron:
        return suggest_cron(args)
    window, now, url = parse_window(args.window), clock(args.now), store_url(args.store)
    objective = DEFAULT_OBJECTIVE if args.objective is None else args.objective
    if not 0 < objective <= 100:
        raise UsageError("--objective must be a percentage in (0, 100]")
    with open_store(url) as store:
        items = evaluate(store, now=now, window=window, products=args.products or None,
                         default_objective=objective)
    missing = sorted(set(args.products) - {h.product for h in items})
    if missing:
        raise UsageError(f"no recorded run of {', '.join(map(repr, missing))} in {describe(url)}")
    where = describe(url)
    if args.format == "json":
        print(dumps(render.to_json(items, now=now, window=window, store=where)))
    elif args.format == "markdown":
        print(render.render_markdown(items, now=now, window=window, store=where))
    else:
        print(render.render_text(items, now=now, window=window, store=where))
    if args.notify:
        from scaffolder.health.notify import notify_from_env

        for line in notify_from_env(items, window=window):
            print(line, file=sys.stderr)
    return 1 if any(h.breached for h in items) else 0


def suggest_cron(args: argparse.Namespace) -> int:
    from scaffolder.catalog.collect import load_contracts
    from scaffolder.health.schedule import cron_for, tightest

    got = load_contracts(mesh_from_args(args))
    seconds = tightest(got.contracts)
    print(cron_for(seconds))
    print(f"({'no freshness SLA' if seconds is None else f'tightest sla.freshness: {int(seconds)} s'} "
          f"in {len(got.contracts)} contracts)", file=sys.stderr)
    return 0
