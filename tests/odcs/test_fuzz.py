"""Mutated ODCS documents: validation and conversion never raise, whatever the mutation."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.contract.load import LoadError, load_file, load_text
from scaffolder.contract.validate import validate_document
from scaffolder.odcs.convert import from_odcs, to_odcs
from scaffolder.odcs.files import dump_yaml
from tests.odcs.helpers import ODCS_FIXTURES

DOCS = [load_file(p).data for p in ODCS_FIXTURES]
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                   st.text(max_size=12), st.lists(st.text(max_size=5), max_size=3),
                   st.dictionaries(st.sampled_from(["name", "logicalType", "metric", "mustBe", "value", "x"]),
                                   st.text(max_size=6), max_size=3))


def _paths(node: Any, at: tuple = ()) -> list[tuple]:
    out = [at]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*at, i))
    return out


def _mutate(doc: dict, path: tuple, value: Any, delete: bool) -> dict:
    doc = copy.deepcopy(doc)
    if not path:
        return doc
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(DOCS) - 1), st.data(), VALUES, st.booleans())
def test_mutations_never_raise(which: int, data: st.DataObject, value: Any, delete: bool) -> None:
    doc = DOCS[which]
    path = data.draw(st.sampled_from(_paths(doc)))
    mutated = _mutate(doc, path, value, delete)
    text = dump_yaml(mutated)
    try:
        loaded = load_text(text, "m.odcs.yaml")
    except LoadError:
        return
    result = validate_document(loaded)  # never raises; findings are located in the file
    for v in result.each:
        assert all(f.location.path == "m.odcs.yaml" and (f.location.line or 0) >= 1 for f in v.findings)
    read = from_odcs(loaded.data)
    to_odcs(read)  # whatever was read converts back
