"""Bot walls and script-only pages: detected on real and made pages, counted as blocked / js_required
in crawl_runs (never ok), and sources quiet two runs in a row flagged by source_health."""

from pathlib import Path

import pytest

from chainwatch.runners.crawl import crawl
from spiders.registry import load_sources
from spiders.tools.fixtures import load_record, site_dir
from spiders.walls import BLOCKED, JS_REQUIRED, detect_wall
from tests.spiders.crawl_helpers import SHARED_DATA, ad_hoc_source, article_html, query, rss

WALLS = Path(__file__).resolve().parents[1] / "fixtures" / "spiders" / "walls"
FAST = {"RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 2}
HTML = {"Content-Type": "text/html; charset=UTF-8"}
# The SFC's news pages as fetched without a browser (yaukitdev1-cpu/sfc-research, notes/
# 20260217_news_phase1_reconnaissance.md): a React mount point, a notice and the bundle.
SPA_SHELL = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SFC</title>'
    b'<link href="/edistributionWeb/static/css/main.css" rel="stylesheet"></head><body>'
    b'<noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>'
    b'<script src="/edistributionWeb/static/js/main.d006c9f9.chunk.js"></script></body></html>'
)
# Made from the vendors' markers (synthetic): PBoC-style WZWS check, Akamai denial, login and consent walls.
WZWS = (
    b'<html><head><meta charset="utf-8"><script type="text/javascript">var wzwschallenge="RANDOMSTR";'
    b'var wzwschallengex="STRRANDOM";</script></head><body></body></html>'
)
AKAMAI = (
    b"<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>You don't have permission "
    b"to access this server.<P>Reference&#32;&#35;18&#46;2b4e1602&#46;1700000000&#46;abc"
    b"<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;2b4e1602</P></BODY></HTML>"
)
LOGIN = (
    b'<html><head><title>Sign in</title></head><body><h1>Sign in to continue reading</h1>'
    b'<form action="/login" method="post"><input name="email"><input type="password" name="pw">'
    b'<button>Log in</button></form></body></html>'
)
CONSENT = (
    b'<html><head><title>Before you continue</title></head><body><form action="https://consent.yahoo.com/v2/'
    b'collectConsent"><p>We use cookies.</p><button>Accept all</button></form></body></html>'
)


def test_a_real_cloudflare_challenge_is_blocked_whatever_the_status():
    page = (WALLS / "cloudflare_managed_challenge.html").read_bytes()
    for status in (200, 403, 503):
        assert detect_wall(status, HTML, page).kind == BLOCKED
    assert detect_wall(403, HTML, page).reason == "cloudflare_challenge"


def test_cf_mitigated_header_marks_any_answer_blocked():
    assert detect_wall(200, {"cf-mitigated": "challenge", "Content-Type": "application/json"}, b"{}").kind == BLOCKED


@pytest.mark.parametrize(
    "body, kind, reason",
    [
        (SPA_SHELL, JS_REQUIRED, "javascript_notice"),
        (
            b'<html><head><script src="/app.js"></script></head><body><div id="app"></div></body></html>',
            JS_REQUIRED,
            "script_shell",
        ),
        (WZWS, BLOCKED, "wzws_challenge"),
        (AKAMAI, BLOCKED, "akamai"),
        (LOGIN, BLOCKED, "login_wall"),
        (CONSENT, BLOCKED, "consent_wall"),
    ],
)
def test_walls_and_shells_are_told_apart(body, kind, reason):
    wall = detect_wall(200, HTML, body)
    assert (wall.kind, wall.reason) == (kind, reason)


