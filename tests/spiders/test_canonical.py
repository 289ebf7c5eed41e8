import pytest

from spiders.canonical import canonical_url, same_site


@pytest.mark.parametrize(
    "url, expected",
    [
        # http and https are one address; canonical is https
        ("http://cointelegraph.com/news/x", "https://cointelegraph.com/news/x"),
        # www. and bare domain are one site; host case does not matter
        ("https://www.CoinDesk.com/markets/x", "https://coindesk.com/markets/x"),
        # tracking parameters go, real ones stay (sorted)
        ("https://decrypt.co/1/x?utm_source=tw&utm_medium=social&b=2&a=1", "https://decrypt.co/1/x?a=1&b=2"),
        ("https://theblock.co/post/1?fbclid=abc&gclid=def", "https://theblock.co/post/1"),
        ("https://www.8btc.com/article/1?spm=a.b.c.d", "https://8btc.com/article/1"),
        # fragments never identify an article
        ("https://cryptonews.com/news/x.htm#comments", "https://cryptonews.com/news/x.htm"),
        # AMP variants map to the article
        ("https://cointelegraph.com/news/x/amp", "https://cointelegraph.com/news/x"),
        ("https://cryptonews.com/news/x/amp/", "https://cryptonews.com/news/x/"),
        ("https://cointelegraph.com/amp/news/x", "https://cointelegraph.com/news/x"),
        ("https://amp.example.com/story/1", "https://example.com/story/1"),
        ("https://www.coindesk.com/markets/x/?outputType=amp", "https://coindesk.com/markets/x/"),
        (
            "https://www-coindesk-com.cdn.ampproject.org/c/s/www.coindesk.com/markets/x/",
            "https://coindesk.com/markets/x/",
        ),
        # the corpus's doubled prefix
        ("https://cryptonews.comhttps://cryptonews.com/news/x.htm", "https://cryptonews.com/news/x.htm"),
        # default ports, duplicate slashes, percent-encoding
        ("https://example.com:443//a//b", "https://example.com/a/b"),
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent():
    url = "http://www.example.com/amp/news/x?utm_campaign=z&id=3#top"
    assert canonical_url(canonical_url(url)) == canonical_url(url) == "https://example.com/news/x?id=3"


@pytest.mark.parametrize("bad", ["mailto:a@b.c", "javascript:void(0)", "ftp://example.com/x", "", "/relative/path"])
def test_non_web_urls_are_rejected(bad):
    with pytest.raises(ValueError):
        canonical_url(bad)


def test_same_site_ignores_scheme_and_www():
    assert same_site("http://www.coindesk.com/a", "https://coindesk.com/b")
    assert not same_site("https://coindesk.com/a", "https://cointelegraph.com/a")
