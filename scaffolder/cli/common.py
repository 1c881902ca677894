"""Options shared by several commands."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scaffolder.contract.mesh import Mesh

# `--fail-on` values, read by changes.report.ChangeReport.ok and the Action.
FAIL_ON = ("bump", "breaking", "never")


def add_format(parser: argparse.ArgumentParser, *choices: str) -> None:
    parser.add_argument("--format", "-f", choices=choices or ("text", "json"), default=(choices or ("text",))[0],
                        help="output format (default: %(default)s)")


def add_mesh_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mesh-root", metavar="DIR", default=None,
                        help="folder holding mesh.yaml (default: found upward from the current folder)")


def root_from_args(args: argparse.Namespace) -> Path:
    """--mesh-root as given, else the current folder (where git and the mesh lookup start)."""
    return Path(args.mesh_root) if args.mesh_root else Path.cwd()


def mesh_from_args(args: argparse.Namespace) -> Mesh:
    """The mesh of --mesh-root, else the one found upward from the current folder."""
    from scaffolder.contract.mesh import load_mesh

    return load_mesh(Path(args.mesh_root) if args.mesh_root else None)


def add_fail_on(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fail-on", choices=FAIL_ON, default="bump",
                        help="bump: fail when the version does not cover the changes (default); "
                        "breaking: also fail on any major change no exception accepts; never: report only")


def parse_key_values(items: list[str], option: str) -> dict[str, str]:
    """Repeated `--option KEY=VALUE` arguments as a dict (a malformed one is a usage error)."""
    from scaffolder.errors import UsageError

    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"{option} {item!r}: expected KEY=VALUE")
        out[key] = value
    return out
