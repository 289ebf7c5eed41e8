"""Extraction into PostgreSQL: mentions with offsets, idempotent re-runs, versions like the
classifier's, the views, and the storage queries an entity page and `--entity` use."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime

import psycopg2
import pytest

from chainwatch.entities.extract import version
from chainwatch.entities.gazetteer import GAZETTEER_DIR, load
from chainwatch.entities.pipeline import extract_pending
from chainwatch.storage import entities as store
from tests import factories


@pytest.fixture()
def articles(clean_db):
    conn = psycopg2.connect(clean_db)
    with conn, conn.cursor() as cur:
        factories.add_source(cur, "wire")
        factories.add_source(cur, "zhnews", lang="zh")
        en = factories.add_article(
            cur,
            source="wire",
            title="Binance fined $4.3 billion by US regulators",
            text="The SEC and the CFTC said Binance must pay $4.3 billion.",
            published=datetime(2023, 11, 21, tzinfo=UTC),
        )
        zh = factories.add_article(
            cur,
            source="zhnews",
            lang="zh",
            title="币安被罚43亿美元",
            text="美国司法部称，币安将支付43亿美元。",
            published=datetime(2023, 11, 21, 17, 0, tzinfo=UTC),  # 01:00 on the 22nd in Beijing
            published_day=date(2023, 11, 22),
        )
        factories.add_labels(cur, en, {"regulation_enforcement": 0.95})
    conn.close()
    return clean_db, en, zh


def test_mentions_are_stored_with_offsets_into_their_field(articles):
    url, en, zh = articles
    summary = extract_pending(database_url=url)
    assert summary.articles == 2 and summary.version == version()
    rows = factories.query(
        url,
        "SELECT m.article_id, m.field, m.start_offset, m.end_offset, m.surface, a.title, a.text, m.entity_id,"
        " m.currency, m.amount, m.amount_usd FROM article_entities m JOIN articles a ON a.id = m.article_id",
    )
    for _article_id, field, start, end, surface, title, text, *_ in rows:
        assert (title if field == "title" else text)[start:end] == surface
    found = {(r[0], r[7]) for r in rows if r[7]}
    assert {(en, "binance"), (en, "us_sec"), (en, "cftc"), (zh, "binance"), (zh, "us_doj")} <= found
    amounts = {(r[0], r[8], int(r[9]), int(r[10])) for r in rows if r[8]}
    assert amounts == {(en, "USD", 4_300_000_000, 4_300_000_000), (zh, "USD", 4_300_000_000, 4_300_000_000)}


def test_rerun_is_idempotent_and_a_new_gazetteer_version_reads_again(articles, tmp_path):
    url, en, _ = articles
    extract_pending(database_url=url)
    before = factories.query(url, "SELECT count(*) FROM article_entities")
    assert extract_pending(database_url=url).articles == 0
    assert factories.query(url, "SELECT count(*) FROM article_entities") == before

    copy = tmp_path / "g"
    shutil.copytree(GAZETTEER_DIR, copy)
    with open(copy / "regulators.yaml", "a", encoding="utf-8") as f:
        f.write("  - {id: us_regulators, name: US regulators (any), en: [US regulators]}\n")
    newer = load(copy)
    assert extract_pending(database_url=url, gazetteer=newer).articles == 2
    # The views read each article's latest extraction only: no double counting across versions.
    assert factories.query(
        url,
        "SELECT entity_id, count(*) FROM article_entity_list WHERE article_id = %s"
        " AND entity_id IN ('binance', 'us_regulators') GROUP BY entity_id ORDER BY 1",
        (en,),
    ) == [("binance", 1), ("us_regulators", 1)]
    versions = factories.query(url, "SELECT DISTINCT extractor_version FROM article_entity_mentions")
    assert versions == [(version(newer),)]


def test_views_and_entity_page_queries(articles):
    url, en, zh = articles
    extract_pending(database_url=url)
    assert factories.query(
        url, "SELECT iso_week, articles, stories, sources FROM weekly_entity_counts WHERE entity_id = 'binance'"
    ) == [("2023-W47", 2, 2, 2)]
    assert factories.query(url, "SELECT label, entity_id FROM label_entities WHERE entity_id = 'binance'") == [
        ("regulation_enforcement", "binance")
    ]
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            assert store.find_entities(cur, "币安")[0][0] == "binance"
            assert store.find_entities(cur, "Binance")[0][0] == "binance"
            summary = store.entity_summary(cur, "binance")
            assert summary is not None and (summary.articles, summary.stories) == (2, 2)
            assert summary.first_seen == datetime(2023, 11, 21, tzinfo=UTC)
            listed = store.entity_articles(cur, "binance")
            assert [a.article_id for a in listed] == [zh, en]
            # the date to show: the publisher's own day, else the UTC day
            assert [a.published_day for a in listed] == [date(2023, 11, 22), date(2023, 11, 21)]
            mentioning = store.articles_mentioning(cur, ["binance"])
            assert [(a.article_id, a.published_day) for a in mentioning] == [
                (zh, date(2023, 11, 22)),
                (en, date(2023, 11, 21)),
            ]
            mentions = store.article_mentions(cur, zh)
            assert [m["surface"] for m in mentions][:2] == ["币安", "43亿美元"]
    finally:
        conn.close()


def test_classify_run_extracts_entities(articles):
    """The classify runner ends with extraction (it is part of the classify stage run)."""
    url, en, zh = articles
    from chainwatch.runners.classify import classify_pending  # loads the model: only this test needs it

    summary = classify_pending(database_url=url)
    assert summary.entities is not None and summary.entities.articles == 2
    assert "entities: 2 articles" in summary.line()
