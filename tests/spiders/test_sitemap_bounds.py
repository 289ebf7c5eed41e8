"""Nested sitemaps are bounded (issue 17, item 6): a chain of 150 sitemap indexes was followed to the end
with status ok. Now depth and the number of sitemap requests per run are bounded, and the cuts counted."""

from __future__ import annotations

from chainwatch.runners.crawl import crawl
from tests.faults.conftest import write_site
from tests.spiders.crawl_helpers import ad_hoc_source

HOST = "deep.example"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _index(children: list[str]) -> str:
    entries = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{entries}</sitemapindex>'


def _sitemap_hits(srv) -> int:
    return sum(n for key, n in srv.hits.items() if "/sitemaps/" in key)


def test_a_chain_of_150_sitemap_indexes_is_cut_at_the_depth_bound(clean_db, tmp_path, replay_server):
    files = {f"{HOST}/robots.txt": "User-agent: *\nAllow: /\n"}
    for i in range(150):
        files[f"{HOST}/sitemaps/{i}.xml"] = _index([f"https://{HOST}/sitemaps/{i + 1}.xml"])
    srv = replay_server(write_site(tmp_path / "chain", files))
    source = ad_hoc_source("deepchain", HOST, sitemaps=[f"https://{HOST}/sitemaps/0.xml"])

    row = crawl([source], replay_proxy=srv.proxy_url).per_source["deepchain"]

    assert _sitemap_hits(srv) == 4  # the entry sitemap and 3 nested levels (CHAINWATCH_SITEMAP_MAX_DEPTH)
    assert row["error_counts"] == {"sitemap_too_deep": 1}


def test_sitemap_requests_per_run_are_bounded_and_the_rest_counted(clean_db, tmp_path, replay_server):
    children = [f"https://{HOST}/sitemaps/c{i}.xml" for i in range(30)]
    files = {f"{HOST}/robots.txt": "User-agent: *\nAllow: /\n", f"{HOST}/sitemaps/index.xml": _index(children)}
    files.update({f"{HOST}/sitemaps/c{i}.xml": _index([]) for i in range(30)})
    srv = replay_server(write_site(tmp_path / "wide", files))
    source = ad_hoc_source("widemap", HOST, sitemaps=[f"https://{HOST}/sitemaps/index.xml"])

    row = crawl([source], replay_proxy=srv.proxy_url, settings={"CHAINWATCH_SITEMAP_MAX_REQUESTS": 10})
    counts = row.per_source["widemap"]["error_counts"]

    assert _sitemap_hits(srv) == 11  # the index and 10 children
    assert counts == {"sitemap_limit": 20}
