"""The crawl-area commands, through Typer's CliRunner against the real database and replay server."""

import json

import yaml
from typer.testing import CliRunner

from chainwatch.cli import app
from spiders.registry import Source, load_sources
from tests.spiders.crawl_helpers import SHARED_DATA, query, rss

runner = CliRunner()
PAGE = SHARED_DATA / "html/thewebscraping__llm-scraper/extracted/cryptoslate.com.html"
URL = "https://cryptoslate.com/70-of-top-bitcoin-miners-are-already-using-ai-income-to-survive-bear-market/"


def test_extract_prints_what_would_be_stored():
    result = runner.invoke(app, ["extract", str(PAGE), "--url", URL])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "70% of top Bitcoin miners are already using AI income to survive bear market"
    assert data["published"] == "2025-11-08T20:30:53+00:00" and data["lang"] == "en"
    assert data["canonical_url"] == URL and len(data["content_hash"]) == 64 and len(data["text"]) > 1000


def test_extract_reports_a_page_without_article(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>")
    result = runner.invoke(app, ["extract", str(empty), "--url", "https://x.example/"])
    assert result.exit_code == 1 and json.loads(result.output)["error"] == "no_title"


def test_sources_list_shows_every_source():
    result = runner.invoke(app, ["sources", "list"])
    assert result.exit_code == 0
    for source in load_sources():
        assert source.id in result.output
    assert f"{len(load_sources())} source(s)" in result.output


def test_crawl_command_then_sources_status(clean_db, make_site, replay_server):
    # the CLI crawls registry ids, so this uses the committed fixtures of one registered source
    from spiders.tools.fixtures import site_dir

    srv = replay_server(site_dir())
    result = runner.invoke(app, ["crawl", "--source", "cryptopotato", "--replay-proxy", srv.proxy_url])
    assert result.exit_code == 0, result.output
    assert "1 source(s)" in result.output and "2 stored" in result.output and "0 errors" in result.output
    assert query(clean_db, "SELECT count(*) FROM articles WHERE source_id = 'cryptopotato'")[0][0] == 2
    status = runner.invoke(app, ["sources", "status"])
    assert status.exit_code == 0, status.output
    lines = {line.split()[0]: line for line in status.output.splitlines()[2:] if line.strip()}
    assert lines["cryptopotato"].split()[1] == "ok"
    assert lines["cointelegraph"].split()[1] == "never_run"
    assert "flagged: none" in status.output


def test_sources_status_flags_a_failing_source(clean_db, make_site, replay_server):
    from chainwatch.runners.crawl import crawl
    from tests.spiders.crawl_helpers import ad_hoc_source

    srv = replay_server(
        make_site({"down.example/robots.txt": "", "ok.example/robots.txt": "", "ok.example/feed.xml": rss([])})
    )
    crawl(
        [
            ad_hoc_source("down", "down.example", ["https://down.example/feed.xml"]),
            ad_hoc_source("quiet", "ok.example", ["https://ok.example/feed.xml"]),
        ],
        replay_proxy=srv.proxy_url,
        settings={"RETRY_TIMES": 0},
    )
    status = runner.invoke(app, ["sources", "status"])
    lines = {line.split()[0]: line.split() for line in status.output.splitlines()[2:] if line.strip()}
    assert lines["down"][1:3] == ["failing", "failed"] and "http_404=1" in status.output
    assert lines["quiet"][1] == "quiet"  # no_items after a second quiet run
    assert "flagged: down, quiet" in status.output


def test_spider_new_writes_entry_and_fixture_skeleton(tmp_path):
    result = runner.invoke(
        app,
        [
            "spider",
            "new",
            "The Daily Hodl",
            "--feed",
            "https://dailyhodl.com/feed/",
            "--evidence",
            "https://dailyhodl.com/ links its RSS feed (publisher)",
            "--sources-dir",
            str(tmp_path / "sources"),
            "--fixtures-dir",
            str(tmp_path / "fx"),
        ],
    )
    assert result.exit_code == 0, result.output
    entry = yaml.safe_load((tmp_path / "sources" / "the_daily_hodl.yaml").read_text())
    source = Source.from_dict(entry)
    assert (source.id, source.domain, source.feeds, source.lang, source.verified) == (
        "the_daily_hodl",
        "dailyhodl.com",
        ("https://dailyhodl.com/feed/",),
        "en",
        False,
    )
    assert source.evidence.startswith("https://dailyhodl.com/")
    assert json.loads((tmp_path / "fx" / "sources" / "the_daily_hodl.json").read_text()) == {
        "pages": [],
        "expected": [],
    }
    assert "record_fixture the_daily_hodl" in result.output
    again = runner.invoke(
        app,
        [
            "spider",
            "new",
            "The Daily Hodl",
            "--feed",
            "https://dailyhodl.com/feed/",
            "--evidence",
            "https://dailyhodl.com/ links its RSS feed (publisher)",
            "--sources-dir",
            str(tmp_path / "sources"),
            "--fixtures-dir",
            str(tmp_path / "fx"),
        ],
    )
    assert again.exit_code != 0 and "already exists" in str(again.exception)
