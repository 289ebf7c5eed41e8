"""Crawl behaviour through the real replay server and database: politeness, bad input, re-runs, dedup."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from chainwatch import db
from chainwatch.errors import DatabaseUnavailable
from chainwatch.runners.crawl import crawl
from chainwatch.storage.sources import sync_sources
from tests.spiders.crawl_helpers import SHARED_DATA, ad_hoc_source, article_html, query, rss

FAST = {"RETRY_TIMES": 1, "RETRY_BACKOFF_BASE": 0.05, "DOWNLOAD_TIMEOUT": 1}
PARAGRAPHS = [
    "Regulators in several countries are reviewing how exchanges screen customers for money laundering.",
    "The review follows a series of enforcement actions against trading platforms this year.",
]


def page(title, extra=""):
    return article_html(title, PARAGRAPHS + ([extra] if extra else []))


def test_robots_txt_is_obeyed_through_the_replay(clean_db, make_site, replay_server):
    root = make_site(
        {
            "polite.example/robots.txt": "User-agent: *\nDisallow: /private/\n",
            "polite.example/feed.xml": rss(
                [("Public", "https://polite.example/public/ok"), ("Secret", "https://polite.example/private/secret")]
            ),
            "polite.example/public/ok": page("Public story"),
            "polite.example/private/secret": page("Secret story"),
            # a site that shuts out every crawler but ours, except for one folder: the group for our
            # User-Agent token applies, not the catch-all one
            "named.example/robots.txt": "User-agent: *\nDisallow: /\n\nUser-agent: ChainWatch\nDisallow: /cw-excluded/\n",
            "named.example/feed.xml": rss(
                [("Allowed", "https://named.example/news/1"), ("Not for us", "https://named.example/cw-excluded/x")]
            ),
            "named.example/news/1": page("Allowed story"),
            "named.example/cw-excluded/x": page("Excluded story"),
        }
    )
    srv = replay_server(root)
    polite = ad_hoc_source("polite", "polite.example", ["https://polite.example/feed.xml"])
    named = ad_hoc_source("named", "named.example", ["https://named.example/feed.xml"])
    rows = crawl([polite, named], replay_proxy=srv.proxy_url).per_source
    assert srv.hits.get("polite.example/robots.txt") == 1 and srv.hits.get("named.example/robots.txt") == 1
    assert "polite.example/private/secret" not in srv.hits and "named.example/cw-excluded/x" not in srv.hits
    for row in rows.values():
        assert row["error_counts"] == {"robots_disallowed": 1} and row["errors"] == 0
        assert (row["status"], row["items_stored"]) == ("ok", 1)
    assert sorted(query(clean_db, "SELECT canonical_url FROM articles")) == [
        ("https://named.example/news/1",),
        ("https://polite.example/public/ok",),
    ]


def test_bad_input_is_counted_never_fatal(clean_db, make_site, replay_server):
    rss_items = rss([("One", "https://bad.example/articles/ok-1"), ("Two", "https://bad.example/articles/x")])
    zh_text = "比特币交易平台被要求停止人民币交易业务，监管部门约谈多家交易所负责人。" * 4
    zh_page = (
        f"<html><head><meta charset='utf-8'><title>监管约谈交易所</title></head><body><article>"
        f"<h1>监管约谈交易所</h1><p>{zh_text}</p></article></body></html>"
    )
    links = ["ok-2", "gbk", "mixed", "huge", "missing", "broken", "busy", "slow", "empty", "report.pdf"]
    root = make_site(
        {
            "bad.example/robots.txt": "User-agent: *\nAllow: /\n",
            "bad.example/truncated.xml": rss_items[: rss_items.index("<item>", rss_items.index("ok-1")) + 12],
            "bad.example/html-feed.xml": "<!DOCTYPE html><html><body><h1>Our feed has moved</h1></body></html>",
            "bad.example/bomb.xml": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            "<rss><channel><item><title>&b;</title><link>https://bad.example/articles/ok-2</link>"
            "</item></channel></rss>",
            "bad.example/main.xml": rss([(name, f"https://bad.example/articles/{name}") for name in links]),
            "bad.example/articles/ok-1": page("First good story"),
            "bad.example/articles/ok-2": page("Second good story"),
            "bad.example/articles/gbk": zh_page.encode("gbk"),
            "bad.example/articles/mixed": page("Mixed bytes", "The Task Force’s chair was quoted @@ like this’")
            .encode("utf-8")
            .replace(b"@@", b"\x93"),
            "bad.example/articles/huge": page("Huge", "x" * 150_000),
            "bad.example/articles/broken": page("Broken"),
            "bad.example/articles/busy": page("Busy"),
            "bad.example/articles/empty": b"",
            "bad.example/articles/report.pdf": b"%PDF-1.4 not really",
        },
        manifest={
            "bad.example/articles/gbk": {"content_type": "text/html; charset=utf-8"},
            "bad.example/articles/broken": {"status": 500},
            "bad.example/articles/busy": {"status": 429, "headers": {"Retry-After": "0"}},
            "bad.example/articles/empty": {"content_type": "text/html; charset=utf-8"},
            "bad.example/articles/report.pdf": {"content_type": "application/pdf"},
        },
    )

    def slow(handler):  # never answers within DOWNLOAD_TIMEOUT
        time.sleep(2.5)
        return True

    srv = replay_server(root, faults={"bad.example/articles/slow": slow})
    source = ad_hoc_source(
        "bad",
        "bad.example",
        [f"https://bad.example/{f}" for f in ("truncated.xml", "html-feed.xml", "bomb.xml", "main.xml")],
    )
    summary = crawl([source], replay_proxy=srv.proxy_url, settings={**FAST, "DOWNLOAD_MAXSIZE": 100_000})
    row = summary.per_source["bad"]
    assert row["error_counts"] == {
        "bad_xml": 1,
        "not_a_feed": 1,
        "xml_entities": 1,  # feeds
        "bad_encoding": 1,
        "mixed_encoding": 1,  # repaired, stored, counted
        "too_large": 1,
        "http_404": 1,
        "http_500": 1,
        "http_429": 1,
        "timeout": 1,
        "empty_page": 1,
        "not_html": 1,
    }
    assert row["errors"] == 12 and row["status"] in ("ok", "degraded") and row["finished_at"]
    assert srv.hits["bad.example/articles/broken"] == 2 and srv.hits["bad.example/articles/busy"] == 2  # retried once
    stored = dict(query(clean_db, "SELECT canonical_url, title FROM articles"))
    assert stored == {
        "https://bad.example/articles/ok-1": "First good story",
        "https://bad.example/articles/ok-2": "Second good story",
        "https://bad.example/articles/gbk": "监管约谈交易所",
        "https://bad.example/articles/mixed": "Mixed bytes",
    }
    text = query(clean_db, "SELECT text FROM articles WHERE canonical_url LIKE %s", ("%mixed",))[0][0]
    assert "Task Force’s chair was quoted “ like this’" in text


def test_refetch_fetches_again_and_updates_only_changed_pages(clean_db, make_site, replay_server):
    root = make_site(
        {
            "re.example/robots.txt": "User-agent: *\nAllow: /\n",
            "re.example/feed.xml": rss([("A", "https://re.example/a"), ("B", "https://re.example/b")]),
            "re.example/a": page("Story A"),
            "re.example/b": page("Story B"),
        }
    )
    srv = replay_server(root)
    source = ad_hoc_source("re", "re.example", ["https://re.example/feed.xml"])
    first = crawl([source], replay_proxy=srv.proxy_url).per_source["re"]
    again = crawl([source], replay_proxy=srv.proxy_url).per_source["re"]
    assert (first["items_stored"], again["items_stored"], again["items_skipped"]) == (2, 0, 2)
    assert srv.hits["re.example/a"] == 1  # incremental: not fetched again
    (root / "re.example/b").write_text(page("Story B", "A correction was added to this story later."))
    refetched = crawl([source], replay_proxy=srv.proxy_url, refetch=True).per_source["re"]
    assert srv.hits["re.example/a"] == 2 and srv.hits["re.example/b"] == 2
    assert (refetched["items_stored"], refetched["items_skipped"]) == (1, 1)  # b updated, a unchanged
    texts = dict(query(clean_db, "SELECT canonical_url, text FROM articles"))
    assert len(texts) == 2 and "correction" in texts["https://re.example/b"]
    assert "correction" not in texts["https://re.example/a"]


def test_syndicated_story_shares_one_story_id_across_sources_and_runs(clean_db, make_site, replay_server):
    body = json.loads(
        (
            SHARED_DATA / "news/SahandNZ__cryptonews-articles-with-price-momentum-labels/data/"
            "textual/cryptonews/news.json"
        ).read_text(encoding="utf-8")
    )[0]["paragraphs"][:8]
    other = [
        "Ethereum developers scheduled the next network upgrade for the autumn after a final test run.",
        "Client teams said the test network ran without incident for two weeks before the decision.",
    ]
    files = {
        f"{h}/robots.txt": "User-agent: *\nAllow: /\n" for h in ("wire-a.example", "wire-b.example", "wire-c.example")
    }
    files.update(
        {
            "wire-a.example/feed.xml": rss(
                [("Ammous joins El Salvador", "https://wire-a.example/1"), ("Upgrade date", "https://wire-a.example/2")]
            ),
            "wire-a.example/1": article_html("Bitcoin Standard author to advise El Salvador", body),
            "wire-a.example/2": article_html("Ethereum upgrade scheduled", other),
            "wire-b.example/feed.xml": rss([("Syndicated", "https://wire-b.example/copy")]),
            "wire-b.example/copy": article_html(
                "El Salvador hires Saifedean Ammous", body + ["Reporting by our desk."]
            ),
            "wire-c.example/feed.xml": rss([("Late copy", "https://wire-c.example/late")]),
            "wire-c.example/late": article_html("Ammous to advise Bukele", body[:7]),
        }
    )
    srv = replay_server(make_site(files))
    wire_a = ad_hoc_source("wire_a", "wire-a.example", ["https://wire-a.example/feed.xml"])
    wire_b = ad_hoc_source("wire_b", "wire-b.example", ["https://wire-b.example/feed.xml"])
    wire_c = ad_hoc_source("wire_c", "wire-c.example", ["https://wire-c.example/feed.xml"])
    crawl([wire_a, wire_b], replay_proxy=srv.proxy_url)
    crawl([wire_c], replay_proxy=srv.proxy_url)  # a later run: index loaded from the DB
    rows = {url: (i, story) for url, i, story in query(clean_db, "SELECT canonical_url, id, story_id FROM articles")}
    copies = [
        rows[u] for u in ("https://wire-a.example/1", "https://wire-b.example/copy", "https://wire-c.example/late")
    ]
    first_id = min(i for i, _ in copies)
    assert {story for _, story in copies} == {first_id}  # story id = id of the cluster's first article
    unrelated_id, unrelated_story = rows["https://wire-a.example/2"]
    assert unrelated_story == unrelated_id
    stories = query(clean_db, "SELECT articles, sources FROM stories WHERE story_id = %s", (first_id,))
    assert stories == [(3, 3)]


def test_database_unavailable_is_raised_before_crawling(make_site, replay_server):
    srv = replay_server(make_site({"x.example/feed.xml": rss([])}))
    with pytest.raises(DatabaseUnavailable) as err:
        crawl(["cointelegraph"], replay_proxy=srv.proxy_url, database_url="postgresql://postgres@127.0.0.1:1/nope")
    assert "\n" not in str(err.value) and "127.0.0.1:1" in str(err.value)
    assert srv.hits == {}


def test_interrupted_crawl_is_marked_and_can_be_rerun(clean_db, make_site, replay_server, tmp_path):
    root = make_site(
        {
            "slow.example/robots.txt": "User-agent: *\nAllow: /\n",
            "slow.example/feed.xml": rss(
                [
                    ("A", "https://slow.example/a"),
                    ("B", "https://slow.example/b"),
                    ("Stuck", "https://slow.example/stuck"),
                ]
            ),
            "slow.example/a": page("Story A"),
            "slow.example/b": page("Story B"),
            "slow.example/stuck": page("Stuck"),
        }
    )
    stuck = {"on": True}

    def hang(handler):
        while stuck["on"]:
            time.sleep(0.1)
        return False  # then serve the file normally

    srv = replay_server(root, faults={"slow.example/stuck": hang})
    source = ad_hoc_source("slow", "slow.example", ["https://slow.example/feed.xml"])
    with db.transaction(clean_db) as cur:  # crawl() does this; here the child is started by hand
        sync_sources(cur, [source])
    sources_file = tmp_path / "sources.json"
    sources_file.write_text(json.dumps([source.to_dict()]))
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "spiders.run",
            "--run-id",
            "run-int",
            "--sources-file",
            str(sources_file),
            "--replay-proxy",
            srv.proxy_url,
        ],
        env={**os.environ, "DATABASE_URL": clean_db},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not (
        srv.hits.get("slow.example/stuck") and srv.hits.get("slow.example/a") and srv.hits.get("slow.example/b")
    ):
        assert time.monotonic() < deadline and child.poll() is None
        time.sleep(0.1)
    child.send_signal(signal.SIGINT)  # what Ctrl-C or an Airflow task kill sends
    stuck["on"] = False
    child.wait(timeout=60)
    (status,) = query(clean_db, "SELECT status FROM crawl_runs WHERE run_id = 'run-int'")[0]
    assert status == "interrupted"
    stored_before = query(clean_db, "SELECT count(*) FROM articles")[0][0]
    rerun = crawl([source], run_id="run-int", replay_proxy=srv.proxy_url).per_source["slow"]
    assert rerun["status"] == "ok"
    assert rerun["items_stored"] == 3 - stored_before and rerun["items_skipped"] == stored_before
    assert query(clean_db, "SELECT count(*) FROM articles")[0][0] == 3
    assert query(clean_db, "SELECT count(*) FROM crawl_runs WHERE run_id = 'run-int'")[0][0] == 1
