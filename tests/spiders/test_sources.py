"""Every registered source against its saved fixtures (Fundus-style): extraction, then a real crawl.

The crawl runs all sources at once through the replay server (tests/fixtures/spiders/site), as the
offline demo does, and is then repeated to show re-running adds nothing.
"""

from datetime import datetime
from urllib.parse import unquote, urlsplit

import pytest

from chainwatch.replay import ReplayServer
from chainwatch.runners.crawl import crawl
from spiders.registry import load_sources
from spiders.tools.fixtures import extract_fixture, load_record, site_dir
from tests.spiders.crawl_helpers import query, truncate

SOURCES = load_sources()
IDS = [s.id for s in SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_fixture_pages_extract_as_expected(source):
    expected = load_record(source.id)["expected"]
    assert expected, f"no expected results: python -m spiders.tools.regenerate_expected {source.id}"
    assert extract_fixture(source) == expected, (
        "extraction changed; if deliberate: python -m spiders.tools.regenerate_expected " + source.id
    )
    for article in expected:
        assert "failure" not in article
        assert article["title"] and article["lang"] == source.lang and article["published"]
        assert datetime.fromisoformat(article["published"]).tzinfo is not None


@pytest.fixture(scope="module")
def registry_crawl(db_url):
    truncate(db_url)
    with ReplayServer(site_dir()) as srv:
        first = crawl(replay_proxy=srv.proxy_url)
        hits_first = srv.hits
        articles_after_first = query(db_url, "SELECT count(*) FROM articles")[0][0]
        second = crawl(replay_proxy=srv.proxy_url)
        hits_second = {k: v - hits_first.get(k, 0) for k, v in srv.hits.items()}
    return {
        "first": first,
        "second": second,
        "hits_first": hits_first,
        "hits_second": hits_second,
        "count_after_first": articles_after_first,
        "db_url": db_url,
    }


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_crawl_stores_what_the_fixtures_expect(registry_crawl, source):
    row = registry_crawl["first"].per_source[source.id]
    assert row["status"] == "ok", row
    assert row["errors"] == 0 and row["error_counts"] == {}
    expected = {a["canonical_url"]: a for a in load_record(source.id)["expected"]}
    assert row["items_stored"] == len(expected)
    stored = query(
        registry_crawl["db_url"],
        "SELECT canonical_url, url, title, published_at, lang, content_hash, story_id FROM articles "
        "WHERE source_id = %s",
        (source.id,),
    )
    assert {r[0] for r in stored} == set(expected)
    for canonical, url, title, published, lang, digest, story in stored:
        want = expected[canonical]
        assert (url, title, lang, digest) == (want["url"], want["title"], want["lang"], want["content_hash"])
        assert published.isoformat() == datetime.fromisoformat(want["published"]).isoformat()
        assert story is not None


def _replay_key(url: str) -> str:
    parts = urlsplit(url)
    return (parts.hostname or "").removeprefix("www.") + unquote(parts.path or "/")


def test_every_source_was_fetched_through_the_replay_with_robots(registry_crawl):
    hits = registry_crawl["hits_first"]
    for source in SOURCES:
        for url in source.entry_urls:  # flash-only sources never fetch a page on their own domain
            host = _replay_key(url).split("/", 1)[0]
            assert hits.get(f"{host}/robots.txt", 0) >= 1, (
                f"{source.id}: {host} robots.txt not fetched through the proxy"
            )
        for page in load_record(source.id)["pages"]:
            if page["role"] != "robots":
                assert hits.get(_replay_key(page["url"]), 0) >= 1, page


def test_recrawl_adds_nothing_and_fetches_no_article_twice(registry_crawl):
    second = registry_crawl["second"]
    assert query(registry_crawl["db_url"], "SELECT count(*) FROM articles")[0][0] == registry_crawl["count_after_first"]
    assert second.items_stored == 0
    # CoinDesk's sitemap entry is older than the previous run, so it is not even listed (incremental
    # through lastmod); every other stored article is listed again and skipped without a fetch.
    assert second.per_source["coindesk"]["items_skipped"] == 1
    assert second.items_skipped == registry_crawl["first"].items_stored - 1
    assert set(second.statuses.values()) == {"ok"}
    article_files = {
        p["file"].removesuffix("index.html")
        for s in SOURCES
        for p in load_record(s.id)["pages"]
        if p["role"] == "article"
    }
    assert not [k for k, v in registry_crawl["hits_second"].items() if v and k in article_files]
    assert second.run_id != registry_crawl["first"].run_id
    runs = query(registry_crawl["db_url"], "SELECT count(*) FROM crawl_runs")[0][0]
    assert runs == 2 * len(SOURCES)  # one row per source per run
