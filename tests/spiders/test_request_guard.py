"""SSRF through redirects (issue 17, item 1), against live crawls of real HTTP servers on 127.0.0.1.

An "internal service" listens on a second port and counts every request it gets. The source's own
server answers its feed with 302 to that service, and its sitemap and listing do the same; its feed also
links to the service's port on the source's own host, and redirects one article to another host name.
None of them may reach the service, and each refusal is counted in crawl_runs by kind.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chainwatch.runners.crawl import crawl
from spiders.guard import is_public, url_problem
from tests.faults.conftest import story
from tests.spiders.crawl_helpers import ad_hoc_source, rss

# Live mode (no replay proxy): the address check is what the live crawler runs, except where a test
# turns it off because its "public" site is itself on 127.0.0.1.
LOCAL_SITE = {"CHAINWATCH_ALLOW_PRIVATE_ADDRESSES": True, "DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 0}


class Site:
    """A real HTTP server on 127.0.0.1: path -> (status, headers, body); every request is recorded."""

    def __init__(self, pages: dict[str, tuple[int, dict, bytes]] | None = None):
        self.pages = pages or {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 (http.server naming)
                site.requests.append(self.path)
                status, headers, body = site.pages.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                for k, v in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def sites():
    made: list[Site] = []

    def make(pages=None) -> Site:
        made.append(Site(pages))
        return made[-1]

    yield make
    for s in made:
        s.close()


def _redirect(to: str):
    return (302, {"Location": to}, b"")


def test_redirects_and_links_never_leave_the_sources_hosts_and_ports(clean_db, sites):
    internal = sites({"/latest/meta-data/": (200, {}, b"ami-id\ninstance-id\n")})
    metadata = internal.url("/latest/meta-data/")
    site = sites()
    site.pages.update(
        {
            "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
            "/feed.xml": _redirect(metadata),
            "/sitemap.xml": _redirect(metadata),
            "/news/": _redirect(metadata),
            "/feed2.xml": (
                200,
                {"Content-Type": "application/rss+xml"},
                rss(
                    [
                        ("Good story", site.url("/news/1")),
                        ("Same host, internal port", internal.url("/latest/meta-data/")),
                        ("Redirected to another name", site.url("/news/away")),
                    ]
                ).encode(),
            ),
            "/news/1": (200, {}, story(1, "127.0.0.1").encode()),
            "/news/away": _redirect(internal.url("/latest/meta-data/", host="localhost")),
        }
    )
    source = ad_hoc_source(
        "guarded",
        "127.0.0.1",
        [site.url("/feed.xml"), site.url("/feed2.xml")],
        sitemaps=[site.url("/sitemap.xml")],
        listings=[{"url": site.url("/news/"), "links": "a"}],
    )

    row = crawl([source], settings=LOCAL_SITE).per_source["guarded"]

    assert internal.requests == []  # the internal service was never reached
    assert row["items_stored"] == 1  # the one real article still got through
    assert row["error_counts"] == {"blocked_port": 3}  # feed, sitemap and listing redirects
    assert {"/news/1", "/news/away"} <= set(site.requests)  # (Scrapy's offsite filter drops the last redirect)


def test_live_crawl_refuses_hosts_that_resolve_to_internal_addresses(clean_db, sites):
    site = sites({"/feed.xml": (200, {}, rss([("x", "http://localhost/x")]).encode())})
    source = ad_hoc_source("loopback", "localhost", [site.url("/feed.xml", host="localhost")])

    row = crawl([source], settings={"DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 0}).per_source["loopback"]

    assert site.requests == []  # not even robots.txt
    assert row["status"] == "failed"
    assert row["error_counts"] == {"blocked_address": 1}


@pytest.mark.parametrize(
    "address,public",
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
        ("93.184.216.34", True),
        ("2606:4700::6810:84e5", True),
    ],
)
def test_address_classes(address, public):
    assert is_public(address) is public


@pytest.mark.parametrize(
    "url,kind",
    [
        ("https://news.example/a", None),
        ("http://www.news.example:443/a", None),
        ("https://news.example:8443/a", "blocked_port"),
        ("https://news.example:9200/a", None),  # declared in the entry
        ("https://news.example.evil.test/a", "offsite"),
        ("https://evilnews.example/a", "offsite"),
        ("file:///etc/passwd", "blocked_scheme"),
        ("gopher://news.example/", "blocked_scheme"),
        ("https://news.example:99999/", "bad_link"),
    ],
)
def test_url_rules(url, kind):
    problem = url_problem(url, ("news.example",), (9200,))
    assert (problem[0] if problem else None) == kind
