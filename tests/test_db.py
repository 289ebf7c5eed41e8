import pytest

from chainwatch import db
from chainwatch.errors import DatabaseUnavailable


def test_upgrade_is_idempotent(db_url):
    assert db.upgrade(db_url) == []  # the session fixture applied everything already
    applied = db.current_version(db_url)
    assert applied == [m for m, _ in db.migrations()]


def test_core_tables_and_views_exist(db_cursor):
    db_cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
    names = {r[0] for r in db_cursor.fetchall()}
    for t in (
        "sources",
        "crawl_runs",
        "articles",
        "classifications",
        "labels",
        "digests",
        "article_labels",
        "weekly_label_counts",
        "stories",
        "source_health",
    ):
        assert t in names


def test_tsvector_is_generated(clean_db, db_cursor):
    db_cursor.execute("INSERT INTO sources (id, name, domain, lang, kind) VALUES ('s', 'S', 's.example', 'en', 'feed')")
    db_cursor.execute(
        "INSERT INTO articles (url, canonical_url, source_id, title, text, content_hash) "
        "VALUES ('u', 'u', 's', 'Tornado Cash sanctioned', 'Mixers launder funds.', 'h')"
    )
    db_cursor.execute("SELECT count(*) FROM articles WHERE tsv @@ websearch_to_tsquery('english', 'laundering')")
    assert db_cursor.fetchone()[0] == 1


def test_unreachable_database_is_one_line_error():
    with pytest.raises(DatabaseUnavailable) as err:
        db.connect("postgresql://postgres@127.0.0.1:1/nope")
    assert "\n" not in str(err.value) and "127.0.0.1:1" in str(err.value)
