"""The static catalog built for a generated mesh of 50 products: what its pages show."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

from tests.catalog.conftest import N
from tests.catalog.meshgen import HOSTILE, contract, name_of, path_of
from tests.conftest import run_cli


def text(html: str) -> str:
    """What a reader sees, roughly: tags dropped, entities decoded, spaces squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def page(site: Path, i: int) -> str:
    return (site / "products" / f"{name_of(i)}.html").read_text()


def section(html: str, sid: str) -> str:
    start = html.index(f'<section id="{sid}">')
    return html[start:html.index("</section>", start)]


def test_index_lists_every_product_with_working_links_and_filters(site: Path) -> None:
    index = (site / "index.html").read_text()
    rows = re.findall(r'<tr data-name="([^"]+)"', index)
    assert sorted(rows) == sorted(name_of(i) for i in range(N))
    for href in re.findall(r'<a class="product" href="([^"]+)"', index):
        assert (site / href).is_file(), href
    for fid in ("q", "f-domain", "f-owner", "f-status", "f-tag", "f-pii"):
        assert f'id="{fid}"' in index
    domain_options = re.findall(r'<option value="([^"]*)">', index[index.index('id="f-domain"'):index.index('id="f-owner"')])
    assert domain_options == ["", "billing", "customers", "inventory", "orders", "shipping"]
    assert re.search(rf'data-name="{name_of(9)}"[^>]*data-status="deprecated"', index)
    assert re.search(r'data-name="orders.product_0000"[^>]*data-pii="yes"', index)
    assert re.search(r'data-name="billing.product_0001"[^>]*data-pii="no"', index)
    assert (site / "assets" / "catalog.js").is_file() and (site / "assets" / "catalog.css").is_file()
    assert "http://" not in index and "https://" not in index  # no CDN: works offline


def test_health_badges_from_test_reports(site: Path) -> None:
    index = (site / "index.html").read_text()
    row0 = re.search(r'<tr data-name="orders.product_0000".*?</tr>', index).group(0)
    row1 = re.search(r'<tr data-name="billing.product_0001".*?</tr>', index).group(0)
    row2 = re.search(r'<tr data-name="customers.product_0002".*?</tr>', index).group(0)
    assert "healthy · 1/1 checks passed on 120 rows" in text(row0)
    assert "failing · 1 of 2 checks failed" in text(row1)
    assert "no report" in text(row2)
    row3 = re.search(rf'<tr data-name="{name_of(3)}".*?</tr>', index).group(0)
    assert "invalid · contract did not validate" in text(row3)
    quality = text(section(page(site, 1), "quality"))
    assert "updated_at expect_column_values_to_not_be_null 0.99 fail (5/80 failed)" in quality
    assert "id expect_column_values_to_not_be_null 1 pass (0/80 failed)" in quality
    assert "5 of 80 rows are null" in text(section(page(site, 1), "health"))


def test_schema_table_shows_types_constraints_pii_and_masking(site: Path) -> None:
    schema = section(page(site, 0), "schema")
    rows = [text(r).strip() for r in re.findall(r'<tr id="field-.*?</tr>', schema)]
    assert rows[0] == "id string VARCHAR no primary key — The key."
    assert rows[1] == "updated_at timestamp TIMESTAMP no not null timezone UTC —"
    assert rows[2] == "email string VARCHAR yes length ≤ 320 PII hash"
    # product 3 still has `amount`; product 0 dropped it in the last commit
    assert "amount decimal(12,2) DECIMAL(12,2) yes ≥ 0 —" in text(section(page(site, 3), "schema"))
    assert "amount" not in text(section(page(site, 0), "schema"))


def test_sla_access_and_facts(site: Path) -> None:
    p = page(site, 0)
    assert "Freshness within 1h Freshness column updated_at Availability 99.5%" in text(section(p, "sla"))
    assert "Roles analyst Policies default" in text(section(p, "access"))
    assert 'href="mailto:team-orders@example.com"' in p


def test_deprecation_and_sunset_banners(site: Path) -> None:
    p9 = text(page(site, 9))  # the site was built with --today 2026-11-25
    assert "Deprecated. It will be retired on 2027-06-30 (in 217 days)." in p9
    assert "Deprecated." not in text(page(site, 0))
    assert "Draft. This contract may still change" in text(page(site, 16))
    p1 = text(page(site, 1))
    assert "Deprecated fields: legacy_code (sunset 2027-01-01) → use id" in p1


def test_versions_from_git_history_with_required_bumps(site: Path) -> None:
    v0 = [text(r).strip() for r in re.findall(r"<tr><td>.*?</tr>", section(page(site, 0), "versions"))]
    assert [r.split(" ")[0] for r in v0] == ["2.0.0", "1.1.0", "1.0.0"]
    assert "Drop amount major major" in v0[0] and "field amount was removed" in v0[0]
    assert "Add a note field minor minor" in v0[1]
    assert v0[2].endswith("first version")
    v12 = text(section(page(site, 12), "versions"))
    assert "1.1.1" in v12 and "Drop amount patch major under-bumped" in v12
    v5 = text(section(page(site, 5), "versions"))  # renamed file: history followed through the move
    assert "file moved from domains/orders/product_0005.contract.yaml to domains/orders/renamed_0005.contract.yaml" in v5
    assert v5.count("Mesh Bot") == 2


