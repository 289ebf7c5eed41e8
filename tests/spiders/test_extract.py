"""Extraction of real saved pages (checked against the shared data's pages_manifest.csv) and bad input."""

import csv
import json
from datetime import datetime

import pytest

from spiders.extract import ExtractionFailure, Hints, content_hash, extract
from tests.spiders.crawl_helpers import SHARED_DATA, article_html

MANIFEST = SHARED_DATA / "html" / "pages_manifest.csv"
PAGES = list(csv.DictReader(MANIFEST.open(encoding="utf-8")))
# The one page whose <title> (the manifest's title) and headline differ: an A/B-tested headline.
HEADLINES = {
    "https://cointelegraph.com/news/nation-state-dying-network-state-next-paradigm": "The nation-state is dying, network states are the next paradigm: Author"
}


@pytest.mark.parametrize("row", PAGES, ids=[r["file"].rsplit("/", 1)[-1] for r in PAGES])
def test_real_pages_match_manifest(row):
    article = extract((SHARED_DATA / row["file"]).read_bytes(), row["url"])
    assert article, getattr(article, "message", "")
    expected_title = HEADLINES.get(row["url"], row["title"])
    assert article.title.casefold() == expected_title.casefold()
    published = datetime.fromisoformat(row["date_published"].replace("Z", "+00:00"))
    assert article.published == published
    assert article.lang == "en"
    assert article.canonical_url == row["url"].replace("://www.", "://")
    assert len(article.text) > 1000
    assert "Back to menu" not in article.text and "cookie" not in article.text[:200].lower()
    assert article.content_hash == content_hash(article.title, article.text)
    assert article.lead and len(article.lead) <= 600


def demo_shaped(title, lead, body_paragraph=None):
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": "2022-07-05T04:24:00+00:00",
        "articleBody": lead,
        "author": {"@type": "Person", "name": "A. Writer"},
        "publisher": {"@type": "Organization", "name": "X"},
    }
    return (
        f'<html><head><title>{title}</title><meta property="og:title" content="{title}">'
        f'<meta property="og:url" content="https://cryptonews.com/news/x.htm">'
        f'<meta property="og:description" content="{lead}">'
        f'<meta property="article:published_time" content="2022-07-05T04:24:00+00:00">'
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
        f"<body><article><h1>{title}</h1><p>{body_paragraph if body_paragraph is not None else lead}</p>"
        f"</article></body></html>"
    )


def test_lead_only_page_keeps_the_lead():
    lead = "Bitcoin price climbed above the USD 20,000 resistance. Ethereum jumped over 9%, CEL increased its gains."
    article = extract(
        demo_shaped("Bitcoin Returns Above USD 20K", lead), "http://cryptonews.com/news/x.htm?utm_source=rss"
    )
    assert article.title == "Bitcoin Returns Above USD 20K"
    assert article.text == lead and article.lead == lead
    assert article.published.isoformat() == "2022-07-05T04:24:00+00:00"
    assert article.lang == "en" and article.canonical_url == "https://cryptonews.com/news/x.htm"
    assert article.extra["authors"] == ["A. Writer"]


def test_json_ld_body_fills_in_when_the_page_body_is_empty():
    lead = "The Financial Action Task Force's Travel Rule is now compulsory in South Korea, but exchanges struggle."
    article = extract(
        demo_shaped("FATF Travel Rule Now Law in South Korea", lead, body_paragraph=""),
        "https://cryptonews.com/news/x.htm",
    )
    assert article.text == lead


def test_feed_hints_fill_missing_title_and_date():
    html = (
        "<html><body><div><p>"
        + "Regulators fined the exchange for weak anti-money-laundering controls. " * 5
        + "</p></div></body></html>"
    )
    article = extract(
        html, "https://example.com/a", hints=Hints(title="Exchange fined", published="Tue, 05 Jul 2022 04:00:00 +0000")
    )
    assert article.title == "Exchange fined" and article.published.isoformat() == "2022-07-05T04:00:00+00:00"


