"""The `articles` table: batched, idempotent upserts keyed on canonical_url.

A row is written only when it is new or its content changed, so re-running a crawl writes
nothing. Each new row gets a MinHash signature and a story id from the near-duplicate index
(chainwatch.storage.stories), and Chinese text gets jieba search tokens (chainwatch.textsearch).
"""

from __future__ import annotations

from typing import NamedTuple

from psycopg2.extras import execute_values

from chainwatch.storage.stories import StoryIndex, signature
from chainwatch.textsearch import has_cjk, zh_tokens

_UPSERT = """
INSERT INTO articles (url, canonical_url, source_id, title, lead, text, published_at, published_day,
                      fetched_at, lang, content_hash, minhash, zh_tokens)
VALUES %s
ON CONFLICT (canonical_url) DO UPDATE SET
    url = EXCLUDED.url, title = EXCLUDED.title, lead = EXCLUDED.lead, text = EXCLUDED.text,
    published_at = coalesce(EXCLUDED.published_at, articles.published_at),
    published_day = coalesce(EXCLUDED.published_day, articles.published_day),
    fetched_at = EXCLUDED.fetched_at, lang = EXCLUDED.lang, content_hash = EXCLUDED.content_hash,
    minhash = EXCLUDED.minhash, zh_tokens = EXCLUDED.zh_tokens, updated_at = now()
WHERE (articles.content_hash, articles.lead, articles.lang)
          IS DISTINCT FROM (EXCLUDED.content_hash, EXCLUDED.lead, EXCLUDED.lang)
   OR (EXCLUDED.published_at IS NOT NULL AND articles.published_at IS DISTINCT FROM EXCLUDED.published_at)
   OR (EXCLUDED.published_day IS NOT NULL AND articles.published_day IS DISTINCT FROM EXCLUDED.published_day)
RETURNING id, canonical_url, story_id, (xmax = 0) AS inserted
"""


class UpsertResult(NamedTuple):
    inserted: int
    updated: int
    unchanged: int


def _search_tokens(article) -> str | None:
    if article.lang == "zh" or (article.lang is None and has_cjk(article.title)):
        return zh_tokens(f"{article.title}\n{article.text}")
    return None


def upsert_articles(cur, articles: list, *, stories=None) -> UpsertResult:
    """Insert new articles, update changed ones, leave identical ones alone.

    `stories` is a chainwatch.storage.stories.StoryIndex shared across calls (the crawl keeps one per
    process); without it, one is loaded from the database for this call.
    """

    unique: dict[str, object] = {}
    for art in articles:
        unique.setdefault(art.canonical_url, art)  # one batch may list a URL twice: keep the first
    if not unique:
        return UpsertResult(0, 0, len(articles))
    signatures = {url: signature(a.title, a.text) for url, a in unique.items()}
    rows = [
        (
            a.url,
            a.canonical_url,
            a.source,
            a.title,
            a.lead,
            a.text,
            a.published,
            a.published_day,
            a.fetched_at,
            a.lang,
            a.content_hash,
            signatures[url],
            _search_tokens(a),
        )
        for url, a in unique.items()
    ]
    written = execute_values(cur, _UPSERT, rows, page_size=max(len(rows), 1), fetch=True)
    inserted = sum(1 for row in written if row[3])
    needs_story = [(art_id, url) for art_id, url, story, _ in written if story is None]
    if needs_story:
        if stories is None:
            stories = StoryIndex.load(cur)
        assigned = [
            (art_id, stories.assign(art_id, signatures[url], unique[url].published))
            for art_id, url in sorted(needs_story)
        ]
        execute_values(
            cur,
            "UPDATE articles SET story_id = v.story FROM (VALUES %s) AS v(id, story) WHERE articles.id = v.id",
            assigned,
            page_size=max(len(assigned), 1),
        )
    return UpsertResult(inserted, len(written) - inserted, len(articles) - len(written))


def stored_urls(cur, source_id: str) -> set[str]:
    """Canonical and fetched URLs already stored for a source (the crawl skips them)."""
    cur.execute("SELECT canonical_url, url FROM articles WHERE source_id = %s", (source_id,))
    found: set[str] = set()
    for canonical, url in cur.fetchall():
        found.add(canonical)
        found.add(url)
    return found


def delete_older_than(cur, days: int) -> int:
    """Delete articles published (fetched, when the date is unknown) more than `days` ago; their
    classifications go with them (ON DELETE CASCADE)."""
    cur.execute(
        "DELETE FROM articles WHERE coalesce(published_at, fetched_at) < now() - make_interval(days => %s)",
        (int(days),),
    )
    return cur.rowcount
