"""The pages over HTTP: every page answers, carries the strict CSP, escapes scraped text, never links
a javascript: URL; search URLs hold the query; exports neutralise formulas."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.web import scenario

PAGES = [
    "/",
    "/search",
    "/search?q=stablecoin",
    "/labels",
    "/labels/stablecoins_payments",
    "/entities",
    "/entities?kind=exchange&all=true",
    "/entities/binance",
    "/digests",
    "/sources",
    "/api/v1/docs",
]


def _html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    # No inline script: every <script> loads a file of this site.
    assert all(re.search(r'\bsrc="/static/', tag) for tag in re.findall(r"<script\b[^>]*>", response.text))
    assert " style=" not in response.text and "<style" not in response.text
    return response.text


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_with_the_strict_policy(client, path):
    _html(client, path)


def test_home_shows_the_week_its_labels_and_stories(client, web_db):
    page = _html(client, f"/?week={web_db.week}")
    assert f"Week {web_db.week}" in page and "Risk categories" in page and "Top stories" in page
    assert "Covered by:" in page


def test_digest_page_frames_the_stored_file(client, web_db):
    page = _html(client, f"/digests/{web_db.week}")
    assert f'src="/digests/{web_db.week}/digest.html"' in page and "sandbox" in page
    framed = client.get(f"/digests/{web_db.week}/digest.html")
    stored = client.get(f"/api/v1/digests/{web_db.week}/html")
    assert framed.text == stored.text
    assert "sandbox" in framed.headers["content-security-policy"]


def test_scraped_text_is_escaped_everywhere(client, web_db):
    for path in (
        f"/articles/{web_db.script_article}",
        "/search?q=stablecoin+fined",
        f"/?week={web_db.week}",
        "/sources",
        f"/articles/{web_db.js_article}",
    ):
        page = _html(client, path)
        assert "<script>document" not in page and "<img src=x" not in page, path
        assert 'onerror="' not in page
    article = _html(client, f"/articles/{web_db.script_article}")
    assert "&lt;script&gt;document.title=" in article
    assert "&lt;img src=x onerror=" in article


def test_javascript_urls_are_text_not_links(client, web_db):
    page = _html(client, f"/articles/{web_db.js_article}")
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and not any(h.lower().startswith("javascript") for h in hrefs)
    assert "javascript:document.title=" in page


def test_search_url_holds_the_query_and_blank_fields_are_dropped(client):
    response = client.get("/search?q=stablecoin&label=&source=&since=&sort=date", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/search?q=stablecoin&sort=date"
    page = _html(client, "/search?q=stablecoin&sort=date&category=official")
    assert 'value="stablecoin"' in page and '<option value="official" selected>' in page
    assert "<mark>" in page


def test_bad_search_parameters_get_an_error_page(client):
    response = client.get("/search?since=2022-99-01")
    assert response.status_code == 422 and "since" in response.text and "Traceback" not in response.text
    assert client.get("/articles/999999999").status_code == 404


def test_csv_export_neutralises_formulas(client):
    response = client.get("/search/export.csv", params={"q": "stablecoin regulation update"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    titles = [r["title"] for r in rows]
    assert "'" + scenario.FORMULA_TITLE in titles
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_json_export_holds_the_whole_result(client):
    response = client.get("/search/export.json", params={"q": "bitcoin"})
    body = json.loads(response.text)
    matched = client.get("/api/v1/articles", params={"q": "bitcoin"}).json()["matched"]
    assert body["count"] == len(body["articles"]) == matched
    assert "«" not in json.dumps(body["articles"], ensure_ascii=False)


def test_unknown_page_is_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Not found" in response.text


def test_entity_pages_list_link_and_escape(client, web_db):
    listing = _html(client, "/entities")
    assert 'href="/entities/binance"' in listing and "币安" in listing and 'id="kind-exchange"' in listing
    page = _html(client, "/entities/binance")
    assert "<h1>Binance" in page and "币安" in page and '<svg class="chart"' in page
    assert f'href="/articles/{web_db.entity_article}"' in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page  # the hostile title, as text
    assert "<h1>Binance" in _html(client, "/entities/币安")  # an alias names the same page
    article = _html(client, f"/articles/{web_db.entity_article}")
    assert 'id="entities"' in article and 'href="/entities/binance"' in article and 'href="/entities/tether"' in article
    assert "$5 million" in article and "<script>document.body" not in article
    assert client.get("/entities/no-such-entity-anywhere").status_code == 404
    assert client.get("/entities?kind=planet").status_code == 422
