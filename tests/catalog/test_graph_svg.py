"""The lineage graph's layout and SVG: edges run left to right, cycles are drawn and marked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from scaffolder.catalog import graph_svg
from scaffolder.catalog.lineage import build_graph
from scaffolder.contract.validate import validate_text
from tests.catalog.meshgen import contract, name_of

SVG = "{http://www.w3.org/2000/svg}"


def contracts(n: int, extra: dict[int, list[str]] | None = None):
    out = []
    for i in range(n):
        text = contract(i)
        for up in (extra or {}).get(i, []):
            text = text.replace("    upstream: [", f"    upstream: [{up}, ", 1)
        out.append(validate_text(text, f"p{i}.yaml").contract)
    return out


def test_every_edge_goes_to_a_later_layer_and_nodes_do_not_overlap() -> None:
    g = build_graph(contracts(30))
    lay = graph_svg.layout(g)
    for e in lay.edges:
        assert not e.cycle
        assert lay.nodes[e.source].layer < lay.nodes[e.target].layer
        xs = [x for x, _ in e.points]
        assert xs == sorted(xs)  # waypoints march right
    boxes = [(n.x, n.y) for n in lay.nodes.values() if not n.dummy]
    for i, (x, y) in enumerate(boxes):
        for x2, y2 in boxes[i + 1:]:
            assert x != x2 or abs(y - y2) >= graph_svg.NODE_H, "two nodes overlap"
    assert all(n.x >= 0 and n.x + graph_svg.NODE_W <= lay.width and n.y + n.h <= lay.height for n in lay.nodes.values())


def test_an_external_upstream_sits_just_left_of_its_reader() -> None:
    g = build_graph(contracts(12))
    lay = graph_svg.layout(g)
    for i in range(3):
        assert lay.nodes[f"raw.kafka.feed_{i}"].layer == lay.nodes[name_of(i)].layer - 1


def test_a_cycle_is_laid_out_and_its_closing_edge_marked() -> None:
    # product 0 also reads product 4, which (through 1) reads product 0
    g = build_graph(contracts(6, {0: [name_of(4)]}))
    lay = graph_svg.layout(g)
    cycles = [(e.source, e.target) for e in lay.edges if e.cycle]
    assert len(cycles) == 1
    svg = graph_svg.render(lay, lambda n: f"{n}.html", lambda n: "n-" + n)
    root = ET.fromstring(svg)
    marked = [p for p in root.iter(f"{SVG}path") if p.get("class") == "edge cycle"]
    assert len(marked) == 1 and marked[0].find(f"{SVG}title").text == f"{cycles[0][0]} → {cycles[0][1]}"


def test_long_names_are_shortened_but_kept_whole_in_the_tooltip() -> None:
    long = "orders.a_really_long_product_name_that_will_not_fit_in_a_box"
    c = validate_text(contract(0).replace(name_of(0), long), "x.yaml").contract
    svg = graph_svg.render(graph_svg.layout(build_graph([c])), lambda n: "x.html", lambda n: "n")
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "name"]
    assert any(t.endswith("…") and len(t) == graph_svg.MAX_CHARS for t in texts)
    assert long in [t.text for t in root.iter(f"{SVG}title")]
