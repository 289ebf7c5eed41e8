"""`chainwatch search --entity`: articles that mention an entity, by id, name or alias."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg2
import pytest

from chainwatch.entities.pipeline import extract_pending
from chainwatch.search import SearchError, search
from tests import factories


@pytest.fixture()
def seeded(clean_db):
    conn = psycopg2.connect(clean_db)
    ids = {}
    with conn, conn.cursor() as cur:
        factories.add_source(cur, "wire")
        factories.add_source(cur, "zhnews", lang="zh")
        for key, source, lang, title, text, day in [
            ("hack", "wire", "en", "Binance hot wallet hack", "Hackers stole funds from Binance.", 1),
            ("sec", "wire", "en", "SEC sues Coinbase", "The SEC filed suit against Coinbase.", 2),
            ("zh", "zhnews", "zh", "币安遭黑客攻击", "币安热钱包被盗。", 3),
            ("both", "wire", "en", "Binance and Coinbase volumes fall", "Volumes fell at both exchanges.", 4),
        ]:
            ids[key] = factories.add_article(
                cur, source=source, lang=lang, title=title, text=text, published=datetime(2023, 6, day, tzinfo=UTC)
            )
    conn.close()
    extract_pending(database_url=clean_db)
    return clean_db, ids


def test_entity_filter_with_and_without_words(seeded):
    url, ids = seeded
    newest_first = [h.article_id for h in search("", entities=["binance"], database_url=url)]
    assert newest_first == [ids["both"], ids["zh"], ids["hack"]]
    assert [h.article_id for h in search("", entities=["币安"], database_url=url)] == newest_first
    assert [h.article_id for h in search("hack", entities=["Binance"], database_url=url)] == [ids["hack"]]
    both = search("", entities=["binance", "coinbase"], database_url=url)
    assert [h.article_id for h in both] == [ids["both"]] and "Binance" in both[0].snippet
    assert [h.article_id for h in search("", entities=["binance"], lang="zh", database_url=url)] == [ids["zh"]]


def test_unknown_entity_is_a_clear_error(seeded):
    url, _ = seeded
    with pytest.raises(SearchError, match="unknown entity 'Nowhere Exchange Ltd'"):
        search("", entities=["Nowhere Exchange Ltd"], database_url=url)
    with pytest.raises(SearchError, match="search query is empty"):
        search("", database_url=url)
