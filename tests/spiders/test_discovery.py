"""Entry pages -> links, on the real saved feeds and on damaged input."""

import gzip
from datetime import UTC, datetime

import pytest

from spiders.discovery import BadEntryPage
from spiders.discovery.feed import parse_feed
from spiders.discovery.listing import parse_listing
from spiders.discovery.sitemap import parse_sitemap
from tests.spiders.crawl_helpers import SHARED_DATA

RSS_DIR = SHARED_DATA / "rss/mlalma__CFTA/CFTA-Lib-RSSFeedFetcher/test/resources"


@pytest.mark.parametrize(
    "name, items, first_url",
    [
        ("rssfeedparser_1.rss", 20, "https://www.coindesk.com/cboe-re-files-vaneck-solidx-bitcoin-etf-proposal"),
        (
            "rssfeedparser_4.rss",
            30,
            "https://cointelegraph.com/news/ceo-of-telecoms-giant-swisscoms-blockchain-unit-steps-down",
        ),
        ("rssfeedparser_5.rss", 19, "https://www.ethnews.com/distributed-digest-thursday-january-31-2019"),
        ("rssfeedparser_6.rss", 10, "https://www.crypto-news.net/curated-blockchain-and-cryptocurrency-news-week-419/"),
    ],
)
def test_real_feed_snapshots(name, items, first_url):
    found = parse_feed((RSS_DIR / name).read_bytes(), "https://example.com/feed")
    assert found.problem is None
    assert len(found.links) == items
    first = found.links[0]
    assert first.url == first_url
    assert first.title and "<" not in first.title  # CDATA titles with <h1> (ETHNews) are cleaned
    assert first.published and "2019" in first.published


def test_content_encoded_is_the_summary():
    found = parse_feed((RSS_DIR / "rssfeedparser_6.rss").read_bytes(), "https://example.com/")
    assert len(found.links[0].summary) > 5000  # the full body, not the teaser


def test_atom_feed():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>One</title><link rel="alternate" href="/2024/one"/><link rel="edit" href="/edit/1"/>
<published>2024-01-02T03:04:05Z</published><summary>s1</summary></entry>
<entry><title>Two</title><link href="https://example.com/two"/><updated>2024-01-03T00:00:00Z</updated></entry>
</feed>"""
    found = parse_feed(atom, "https://example.com/feed.atom")
    assert [l.url for l in found.links] == ["https://example.com/2024/one", "https://example.com/two"]
    assert found.links[0].published == "2024-01-02T03:04:05Z" and found.links[0].summary == "s1"


def test_truncated_feed_keeps_the_items_before_the_damage():
    whole = (RSS_DIR / "rssfeedparser_4.rss").read_bytes()
    found = parse_feed(whole[: len(whole) // 2], "https://cointelegraph.com/rss")
    assert found.problem == "bad_xml" and "recovered" in found.message
    assert 5 <= len(found.links) < 30


@pytest.mark.parametrize(
    "body, kind",
    [
        (b"<!DOCTYPE html><html><body><h1>Feed moved</h1></body></html>", "not_a_feed"),
        (b"<html><head><title>x</title></head></html>", "not_a_feed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss><channel><item><title>&c;</title>'
            b"<link>https://x.example/1</link></item></channel></rss>",
            "xml_entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY ext SYSTEM "file:///etc/passwd">]><rss><channel><item>'
            b"<title>&ext;</title><link>https://x.example/1</link></item></channel></rss>",
            "xml_entities",
        ),
        (b"", "empty_feed"),
        (b"\x1f\x8b\x08\x00garbage", "bad_gzip"),
        (b"{\"items\": []}", "bad_xml"),
        (b"<?xml version='1.0'?><opml><body/></opml>", "not_a_feed"),
    ],
)
def test_bad_feeds_are_named(body, kind):
    with pytest.raises(BadEntryPage) as err:
        parse_feed(body, "https://x.example/feed")
    assert err.value.kind == kind


def test_gzipped_sitemap_with_lastmod_cutoff():
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://x.example/new</loc><news:news><news:publication_date>2024-05-02T10:00:00Z</news:publication_date>
<news:title>New</news:title></news:news></url>
<url><loc>https://x.example/old</loc><lastmod>2024-04-01T00:00:00Z</lastmod></url>
<url><loc>https://x.example/undated</loc></url>
</urlset>"""
    since = datetime(2024, 5, 1, tzinfo=UTC)
    found = parse_sitemap(gzip.compress(xml), "https://x.example/sitemap.xml.gz", since=since)
    assert [l.url for l in found.links] == ["https://x.example/new", "https://x.example/undated"]
    assert found.links[0].title == "New" and found.links[0].published == "2024-05-02T10:00:00Z"
    assert len(parse_sitemap(xml, "https://x.example/s.xml").links) == 3  # first run: everything


def test_sitemap_index_follows_recent_children_only():
    xml = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>/s/2024-05.xml</loc><lastmod>2024-05-03</lastmod></sitemap>
<sitemap><loc>/s/2019-01.xml</loc><lastmod>2019-01-31</lastmod></sitemap></sitemapindex>"""
    found = parse_sitemap(xml, "https://x.example/index.xml", since=datetime(2024, 5, 1, tzinfo=UTC))
    assert found.follow == ["https://x.example/s/2024-05.xml"] and not found.links


def test_a_feed_address_serving_a_sitemap_is_read_as_one():
    xml = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/a</loc></url></urlset>'
    assert [l.url for l in parse_feed(xml, "https://x.example/feed").links] == ["https://x.example/a"]


def test_listing_css_and_xpath():
    html = """<html><body><ul>
      <li><a href="/post/1">第一篇</a></li><li><a href="/post/2?from=home">第二篇</a></li>
      <li><a href="/post/1">dup</a></li><li><a href="/about">关于</a></li><li><a href="javascript:void(0)">x</a></li>
    </ul></body></html>"""
    css = parse_listing(html, "https://www.odaily.news/", 'a[href*="/post/"]', r"/post/\d+")
    assert [l.url for l in css.links] == ["https://www.odaily.news/post/1", "https://www.odaily.news/post/2?from=home"]
    assert css.links[0].title == "第一篇"
    xpath = parse_listing(html, "https://www.odaily.news/", "//li/a/@href", r"/post/\d+")
    assert len(xpath.links) == 2
    with pytest.raises(BadEntryPage) as err:
        parse_listing(html, "https://x/", "a[[[", None)
    assert err.value.kind == "bad_selector"
