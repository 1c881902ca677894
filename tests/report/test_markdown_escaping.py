"""The PR comment shows contract and data values as text: no HTML, no broken table, no link."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from scaffolder.report.mdescape import cell, code
from tests.conftest import SEED, run_cli

# GitHub renders comments as GFM with (sanitised) inline HTML: html=True is the strict reading.
MD = MarkdownIt("commonmark", {"html": True}).enable("table")
HOSTILE = ["</td><img src=x onerror=alert(1)>", "a|b", "`x`", "``y`` z", "[click](https://evil.example)",
           "<script>alert(1)</script>", "a\\|b", "line\nbreak", "&lt;b&gt; & co", " ` ", "<!-- x -->",
           "![i](https://e.example/i.png)", "\\", "`"]


def cells(html: str) -> list[str]:
    return re.findall(r"<td>(.*?)</td>", html, re.S)


def unescape(html: str) -> str:
    import html as h

    return h.unescape(re.sub(r"</?code>", "", html))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_stays_one_cell_of_text(value: str) -> None:
    row = f"| h | i |\n|---|---|\n| {cell(value)} | {code(value)} |\n"
    html = MD.render(row)
    assert re.findall(r"<(?!/?(?:table|thead|tbody|tr|th|td|code)\b)[a-z!/]", html) == []
    plain, spanned = cells(html)
    one_line = value.replace("\n", " ")
    assert unescape(plain) == one_line.strip()  # a table cell is trimmed
    assert unescape(spanned).strip() == one_line.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&|`[]()!\\/ \nab=\"'")), max_size=30))
def test_any_value_stays_text(value: str) -> None:
    html = MD.render(f"| h | i |\n|---|---|\n| {cell(value)} | {code(value)} |\n")
    assert "<a " not in html and "<img" not in html and "<!--" not in html
    assert len(cells(html)) == 2


def test_a_mention_in_a_value_notifies_nobody() -> None:
    """`@team` in a contract value would ping that team from every PR comment that shows it."""
    value = "ask @acme/platform or @bob (mail team-orders@company.io), not@this"
    text = unescape(cells(MD.render(f"| h |\n|---|\n| {cell(value)} |\n"))[0])
    assert re.findall(r"(?<![\w.+-])@[A-Za-z0-9]", text) == []  # GitHub links no @name here
    assert text.replace("\u200b", "") == value  # what a reader sees is the value
    assert "team-orders@company.io" in text and "not@this" in text


def test_a_field_named_like_html_reaches_the_pr_report_as_text(tmp_path: Path) -> None:
    name = "</td><img src=x onerror=alert(1)>"
    text = SEED.read_text()
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(text.replace("      - name: customer_id\n", f"      - name: '{name}'\n"))
    new.write_text(text.replace("      - name: customer_id\n        type: string\n        constraints: "
                                "{ pii: true, masking: \"hash\" }\n", "").replace("version: 2.1.0", "version: 3.0.0"))
    r = run_cli("diff", str(old), str(new), "--format", "markdown")
    assert r.code == 0, r.out + r.err
    assert "field-removed" in r.out
    html = MD.render(r.out)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_data_values_in_the_data_report_are_text(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute(f"COPY (SELECT '</td><img src=x>' AS id, 'x' AS \"<b>x</b>\") TO '{tmp_path / 'd.parquet'}' (FORMAT parquet)")
    (tmp_path / "c.yaml").write_text(
        "apiVersion: datamesh.io/v1\nkind: DataProduct\nmetadata: {name: d.t, domain: d, version: 1.0.0}\n"
        "spec:\n  owner: x@y.io\n  schema:\n    fields:\n      - {name: id, type: string, constraints: {enum: [a]}}\n"
        "      - {name: '<b>x</b>', type: string}\n")
    r = run_cli("test", str(tmp_path / "c.yaml"), "--data", str(tmp_path / "d.parquet"), "--format", "markdown",
                "--samples", "3")
    assert r.code == 1, r.out + r.err
    html = MD.render(r.out)
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x&gt;" in html
