"""`convert`: a contract from our format to ODCS v3 and back (docs/odcs.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("convert", help="convert contracts between datamesh.io/v1 and ODCS v3",
                       description="Convert contracts: to ODCS (several sources become one ODCS document, one "
                       "schema object each) or to datamesh (one contract per ODCS schema object). Sources are "
                       "validated first. What has no counterpart is kept (x-odcs / datamesh.* custom "
                       "properties) and reported as info.",
                       epilog="Exit codes: 0 converted, 2 a source does not load or validate, or wrong usage.")
    p.add_argument("sources", nargs="+", metavar="SRC", help="contract files (either format)")
    p.add_argument("--to", required=True, choices=("odcs", "datamesh"), help="the format to write")
    p.add_argument("-o", "--output", metavar="OUT", default=None,
                   help="file to write (default: standard output); a folder when the result is several "
                   "contracts (one <name>.yaml each)")
    p.set_defaults(run=run_convert)


def run_convert(args: argparse.Namespace) -> int:
    from scaffolder.errors import UsageError
    from scaffolder.fsutil import atomic_write
    from scaffolder.odcs.files import convert_files

    for src in args.sources:
        if not Path(src).is_file():
            raise UsageError(f"{src}: no such file")
    result = convert_files(args.sources, args.to)
    for f in result.findings:
        print(f.text(), file=sys.stderr)
    if not result.ok:
        print("not converted: fix the errors above", file=sys.stderr)
        return 2
    several = len(result.outputs) > 1
    if args.output is None:
        print("---\n".join(text for _, text in result.outputs), end="")
        return 0
    out = Path(args.output)
    if several:
        if out.exists() and not out.is_dir():
            raise UsageError(f"{out}: the result is {len(result.outputs)} contracts: -o must name a folder")
        out.mkdir(parents=True, exist_ok=True)
        for name, text in result.outputs:
            atomic_write(out / f"{name}.yaml", text)
    else:
        atomic_write(out / "contract.yaml" if out.is_dir() else out, result.outputs[0][1])
    return 0
