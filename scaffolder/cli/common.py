"""Options shared by several commands."""

from __future__ import annotations

import argparse


def add_format(parser: argparse.ArgumentParser, *choices: str) -> None:
    parser.add_argument("--format", "-f", choices=choices or ("text", "json"), default=(choices or ("text",))[0],
                        help="output format (default: %(default)s)")


def add_mesh_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mesh-root", metavar="DIR", default=None,
                        help="folder holding mesh.yaml (default: found upward from the current folder)")
