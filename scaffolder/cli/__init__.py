"""The `scaffolder` command: a thin shell that parses, calls the library, renders, exits.

Start-up must stay fast: command modules import only argparse at module level
and pull in duckdb, copier or PyGithub inside the function that needs them.
Exit codes: 0 ok, 1 a finding to act on, 2 wrong usage, 3 an internal error.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from scaffolder import __version__
from scaffolder.errors import ScaffolderError, UsageError

# One module per command group; each has `register(subparsers)`.
COMMAND_MODULES = [
    "scaffolder.cli.validate",
    "scaffolder.cli.test",
    "scaffolder.cli.health",
    "scaffolder.cli.changes",
    "scaffolder.cli.ci",
    "scaffolder.cli.demo",
    "scaffolder.cli.catalog",
    "scaffolder.cli.new_domain",
    "scaffolder.cli.fleet",
    "scaffolder.cli.odcs",
    "scaffolder.cli.interop",
    "scaffolder.cli.policy",
    "scaffolder.cli.access",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code is 2 already
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scaffolder",
        description="GitOps toolkit for a data mesh: validate and diff data product contracts, "
        "gate their versions, check data with DuckDB, and roll templates out across domains.",
        epilog="Exit codes: 0 ok, 1 a finding to act on, 2 wrong usage, 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"scaffolder {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; everything it prints is cleaned (secrets masked, control characters escaped)."""
    from scaffolder.report.sink import guarded_output

    with guarded_output():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except UsageError as exc:
        print(f"scaffolder {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except ScaffolderError as exc:
        print(f"scaffolder {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: say so briefly, details on request
        if os.environ.get("SCAFFOLDER_DEBUG"):
            raise
        print(f"scaffolder {args.command}: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in scaffolder; rerun with SCAFFOLDER_DEBUG=1 for details.", file=sys.stderr)
        return 3