def test_lineage_on_product_pages(site: Path) -> None:
    lin = section(page(site, 1), "lineage")
    reads_from = re.search(r'<ul class="upstream">(.*?)</ul>', lin).group(1)
    read_by = re.search(r'<ul class="downstream">(.*?)</ul>', lin).group(1)
    assert 'href="orders.product_0000.html"' in reads_from and "raw.kafka.feed_1" in reads_from
    assert [name for name in re.findall(r'href="([^"]+)\.html"', read_by)] == sorted(name_of(i) for i in (4, 5, 6, 8))  # (i-1)//3 == 1, and 8 - 7
    assert 'href="../lineage.html#node-billing.product_0001"' in lin
    svg = re.search(r"<svg.*?</svg>", lin, re.S).group(0)
    ET.fromstring(svg)  # well-formed
    assert 'class="node active center"' in svg


def test_whole_mesh_graph_is_svg_linking_every_product(site: Path) -> None:
    html = (site / "lineage.html").read_text()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    links = [a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert sorted(links) == sorted(f"products/{name_of(i)}.html" for i in range(N))
    externals = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if "external" in (g.get("class") or "")]
    names = sorted(g.find("s:title", ns).text for g in externals)
    assert names == sorted([f"raw.kafka.feed_{i}" for i in range(3)] + [f"bi.dashboard_{i}" for i in range(0, N, 8)])
    assert len(root.findall(".//s:path[@class='edge']", ns)) >= N
    assert 'id="node-shipping.product_0009"' in svg and "node deprecated" in svg


def test_untrusted_contract_text_is_escaped(site: Path) -> None:
    for f in ("index.html", f"products/{name_of(4)}.html"):
        html = (site / f).read_text()
        assert "<script>alert" not in html and "<b>bold</b>" not in html
        assert HOSTILE in text(html)


def test_catalog_json_for_tools(site: Path) -> None:
    data = json.loads((site / "catalog.json").read_text())
    by = {p["name"]: p for p in data["products"]}
    assert len(by) == N
    assert by[name_of(9)]["status"] == "deprecated" and by[name_of(9)]["sunset"] == "2027-06-30"
    assert by[name_of(0)]["health"] == "healthy" and by[name_of(1)]["health"] == "failing"
    assert by[name_of(0)]["pii"] == ["email"]


def test_invalid_contract_is_reported_and_left_out(tmp_path: Path) -> None:
    from tests.catalog.meshgen import write_mesh

    write_mesh(tmp_path, 3)
    path_of(tmp_path, 1).write_text(contract(1).replace("type: timestamp", "type: timestampz"))
    (tmp_path / "bad.json").write_text('{"ok": true,\n "rows": }')
    r = run_cli("catalog", "build", "--out", "site", "--health", "bad.json", "--no-history", cwd=tmp_path)
    assert r.code == 1
    assert re.search(r"domains/billing/product_0001.contract.yaml:\d+:\d+: .*timestampz", r.err), r.err
    assert "bad.json:2:10: warning: not JSON" in r.err
    assert "Traceback" not in r.err
    index = (tmp_path / "site" / "index.html").read_text()
    assert name_of(0) in index and name_of(1) not in index
    assert 'id="versions"' not in (tmp_path / "site" / "products" / f"{name_of(0)}.html").read_text()


def test_rebuild_drops_pages_of_removed_products(tmp_path: Path) -> None:
    from tests.catalog.meshgen import write_mesh

    write_mesh(tmp_path, 3)
    assert run_cli("catalog", "build", "--no-history", cwd=tmp_path).code == 0
    path_of(tmp_path, 2).unlink()
    assert run_cli("catalog", "build", "--no-history", cwd=tmp_path).code == 0
    assert sorted(p.name for p in (tmp_path / "site" / "products").iterdir()) == sorted([f"{name_of(0)}.html", f"{name_of(1)}.html"])


def test_never_builds_over_a_folder_it_did_not_build(tmp_path: Path) -> None:
    from tests.catalog.meshgen import write_mesh

    write_mesh(tmp_path, 2)
    (tmp_path / "products").mkdir()
    (tmp_path / "products" / "keep.txt").write_text("mine")
    r = run_cli("catalog", "build", "--out", ".", "--no-history", cwd=tmp_path)
    assert r.code == 2 and "not built by `scaffolder catalog build`" in r.err
    assert (tmp_path / "products" / "keep.txt").read_text() == "mine"


def test_shallow_clone_warns_that_versions_are_cut_short(mesh: Path, tmp_path: Path) -> None:
    import subprocess

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{mesh}", str(clone)], check=True, capture_output=True)
    r = run_cli("catalog", "build", "--out", str(tmp_path / "site"), cwd=clone)
    assert r.code == 0 and "shallow clone" in r.err and "fetch-depth: 0" in r.err
    assert "Drop amount" in text(section((tmp_path / "site" / "products" / f"{name_of(0)}.html").read_text(), "versions"))
    r = run_cli("catalog", "build", "--out", str(tmp_path / "site2"), cwd=mesh)
    assert "shallow" not in r.err


def test_today_must_be_a_date(tmp_path: Path) -> None:
    r = run_cli("catalog", "build", "--today", "tomorrow", cwd=tmp_path)
    assert r.code == 2 and "--today 'tomorrow'" in r.err

