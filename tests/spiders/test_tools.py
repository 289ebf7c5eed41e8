"""The fixture tools a newcomer uses: record a page (here from a saved file) and regenerate expectations."""

import json

from spiders.registry import get_source
from spiders.tools import record_fixture
from spiders.tools.fixtures import extract_fixture, load_record, site_dir
from tests.spiders.crawl_helpers import SHARED_DATA

PAGE = SHARED_DATA / "html/thewebscraping__llm-scraper/extracted/cryptoslate.com.html"
URL = "https://cryptoslate.com/70-of-top-bitcoin-miners-are-already-using-ai-income-to-survive-bear-market/"


def test_record_fixture_from_a_saved_file(tmp_path, capsys):
    feed = tmp_path / "feed.xml"
    feed.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Miners</title><link>{URL}</link>'
        "<pubDate>Sat, 08 Nov 2025 20:30:53 +0000</pubDate></item></channel></rss>"
    )
    base = tmp_path / "fixtures"
    assert (
        record_fixture.main(
            ["cryptoslate", "https://cryptoslate.com/feed/", "--file", str(feed), "--fixtures-dir", str(base)]
        )
        == 0
    )
    assert record_fixture.main(["cryptoslate", URL, "--file", str(PAGE), "--fixtures-dir", str(base)]) == 0
    record = load_record("cryptoslate", base)
    roles = {p["url"]: p["role"] for p in record["pages"]}
    assert roles == {
        "https://cryptoslate.com/feed/": "feed",
        URL: "article",
        "https://cryptoslate.com/robots.txt": "robots",
    }
    assert (
        site_dir(base)
        / "cryptoslate.com/70-of-top-bitcoin-miners-are-already-using-ai-income-to-survive-bear-market/index.html"
    ).read_bytes() == PAGE.read_bytes()
    assert all(p["recorded"] and p["origin"] for p in record["pages"])
    [expected] = record["expected"]  # regenerated from the recorded pages
    assert (
        expected["title"].startswith("70% of top Bitcoin miners")
        and expected["published"] == "2025-11-08T20:30:53+00:00"
    )
    assert extract_fixture(get_source("cryptoslate"), base) == record["expected"]
    assert "3 page(s) recorded" in capsys.readouterr().out
    json.dumps(record)  # stays plain JSON
