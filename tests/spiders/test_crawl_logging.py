"""The Scrapy child's log levels survive the hop to the parent (issue 17, item 14): in Airflow a task's raw
stderr is filed as errors, so the child's WARNING lines showed up as `error`. Where logging is set up they
are logged again at their own level; a real crawl's 404 is a warning, not an error."""

from __future__ import annotations

import logging

from chainwatch.runners.crawl import crawl
from tests.faults.conftest import news_site, write_site
from tests.spiders.crawl_helpers import ad_hoc_source, rss

HOST = "levels.example"


def test_child_warnings_arrive_as_warnings(clean_db, tmp_path, replay_server, caplog):
    files = news_site(HOST, 2)
    files[f"{HOST}/feed.xml"] = rss([("One", f"https://{HOST}/news/0"), ("Gone", f"https://{HOST}/news/missing")])
    srv = replay_server(write_site(tmp_path / "site", files))
    caplog.set_level(logging.INFO, logger="chainwatch.crawl.child")

    row = crawl([ad_hoc_source("levels", HOST, [f"https://{HOST}/feed.xml"])], replay_proxy=srv.proxy_url)

    assert row.per_source["levels"]["error_counts"] == {"http_404": 1}
    relayed = [r for r in caplog.records if r.name == "chainwatch.crawl.child" and "http_404" in r.getMessage()]
    assert [r.levelname for r in relayed] == ["WARNING"]
    assert not [r for r in caplog.records if r.name == "chainwatch.crawl.child" and r.levelno >= logging.ERROR]
