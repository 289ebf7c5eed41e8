"""The analyst views (sql/migrations/002_views.sql): what each row means, on small hand-made states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests import factories
from tests.storage.seed import V1, V2, seed

UTC = UTC


def _labels(cur, article_id):
    cur.execute("SELECT model_version, label FROM article_labels WHERE article_id = %s ORDER BY label", (article_id,))
    return cur.fetchall()


def test_article_labels_shows_the_latest_model_only(clean_db, db_cursor):
    ids = seed(db_cursor)
    assert _labels(db_cursor, ids["tc_theblock"]) == [(V2, "regulation_enforcement")]
    assert _labels(db_cursor, ids["tc_decrypt"]) == [(V2, "money_laundering"), (V2, "regulation_enforcement")]
    assert _labels(db_cursor, ids["tc_coindesk"]) == [(V1, "money_laundering"), (V1, "regulation_enforcement")]
    assert _labels(db_cursor, ids["quiet_old"]) == []  # classified, nothing positive
    assert _labels(db_cursor, ids["unclassified"]) == []
    db_cursor.execute(
        "SELECT label_kind, label_name, evidence FROM article_labels "
        "WHERE article_id = %s AND label = 'money_laundering'",
        (ids["tc_coindesk"],),
    )
    kind, name, evidence = db_cursor.fetchone()
    assert (kind, name) == ("risk", "Money laundering") and evidence.startswith("A jury found")


def test_article_labels_latest_run_wins_even_when_it_found_nothing(clean_db, db_cursor):
    factories.add_source(db_cursor, "s")
    a = factories.add_article(db_cursor, source="s", title="t", text="x", published=datetime(2026, 1, 1, tzinfo=UTC))
    factories.add_labels(db_cursor, a, {"cbdc": 0.9}, model_version="m1")
    assert _labels(db_cursor, a) == [("m1", "cbdc")]
    factories.add_labels(db_cursor, a, {"cbdc": 0.1}, model_version="m2")  # the newer model says no
    assert _labels(db_cursor, a) == []
    # same classified_at: the higher version string wins, so exactly one version is shown
    db_cursor.execute("UPDATE classified_articles SET classified_at = '2026-01-02T00:00Z' WHERE article_id = %s", (a,))
    factories.add_labels(db_cursor, a, {"cbdc": 0.8}, model_version="m0")
    db_cursor.execute("UPDATE classified_articles SET classified_at = '2026-01-02T00:00Z' WHERE article_id = %s", (a,))
    assert _labels(db_cursor, a) == []  # m2 > m0 > ... m2 has no positive


def test_article_labels_story_id_defaults_to_the_article(clean_db, db_cursor):
    factories.add_source(db_cursor, "s")
    a = factories.add_article(db_cursor, source="s", title="t", text="x", published=datetime(2026, 1, 1, tzinfo=UTC))
    db_cursor.execute("UPDATE articles SET story_id = NULL WHERE id = %s", (a,))
    factories.add_labels(db_cursor, a, {"cbdc": 0.9})
    db_cursor.execute("SELECT story_id FROM article_labels WHERE article_id = %s", (a,))
    assert db_cursor.fetchone()[0] == a
    db_cursor.execute("SELECT story_id, articles, urls FROM stories WHERE story_id = %s", (a,))
    story_id, articles, urls = db_cursor.fetchone()
    assert (story_id, articles, len(urls)) == (a, 1, 1)


def test_weekly_label_counts_use_utc_iso_weeks(clean_db, db_cursor):
    factories.add_source(db_cursor, "s")
    factories.add_source(db_cursor, "t")
    sunday_late = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # ISO 2026-W47
    monday_early = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # ISO 2026-W48 (still Sunday in New York)
    a = factories.add_article(db_cursor, source="s", title="a", text="a", published=sunday_late)
    b = factories.add_article(db_cursor, source="s", title="b", text="b", published=monday_early)
    c = factories.add_article(db_cursor, source="t", title="c", text="c", published=monday_early, story_id=b)
    for art in (a, b, c):
        factories.add_labels(db_cursor, art, {"security_breach": 0.9})
    db_cursor.execute("SET TIME ZONE 'America/New_York'")  # the view must not depend on the session
    try:
        db_cursor.execute(
            "SELECT iso_week, week_start::text, label, articles, stories, sources, label_kind "
            "FROM weekly_label_counts ORDER BY iso_week"
        )
        rows = db_cursor.fetchall()
    finally:
        db_cursor.execute("RESET TIME ZONE")
    assert rows == [
        ("2026-W47", "2026-11-16", "security_breach", 1, 1, 1, "risk"),
        ("2026-W48", "2026-11-23", "security_breach", 2, 1, 2, "risk"),
    ]


def test_stories_group_near_duplicates(clean_db, db_cursor):
    ids = seed(db_cursor)
    db_cursor.execute(
        "SELECT title, articles, sources, source_ids, urls[1], article_ids, langs FROM stories WHERE story_id = %s",
        (ids["tc_coindesk"],),
    )
    title, articles, sources, source_ids, first_url, article_ids, langs = db_cursor.fetchone()
    assert title == "Tornado Cash co-founder convicted of money laundering conspiracy"  # the earliest article
    assert (articles, sources, source_ids) == (3, 3, ["coindesk", "decrypt", "theblock"])
    assert first_url.startswith("https://coindesk.example/")
    assert article_ids == [ids["tc_coindesk"], ids["tc_theblock"], ids["tc_decrypt"]]  # by publication
    assert langs == ["en"]
    db_cursor.execute("SELECT count(*), sum(articles) FROM stories")
    assert db_cursor.fetchone() == (10, 15)


def test_source_health_states(clean_db, db_cursor):
    seed(db_cursor)
    now = datetime.now(UTC)
    factories.add_source(db_cursor, "crawling")
    factories.add_crawl_run(db_cursor, "crawling", started=now - timedelta(minutes=5), status="running", stored=0)
    factories.add_source(db_cursor, "unreachable")
    factories.add_crawl_run(db_cursor, "unreachable", started=now, status="ok", pages=0, stored=0, errors=3)
    factories.add_source(db_cursor, "flaky")
    factories.add_crawl_run(db_cursor, "flaky", started=now, status="degraded", pages=10, stored=8, errors=1)
    db_cursor.execute(
        "SELECT source_id, health, last_run_status, articles, enabled FROM source_health ORDER BY source_id"
    )
    rows = {r[0]: r[1:] for r in db_cursor.fetchall()}
    assert rows == {
        "coindesk": ("ok", "ok", 5, True),  # the failed run is older than the ok one
        "crawling": ("running", "running", 0, True),
        "deadfeed": ("never_run", None, 0, True),
        "decrypt": ("degraded", "ok", 3, True),  # 6 errors in 10 pages
        "flaky": ("degraded", "degraded", 0, True),
        "jinse": ("ok", "ok", 2, True),  # nothing new, but items seen
        "quietnews": ("quiet", "ok", 1, True),  # one quiet run: not yet no_items
        "retired": ("ok", "ok", 0, False),
        "theblock": ("failing", "failed", 3, True),
        "unreachable": ("degraded", "ok", 0, True),  # errors and no page at all
        "xinhua": ("ok", "ok", 1, True),
    }
    db_cursor.execute(
        "SELECT articles_7d, newest_article IS NOT NULL, last_run_error_counts, category "
        "FROM source_health WHERE source_id = 'theblock'"
    )
    assert db_cursor.fetchone() == (3, True, {"http_503": 1}, "news")
