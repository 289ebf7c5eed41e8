"""build_digest against the real database, seeded with scenario.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg2
import pytest

from chainwatch.digests import build_digest, read_digest, weeks_with_articles
from chainwatch.digests.weeks import parse_week
from chainwatch.entities.pipeline import extract_pending
from chainwatch.errors import ChainWatchError
from tests import factories
from tests.digests import scenario


@pytest.fixture()
def digest(seeded, db_url):
    return read_digest(parse_week(scenario.WEEK), db_url, now=datetime(2026, 11, 25, tzinfo=UTC))


def test_counts_compare_with_last_week_and_the_4_week_average(digest, seeded):
    stats = {lw.label.id: lw for lw in digest.labels}
    manip = stats["market_manipulation"]
    assert (manip.items, manip.previous, manip.average4, manip.spike) == (5, 1, 1.0, True)
    assert manip.trend == (0,) * 3 + (1, 1, 1, 1, 5)  # 8 weeks
    steady = stats["regulation_enforcement"]
    assert (steady.items, steady.change, steady.average4, steady.spike) == (3, 0, 3.0, False)
    assert stats["stablecoins_payments"].spike and stats["stablecoins_payments"].ratio is None
    assert not stats["cbdc"].spike and stats["cbdc"].items == 2  # under the 3-item floor; 0.1 is not positive
    # The hack story's three copies are three items but one story (plus the follow-up).
    assert (stats["security_breach"].items, stats["security_breach"].stories) == (4, 2)
    assert digest.totals.items == seeded.items_this_week
    assert digest.totals.labelled == seeded.items_this_week - 2  # unlabelled wrap + not classified
    assert digest.totals.unclassified == 1
    assert digest.totals.stories == seeded.items_this_week - 2
    assert [lw.label.kind for lw in digest.labels_of("risk")] == ["risk"] * 7


def test_near_duplicates_are_one_story_with_all_sources_and_links(digest, seeded):
    top = digest.stories["security_breach"][0]
    assert top.story_id == seeded.story_id
    assert (top.rank, top.sources, top.items, round(top.score, 2)) == (1, 3, 3, 0.97)
    assert top.title == scenario.SCRIPT_TITLE and top.evidence == scenario.ONERROR_EVIDENCE
    assert [link.source_id for link in top.links] == ["coindesk", "theblock", "jinse"]
    assert all(link.url.startswith("https://") for link in top.links)
    assert digest.stories["security_breach"][1].url == scenario.JS_URL
    assert len(digest.stories["market_manipulation"]) == 3  # top 3 of 5
    assert "ico_fraud" not in digest.stories


def test_headline_names_biggest_label_spikes_and_top_story(digest):
    text = " ".join(digest.summary)
    assert text.startswith("19 items from 4 sources (17 stories), up 217% on the week before (6).")
    assert "Biggest label: Market manipulation and insider dealing (5 items" in text
    assert "Market manipulation and insider dealing (5, 5.0× its 4-week average)" in text
    assert f"Top story: “{scenario.SCRIPT_TITLE}” (3 sources)." in text
    assert "1 item not classified yet." in text


def test_what_is_new_is_first_seen_within_the_rolling_window(digest):
    new = {n.entity_id: n for n in digest.new_entities}
    # OKX: first mention. El Salvador: first mention, in Chinese (萨尔瓦多). Digital euro: first mention.
    # Hong Kong: mentioned in English now, and in Chinese (香港) in each of the 8 weeks before. Kraken: next week only.
    assert set(new) == {"okx", "el_salvador", "digital_euro"}
    assert new["el_salvador"].source_name == "金色财经" and new["okx"].mentions == 1
    assert (new["digital_euro"].stories, new["digital_euro"].kind) == (2, "token")


def test_what_is_new_forgets_after_the_window(seeded, db_url):
    """Binance was named in W36..W38 only: in W47 it is new again (out of the 8-week window)."""
    conn = psycopg2.connect(db_url)
    with conn, conn.cursor() as cur:
        cur.execute(
            "DELETE FROM articles WHERE title LIKE 'Older hack%%' AND published_at >= %s",
            (scenario.MONDAY - timedelta(weeks=8),),
        )
        factories.add_article(
            cur,
            source="coindesk",
            title="Binance lists a coin",
            text="Binance news.",
            published=scenario.MONDAY + timedelta(days=1),
        )
    conn.close()
    extract_pending(database_url=db_url)
    digest = read_digest(parse_week(scenario.WEEK), db_url, now=datetime(2026, 11, 25, tzinfo=UTC))
    assert "binance" in {n.entity_id for n in digest.new_entities}


def test_top_entities_per_label(digest):
    top = {e.entity_id: e.stories for e in digest.label_entities["security_breach"]}
    assert top["okx"] == 1 and "el_salvador" in top
    assert "market_manipulation" not in digest.label_entities  # its items name no entity
    assert {s.source_id for s in digest.new_sources} == {"jinse", "evil"}


def test_source_health_counts_only_the_weeks_runs(digest):
    health = {s.source_id: s for s in digest.source_health}
    assert (health["coindesk"].runs, health["coindesk"].errors, health["coindesk"].status) == (2, 3, "ok")
    assert health["coindesk"].error_kinds == (("http_404", 3), ("timeout", 1))
    assert health["theblock"].status == "failing" and health["jinse"].status == "degraded"
    assert health["evil"].status == "not_crawled" and health["evil"].items == 1
    assert health["quiet"].status == "not_crawled"  # enabled but silent: still listed
    assert digest.source_health[0].status == "failing"  # problems first


def test_build_stores_and_writes_both_formats_and_rerun_replaces(seeded, db_url, db_cursor, tmp_path):
    first = build_digest(scenario.WEEK, database_url=db_url, out_dir=tmp_path)
    assert (first.iso_week, first.item_count, first.emailed) == (scenario.WEEK, seeded.items_this_week, False)
    assert first.html_path == tmp_path / "digest-2026-W47.html" and first.md_path == tmp_path / "digest-2026-W47.md"
    db_cursor.execute(
        "SELECT format, content, item_count FROM digests WHERE iso_week = %s ORDER BY format", (scenario.WEEK,)
    )
    rows = db_cursor.fetchall()
    assert [(f, n) for f, _, n in rows] == [("html", 19), ("md", 19)]
    assert rows[0][1] == first.html_path.read_text(encoding="utf-8")
    assert rows[1][1] == first.md_path.read_text(encoding="utf-8")
    html = rows[0][1]
    for heading in ("Summary", "Risk categories", "Policy themes", "Top stories", "What is new", "Source health"):
        assert f">{heading}</h2>" in html and f"## {heading}" in rows[1][1]
    assert html.count('src="data:image/png;base64,') == 2

    # New data, same week: the rows are replaced, not duplicated.
    factories.add_article(
        db_cursor, source="coindesk", title="Late addition", text="x", published=scenario.MONDAY.replace(hour=3)
    )
    again = build_digest(scenario.WEEK, database_url=db_url, out_dir=tmp_path)
    db_cursor.execute("SELECT count(*), min(item_count), bool_and(content LIKE '%%20 items%%') FROM digests")
    assert db_cursor.fetchone() == (2, 20, True)
    assert again.item_count == 20


def test_empty_week_says_so(seeded, db_url, db_cursor, tmp_path):
    result = build_digest("2026-W10", database_url=db_url, out_dir=tmp_path)
    assert result.item_count == 0
    md = result.md_path.read_text(encoding="utf-8")
    assert "No items were published in 2026-W10" in md and "## Source health" in md
    db_cursor.execute("SELECT count(*) FROM digests WHERE iso_week = '2026-W10'")
    assert db_cursor.fetchone()[0] == 2


def test_bad_week_is_a_one_line_error_and_writes_nothing(clean_db, tmp_path):
    with pytest.raises(ChainWatchError, match="invalid ISO week '2026-W60'"):
        build_digest("2026-W60", database_url=clean_db, out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_weeks_with_articles_lists_dated_weeks_oldest_first(seeded, db_url):
    weeks = weeks_with_articles(database_url=db_url)
    assert weeks == [f"2026-W{w}" for w in range(36, 49)]


def test_default_week_and_out_dir_come_from_the_clock_and_environment(clean_db, tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINWATCH_OUT", str(tmp_path))
    result = build_digest(database_url=clean_db)
    assert result.iso_week == str(parse_week(None))
    assert result.html_path == tmp_path / f"digest-{result.iso_week}.html"
