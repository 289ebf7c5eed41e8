"""`chainwatch backfill`: a window of a source's history from sitemaps (by lastmod), date archives and
paginated listings, through the real replay server and database; re-running stores nothing twice."""

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from chainwatch import db
from chainwatch.cli import app
from chainwatch.runners.crawl import crawl
from chainwatch.storage.crawl_runs import last_finished_start
from spiders.backfill import Window
from spiders.registry import Listing, RegistryError
from tests.spiders.crawl_helpers import ad_hoc_source, article_html, query

HOST = "https://hist.example"
SERIAL = {
    "CONCURRENT_REQUESTS": 1,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
}  # one request at a time: the newer page's articles come first


def story(slug: str, published: str) -> str:
    return article_html(
        f"Exchange review {slug}",
        [
            f"Regulators published finding {slug} of their review of how exchanges screen customers for laundering.",
            f"Finding {slug} follows a series of enforcement actions against trading platforms over the year.",
        ],
        published,
    )


def listing(links: list[str], older: str | None = None) -> str:
    items = "".join(f'<li><a class="story" href="{u}">{u}</a></li>' for u in links)
    nxt = f'<a rel="next" href="{older}">Older</a>' if older else ""
    return f"<html><body><ul>{items}</ul>{nxt}</body></html>"


def sitemap(tag: str, entries: list[tuple[str, str]]) -> str:
    inner = "".join(f"<{tag}><loc>{HOST}{loc}</loc><lastmod>{mod}</lastmod></{tag}>" for loc, mod in entries)
    root = "sitemapindex" if tag == "sitemap" else "urlset"
    return f'<?xml version="1.0"?><{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{inner}</{root}>'


SITE = {
    "hist.example/robots.txt": "User-agent: *\nAllow: /\n",
    # sitemaps: the index's old child is not read; 05/x is the 5th in Tokyo (the 4th in UTC)
    "hist.example/sitemap.xml": sitemap(
        "sitemap", [("/sitemap-2024-01.xml", "2024-01-31"), ("/sitemap-2023-11.xml", "2023-11-30")]
    ),
    "hist.example/sitemap-2024-01.xml": sitemap(
        "url",
        [("/2024/01/10/a", "2024-01-10"), ("/2024/01/25/b", "2024-01-25"), ("/2024/01/05/x", "2024-01-04T22:00Z")],
    ),
    "hist.example/sitemap-2023-11.xml": sitemap("url", [("/2023/11/11/old", "2023-11-11")]),
    # date archives, one page a month
    "hist.example/archive/2024/02/": listing([f"{HOST}/2024/02/03/c"]),
    "hist.example/archive/2024/01/": listing([f"{HOST}/2024/01/20/d"]),
    "hist.example/archive/2023/12/": listing([f"{HOST}/2023/12/24/never"]),
    # a paginated listing, newest first: page 2 reaches before `since`, so page 3 is the last one read
    "hist.example/news/": listing([f"{HOST}/2024/02/18/e", f"{HOST}/2024/02/25/f"], "/news/page/2/"),
    "hist.example/news/page/2/": listing([f"{HOST}/2024/01/06/g", f"{HOST}/2024/01/02/h"], "/news/page/3/"),
    "hist.example/news/page/3/": listing([f"{HOST}/2023/12/01/i"], "/news/page/4/"),
    "hist.example/news/page/4/": listing([f"{HOST}/2023/11/01/j"]),
    "hist.example/2024/01/10/a": story("a", "2024-01-10T09:00:00+00:00"),
    "hist.example/2024/01/25/b": story("b", "2024-01-25T09:00:00+00:00"),
    "hist.example/2024/01/05/x": story("x", "2024-01-05T07:00:00+09:00"),
    "hist.example/2023/11/11/old": story("old", "2023-11-11T09:00:00+00:00"),
    "hist.example/2024/02/03/c": story("c", "2024-02-03T09:00:00+00:00"),
    "hist.example/2024/01/20/d": story("d", "2024-01-20T09:00:00+00:00"),
    "hist.example/2023/12/24/never": story("never", "2023-12-24T09:00:00+00:00"),
    "hist.example/2024/02/18/e": story("e", "2024-02-18T09:00:00+00:00"),
    "hist.example/2024/02/25/f": story("f", "2024-02-25T09:00:00+00:00"),
    "hist.example/2024/01/06/g": story("g", "2024-01-06T09:00:00+00:00"),
    "hist.example/2024/01/02/h": story("h", "2024-01-02T09:00:00+00:00"),
    "hist.example/2023/12/01/i": story("i", "2023-12-01T09:00:00+00:00"),
    "hist.example/2023/11/01/j": story("j", "2023-11-01T09:00:00+00:00"),
}


