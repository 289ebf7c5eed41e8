"""`render: true`: a page whose article exists only after its JavaScript runs (the script fetches the
story as JSON and writes it into the page), crawled through the real replay server with Debian's
headless chromium; without rendering the same page is a script shell, counted as js_required."""

import json
import os
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chainwatch.runners.crawl import crawl
from spiders.render import Chromium
from tests.spiders.crawl_helpers import ad_hoc_source, query, rss

STORY = {
    "title": "Central bank pilots a digital currency for cross-border payments",
    "published": "2024-03-05T08:30:00+08:00",
    "paragraphs": [
        "The central bank said on Tuesday it will pilot a digital currency for cross-border trade settlement "
        "with four commercial banks, starting in the second quarter.",
        "Officials said the pilot would test how the currency handles foreign exchange conversion and how "
        "transactions are screened for money laundering before any wider launch.",
    ],
}

SHELL = """<!doctype html><html><head><meta charset="utf-8"><title>Loading…</title></head>
<body><div id="root"></div>
<script>
fetch("/api/story/1.json").then(r => r.json()).then(story => {
  document.title = story.title;
  const meta = document.createElement("meta");
  meta.setAttribute("property", "article:published_time");
  meta.setAttribute("content", story.published);
  document.head.appendChild(meta);
  const article = document.createElement("article");
  const h1 = document.createElement("h1");
  h1.textContent = story.title;
  article.appendChild(h1);
  for (const text of story.paragraphs) {
    const p = document.createElement("p");
    p.textContent = text;
    article.appendChild(p);
  }
  document.getElementById("root").appendChild(article);
});
</script></body></html>"""


def site(make_site):
    return make_site(
        {
            "jsnews.example/robots.txt": "User-agent: *\nAllow: /\n",
            "jsnews.example/feed.xml": rss([("Story", "https://jsnews.example/story/1")]),
            "jsnews.example/story/1": SHELL,
            "jsnews.example/api/story/1.json": json.dumps(STORY),
        }
    )


def source(**extra):
    return ad_hoc_source("jsnews", "jsnews.example", ["https://jsnews.example/feed.xml"], **extra)


@pytest.mark.browser
def test_a_render_source_stores_the_article_its_script_writes(clean_db, make_site, replay_server):
    assert shutil.which("chromium"), "the render test needs Debian's chromium: scripts/ensure-chromium.sh"
    srv = replay_server(site(make_site))
    row = crawl([source(render=True)], replay_proxy=srv.proxy_url).per_source["jsnews"]
    assert (row["status"], row["items_stored"], row["errors"]) == ("ok", 1, 0), row
    [(title, text, day)] = query(clean_db, "SELECT title, text, published_day::text FROM articles")
    assert title == STORY["title"] and STORY["paragraphs"][1] in text and day == "2024-03-05"
    # the page twice (the crawl's fetch, then chromium's) and the story's JSON once, by chromium
    assert srv.hits["jsnews.example/story/1"] == 2 and srv.hits["jsnews.example/api/story/1.json"] == 1


def test_without_rendering_the_page_is_a_script_shell(clean_db, make_site, replay_server):
    srv = replay_server(site(make_site))
    row = crawl([source()], replay_proxy=srv.proxy_url).per_source["jsnews"]
    assert (row["status"], row["items_stored"]) == ("js_required", 0) and row["error_counts"] == {"js_required": 1}
    assert "jsnews.example/api/story/1.json" not in srv.hits


def test_a_browser_that_cannot_start_is_counted_and_the_page_read_as_fetched(clean_db, make_site, replay_server):
    srv = replay_server(site(make_site))
    settings = {"CHAINWATCH_CHROMIUM": "/nonexistent/chromium"}
    row = crawl([source(render=True)], replay_proxy=srv.proxy_url, settings=settings).per_source["jsnews"]
    assert row["error_counts"] == {"render_failed": 1, "js_required": 1} and row["items_stored"] == 0
    assert row["status"] == "js_required"


def test_a_live_page_may_load_only_from_the_sources_hosts():
    live = Chromium("chromium", "ChainWatch/0.1", 5000, ("jsnews.example", "cdn.jsnews.example"), no_sandbox=True)
    cmd = live.command("https://jsnews.example/story/1", "/tmp/profile")
    rules = next(a for a in cmd if a.startswith("--host-resolver-rules="))
    assert rules == (
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE jsnews.example, EXCLUDE *.jsnews.example, "
        "EXCLUDE cdn.jsnews.example, EXCLUDE *.cdn.jsnews.example"
    )
    assert cmd[-1] == "https://jsnews.example/story/1" and "--no-sandbox" in cmd and "--dump-dom" in cmd
    replayed = Chromium("chromium", "ua", 5000, ("jsnews.example",), proxy="http://127.0.0.1:9")
    assert "--proxy-server=http://127.0.0.1:9" in replayed.command("http://jsnews.example/", "/tmp/p")
    assert not any(a.startswith("--host-resolver-rules") for a in replayed.command("http://jsnews.example/", "/tmp/p"))


@pytest.mark.browser
def test_a_live_page_cannot_reach_other_hosts_or_addresses(tmp_path):
    """A page on `localhost` (the source's host) whose script fetches from 127.0.0.1: blocked, although the
    same server answers, because only the source's hosts resolve (IP literals included)."""
    (tmp_path / "data.json").write_text("{}")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    port = server.server_address[1]
    script = (
        f'fetch("http://127.0.0.1:{port}/data.json", {{mode: "no-cors"}})'
        '.then(() => { document.getElementById("o").textContent = "REACHED"; })'
        '.catch(() => { document.getElementById("o").textContent = "BLOCKED"; });'
    )
    (tmp_path / "page.html").write_text(f'<html><body><div id="o">waiting</div><script>{script}</script></body></html>')
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        chromium = Chromium(shutil.which("chromium") or "chromium", "ua", 3000, ("localhost",), os.geteuid() == 0)
        dom = chromium.render(f"http://localhost:{port}/page.html", 60).decode("utf-8")
        assert '<div id="o">BLOCKED</div>' in dom
        unguarded = Chromium(shutil.which("chromium") or "chromium", "ua", 3000, (), os.geteuid() == 0)
        assert '<div id="o">REACHED</div>' in unguarded.render(f"http://localhost:{port}/page.html", 60).decode()
    finally:
        server.shutdown()
        server.server_close()
