"""chainwatch.storage.{sources,articles,crawl_runs} against the real database."""

from datetime import UTC, datetime, timedelta

from chainwatch.contracts import Article
from chainwatch.storage.articles import stored_urls, upsert_articles
from chainwatch.storage.crawl_runs import RunStats, close_unfinished, runs_for, save_run, start_run
from chainwatch.storage.health import current as source_health
from chainwatch.storage.sources import sync_sources
from chainwatch.storage.stories import StoryIndex, signature
from spiders.extract import content_hash
from spiders.registry import load_sources
from tests.spiders.crawl_helpers import ad_hoc_source

T0 = datetime(2022, 7, 5, 4, 0, tzinfo=UTC)
BODY = (
    "The Commodity Futures Trading Commission charged a South African national with running the largest "
    "fraudulent scheme involving bitcoin in a case the regulator brought on Thursday. The defendants "
    "accepted at least 29,421 bitcoin from more than 23,000 US persons through a commodity pool."
)


def art(url, source="wire_a", title="CFTC brings fraud case", text=BODY, published=T0, lang="en"):
    return Article(
        url=url,
        canonical_url=url,
        source=source,
        title=title,
        text=text,
        published=published,
        lang=lang,
        content_hash=content_hash(title, text),
        fetched_at=T0,
        lead=text[:80],
    )


def seed_sources(cur):
    sync_sources(
        cur,
        [
            ad_hoc_source("wire_a", "a.example", ["https://a.example/f"]),
            ad_hoc_source("wire_b", "b.example", ["https://b.example/f"]),
        ],
    )


def test_sync_sources_is_idempotent(clean_db, db_cursor):
    sources = load_sources()
    assert sync_sources(db_cursor, sources) == len(sources)
    assert sync_sources(db_cursor, sources) == 0
    db_cursor.execute("SELECT count(*), count(*) FILTER (WHERE category = 'official') FROM sources")
    total, official = db_cursor.fetchone()
    assert total == len(sources) and official >= 6
    health = {r["source_id"]: r["health"] for r in source_health(db_cursor)}
    assert health["cointelegraph"] == "never_run"


def test_upsert_counts_inserted_updated_unchanged(clean_db, db_cursor):
    seed_sources(db_cursor)
    first = [
        art("https://a.example/1"),
        art("https://a.example/2", title="Other", text="Completely different words " * 9),
    ]
    assert upsert_articles(db_cursor, first) == (2, 0, 0)
    assert upsert_articles(db_cursor, first) == (0, 0, 2)  # re-running writes nothing
    changed = [art("https://a.example/1", text=BODY + " The case was filed in Texas."), first[1]]
    assert upsert_articles(db_cursor, changed) == (0, 1, 1)
    assert upsert_articles(db_cursor, [first[1], first[1]]) == (0, 0, 2)  # a URL twice in a batch
    db_cursor.execute("SELECT count(*) FROM articles")
    assert db_cursor.fetchone()[0] == 2
    assert stored_urls(db_cursor, "wire_a") == {"https://a.example/1", "https://a.example/2"}


def test_syndicated_copies_share_the_first_articles_story(clean_db, db_cursor):
    seed_sources(db_cursor)
    upsert_articles(db_cursor, [art("https://a.example/1")])
    # the same story, re-edited slightly and carried by another source, in a later call (index from the DB)
    copy = art(
        "https://b.example/x",
        source="wire_b",
        title="CFTC charges South African over bitcoin pool",
        text=BODY + " Read more on our website.",
        published=T0 + timedelta(hours=5),
    )
    other = art(
        "https://b.example/y",
        source="wire_b",
        title="ECB warns on inflation",
        text="Inflation in the euro area may never return to pre-pandemic lows, the central bank said. " * 3,
    )
    late = art("https://b.example/z", source="wire_b", text=BODY, published=T0 + timedelta(days=30))
    upsert_articles(db_cursor, [copy, other, late])
    db_cursor.execute("SELECT canonical_url, id, story_id, minhash IS NOT NULL FROM articles ORDER BY id")
    rows = {url: (i, story, has_sig) for url, i, story, has_sig in db_cursor.fetchall()}
    first_id = rows["https://a.example/1"][0]
    assert rows["https://b.example/x"][1] == first_id  # clustered with the first
    assert rows["https://b.example/y"][1] == rows["https://b.example/y"][0]  # its own story
    assert rows["https://b.example/z"][1] == rows["https://b.example/z"][0]  # a month later: not the same story
    assert all(has_sig for _, _, has_sig in rows.values())