def test_feeds_json_and_short_real_pages_are_not_walls():
    assert (
        detect_wall(200, {"Content-Type": "application/rss+xml"}, rss([("a", "https://x.example/a")]).encode()) is None
    )
    assert detect_wall(200, {"Content-Type": "application/json"}, b'{"data": {"list": []}}') is None
    assert detect_wall(404, HTML, b"<html><body><h1>Not Found</h1><p>The page is gone.</p></body></html>") is None
    flash = "<p>" + "比特币现货ETF本周净流入超过十亿美元，多家机构增持。" * 4 + "</p>"  # a 快讯 page is short
    page = f"<html><head><script src='/a.js'></script></head><body><h1>快讯</h1>{flash}</body></html>"
    assert detect_wall(200, HTML, page.encode()) is None


def test_no_saved_real_or_fixture_page_is_taken_for_a_wall():
    pages = [
        site_dir() / p["file"]
        for s in load_sources()
        for p in load_record(s.id)["pages"]
        if p["role"] in ("article", "listing")
    ]
    pages += sorted((SHARED_DATA / "html").rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        assert detect_wall(200, HTML, path.read_bytes()) is None, path


def test_walled_sources_end_blocked_or_js_required_never_ok(clean_db, make_site, replay_server):
    challenge = (WALLS / "cloudflare_managed_challenge.html").read_bytes()
    root = make_site(
        {
            "walled.example/robots.txt": "User-agent: *\nAllow: /\n",
            "walled.example/news": challenge,
            "shell.example/robots.txt": "User-agent: *\nAllow: /\n",
            "shell.example/news": SPA_SHELL,
            "mixed.example/robots.txt": "User-agent: *\nAllow: /\n",
            "mixed.example/feed.xml": rss(
                [("Open", "https://mixed.example/a/1"), ("Walled", "https://mixed.example/a/2")]
            ),
            "mixed.example/a/1": article_html(
                "An open story about exchange rules", ["Exchanges must now screen clients."] * 3
            ),
            "mixed.example/a/2": WZWS,
        },
        manifest={
            "walled.example/news": {
                "status": 403,
                "content_type": "text/html; charset=UTF-8",
                "headers": {"Server": "cloudflare", "cf-mitigated": "challenge"},
            }
        },
    )
    srv = replay_server(root)
    walled = ad_hoc_source("walled", "walled.example", listings=[{"url": "https://walled.example/news", "links": "a"}])
    shell = ad_hoc_source("shell", "shell.example", listings=[{"url": "https://shell.example/news", "links": "a"}])
    mixed = ad_hoc_source("mixed", "mixed.example", ["https://mixed.example/feed.xml"])
    rows = crawl([walled, shell, mixed], replay_proxy=srv.proxy_url, settings=FAST).per_source
    assert (rows["walled"]["status"], rows["walled"]["error_counts"]) == ("blocked", {"blocked": 1})
    assert (rows["shell"]["status"], rows["shell"]["error_counts"]) == ("js_required", {"js_required": 1})
    assert "bot wall" in rows["walled"]["note"]
    assert rows["mixed"]["status"] == "degraded" and rows["mixed"]["error_counts"] == {"blocked": 1}
    assert rows["mixed"]["items_stored"] == 1
    health = dict(query(clean_db, "SELECT source_id, health FROM source_health"))
    assert (health["walled"], health["shell"]) == ("blocked", "js_required")


def test_a_source_quiet_two_runs_in_a_row_is_flagged_no_items(clean_db, make_site, replay_server):
    root = make_site({"quiet.example/robots.txt": "User-agent: *\nAllow: /\n", "quiet.example/feed.xml": rss([])})
    srv = replay_server(root)
    quiet = ad_hoc_source("quiet", "quiet.example", ["https://quiet.example/feed.xml"])
    first = crawl([quiet], replay_proxy=srv.proxy_url, settings=FAST).per_source["quiet"]
    assert first["status"] == "ok"
    health = lambda: query(clean_db, "SELECT health FROM source_health WHERE source_id = 'quiet'")[0][0]  # noqa: E731
    assert health() == "quiet"  # one quiet run can be a slow day: shown, not alerted
    crawl([quiet], replay_proxy=srv.proxy_url, settings=FAST)
    assert health() == "no_items"  # two in a row is a source that stopped delivering
