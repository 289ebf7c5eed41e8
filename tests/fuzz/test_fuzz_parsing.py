"""Fuzz targets (Hypothesis) for what reads hostile bytes: page extraction and feed, sitemap and listing
parsing. Each target builds inputs around real markup (a valid page or feed with hostile pieces spliced in:
control characters, character references, deep nesting, broken tags, odd encodings) as well as raw bytes.

The properties are the ones the crawl relies on: a parser returns its result or its own counted failure
(`ExtractionFailure`, `BadEntryPage`), never another exception; an extracted article has a title and text
without control characters (the body keeps tab and newline); every discovered link is a string.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from chainwatch.contracts import Article
from spiders.discovery import BadEntryPage, Discovered
from spiders.discovery.feed import parse_feed
from spiders.discovery.listing import parse_listing
from spiders.discovery.sitemap import parse_sitemap
from spiders.extract import ExtractionFailure, extract

# No per-example deadline (a first parse warms caches); the example count is Hypothesis's default
# (or the `fuzz` profile's under `make fuzz`).
FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],  # no patch files
)
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")

hostile_piece = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "&#x1b;]0;owned&#x07;",
            "&#x01;",
            "&#xfffe;",
            "&#0;",
            "&#x110000;",
            "&#xd800;",
            "\x1b[2J",
            "\x00",
            "\ufeff",
            "\u202e",
            "<",
            "&",
            "]]>",
            "<![CDATA[",
            "<!--",
            "<script>",
            "\\xa0",
            "&#99999999999;",
            "<!DOCTYPE x [<!ENTITY a 'b'>]>",
            "&a;",
        ]
    ),
    st.builds(lambda n: "<div>" * n + "x" + "</div>" * n, st.integers(0, 3000)),
    st.builds(lambda n: "[" * n, st.integers(0, 3000)),
)
paragraph = st.lists(hostile_piece, min_size=1, max_size=6).map("".join)


def _page(title: str, paragraphs: list[str]) -> str:
    body = "".join(
        f"<p>{p} Regulators reviewed the exchange's anti-money-laundering checks this week.</p>" for p in paragraphs
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:title" content="{title}"></head><body><article><h1>{title}</h1>{body}'
        "</article></body></html>"
    )


def _check_article(result: Article | ExtractionFailure) -> None:
    if isinstance(result, ExtractionFailure):
        assert result.kind and result.message
        return
    assert isinstance(result, Article)
    assert result.title and not UNPRINTABLE.search(result.title)
    assert not UNPRINTABLE.search(result.text.replace("\t", "").replace("\n", ""))
    assert not UNPRINTABLE.search(result.lead or "")


@FUZZ
@given(paragraph, st.lists(paragraph, min_size=1, max_size=4), st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_extract_spliced_pages(title, paragraphs, encoding):
    html = _page(title, paragraphs).encode(encoding, errors="replace")
    _check_article(extract(html, "https://fuzz.example/news/1", content_type=f"text/html; charset={encoding}"))


@FUZZ
@given(st.binary(max_size=4096))
def test_extract_raw_bytes(body):
    _check_article(extract(body, "https://fuzz.example/news/2"))


def _feed(titles: list[str], links: list[str]) -> str:
    items = "".join(
        f"<item><title>{t}</title><link>{u}</link><description>{t}</description></item>" for t, u in zip(titles, links)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'


def _check_discovered(found: Discovered) -> None:
    assert isinstance(found, Discovered)
    assert all(isinstance(link.url, str) for link in found.links)
    assert all(isinstance(url, str) for url in found.follow)


@FUZZ
@given(st.lists(paragraph, min_size=1, max_size=5), st.lists(paragraph, min_size=1, max_size=5), st.booleans())
def test_parse_spliced_feeds_and_sitemaps(titles, links, truncate):
    body = _feed(titles, [f"https://fuzz.example/{link}" for link in links]).encode("utf-8", errors="replace")
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(
            f"<url><loc>https://fuzz.example/{link}</loc><lastmod>{t}</lastmod></url>" for t, link in zip(titles, links)
        )
        + "</urlset>"
    ).encode("utf-8", errors="replace")
    for doc, parse in ((body, parse_feed), (sitemap, parse_sitemap)):
        doc = doc[: len(doc) // 2] if truncate else doc
        try:
            _check_discovered(parse(doc, "https://fuzz.example/feed.xml"))
        except BadEntryPage as exc:
            assert exc.kind and exc.message


@FUZZ
@given(st.binary(max_size=4096))
def test_parse_raw_bytes_as_feed_and_sitemap(body):
    for parse in (parse_feed, parse_sitemap):
        try:
            _check_discovered(parse(body, "https://fuzz.example/feed.xml"))
        except BadEntryPage as exc:
            assert exc.kind and exc.message


@FUZZ
@given(st.lists(paragraph, min_size=1, max_size=5), st.sampled_from(["a", "li a", "//a/@href", "a::attr(href)"]))
def test_parse_spliced_listings(anchors, selector):
    html = "<html><body><ul>" + "".join(f'<li><a href="/n/{i}?q={a}">{a}</a></li>' for i, a in enumerate(anchors))
    try:
        _check_discovered(parse_listing(html + "</ul></body></html>", "https://fuzz.example/news/", selector))
    except BadEntryPage as exc:
        assert exc.kind and exc.message


def test_surrogate_reference_in_a_feed_is_read_as_a_replacement_character():
    """Found by test_parse_spliced_feeds_and_sitemaps: `&#xD800;` made reading the link raise UnicodeDecodeError."""
    found = parse_feed(_feed(["t"], ["https://fuzz.example/&#xD800;"]).encode(), "https://fuzz.example/feed.xml")
    assert [link.url for link in found.links] == ["https://fuzz.example/\ufffd"]
