"""The publisher's own day, end to end: a page dated 2020-02-15T07:00+09:00 (UTC's 14th) is the 15th
in the articles table, in the digest's story links and HTML, in `chainwatch search`, and in the web app's
lists, article page and API."""

from datetime import UTC, date, datetime

import httpx

from chainwatch.cli.search import render_table
from chainwatch.digests.fetch import story_links
from chainwatch.digests.model import StoryLink
from chainwatch.digests.render import day
from chainwatch.search import search
from chainwatch.storage.articles import upsert_articles
from chainwatch.storage.sources import sync_sources
from spiders.extract import extract
from tests.spiders.crawl_helpers import ad_hoc_source, article_html
from tests.web.conftest import Server

PARAGRAPHS = [
    "Japan's Financial Services Agency told registered crypto exchanges on Saturday to report their cold "
    "wallet holdings every week, after an audit of custody practices found gaps at two operators.",
    "The agency said the weekly reports start next month and cover every token the exchanges hold for "
    "customers, with penalties for exchanges that fail to file on time.",
]


def store_tokyo_page(db_cursor, published: str, url: str):
    """A Tokyo outlet's page dated `published`, extracted and stored (also used by the web's test)."""
    source = ad_hoc_source("tokyo_wire", "tokyo.example", ["https://tokyo.example/feed"], timezone="Asia/Tokyo")
    sync_sources(db_cursor, [source])
    article = extract(article_html("FSA orders weekly custody reports", PARAGRAPHS, published), url, source=source)
    assert article, article
    return article, upsert_articles(db_cursor, [article])


def test_the_publishers_day_is_stored_and_shown(clean_db, db_cursor):
    article, result = store_tokyo_page(db_cursor, "2020-02-15T07:00+09:00", "https://tokyo.example/news/fsa-custody")
    assert result.inserted == 1
    assert (article.published, article.published_day) == (datetime(2020, 2, 14, 22, 0, tzinfo=UTC), date(2020, 2, 15))

    db_cursor.execute("SELECT id, story_id, published_at, published_day FROM articles")
    article_id, story_id, published_at, published_day = db_cursor.fetchone()
    assert published_at == datetime(2020, 2, 14, 22, 0, tzinfo=UTC) and published_day == date(2020, 2, 15)

    # the digest's story links (sql/digests/story_links.sql over digest_articles) and their rendering
    [link] = story_links(db_cursor, [story_id or article_id])[story_id or article_id]
    assert link.published_day == date(2020, 2, 15) and day(link.published_day) == "15 Feb"

    # search: the JSON field and the table's date column
    [hit] = search("custody", database_url=clean_db)
    assert hit.day == date(2020, 2, 15) and hit.to_dict()["published_day"] == "2020-02-15"
    assert "2020-02-15" in render_table([hit]) and "2020-02-14" not in render_table([hit])

    # storing the same page again writes nothing
    assert upsert_articles(db_cursor, [article]).unchanged == 1


def test_a_row_without_a_day_falls_back_to_utc(clean_db, db_cursor):
    store_tokyo_page(db_cursor, "2020-02-15T07:00+09:00", "https://tokyo.example/news/older-row")
    db_cursor.execute("UPDATE articles SET published_day = NULL RETURNING coalesce(story_id, id)")
    (story,) = db_cursor.fetchone()
    [link] = story_links(db_cursor, [story])[story]
    assert link == StoryLink(link.article_id, "tokyo_wire", "tokyo_wire", link.title, link.url, date(2020, 2, 14))


def test_the_web_app_shows_the_publishers_day(clean_db, db_cursor):
    store_tokyo_page(db_cursor, "2020-02-15T07:00+09:00", "https://tokyo.example/news/fsa-custody")
    db_cursor.execute("SELECT id FROM articles")
    (article_id,) = db_cursor.fetchone()
    server = Server(clean_db).wait()
    try:
        with httpx.Client(base_url=server.base, timeout=60) as web:
            [item] = web.get("/api/v1/articles").json()["articles"]
            assert (item["published_day"], item["published_at"]) == ("2020-02-15", "2020-02-14T22:00:00Z")
            assert web.get(f"/api/v1/articles/{article_id}").json()["published_day"] == "2020-02-15"
            [hit] = web.get("/api/v1/articles", params={"q": "custody"}).json()["articles"]
            assert hit["published_day"] == "2020-02-15"
            [exported] = web.get("/search/export.json", params={"q": "custody"}).json()["articles"]
            assert exported["published_day"] == "2020-02-15"
            listing = web.get("/search").text
            assert "<span>2020-02-15</span>" in listing and "2020-02-14" not in listing
            page = web.get(f"/articles/{article_id}").text
            assert "<dd>2020-02-15 <span" in page and "(2020-02-14 22:00 UTC)" in page
    finally:
        server.stop()
