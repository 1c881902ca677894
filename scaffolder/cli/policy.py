"""`policy test`: the mesh's Rego policies' own tests."""

from __future__ import annotations

import argparse
from pathlib import Path

from scaffolder.cli.common import add_format, add_mesh_root, mesh_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("policy", help="the mesh's Rego policies (policies/**/*.rego)")
    psub = p.add_subparsers(dest="policy_command", metavar="SUBCOMMAND")
    t = psub.add_parser("test", help="run the policies' test_* rules, like `opa test`",
                        description="Run every test_* rule of the Rego modules under DIR: a test passes "
                        "when its rule is defined and true.",
                        epilog="Exit codes: 0 every test passes, 1 a test fails, 2 a module does not "
                        "parse or a test fails to evaluate (a located error), or no test is found.")
    t.add_argument("dir", nargs="?", metavar="DIR",
                   help="folder of .rego files (default: the mesh's policy.rego folder, `policies`)")
    add_format(t, "text", "json")
    add_mesh_root(t)
    t.set_defaults(run=run_test)
    p.set_defaults(run=lambda args: (p.print_help(), 2)[1])


def run_test(args: argparse.Namespace) -> int:
    from scaffolder.errors import UsageError
    from scaffolder.policy.testing import run_tests
    from scaffolder.report.output import dumps

    mesh = mesh_from_args(args)
    folder = Path(args.dir) if args.dir else mesh.root / mesh.rego
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder of Rego policies")
    root = mesh.root if folder.resolve().is_relative_to(mesh.root.resolve()) else folder
    results = run_tests(folder, root)
    if not results:
        raise UsageError(f"{folder}: no test_* rule found in its .rego files")
    counts = {s: sum(r.status == s for r in results) for s in ("pass", "fail", "error")}
    if args.format == "json":
        print(dumps({"ok": counts["pass"] == len(results), **counts,
                     "tests": [r.to_json() for r in results]}))
    else:
        for r in results:
            print(r.text())
        print(f"{counts['pass']}/{len(results)} tests passed"
              + "".join(f", {counts[s]} {'failed' if s == 'fail' else 'errored'}" for s in ("fail", "error")
                        if counts[s]))
    return 2 if counts["error"] else 1 if counts["fail"] else 0
