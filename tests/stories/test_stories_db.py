"""Story linking on the real test database with the real encoder: an English report, its Chinese
report and the regulator's release end in one story, an unrelated item does not; re-runs change
nothing; the regulator-lag view and summary read the merged story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg2
import pytest

from chainwatch.runners.stories import link_stories
from chainwatch.storage import story_links as store
from chainwatch.stories.linking import RULE, Rule
from tests import factories

RELEASE = datetime(2023, 11, 21, 15, tzinfo=UTC)
# The measured rule (linking.RULE) adds nothing for a shared amount or a language crossing: weights for
# them buy cross-lingual recall only at a precision not accepted (docs/entities.md). This rule gives both
# a weight, to test that a crossing link merges stories end to end like any other.
CROSSING = Rule(threshold=RULE.threshold, entity_weight=0.1, amount_weight=0.1, cross_lingual_bonus=0.1)


@pytest.fixture()
def articles(clean_db):
    from chainwatch.entities.pipeline import extract_pending

    conn = psycopg2.connect(clean_db)
    with conn, conn.cursor() as cur:
        factories.add_source(cur, "doj", category="official")
        factories.add_source(cur, "wire")
        factories.add_source(cur, "zhnews", lang="zh")
        ids = {
            "release": factories.add_article(
                cur,
                source="doj",
                title="Binance and CEO plead guilty to federal charges, agree to pay $4.3 billion",
                text="Binance Holdings Limited pleaded guilty and agreed to pay over $4.3 billion to resolve the "
                "Justice Department's investigation; its founder and CEO Changpeng Zhao also pleaded guilty.",
                published=RELEASE,
            ),
            "en": factories.add_article(
                cur,
                source="wire",
                title="Binance to pay $4.3 billion as Changpeng Zhao steps down",
                text="Binance agreed to pay $4.3 billion to settle US charges, and CEO Changpeng Zhao pleaded "
                "guilty and stepped down, the Justice Department said.",
                published=RELEASE + timedelta(hours=3),
            ),
            "zh": factories.add_article(
                cur,
                source="zhnews",
                lang="zh",
                title="币安同意支付43亿美元与美国司法部和解，赵长鹏辞去CEO职务",
                text="美国司法部表示，币安认罪并同意支付43亿美元和解，创始人赵长鹏认罪并辞去首席执行官职务。",
                published=RELEASE + timedelta(hours=9),
            ),
            "other": factories.add_article(
                cur,
                source="wire",
                title="Coinbase lists Solana staking for UK customers",
                text="Coinbase said customers in the United Kingdom can now stake Solana from its app.",
                published=RELEASE + timedelta(hours=5),
            ),
        }
    conn.close()
    extract_pending(database_url=clean_db)
    return clean_db, ids


def _stories(url, ids):
    got = dict(factories.query(url, "SELECT id, story_id FROM articles"))
    return {name: got[i] for name, i in ids.items()}


def test_the_measured_rule_joins_the_release_and_its_english_report(articles, classifier):
    url, ids = articles
    summary = link_stories(database_url=url, classifier=classifier)
    assert summary.embedded == 4 and summary.checked == 4
    stories = _stories(url, ids)
    assert stories["en"] == stories["release"] == ids["release"]
    assert stories["other"] == ids["other"]


def test_one_event_in_two_languages_and_its_release_become_one_story(articles, classifier):
    url, ids = articles
    summary = link_stories(database_url=url, classifier=classifier, rule=CROSSING)
    assert summary.embedded == 4 and summary.checked == 4
    stories = _stories(url, ids)
    assert stories["en"] == stories["zh"] == stories["release"] == ids["release"]
    assert stories["other"] == ids["other"]
    links = factories.query(
        url,
        "SELECT article_id, linked_article_id, shared_entities, to_story FROM story_links "
        "WHERE linked_article_id IS NOT NULL",
    )
    assert len(links) == summary.linked >= 2
    assert all(to_story == ids["release"] for *_, to_story in links)
    assert any("binance" in shared for _, _, shared, _ in links)


def test_rerun_changes_nothing(articles, classifier):
    url, ids = articles
    link_stories(database_url=url, classifier=classifier, rule=CROSSING)
    before = _stories(url, ids), factories.query(url, "SELECT * FROM story_links ORDER BY article_id")
    again = link_stories(database_url=url, classifier=classifier, rule=CROSSING)
    assert (again.embedded, again.checked, again.linked, again.moved) == (0, 0, 0, 0)
    assert (_stories(url, ids), factories.query(url, "SELECT * FROM story_links ORDER BY article_id")) == before


def test_regulator_lag_reads_the_merged_story(articles, classifier):
    url, ids = articles
    link_stories(database_url=url, classifier=classifier, rule=CROSSING)
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            rows = store.regulator_lag(cur, RELEASE - timedelta(days=1))
            summary = store.lag_summary(cur, RELEASE - timedelta(days=1), RELEASE + timedelta(days=1))
    finally:
        conn.close()
    assert [(r.story_id, r.regulator_source, r.press_source) for r in rows] == [(ids["release"], "doj", "wire")]
    assert rows[0].lag_hours == pytest.approx(3.0) and rows[0].zh_lag_hours == pytest.approx(9.0)
    assert rows[0].press_items == 2 and rows[0].press_sources == 2
    assert (summary.stories, summary.press_first, summary.zh_stories) == (1, 0, 1)
    assert summary.median_hours == pytest.approx(3.0)
    assert "median 3.0 h" in summary.line()


def test_no_release_no_lag(clean_db):
    conn = psycopg2.connect(clean_db)
    try:
        with conn, conn.cursor() as cur:
            summary = store.lag_summary(cur, RELEASE - timedelta(days=1), RELEASE)
    finally:
        conn.close()
    assert summary.stories == 0 and summary.median_hours is None
    assert "no story" in summary.line()


def test_only_articles_stored_within_the_horizon_are_linked_unless_all(articles, classifier):
    url, ids = articles
    factories.query(
        url, "UPDATE articles SET created_at = now() - interval '40 days' WHERE id = %s RETURNING id", (ids["zh"],)
    )
    first = link_stories(database_url=url, classifier=classifier, rule=CROSSING)
    assert (first.embedded, first.checked) == (3, 3)
    assert _stories(url, ids)["zh"] == ids["zh"]
    backfill = link_stories(database_url=url, classifier=classifier, rule=CROSSING, horizon=None)
    assert (backfill.embedded, backfill.checked) == (1, 1)
    assert _stories(url, ids)["zh"] == ids["release"]


def test_alert_events_move_with_a_merged_story(articles, classifier):
    """A rule that fired for the English report's story does not fire again for the merged story."""
    url, ids = articles
    rule = factories.query(url, "INSERT INTO alert_rules (name) VALUES ('hacks') RETURNING id")[0][0]
    other_rule = factories.query(url, "INSERT INTO alert_rules (name) VALUES ('both') RETURNING id")[0][0]
    factories.query(
        url,
        "INSERT INTO alert_events (rule_id, story_id, article_id, delivery) VALUES"
        " (%(r)s, %(en)s, %(en)s, 'single'), (%(o)s, %(en)s, %(en)s, 'single'), (%(o)s, %(rel)s, %(rel)s, 'single')"
        " RETURNING id",
        {"r": rule, "o": other_rule, "en": ids["en"], "rel": ids["release"]},
    )
    link_stories(database_url=url, classifier=classifier, rule=CROSSING)
    events = factories.query(url, "SELECT rule_id, story_id FROM alert_events ORDER BY rule_id, story_id")
    # 'hacks' fired for the English report's story: its event now names the merged story;
    # 'both' fired for both stories before they merged: both events stay as sent
    assert events == [(rule, ids["release"]), (other_rule, ids["release"]), (other_rule, ids["en"])]
