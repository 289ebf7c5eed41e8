"""What the entity pages and endpoints read (docs/entities.md): the entity list by kind with counts,
one entity with its aliases, weekly mentions and newest articles, (an article's entities are read with the
article, reads.article_detail). Shared by /entities and /api/v1/entities like reads.py is by the other screens; rows come from
chainwatch.storage.browse and chainwatch.storage.entities (migration 007's views)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from chainwatch.digests.weeks import week_of
from chainwatch.entities.gazetteer import KINDS as KINDS  # re-exported: the pages and API list them
from chainwatch.storage import browse
from chainwatch.storage import entities as store
from chainwatch.web.reads import BadParameter, NotFound, reading, source_names, weeks_between
from chainwatch.web.settings import WebSettings

ENTITY_WEEKS = 26  # the entity page's trend window, up to its last mention
ENTITY_ARTICLES = 20  # newest articles on the entity page
MAX_ENTITIES = 2000  # rows of one entity list at most (the gazetteers hold under a thousand)


def entity_list(
    settings: WebSettings, kind: str | None = None, min_articles: int = 1, limit: int = MAX_ENTITIES
) -> list[dict[str, Any]]:
    """Entities by kind (KINDS order), the most mentioned first, with their article and story counts."""
    if kind is not None and kind not in KINDS:
        raise BadParameter("kind", f"unknown kind {kind!r}; valid kinds: {', '.join(KINDS)}")
    with reading(settings) as cur:
        rows = browse.entities(cur, kind=kind, min_articles=min_articles, limit=limit)
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(rows, key=lambda r: order.get(r["kind"], len(order)))  # stable: counts stay in order


def by_kind(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """[(kind, its entities)] in KINDS order, kinds without a row left out (the list page's sections)."""
    return [(k, [r for r in rows if r["kind"] == k]) for k in KINDS if any(r["kind"] == k for r in rows)]


def entity_detail(settings: WebSettings, entity: str, *, limit: int = ENTITY_ARTICLES) -> dict[str, Any]:
    """One entity (by id, canonical name or alias, English or Chinese): its summary, aliases, mentions
    per ISO week over the ENTITY_WEEKS weeks up to its last mention (zeros included), newest articles."""
    with reading(settings) as cur:
        found = store.find_entities(cur, entity, limit=1)
        summary = store.entity_summary(cur, found[0][0]) if found else None
        if summary is None:
            raise NotFound(f"no entity matches {entity!r}; see /entities")
        end = week_of(summary.last_seen or datetime.now(UTC))
        start = max(end.shift(-(ENTITY_WEEKS - 1)), week_of(summary.first_seen)) if summary.first_seen else end
        span = weeks_between(start, end)
        counts = browse.entity_weeks(cur, summary.entity_id, span[0].monday, span[-1].shift(1).monday)
        articles = store.entity_articles(cur, summary.entity_id, limit=limit)
    names = source_names(settings)
    weeks = []
    for w in span:
        row = counts.get(w.monday, {})
        weeks.append(
            {
                "iso_week": str(w),
                "week_start": w.monday,
                "articles": int(row.get("articles", 0)),
                "stories": int(row.get("stories", 0)),
                "sources": int(row.get("sources", 0)),
            }
        )
    return {
        **asdict(summary),
        "article_count": summary.articles,
        "weeks": weeks,
        "articles": [{**asdict(a), "source_name": names.get(a.source_id, (a.source_id, None))[0]} for a in articles],
    }
