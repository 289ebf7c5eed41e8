from datetime import UTC, datetime

from tests import factories


def test_seeded_rows_reach_the_views(clean_db, db_cursor):
    factories.add_source(db_cursor, "alpha")
    factories.add_source(db_cursor, "beta")
    when = datetime(2026, 11, 18, 9, tzinfo=UTC)
    a = factories.add_article(
        db_cursor, source="alpha", title="Exchange hacked", text="Hackers drained $5m.", published=when
    )
    b = factories.add_article(
        db_cursor,
        source="beta",
        title="Exchange hacked (copy)",
        text="Hackers drained $5m.",
        published=when,
        story_id=a,
    )
    factories.add_labels(db_cursor, a, {"security_breach": 0.95, "cbdc": 0.01}, evidence="Hackers drained $5m.")
    factories.add_labels(db_cursor, b, {"security_breach": 0.90})
    factories.add_crawl_run(db_cursor, "alpha")

    db_cursor.execute("SELECT label, articles, stories FROM weekly_label_counts WHERE iso_week = '2026-W47'")
    assert db_cursor.fetchall() == [("security_breach", 2, 1)]
    db_cursor.execute("SELECT articles, sources FROM stories WHERE story_id = %s", (a,))
    assert db_cursor.fetchone() == (2, 2)
    db_cursor.execute("SELECT source_id, health FROM source_health ORDER BY source_id")
    assert db_cursor.fetchall() == [("alpha", "ok"), ("beta", "never_run")]