def site_files() -> dict[str, str]:
    """SITE as files: "dir/" is served from dir/index.html."""
    return {(k + "index.html" if k.endswith("/") else k): v for k, v in SITE.items()}


def hist_source():
    return ad_hoc_source(
        "hist",
        "hist.example",
        sitemaps=[f"{HOST}/sitemap.xml"],
        listings=[{"url": f"{HOST}/news/", "links": "a.story", "next": "a[rel=next]"}],
        archives=[{"url": HOST + "/archive/{year}/{month:02d}/", "links": "a.story"}],
    )


def stored(db_url) -> set[str]:
    return {url.rsplit("/", 1)[1] for (url,) in query(db_url, "SELECT canonical_url FROM articles")}


def test_backfill_walks_sitemaps_archives_and_listings_within_the_window(clean_db, make_site, replay_server):
    srv = replay_server(make_site(site_files()))
    window = Window(date(2024, 1, 5), date(2024, 2, 20))
    summary = crawl([hist_source()], replay_proxy=srv.proxy_url, window=window, settings=SERIAL)
    row = summary.per_source["hist"]
    assert stored(clean_db) == {"a", "b", "x", "c", "d", "e", "g"}
    assert row["status"] == "ok" and row["items_stored"] == 7 and row["errors"] == 0
    # f (after until) and h (before since) were read and left out; h ended the listing, so its page 3
    # lists nothing (if it was fetched at all), and nothing older was fetched
    assert row["items_skipped"] == 2
    assert not {
        "hist.example/sitemap-2023-11.xml",
        "hist.example/archive/2023/12/",
        "hist.example/news/page/4/",
        "hist.example/2023/12/01/i",
        "hist.example/2023/11/01/j",
    } & set(srv.hits)
    assert summary.line().startswith("backfill 2024-01-05..2024-02-20 backfill-")
    (day,) = query(clean_db, "SELECT published_day FROM articles WHERE canonical_url LIKE '%%/x'")[0]
    assert day == date(2024, 1, 5)

    # the normal crawl's incremental sitemap reading does not start from a backfill
    with db.transaction(clean_db) as cur:
        assert last_finished_start(cur, "hist") is None


def test_backfill_is_idempotent_and_resumes_where_it_stopped(clean_db, make_site, replay_server):
    srv = replay_server(make_site(site_files()))
    source = hist_source()
    first = crawl([source], replay_proxy=srv.proxy_url, window=Window(date(2024, 1, 20), date(2024, 2, 20)))
    assert stored(clean_db) == {"b", "c", "d", "e"} and first.items_stored == 4
    fetched = dict(srv.hits)

    # a wider window (or a re-run after a kill) fetches only what is not stored yet
    wider = crawl([source], replay_proxy=srv.proxy_url, window=Window(date(2024, 1, 5), date(2024, 2, 20)))
    assert stored(clean_db) == {"a", "b", "x", "c", "d", "e", "g"} and wider.items_stored == 3
    assert all(srv.hits[f"hist.example/2024/{p}"] == fetched[f"hist.example/2024/{p}"] for p in ("01/25/b", "02/03/c"))

    again = crawl([source], replay_proxy=srv.proxy_url, window=Window(date(2024, 1, 5), date(2024, 2, 20)))
    assert again.items_stored == 0 and len(stored(clean_db)) == 7


