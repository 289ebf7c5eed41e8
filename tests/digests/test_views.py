"""The digest's views (sql/migrations/005_digest_views.sql) against the shared ones (002)."""

COLUMNS = (
    "article_id, story_id, source_id, title, canonical_url, published_at, model_version, label, probability, evidence"
)


def test_digest_article_labels_has_exactly_the_rows_of_article_labels(seeded, db_cursor):
    for left, right in (("article_labels", "digest_article_labels"), ("digest_article_labels", "article_labels")):
        db_cursor.execute(f"SELECT {COLUMNS} FROM {left} EXCEPT ALL SELECT {COLUMNS} FROM {right}")
        assert db_cursor.fetchall() == []
    db_cursor.execute(
        "SELECT model_version, label FROM digest_article_labels WHERE article_id = %s", (seeded.reclassified,)
    )
    assert db_cursor.fetchall() == [("test-model-v2", "cbdc")]


def test_digest_articles_marks_unclassified_items_and_keys_stories(seeded, db_cursor):
    db_cursor.execute(
        "SELECT title, classified, story_id = article_id FROM digest_articles "
        "WHERE title IN ('Not classified yet', 'Exchange X loses $40m in hack') ORDER BY title"
    )
    assert db_cursor.fetchall() == [("Exchange X loses $40m in hack", True, False), ("Not classified yet", False, True)]
    db_cursor.execute("SELECT count(*) FROM digest_articles WHERE story_id = %s", (seeded.story_id,))
    assert db_cursor.fetchone()[0] == 3
