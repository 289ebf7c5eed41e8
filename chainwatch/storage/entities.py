"""Entities in PostgreSQL: `entities`, `extracted_articles`, `article_entities` (migration 007),
and the queries that read them (search filter, entity pages, digest sections).

Rows are keyed by (article, extractor version), like classifications: writing the same version
again replaces that version's rows for the article (idempotent); a new version adds rows, and the
views read each article's latest extraction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from psycopg2.extensions import cursor as Cursor
from psycopg2.extras import execute_values


@dataclass(frozen=True)
class EntityRow:
    id: str
    kind: str
    name: str
    aliases: dict[str, list[str]]


@dataclass(frozen=True)
class MentionRow:
    kind: str
    entity_id: str | None
    field: str
    start: int
    end: int
    surface: str
    currency: str | None = None
    amount: Decimal | None = None
    amount_usd: Decimal | None = None


@dataclass(frozen=True)
class EntitySummary:
    entity_id: str
    kind: str
    name: str
    aliases: dict[str, list[str]]
    first_seen: datetime | None
    last_seen: datetime | None
    articles: int
    stories: int


@dataclass(frozen=True)
class EntityArticle:
    article_id: int
    story_id: int
    title: str
    url: str
    source_id: str
    published_at: datetime | None
    lang: str | None
    mentions: int
    published_day: date | None  # the publisher's own day, else published_at's UTC day: the date to show


def sync_entities(cur: Cursor, entities: Iterable[EntityRow]) -> None:
    """Write the gazetteer's entities (the YAML files are the source of truth). Entities that left
    the gazetteer stay, so older extractions still resolve."""
    rows = [(e.id, e.kind, e.name, json.dumps(e.aliases, ensure_ascii=False)) for e in entities]
    if rows:
        execute_values(
            cur,
            """
            INSERT INTO entities (id, kind, name, aliases) VALUES %s
            ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name,
                aliases = EXCLUDED.aliases, updated_at = now()
            WHERE (entities.kind, entities.name, entities.aliases)
                  IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.name, EXCLUDED.aliases)
            """,
            rows,
            template="(%s, %s, %s, %s::jsonb)",
            page_size=1000,
        )


def count_unextracted(cur: Cursor, version: str) -> int:
    cur.execute(
        "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM extracted_articles x"
        " WHERE x.article_id = a.id AND x.extractor_version = %s)",
        (version,),
    )
    return int(cur.fetchone()[0])


def next_unextracted(
    cur: Cursor, version: str, *, after_id: int, limit: int, ids: list[int] | None = None
) -> list[tuple[int, str, str]]:
    """(id, title, text) of articles with id > after_id, in id order, that this extractor version
    has not read (limited to `ids` when given). Keyset paging, like the classifier's."""
    cur.execute(
        """
        SELECT a.id, a.title, a.text FROM articles a
        WHERE a.id > %(after)s
          AND (%(ids)s::bigint[] IS NULL OR a.id = ANY(%(ids)s::bigint[]))
          AND NOT EXISTS (SELECT 1 FROM extracted_articles x
                          WHERE x.article_id = a.id AND x.extractor_version = %(version)s)
        ORDER BY a.id LIMIT %(limit)s
        """,
        {"after": after_id, "version": version, "limit": limit, "ids": ids},
    )
    return [(r[0], r[1] or "", r[2] or "") for r in cur.fetchall()]


def store_mentions(cur: Cursor, version: str, mentions: dict[int, list[MentionRow]]) -> None:
    """Record that `version` read these articles and replace that version's mentions of them."""
    if not mentions:
        return
    ids = sorted(mentions)
    cur.execute(
        "DELETE FROM article_entities WHERE extractor_version = %s AND article_id = ANY(%s::bigint[])", (version, ids)
    )
    rows = [
        (
            article_id,
            version,
            m.kind,
            m.entity_id,
            m.field,
            m.start,
            m.end,
            _storable(m.surface),
            m.currency,
            m.amount,
            m.amount_usd,
        )
        for article_id in ids
        for m in mentions[article_id]
    ]
    if rows:
        execute_values(
            cur,
            """
            INSERT INTO article_entities (article_id, extractor_version, kind, entity_id, field, start_offset,
                                          end_offset, surface, currency, amount, amount_usd)
            VALUES %s
            ON CONFLICT (article_id, extractor_version, field, start_offset, kind) DO NOTHING
            """,
            rows,
            page_size=1000,
        )
    execute_values(
        cur,
        """
        INSERT INTO extracted_articles (article_id, extractor_version, mentions) VALUES %s
        ON CONFLICT (article_id, extractor_version) DO UPDATE
        SET mentions = EXCLUDED.mentions, extracted_at = now()
        """,
        [(i, version, len(mentions[i])) for i in ids],
        page_size=1000,
    )


def _storable(text: str) -> str:
    return text.replace("\x00", "")  # PostgreSQL text cannot hold NUL


def known_entity_ids(cur: Cursor, ids: list[str]) -> set[str]:
    cur.execute("SELECT id FROM entities WHERE id = ANY(%s)", (ids,))
    return {r[0] for r in cur.fetchall()}