def test_chinese_articles_get_search_tokens(clean_db, db_cursor):
    seed_sources(db_cursor)
    zh = art("https://a.example/zh", title="央行发布公告", text="中国人民银行提示虚拟货币交易炒作风险。" * 3, lang="zh")
    upsert_articles(db_cursor, [zh, art("https://a.example/en")])
    db_cursor.execute("SELECT canonical_url, zh_tokens FROM articles ORDER BY id")
    tokens = dict(db_cursor.fetchall())
    assert "中国人民银行" in tokens["https://a.example/zh"].split() and tokens["https://a.example/en"] is None
    db_cursor.execute("SELECT count(*) FROM articles WHERE tsv @@ to_tsquery('simple', '虚拟 & 货币')")
    assert db_cursor.fetchone()[0] == 1


def test_story_index_threshold():
    index = StoryIndex()
    index.add(1, 1, signature("t", BODY), T0)
    assert index.find(signature("t", BODY + " Extra closing line."), T0) == 1
    assert index.find(signature("t", "Nothing in common with the other text at all, really nothing."), T0) is None


def test_crawl_run_rows(clean_db, db_cursor):
    seed_sources(db_cursor)
    start_run(db_cursor, "r1", "wire_a")
    start_run(db_cursor, "r1", "wire_b")
    save_run(db_cursor, "r1", "wire_a", RunStats(10, 7, 2, {"http_404": 1, "robots_disallowed": 3}), status="ok")
    assert close_unfinished(db_cursor, "r1", ["wire_a", "wire_b"], "interrupted", "stopped") == 1
    rows = {r["source_id"]: r for r in runs_for(db_cursor, "r1")}
    a, b = rows["wire_a"], rows["wire_b"]
    assert (a["status"], a["pages_fetched"], a["items_stored"], a["errors"]) == ("ok", 10, 7, 1)
    assert a["error_counts"] == {"http_404": 1, "robots_disallowed": 3} and a["finished_at"] is not None
    assert b["status"] == "interrupted" and b["note"] == "stopped"
    start_run(db_cursor, "r1", "wire_a")  # re-running a run id reopens its row
    assert {r["source_id"]: r["status"] for r in runs_for(db_cursor, "r1")}["wire_a"] == "running"


def test_concurrent_crawls_are_reconciled(clean_db, db_cursor):
    """Two crawl processes each cluster against the index they loaded; afterwards their stories are joined."""
    from chainwatch.storage.stories import reconcile_stories

    seed_sources(db_cursor)
    db_cursor.execute("SELECT now()")
    since = db_cursor.fetchone()[0]
    stale_a, stale_b = StoryIndex.load(db_cursor), StoryIndex.load(db_cursor)  # both loaded before either stored
    upsert_articles(db_cursor, [art("https://a.example/1")], stories=stale_a)
    upsert_articles(
        db_cursor, [art("https://a.example/2", title="Follow-up", text=BODY + " More detail.")], stories=stale_a
    )
    upsert_articles(db_cursor, [art("https://b.example/x", source="wire_b", text=BODY + " Copy.")], stories=stale_b)
    db_cursor.execute("SELECT count(DISTINCT story_id) FROM articles")
    assert db_cursor.fetchone()[0] == 2  # b's process did not know a's story
    assert reconcile_stories(db_cursor, since) == 1
    db_cursor.execute("SELECT min(id), count(DISTINCT story_id), min(story_id) FROM articles")
    first, stories, story = db_cursor.fetchone()
    assert (stories, story) == (1, first)
    assert reconcile_stories(db_cursor, since) == 0  # idempotent
