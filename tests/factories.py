"""Seed rows for tests that start from a database state (views, search, digests).

Rows go in through plain parameterised INSERTs, the way the pipeline stores them, so tests of
readers do not depend on crawling or a model. Stages that write are tested end to end elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

import psycopg2

from chainwatch import taxonomy
from chainwatch.storage.labels import sync_labels
from chainwatch.textsearch import zh_tokens

MODEL_VERSION = "test-model-v1"


def add_source(
    cur, source_id: str, *, lang: str = "en", kind: str = "feed", name: str | None = None, category: str = "news"
) -> str:
    cur.execute(
        "INSERT INTO sources (id, name, domain, lang, kind, category) VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (id) DO NOTHING",
        (source_id, name or source_id.title(), f"{source_id}.example", lang, kind, category),
    )
    return source_id


def add_article(
    cur,
    *,
    source: str,
    title: str,
    text: str,
    published: datetime | None,
    lang: str = "en",
    url: str | None = None,
    story_id: int | None = None,
    lead: str | None = None,
    published_day: date | None = None,
) -> int:
    """Insert one article (its source must exist); returns its id. story_id defaults to itself.
    published_day: the publisher's own day, when it differs from published's UTC day."""
    url = url or f"https://{source}.example/news/{hashlib.sha1((title + text).encode()).hexdigest()[:12]}"
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    cur.execute(
        """
        INSERT INTO articles (url, canonical_url, source_id, title, lead, text, published_at, published_day, lang,
                              content_hash, zh_tokens)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id
        """,
        (
            url,
            url,
            source,
            title,
            lead,
            text,
            published,
            published_day,
            lang,
            hashlib.sha256(f"{title}\n{text}".encode()).hexdigest(),
            zh_tokens(f"{title}\n{text}"),
        ),
    )
    article_id = cur.fetchone()[0]
    cur.execute("UPDATE articles SET story_id = %s WHERE id = %s", (story_id or article_id, article_id))
    return article_id


def ensure_labels(cur) -> None:
    sync_labels(cur, taxonomy.load())


def add_labels(
    cur,
    article_id: int,
    labels: dict[str, float],
    *,
    evidence: str | None = None,
    model_version: str = MODEL_VERSION,
    threshold: float = 0.5,
) -> None:
    """Record a classification: `labels` maps label id -> probability (>= threshold is positive)."""
    ensure_labels(cur)
    cur.execute(
        "INSERT INTO model_versions (version, encoder) VALUES (%s, 'test') ON CONFLICT DO NOTHING", (model_version,)
    )
    cur.execute(
        "INSERT INTO classified_articles (article_id, model_version, status) VALUES (%s, %s, 'ok') "
        "ON CONFLICT DO NOTHING",
        (article_id, model_version),
    )
    for label, prob in labels.items():
        positive = prob >= threshold
        cur.execute(
            "INSERT INTO classifications (article_id, model_version, label, probability, positive, evidence) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (article_id, model_version, label, prob, positive, evidence if positive else None),
        )


def add_crawl_run(
    cur,
    source: str,
    *,
    run_id: str = "run-1",
    started: datetime | None = None,
    status: str = "ok",
    pages: int = 10,
    stored: int = 10,
    skipped: int = 0,
    errors: int = 0,
    error_counts: dict | None = None,
) -> None:
    started = started or datetime.now(UTC)
    cur.execute(
        """
        INSERT INTO crawl_runs (run_id, source_id, started_at, finished_at, status, pages_fetched,
                                items_stored, items_skipped, errors, error_counts)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb)
        """,
        (run_id, source, started, started, status, pages, stored, skipped, errors, json.dumps(error_counts or {})),
    )


def query(url: str, statement: str, params: tuple | dict = ()) -> list[tuple]:
    """Rows of one statement, in its own connection (tests that check what a run wrote)."""
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall()
    finally:
        conn.close()
