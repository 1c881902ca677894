"""The catalog's SLA pages from a run history: built by the CLI, then seen in the real browser.

Screenshots are always taken (into the test's temp folder, or CATALOG_SCREENSHOTS)
and checked: the expected size, nothing wider than the window, the labels there.
"""

from __future__ import annotations

import functools
import http.server
import os
import struct
import threading
from pathlib import Path

import pytest

from scaffolder.health.record import CheckRecord, RunRecord
from scaffolder.health.store import open_store
from tests.catalog.meshgen import name_of, write_mesh
from tests.conftest import run_cli
from tests.health.history import WS

H = 3600.0
NOW_ISO = "2026-06-30T00:00:00Z"


def _history() -> list[RunRecord]:
    """Product 0 fresh every hour (healthy); product 1 late from hour 12 and failing a check with samples."""
    out = []
    for k in range(1, 25):
        at = WS + k * H
        out.append(RunRecord(name_of(0), "1.0.0", "h", "s", at - 3, at, "ok", rows=5, freshness_lag_s=600,
                             freshness_sla_s=7200, availability_pct=99.5,
                             checks=[CheckRecord("quality:id:not_null", 0, 5, True)]))
        late, bad = k >= 12, k % 6 == 0
        out.append(RunRecord(name_of(1), "1.0.0", "h", "s", at - 3, at, "unreadable" if bad else ("failed" if late else "ok"),
                             rows=None if bad else 5, freshness_lag_s=None if bad else (3 * H if late else 900),
                             freshness_sla_s=3600, availability_pct=99.5,
                             checks=[] if bad else [CheckRecord("quality:id:not_null", 0, 5, True),
                                                    CheckRecord("quality:amount:between", 2 if late else 0, 5,
                                                                not late, ["<script>x</script>", -3] if late else None)]))
    return out


@pytest.fixture(scope="module")
def health_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sla-mesh")
    write_mesh(root / "mesh", 6)
    store = root / "health.duckdb"
    with open_store(str(store), write=True) as s:
        s.append_many(_history())
    out = root / "site"
    r = run_cli("catalog", "build", "--no-history", "--out", str(out), "--store", str(store), "--window", "1d",
                "--now", NOW_ISO, cwd=root / "mesh")
    assert r.code == 0, r.err + r.out
    return out


def test_pages_are_written_and_sorted_by_risk(health_site: Path) -> None:
    board = (health_site / "health.html").read_text()
    assert board.index(name_of(1)) < board.index(name_of(0))  # the breached product first
    assert "<strong>1 breached</strong>" in board
    page = next((health_site / "health").glob(f"{name_of(1)}*.html")).read_text()
    assert "SLA breached" in page and "<script>x" not in page and "&lt;script&gt;x" in page
    assert 'class="sla"' in page and "SLA 1h" in page and "freshness lag" in page
    product = next((health_site / "products").glob(f"{name_of(0)}*.html")).read_text()
    assert "../health/" in product and 'href="../health.html"' in product


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def health_server(health_site: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(health_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_in_the_browser_with_screenshots(health_server: str, tmp_path: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from tests.catalog.test_browser import (  # skips this test where there is no Chromium
        CHROMIUM,
        DRIVER,
        FLAGS,
    )

    os.environ.setdefault("SE_OFFLINE", "true")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]:
        opts.add_argument(flag)
    opts.add_argument("--blink-settings=scriptEnabled=false")  # readable without JavaScript
    d = webdriver.Chrome(options=opts, service=Service(DRIVER))
    folder = Path(os.environ.get("CATALOG_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        d.set_window_size(1200, 900)
        d.get(f"{health_server}/health.html")
        rows = d.find_elements(By.CSS_SELECTOR, "#scoreboard tbody tr")
        assert [r.get_attribute("data-product") for r in rows][:2] == [name_of(1), name_of(0)]
        assert rows[0].get_attribute("data-breached") == "yes"
        _check_shot(d, folder / "catalog-sla-scoreboard.png")
        rows[0].find_element(By.CSS_SELECTOR, "a.product").click()
        assert "SLA health" in d.title
        labels = [t.text for t in d.find_elements(By.CSS_SELECTOR, "svg.chart text")]
        assert "freshness lag" in labels and "SLA 1h" in labels
        assert any(t.startswith("quality:amount:between") for t in labels)
        assert any("%" in t and "(" in t for t in labels)  # pass rates
        for svg in d.find_elements(By.CSS_SELECTOR, "svg.chart"):
            box = svg.rect
            assert box["width"] > 200 and box["height"] > 40
            assert box["x"] + box["width"] <= d.execute_script("return document.documentElement.clientWidth")
        assert d.find_elements(By.CSS_SELECTOR, "line.unreadable")  # the failed reads are marked
        _check_shot(d, folder / "catalog-sla-product.png")
        d.set_window_size(700, 900)  # a narrow window: the charts shrink, the page does not scroll sideways
        _check_shot(d, folder / "catalog-sla-product-narrow.png")
    finally:
        d.quit()


def _check_shot(d, path: Path) -> None:
    overflow = d.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path.name}: the page is {overflow}px wider than the window"
    d.save_screenshot(str(path))
    width, height = _png_size(path)
    inner = d.execute_script("return [window.innerWidth, window.innerHeight]")
    assert (width, height) == tuple(inner) and width >= 600