def test_chinese_page_with_chinese_date_only_in_the_text():
    html = (
        "<html><head><meta charset='utf-8'><title>央行发布公告_巴比特</title></head><body><h1>央行发布公告</h1>"
        "<div class='info'>发布时间：2021年03月23日 10:15</div><div class='content'>"
        + "<p>中国人民银行发布公告，提示虚拟货币交易炒作风险，要求金融机构不得开展相关业务。</p>" * 3
        + "</div></body></html>"
    )
    article = extract(html.encode("utf-8"), "https://www.8btc.com/article/1", source="babit")
    assert article.title == "央行发布公告"
    assert article.lang == "zh"
    assert article.published.isoformat() == "2021-03-23T02:15:00+00:00"  # 10:15 in Beijing


def test_wrong_declared_encoding_is_repaired():
    text = "比特币交易平台被要求停止人民币交易业务，监管部门约谈多家交易所负责人。" * 4
    html = f"<html><head><meta charset='utf-8'><title>监管约谈交易所</title></head><body><article><h1>监管约谈交易所</h1><p>{text}</p></article></body></html>"
    article = extract(
        html.encode("gbk"), "https://www.jinse.cn/blockchain/1.html", content_type="text/html; charset=utf-8"
    )
    assert article.title == "监管约谈交易所" and "比特币交易平台" in article.text
    assert article.extra["warnings"] == ["bad_encoding"]


def test_mixed_encoding_keeps_both_parts():
    # The real corpus item has cp1252 quote bytes inside UTF-8 text ("Travel Rule \x93 But").
    page = article_html(
        "FATF Travel Rule Now Law in South Korea – Exchanges Struggle",
        [
            "The Financial Action Task Force’s Travel Rule is now compulsory in South Korea @@ but critics "
            "have decried the lack of a clear standard for exchanges and wallet providers."
        ],
    )
    body = page.encode("utf-8").replace(b"@@", b"\x93")
    article = extract(body, "https://cryptonews.com/news/fatf.htm", content_type="text/html; charset=utf-8")
    assert "South Korea “ but" in article.text and "Force’s" in article.text
    assert article.extra["warnings"] == ["mixed_encoding"]


@pytest.mark.parametrize(
    "body, kind",
    [
        (b"", "empty_page"),
        (b"   \n ", "empty_page"),
        (b'{"title": "json api"}', "not_html"),
        (b'<?xml version="1.0"?><rss><channel></channel></rss>', "not_html"),
        (b"<html><body><p>short</p></body></html>", "no_title"),
        (b"<html><head><title>Only a title</title></head><body></body></html>", "no_text"),
    ],
)
def test_pages_without_an_article_are_failures(body, kind):
    result = extract(body, "https://example.com/x")
    assert isinstance(result, ExtractionFailure) and not result
    assert result.kind == kind and result.message


def test_future_dates_are_never_stored():
    html = article_html(
        "Launch set",
        ["The network upgrade goes live next year according to developers of the chain."],
        published="2099-01-01T00:00:00Z",
    )
    assert extract(html, "https://example.com/x").published is None


def test_same_text_gives_same_hash_whatever_the_whitespace():
    a = extract(article_html("Title", ["One paragraph of article text that is long enough."]), "https://a.example/1")
    b = extract(
        article_html("Title ", ["One  paragraph of article   text that is long enough."]), "https://b.example/1"
    )
    assert a.content_hash == b.content_hash


@pytest.mark.parametrize(
    "title, names, expected",
    [
        ("Bitcoin hits 100k – TechCrunch", ["TechCrunch"], "Bitcoin hits 100k"),
        ("比特币突破十万美元_金色财经", ["金色财经 Jinse Finance", "jinse"], "比特币突破十万美元"),
        ("律动BlockBeats | 以太坊升级", ["BlockBeats 律动", "律动", "BlockBeats"], "以太坊升级"),
        ("Bitcoin - the long road - Cointelegraph", ["Cointelegraph"], "Bitcoin - the long road"),
        ("How Coinbase - and others - fared", ["Coinbase News"], "How Coinbase - and others - fared"),
        ("Crypto: the year in review", ["crypto.news", "crypto"], "Crypto: the year in review"),
        ("Cointelegraph", ["Cointelegraph"], "Cointelegraph"),
    ],
)
def test_site_names_are_stripped_from_titles(title, names, expected):
    from spiders.extract import strip_site_name

    assert strip_site_name(title, names) == expected