def test_cli_refuses_a_reversed_window(clean_db):
    result = CliRunner().invoke(
        app, ["backfill", "--source", "cointelegraph", "--since", "2024-02-01", "--until", "2024-01-01"]
    )
    assert result.exit_code == 2 and "before --since" in result.output
    result = CliRunner().invoke(app, ["backfill", "--source", "cointelegraph", "--since", "last week"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_window_archive_pages_newest_first():
    window = Window(date(2023, 12, 30), date(2024, 1, 2))
    daily = Listing(url=HOST + "/{year}/{month:02d}/{day:02d}/", links="a")
    assert list(window.archive_pages(daily)) == [f"{HOST}/2024/01/{d:02d}/" for d in (2, 1)] + [
        f"{HOST}/2023/12/{d}/" for d in (31, 30)
    ]
    monthly = Listing(url=HOST + "/archive/{year}-{month}", links="a")
    assert list(window.archive_pages(monthly)) == [f"{HOST}/archive/2024-1", f"{HOST}/archive/2023-12"]
    yearly = Listing(url=HOST + "/{year}/", links="a")
    assert list(window.archive_pages(yearly)) == [f"{HOST}/2024/", f"{HOST}/2023/"]


@pytest.mark.parametrize("url", [HOST + "/archive/", HOST + "/{year}/{week}/", "ftp://x.example/{year}/"])
def test_bad_archive_templates_are_refused(url):
    with pytest.raises(RegistryError):
        ad_hoc_source("bad", "x.example", ["https://x.example/feed"], archives=[{"url": url, "links": "a"}])


def flash(n: int, published: str) -> dict:
    return {
        "url": f"{HOST}/flash/{n}",
        "title": f"Flash {n}: exchange halts withdrawals",
        "time": published,
        "content": f"Flash item {n}. The exchange halted withdrawals for several hours while it moved funds "
        "between wallets, and said customer balances were not affected by the maintenance.",
    }


def test_backfill_pages_through_a_json_api_until_since(clean_db, make_site, replay_server):
    pages = {
        1: [flash(1, "2024-02-10T10:00:00+08:00"), flash(2, "2024-01-30T10:00:00+08:00")],
        2: [flash(3, "2024-01-12T10:00:00+08:00"), flash(4, "2024-01-03T10:00:00+08:00")],
        3: [flash(5, "2023-12-20T10:00:00+08:00")],
    }
    files = {"hist.example/robots.txt": "User-agent: *\nAllow: /\n"}
    manifest = {}
    for n, items in pages.items():
        files[f"hist.example/api/list-{n}.json"] = json.dumps({"data": items})
        manifest[f"hist.example/api/list?page={n}"] = {
            "file": f"hist.example/api/list-{n}.json",
            "content_type": "application/json",
        }
    srv = replay_server(make_site(files, manifest))
    api = {
        "url": f"{HOST}/api/list?page=1",
        "pages": HOST + "/api/list?page={page}",
        "items": "data",
        "link": "url",
        "title": "title",
        "published": "time",
        "body": "content",
    }
    source = ad_hoc_source("hist_api", "hist.example", apis=[api], timezone="Asia/Shanghai")
    window = Window(date(2024, 1, 5), date(2024, 2, 20))
    row = crawl([source], replay_proxy=srv.proxy_url, window=window).per_source["hist_api"]
    assert stored(clean_db) == {"1", "2", "3"} and row["items_skipped"] == 1 and row["status"] == "ok"
    # page 2 dated its last item before `since`: page 3 was not asked for
    assert srv.hits["hist.example/api/list"] == 2
    # without a window (the daily crawl) only the first page is read
    again = crawl([source], replay_proxy=srv.proxy_url).per_source["hist_api"]
    assert srv.hits["hist.example/api/list"] == 3 and again["items_stored"] == 0


@pytest.mark.parametrize(
    "entry",
    [
        {"listings": [{"url": HOST + "/news/", "links": "a", "pages": HOST + "/news/page/2/"}]},  # no {page}
        {"listings": [{"url": HOST + "/news/", "links": "a", "pages": "ftp://x/{page}"}]},
        {
            "apis": [
                {"url": HOST + "/api", "items": "d", "link": "u", "method": "POST", "pages": HOST + "/api?p={page}"}
            ]
        },
    ],
)
def test_bad_page_templates_are_refused(entry):
    with pytest.raises(RegistryError):
        ad_hoc_source("bad", "hist.example", **entry)
