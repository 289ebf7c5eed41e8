"""search_page(): the filters, orders and paging the web app and API use, on the shared seed."""

from __future__ import annotations

import pytest

from chainwatch import db
from chainwatch.search import SearchError, search, search_page
from tests.storage.seed import seed


@pytest.fixture()
def ids(clean_db, db_cursor):
    return seed(db_cursor)


def test_pages_are_slices_of_the_whole_ranking(ids):
    whole = search_page("laundering OR mixer OR tornado", limit=50)
    assert whole.matched == len(whole.hits) >= 4 and not whole.capped
    pages = [search_page("laundering OR mixer OR tornado", offset=o, limit=2).hits for o in range(0, whole.matched, 2)]
    assert [h.article_id for page in pages for h in page] == [h.article_id for h in whole.hits]
    assert [h.article_id for h in whole.hits] == [
        h.article_id for h in search("laundering OR mixer OR tornado", limit=50)
    ]


def test_sort_by_date_is_newest_first(ids):
    hits = search_page("tornado", sort="date", limit=50).hits
    dates = [h.published_at for h in hits]
    assert len(dates) >= 3 and dates == sorted(dates, reverse=True)


def test_min_score_and_category(ids):
    every = search_page("laundering OR tornado OR mixer", label="money_laundering", limit=50).hits
    assert every and all(len(h.scores) == len(h.labels) for h in every)
    strong = search_page("laundering OR tornado OR mixer", label="money_laundering", min_score=0.95, limit=50).hits
    for h in strong:
        assert h.scores[h.labels.index("money_laundering")] >= 0.95
    assert len(strong) < len(every) or all(h.scores[h.labels.index("money_laundering")] >= 0.95 for h in every)
    official = search_page("数字人民币", category="official", limit=50).hits
    assert official and {h.source for h in official} == {"xinhua"}
    assert not search_page("tornado", category="official").hits


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_score": 0.5},
        {"label": "money_laundering", "min_score": 1.5},
        {"category": "blogs"},
        {"sort": "random"},
        {"offset": -1},
        {"offset": 1000},
    ],
)
def test_bad_arguments(ids, kwargs):
    with pytest.raises(SearchError):
        search_page("tornado", **kwargs)


def test_on_a_callers_connection_left_open(ids, clean_db):
    conn = db.connect(clean_db)
    try:
        assert search_page("tornado", connection=conn).hits
        assert not conn.closed
    finally:
        conn.close()
