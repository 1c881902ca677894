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


def test_keys_that_are_not_text_never_crash_a_library_caller() -> None:
    """A caller's dict may hold YAML 1.1's `null:` as the key None (the seed's `null: false`), or a number."""
    import yaml

    from tests.odcs.helpers import ROOT

    seed = yaml.safe_load((ROOT / "examples/seed/data-product-contract.yaml").read_text())
    field = seed["spec"]["schema"]["fields"][0]
    assert None in field["constraints"]  # PyYAML reads `null: false` so
    out = to_odcs(seed)
    assert out["schema"][0]["properties"][0]["required"] is True  # None is read as `null`: nullable
    odd = {None: 1, 7: "x", "apiVersion": "datamesh.io/v1", "metadata": {None: 1, "name": "a.b", 2: 3},
           "spec": {None: 1, "sla": {None: 1, 5: 1}, "quality": {"checks": [{None: 1, "assertion": "x"}]},
                    "schema": {None: 1, "fields": [{"name": "c", None: 1, 3: 4, "type": "long",
                                                    "constraints": {None: False, 1: True}}]}}}
    out = to_odcs(odd)
    assert out["schema"][0]["properties"][0]["required"] is True
    assert not [c for c in out.get("customProperties", []) if c["property"] in ("None", "7")]
    back = copy.deepcopy(DOCS[0])
    back[None] = 1
    back["schema"][0][None] = {None: 2}
    back["schema"][0]["properties"][0][None] = 3
    assert missing_none(to_odcs(from_odcs(back)))


def missing_none(doc: dict) -> bool:
    """The None keys of an ODCS document, kept with the rest (nothing dropped silently)."""
    return None in doc and None in doc["schema"][0] and None in doc["schema"][0]["properties"][0]


def test_lists_where_text_is_expected_never_raise() -> None:
    """Values that cannot be looked up (a list as a v3.0 rule name, an integer format, an SLA property)."""
    doc = copy.deepcopy(next(d for d in DOCS if d["apiVersion"] == "v3.0.2"))
    doc["schema"][0]["properties"][3]["quality"][0]["rule"] = []
    doc["schema"][0]["properties"][1]["logicalTypeOptions"] = {"format": ["i8"]}
    doc["slaProperties"].append({"property": ["retention"], "value": 1})
    for v in validate_document(load_text(dump_yaml(doc), "m.odcs.yaml")).each:
        assert all(f.location.line >= 1 for f in v.findings)
    to_odcs(from_odcs(doc))
