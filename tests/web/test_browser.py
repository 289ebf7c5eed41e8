"""The app in a real browser: Debian's headless `chromium` driven by Selenium through Debian's
`chromedriver` (no browser download). Loads every page, runs a filtered search, follows a result to
its article, checks labels and evidence show, and that XSS payloads stay inert. Screenshots of
each page go to test-artifacts/web/."""

from __future__ import annotations

import shutil

import pytest

from chainwatch.config import PROJECT_ROOT
from tests.web import scenario

ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "web"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver  # only the browser tests need Selenium
    from selenium.webdriver.chrome.service import Service

    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("the browser tests need Debian's chromium and chromium-driver: scripts/ensure-chromium.sh")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _shot(driver, name: str) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 900), 6000))
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1600)
    assert path.read_bytes().startswith(b"\x89PNG")


def _assert_inert(driver) -> None:
    # each payload sets the whole title to one of these; a title that shows the payload as text is fine
    assert driver.title not in ("pwned", "pwned-source", "pwned-link", "pwned-entity")
    assert driver.execute_script("return document.body.getAttribute('data-pwned')") is None
    assert driver.execute_script("return document.querySelectorAll('script:not([src])').length") == 0
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert not errors, errors


def _css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def test_every_page_loads(browser, server, web_db):
    pages = {
        "home": f"/?week={web_db.week}",
        "search": "/search?q=stablecoin",
        "article": f"/articles/{web_db.official_article}",
        "labels": "/labels",
        "label": "/labels/regulation_enforcement",
        "entities": "/entities",
        "entity": "/entities/binance",
        "digests": "/digests",
        "digest": f"/digests/{web_db.week}",
        "sources": "/sources",
        "api-docs": "/api/v1/docs",
    }
    for name, path in pages.items():
        browser.get(server.base + path)
        assert _css(browser, "main h1"), name
        _assert_inert(browser)
        _shot(browser, name)
    browser.get(server.base + "/api/v1/docs")
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(lambda d: _css(d, ".opblock"))  # Swagger UI rendered the endpoints
    assert len(_css(browser, ".opblock")) >= 8
    _shot(browser, "api-docs")


def test_filtered_search_then_article(browser, server, web_db):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(server.base + "/search")
    form = browser.find_element(By.ID, "search-form")
    form.find_element(By.NAME, "q").send_keys("stablecoin")
    form.find_element(By.NAME, "since").send_keys("01012022")  # the date input's typing order (mm dd yyyy)
    Select(form.find_element(By.NAME, "category")).select_by_value("official")  # submits at once (app.js)
    WebDriverWait(browser, 30).until(lambda d: "category=official" in d.current_url)
    assert "q=stablecoin" in browser.current_url and "label=" not in browser.current_url  # blanks left out
    results = _css(browser, "li.result a.title")
    assert [r.text for r in results] == [scenario.OFFICIAL_TITLE]
    assert _css(browser, "li.result mark")
    _shot(browser, "search-filtered")
    results[0].click()
    WebDriverWait(browser, 30).until(lambda d: "/articles/" in d.current_url)
    assert browser.find_element(By.CSS_SELECTOR, "h1.article-title").text == scenario.OFFICIAL_TITLE
    positive = _css(browser, "table.scores tr.positive")
    assert positive, "no positive label shown"
    assert all(row.find_elements(By.CSS_SELECTOR, "blockquote.evidence") for row in positive)
    assert len(_css(browser, "table.scores tbody tr")) == len(_css(browser, "table.scores tr.positive")) + len(
        _css(browser, "table.scores tr.negative")
    )
    _assert_inert(browser)
    _shot(browser, "article")


def test_xss_payloads_stay_inert(browser, server, web_db):
    from selenium.webdriver.common.by import By

    for path in (
        f"/articles/{web_db.script_article}",
        f"/articles/{web_db.js_article}",
        "/search?q=stablecoin",
        f"/?week={web_db.week}",
        "/sources",
        f"/digests/{web_db.week}",
    ):
        browser.get(server.base + path)
        _assert_inert(browser)
    browser.get(server.base + f"/articles/{web_db.script_article}")
    assert scenario.SCRIPT_TITLE in browser.find_element(By.CSS_SELECTOR, "h1.article-title").text
    assert "<img src=x onerror=" in browser.find_element(By.ID, "text").text
    browser.get(server.base + f"/articles/{web_db.js_article}")
    links = [a.get_attribute("href") or "" for a in _css(browser, "a")]
    assert not any(h.startswith("javascript") for h in links)
    _shot(browser, "xss-article")
    browser.get(server.base + "/sources")
    assert scenario.EVIL_SOURCE in browser.find_element(By.TAG_NAME, "main").text
    _assert_inert(browser)


def test_entity_chips_lead_to_the_entity_page(browser, server, web_db):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.base + f"/articles/{web_db.entity_article}")
    _assert_inert(browser)
    chips = {c.text: c for c in _css(browser, "#entities a.chip.entity")}
    assert "Binance" in chips and "Tether (USDT)" in chips, list(chips)
    _shot(browser, "article-entities")
    chips["Binance"].click()
    WebDriverWait(browser, 30).until(lambda d: d.current_url.endswith("/entities/binance"))
    assert browser.find_element(By.CSS_SELECTOR, "main h1").text.startswith("Binance")
    assert "币安" in browser.find_element(By.CSS_SELECTOR, "dd.aliases-zh").text
    assert _css(browser, "#trend svg.chart rect.bar")
    titles = [a.text for a in _css(browser, "#recent li.result a.title")]
    assert scenario.ENTITY_TITLE in titles  # the hostile title shows as text
    _assert_inert(browser)
    browser.get(server.base + "/entities")
    _assert_inert(browser)
    assert _css(browser, "#kind-exchange a[href='/entities/binance']")
