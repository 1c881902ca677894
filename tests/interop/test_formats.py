"""The format table is complete: every listed direction exists, every interop module is listed."""

from __future__ import annotations

import pkgutil

import scaffolder.interop as interop
from scaffolder.cli import build_parser
from scaffolder.interop.formats import EXPORTS, FORMATS, IMPORTS, module

HELPERS = {"draft", "formats", "sqltypes"}  # shared by the format modules, not formats themselves


def test_every_direction_listed_exists() -> None:
    for fmt in FORMATS:
        mod = module(fmt)
        assert not fmt.exports or callable(getattr(mod, "write", None)), fmt.name
        assert not fmt.imports or callable(getattr(mod, "read", None)), fmt.name


def test_every_format_module_is_listed() -> None:
    modules = {m.name for m in pkgutil.iter_modules(interop.__path__)} - HELPERS
    assert modules == {f.module for f in FORMATS}


def test_the_cli_offers_exactly_the_table() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    imp = next(a for a in sub.choices["import"]._actions if a.dest == "source_format")
    assert tuple(imp.choices) == IMPORTS
    assert set(EXPORTS) == {"dbt", "sql", "avro", "jsonschema", "odcs"}
