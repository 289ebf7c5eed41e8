"""Read-only queries behind the web app and its JSON API (chainwatch.web): article listings with
keyset paging, one article with its label scores and its story, label weeks, crawl runs, sources.

The SQL is in sql/browse/*.sql. Each function takes an open cursor and returns plain dicts (by
column name), so a caller reads several from one snapshot. Scraped text comes back raw: whoever
renders it escapes it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chainwatch.sqlfiles import statement

STORY_COPIES = 50  # a story copied by more sources lists the first ones


def _rows(cur: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def list_articles(
    cur: Any,
    *,
    label: str | None = None,
    min_score: float | None = None,
    source: str | None = None,
    lang: str | None = None,
    category: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Dated articles, newest first (published_at, then id), after the keyset `after` when given.

    Each row: id, title, canonical_url, source_id, source_name, category, published_at, lang, story_id,
    lead (300 characters), labels ([{label, score}] best first, or None)."""
    cur.execute(
        statement("browse", "articles"),
        {
            "label": label,
            "min_score": min_score,
            "source": source,
            "lang": lang,
            "category": category,
            "since": since,
            "until": until,
            "after_published": after[0] if after else None,
            "after_id": after[1] if after else None,
            "lim": limit,
        },
    )
    return _rows(cur)


def article(cur: Any, article_id: int) -> dict[str, Any] | None:
    """One article with its source, or None."""
    cur.execute(statement("browse", "article"), {"id": article_id})
    rows = _rows(cur)
    return rows[0] if rows else None


def article_scores(cur: Any, article_id: int) -> list[dict[str, Any]]:
    """Every label's score from the article's latest classification, positives first (empty when never
    classified). Each row: label, name, kind, probability, positive, evidence, model_version,
    classified_at, status."""
    cur.execute(statement("browse", "article_scores"), {"id": article_id})
    return _rows(cur)


def story_copies(cur: Any, story_id: int, limit: int = STORY_COPIES) -> list[dict[str, Any]]:
    """The articles of one story, oldest first."""
    cur.execute(statement("browse", "story_copies"), {"story_id": story_id, "lim": limit})
    return _rows(cur)


def label_weeks(cur: Any, label: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Items, stories and sources per week start for one label over [start, end); empty weeks absent."""
    cur.execute(statement("browse", "label_weeks"), {"label": label, "start": start, "end": end})
    return _rows(cur)


def week_items(cur: Any, start: datetime, end: datetime) -> dict[date, int]:
    """Dated articles per week start over [start, end); empty weeks absent."""
    cur.execute(statement("browse", "week_items"), {"start": start, "end": end})
    return {week: int(n) for week, n in cur.fetchall()}


def date_span(cur: Any) -> tuple[datetime | None, datetime | None]:
    """The first and last publication times of stored articles."""
    cur.execute(statement("browse", "date_span"))
    first, last = cur.fetchone()
    return first, last


def recent_runs(cur: Any, per_source: int = 5) -> list[dict[str, Any]]:
    """The latest `per_source` crawl runs of every source, newest first per source."""
    cur.execute(statement("browse", "recent_runs"), {"lim": per_source})
    return _rows(cur)


def sources(cur: Any) -> list[dict[str, Any]]:
    """Every registered source: id, name, category, lang, domain, kind, enabled."""
    cur.execute(statement("browse", "sources"))
    return _rows(cur)


def entities(cur: Any, *, kind: str | None = None, min_articles: int = 1, limit: int = 1000) -> list[dict[str, Any]]:
    """Entities by kind, the most mentioned first. Each row: entity_id, kind, name, aliases
    ({lang: [names]}), articles, stories, last_seen."""
    cur.execute(statement("browse", "entities"), {"kind": kind, "min_articles": min_articles, "lim": limit})
    return _rows(cur)


def entity_weeks(cur: Any, entity_id: str, start: date, end: date) -> dict[date, dict[str, Any]]:
    """{week start: row with articles, stories, sources} for one entity over weeks in [start, end)."""
    cur.execute(statement("browse", "entity_weeks"), {"entity": entity_id, "start": start, "end": end})
    return {row["week_start"]: row for row in _rows(cur)}
