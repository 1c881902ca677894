"""`demo`: the whole flow in one command, every step printed as it happens."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the whole flow on your laptop: onboard, build, PR report, fleet, catalog",
                       description="Create a mesh with two domains from the templates (real copier copy), build "
                       "them with dbt on DuckDB, check their data, open a breaking PR and show its report, roll "
                       "out a template release with the fleet, and build the catalog.")
    p.add_argument("dir", nargs="?", default="mesh-demo", help="folder to create (default: %(default)s)")
    p.add_argument("--force", action="store_true",
                   help="replace DIR if an earlier demo made it (any other non-empty folder is refused)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    import scaffolder
    from scaffolder.demo.folder import prepare
    from scaffolder.demo.steps import STEPS, Runner
    from scaffolder.errors import UsageError

    root = Path(args.dir).absolute()
    templates = Path(scaffolder.__file__).resolve().parents[1]
    if not (templates / "copier.yml").is_file():
        raise UsageError("the templates are not installed beside the package: run the demo from a clone "
                         "installed with `pip install -e '.[dbt]'`")
    prepare(root, force=args.force, shown=args.dir)
    runner = Runner(root=root, templates=templates, echo=lambda line: print(line, flush=True))
    start = time.perf_counter()
    for i, (title, step) in enumerate(STEPS, 1):
        print(f"\n[{i}/{len(STEPS)}] {title}", flush=True)
        t0 = time.perf_counter()
        step(runner)
        print(f"  ok ({time.perf_counter() - t0:.1f} s)", flush=True)
    print(f"\nDemo finished in {time.perf_counter() - start:.0f} s. Everything is in {root}")
    return 0