def find_entities(cur: Cursor, text: str, *, limit: int = 10) -> list[tuple[str, str, str]]:
    """(id, kind, name) of entities whose id, name or an alias contains `text` (case-insensitive),
    exact id first: how the CLI resolves `--entity Binance` or `--entity 币安`."""
    cur.execute(
        """
        SELECT id, kind, name FROM entities
        WHERE id = lower(%(t)s) OR name ILIKE %(like)s
           OR EXISTS (SELECT 1 FROM jsonb_each(aliases) AS l(lang, names),
                             jsonb_array_elements_text(l.names) AS n(alias)
                      WHERE lower(n.alias) = lower(%(t)s))
        ORDER BY (id = lower(%(t)s)) DESC, (lower(name) = lower(%(t)s)) DESC, id
        LIMIT %(limit)s
        """,
        {"t": text, "like": f"%{_escape_like(text)}%", "limit": limit},
    )
    return [tuple(r) for r in cur.fetchall()]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def entity_summary(cur: Cursor, entity_id: str) -> EntitySummary | None:
    """An entity page's header: kind, name, aliases, first and last mention, totals."""
    cur.execute(
        "SELECT entity_id, kind, name, aliases, first_seen, last_seen, articles, stories"
        " FROM entity_summary WHERE entity_id = %s",
        (entity_id,),
    )
    row = cur.fetchone()
    return EntitySummary(row[0], row[1], row[2], row[3], row[4], row[5], int(row[6]), int(row[7])) if row else None


def entity_articles(
    cur: Cursor, entity_id: str, *, limit: int = 50, before_id: int | None = None
) -> list[EntityArticle]:
    """The newest articles that mention an entity (an entity page's list; page with before_id)."""
    cur.execute(
        """
        SELECT l.article_id, l.story_id, a.title, a.canonical_url, l.source_id, l.published_at, l.lang, l.mentions,
               chainwatch_shown_day(a.published_day, l.published_at)
        FROM article_entity_list l JOIN articles a ON a.id = l.article_id
        WHERE l.entity_id = %(e)s AND (%(before)s::bigint IS NULL OR l.article_id < %(before)s::bigint)
        ORDER BY l.published_at DESC NULLS LAST, l.article_id DESC
        LIMIT %(limit)s
        """,
        {"e": entity_id, "limit": limit, "before": before_id},
    )
    return [EntityArticle(r[0], r[1], r[2], r[3], r[4], r[5], r[6], int(r[7]), r[8]) for r in cur.fetchall()]


def article_mentions(cur: Cursor, article_id: int) -> list[dict[str, Any]]:
    """An article page's entities and amounts (latest extraction), in reading order."""
    cur.execute(
        """
        SELECT kind, entity_id, entity_name, field, start_offset, end_offset, surface, currency, amount, amount_usd
        FROM article_entity_mentions WHERE article_id = %s
        ORDER BY field DESC, start_offset
        """,
        (article_id,),
    )
    cols = ("kind", "entity_id", "entity_name", "field", "start", "end", "surface", "currency", "amount", "amount_usd")
    return [dict(zip(cols, r)) for r in cur.fetchall()]


@dataclass(frozen=True)
class MentioningArticle:
    article_id: int
    title: str
    url: str
    source_id: str
    published_at: datetime | None
    lang: str | None
    snippet: str  # the surfaces of the entities, as written
    labels: list[str]
    published_day: date | None  # the publisher's own day, else published_at's UTC day: the date to show


def articles_mentioning(
    cur: Cursor,
    entity_ids: list[str],
    *,
    label: str | None = None,
    min_score: float | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    lang: str | None = None,
    source: str | None = None,
    category: str | None = None,
    offset: int = 0,
    limit: int = 20,
) -> list[MentioningArticle]:
    """The newest articles that mention every one of `entity_ids` (`chainwatch search --entity`
    without words), with the same filters as a search."""
    cur.execute(
        """
        SELECT a.id, a.title, a.canonical_url, a.source_id, a.published_at, a.lang,
               (SELECT string_agg(DISTINCT m.surface, ' · ') FROM article_entity_mentions m
                WHERE m.article_id = a.id AND m.entity_id = ANY(%(ids)s::text[])),
               coalesce((SELECT array_agg(al.label ORDER BY al.label) FROM article_labels al
                         WHERE al.article_id = a.id), '{}'),
               chainwatch_shown_day(a.published_day, a.published_at)
        FROM articles a
        WHERE (SELECT count(DISTINCT l.entity_id) FROM article_entity_list l
               WHERE l.article_id = a.id AND l.entity_id = ANY(%(ids)s::text[])) = cardinality(%(ids)s::text[])
          AND (%(label)s::text IS NULL
               OR EXISTS (SELECT 1 FROM article_labels al WHERE al.article_id = a.id AND al.label = %(label)s::text
                          AND al.probability >= %(min_score)s))
          AND (%(category)s::text IS NULL
               OR a.source_id IN (SELECT s.id FROM sources s WHERE s.category = %(category)s::text))
          AND (%(since)s::timestamptz IS NULL OR a.published_at >= %(since)s::timestamptz)
          AND (%(until)s::timestamptz IS NULL OR a.published_at < %(until)s::timestamptz)
          AND (%(lang)s::text IS NULL OR a.lang = %(lang)s::text)
          AND (%(source)s::text IS NULL OR a.source_id = %(source)s::text)
          AND a.id IN (SELECT article_id FROM article_entities WHERE entity_id = ANY(%(ids)s::text[]))
        ORDER BY a.published_at DESC NULLS LAST, a.id DESC
        LIMIT %(limit)s OFFSET %(offset)s
        """,
        {
            "ids": entity_ids,
            "min_score": float(min_score or 0),
            "category": category,
            "offset": offset,
            "label": label,
            "since": since,
            "until": until,
            "lang": lang,
            "source": source,
            "limit": limit,
        },
    )
    return [MentioningArticle(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or "", list(r[7]), r[8]) for r in cur.fetchall()]
