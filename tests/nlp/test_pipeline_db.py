"""classify_pending on the real test database: rows written, idempotence, reclassify, history, bad rows."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from chainwatch import taxonomy
from chainwatch.runners.classify import classify_pending
from nlp.classifier import Classifier
from tests import factories

WHEN = datetime(2026, 11, 18, 9, tzinfo=UTC)


@pytest.fixture()
def articles(clean_db, db_cursor):
    factories.add_source(db_cursor, "wire")
    ids = {
        "hack": factories.add_article(
            db_cursor,
            source="wire",
            published=WHEN,
            title="Hackers drain $600 million from Poly Network bridge",
            text="Attackers exploited a vulnerability in the cross-chain protocol and stole user funds.",
        ),
        "cbdc": factories.add_article(
            db_cursor,
            source="wire",
            published=WHEN,
            lang="zh",
            title="央行：数字人民币试点范围扩大",
            text="中国人民银行表示，数字人民币试点将扩大到更多城市。",
        ),
        "price": factories.add_article(
            db_cursor,
            source="wire",
            published=WHEN,
            title="Bitcoin holds above $60,000",
            text="Bitcoin traded sideways on Tuesday as volumes fell.",
        ),
        "empty": factories.add_article(db_cursor, source="wire", published=WHEN, title="", text=""),
        "junk": factories.add_article(db_cursor, source="wire", published=WHEN, title="x", text="\x01\x02\x03" * 300),
    }
    return ids


def _statuses(cur, version):
    cur.execute("SELECT article_id, status FROM classified_articles WHERE model_version = %s", (version,))
    return dict(cur.fetchall())


def test_classifies_pending_articles_and_stores_every_score(articles, db_cursor, classifier):
    summary = classify_pending(batch_size=2)
    assert summary.model_version == classifier.version
    assert (summary.classified, summary.ok, summary.empty, summary.error) == (5, 3, 1, 1)
    assert _statuses(db_cursor, classifier.version) == {
        articles["hack"]: "ok",
        articles["cbdc"]: "ok",
        articles["price"]: "ok",
        articles["empty"]: "empty",
        articles["junk"]: "error",
    }
    n_labels = len(taxonomy.label_ids())
    db_cursor.execute("SELECT article_id, count(*) FROM classifications GROUP BY article_id")
    assert dict(db_cursor.fetchall()) == {articles[k]: n_labels for k in ("hack", "cbdc", "price")}
    db_cursor.execute(
        "SELECT label, evidence FROM classifications WHERE article_id = %s AND positive", (articles["hack"],)
    )
    positives = dict(db_cursor.fetchall())
    assert "security_breach" in positives and "stole" in positives["security_breach"]
    db_cursor.execute("SELECT count(*) FROM classifications WHERE NOT positive AND evidence IS NOT NULL")
    assert db_cursor.fetchone()[0] == 0
    assert summary.positives == sum(summary.per_label.values()) >= 2
    db_cursor.execute("SELECT encoder, metrics ? 'test' FROM model_versions WHERE version = %s", (classifier.version,))
    encoder, has_metrics = db_cursor.fetchone()
    assert "multilingual-e5-small" in encoder and has_metrics
    db_cursor.execute("SELECT count(*) FROM labels")
    assert db_cursor.fetchone()[0] == n_labels
    # the reader view sees the positives
    db_cursor.execute("SELECT count(*) FROM article_labels WHERE article_id = %s", (articles["hack"],))
    assert db_cursor.fetchone()[0] == len(positives)


def test_rerun_is_idempotent_and_reclassify_replaces_in_place(articles, db_cursor, classifier):
    classify_pending()
    db_cursor.execute("SELECT count(*) FROM classifications")
    rows = db_cursor.fetchone()[0]
    again = classify_pending()
    assert (again.classified, again.error) == (1, 1)  # only the `error` is tried again (issue 17)
    db_cursor.execute("SELECT count(*) FROM classifications")
    assert db_cursor.fetchone()[0] == rows
    redo = classify_pending(reclassify=True)
    assert redo.classified == 5
    db_cursor.execute("SELECT count(*) FROM classifications")
    assert db_cursor.fetchone()[0] == rows
    db_cursor.execute("SELECT count(*) FROM classified_articles")
    assert db_cursor.fetchone()[0] == 5


def test_limit_and_new_articles_arriving_between_runs(articles, db_cursor):
    first = classify_pending(limit=2)
    assert first.classified == 2
    late = factories.add_article(
        db_cursor,
        source="wire",
        published=WHEN,
        title="SEC sues exchange",
        text="The SEC sued the exchange for operating without registration.",
    )
    rest = classify_pending()
    assert rest.classified == 4
    db_cursor.execute("SELECT count(*) FROM classified_articles WHERE article_id = %s", (late,))
    assert db_cursor.fetchone()[0] == 1


def test_a_new_model_version_keeps_the_old_rows(articles, db_cursor, classifier):
    classify_pending()
    newer = Classifier(
        classifier.heads, dataclasses.replace(classifier.info, version="test-newer-version"), encoder=classifier.encoder
    )
    summary = classify_pending(classifier=newer)
    assert summary.classified == 5 and summary.model_version == "test-newer-version"
    db_cursor.execute("SELECT model_version, count(*) FROM classified_articles GROUP BY 1")
    assert dict(db_cursor.fetchall()) == {classifier.version: 5, "test-newer-version": 5}
    db_cursor.execute("SELECT count(DISTINCT model_version) FROM classifications")
    assert db_cursor.fetchone()[0] == 2
    db_cursor.execute("SELECT DISTINCT model_version FROM article_labels")
    assert [r[0] for r in db_cursor.fetchall()] == ["test-newer-version"]


# -- issue 17, item 7: articles silently left unlabelled -------------------------------------------
def test_a_few_junk_characters_are_cleaned_not_rejected(clean_db, db_cursor, classifier):
    factories.add_source(db_cursor, "wire")
    body = "The SEC sued the exchange for operating without registration and for misleading its customers."
    fffd = factories.add_article(
        db_cursor, source="wire", published=WHEN, title="SEC sues exchange \ufffd\ufffd over unregistered", text=body
    )
    shift_out = factories.add_article(db_cursor, source="wire", published=WHEN, title="SEC\x0e", text=body)
    summary = classify_pending()
    assert (summary.classified, summary.ok) == (2, 2)
    assert _statuses(db_cursor, classifier.version) == {fffd: "ok", shift_out: "ok"}


def test_errors_are_retried_by_later_runs_a_bounded_number_of_times(articles, db_cursor, classifier):
    from chainwatch.storage.classifications import MAX_ATTEMPTS

    runs = [classify_pending() for _ in range(MAX_ATTEMPTS + 1)]
    assert [r.classified for r in runs] == [5] + [1] * (MAX_ATTEMPTS - 1) + [0]
    db_cursor.execute("SELECT status, attempts FROM classified_articles WHERE article_id = %s", (articles["junk"],))
    assert db_cursor.fetchone() == ("error", MAX_ATTEMPTS)
    db_cursor.execute("SELECT max(attempts) FROM classified_articles WHERE status <> 'error'")
    assert db_cursor.fetchone()[0] == 1
