"""A user in a real browser (Debian's Chromium, headless, via Selenium): search, open, follow lineage.

The site is served by a static HTTP server on 127.0.0.1, as GitHub Pages would
serve it. Set CATALOG_SCREENSHOTS=DIR to keep screenshots of what was seen.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from tests.catalog.meshgen import name_of

CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000"]

if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
    if os.environ.get("CI"):  # CI installs it (.ci/run): missing there is a failure, not a skip
        raise RuntimeError(f"{CHROMIUM} or {DRIVER} missing: `apt-get install chromium chromium-driver`")
    pytest.skip("Debian's chromium and chromium-driver are not installed", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")


@pytest.fixture(scope="module")
def server(site: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager download anything
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        opts.add_argument(flag)
    driver = webdriver.Chrome(options=opts, service=Service(DRIVER))
    driver.implicitly_wait(0)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def shot(driver, name: str, full: bool = False) -> None:
    folder = os.environ.get("CATALOG_SCREENSHOTS")
    if not folder:
        return
    if full:
        driver.set_window_size(1400, driver.execute_script("return document.body.scrollHeight") + 40)
    Path(folder).mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(Path(folder) / f"catalog-{name}.png"))
    driver.set_window_size(1400, 1000)


def wait_for(driver, condition, timeout: float = 10):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def visible_rows(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [r.get_attribute("data-name") for r in driver.find_elements(By.CSS_SELECTOR, "#products tbody tr")
            if r.is_displayed()]


def test_search_open_and_follow_lineage(browser, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    d = browser
    d.get(f"{server}/index.html")
    count = d.find_element(By.ID, "count")
    assert count.text == "50 of 50 products"
    shot(d, "index")

    # filters: deprecated products, then those with PII among them
    Select(d.find_element(By.ID, "f-status")).select_by_value("deprecated")
    assert sorted(visible_rows(d)) == sorted(name_of(i) for i in (9, 19, 29, 39, 49))
    Select(d.find_element(By.ID, "f-pii")).select_by_value("yes")
    assert sorted(visible_rows(d)) == sorted(name_of(i) for i in (9, 39))  # i % 3 == 0
    assert count.text == "2 of 50 products"
    assert "status=deprecated" in d.current_url  # the filtered view is a shareable link
    Select(d.find_element(By.ID, "f-status")).select_by_value("")
    Select(d.find_element(By.ID, "f-pii")).select_by_value("")

    # search by a product's name, then by a field name
    box = d.find_element(By.ID, "q")
    box.send_keys("product_0001")
    wait_for(d, lambda drv: visible_rows(drv) == [name_of(1)])
    assert count.text == "1 of 50 products"
    shot(d, "search")
    box.clear()
    box.send_keys("zzz-no-such-thing")
    wait_for(d, lambda drv: d.find_element(By.ID, "empty").is_displayed())
    box.clear()
    box.send_keys("legacy_code amount product_0001")  # every word must match: a field name narrows too
    wait_for(d, lambda drv: visible_rows(drv) == [name_of(1)])
    box.send_keys(Keys.ENTER)  # Enter opens the only match
    wait_for(d, lambda drv: drv.find_element(By.TAG_NAME, "h1").text.startswith(name_of(1)))
    d.back()
    wait_for(d, lambda drv: drv.find_element(By.ID, "q").get_attribute("value") != "")

    # follow it to its page
    d.find_element(By.CSS_SELECTOR, f'tr[data-name="{name_of(1)}"] a.product').click()
    wait_for(d, lambda drv: drv.find_element(By.TAG_NAME, "h1").text.startswith(name_of(1)))
    schema_rows = d.find_elements(By.CSS_SELECTOR, "#schema tbody tr")
    assert [r.find_element(By.TAG_NAME, "code").text for r in schema_rows] == ["id", "updated_at", "amount", "legacy_code"]
    banner = d.find_element(By.CSS_SELECTOR, ".banner.field-deprecations")
    assert "legacy_code" in banner.text and banner.is_displayed()
    assert "failing" in d.find_element(By.CSS_SELECTOR, "dl.facts").text
    shot(d, "product", full=True)

    # and on to a downstream product, from the "Read by" list
    downstream = d.find_element(By.CSS_SELECTOR, f'#lineage ul.downstream a[href="{name_of(4)}.html"]')
    downstream.click()
    wait_for(d, lambda drv: drv.find_element(By.TAG_NAME, "h1").text.startswith(name_of(4)))
    ups = [a.text for a in d.find_elements(By.CSS_SELECTOR, "#lineage ul.upstream a")]
    assert ups == [name_of(1)]
    # the hostile description shows as text, and did not run
    assert '<script>alert("x")</script>' in d.find_element(By.CSS_SELECTOR, "p.desc").text

    # the whole mesh graph: click a product node in the SVG
    d.find_element(By.LINK_TEXT, "Lineage graph").click()
    wait_for(d, lambda drv: drv.find_element(By.TAG_NAME, "h1").text == "Lineage graph")
    shot(d, "lineage", full=True)
    node = d.find_element(By.CSS_SELECTOR, f'svg a[href="products/{name_of(9)}.html"]')
    d.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center'})", node)
    node.click()
    wait_for(d, lambda drv: drv.find_element(By.TAG_NAME, "h1").text.startswith(name_of(9)))
    assert "It will be retired on 2027-06-30" in d.find_element(By.CSS_SELECTOR, ".banner.warn").text
