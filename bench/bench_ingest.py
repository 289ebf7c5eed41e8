"""Database ingest: rows/s of chainwatch.storage.articles.upsert_articles, in crawl-sized batches.

    .venv/bin/python bench/bench_ingest.py [--rows 50000] [--batch 100] [--json PATH]

Exactly what the crawl's StorePipeline does per batch, into a throwaway database on the benchmark
server (BENCH_PG_ADMIN_URL, else TEST_PG_ADMIN_URL, else postgres@127.0.0.1:5432): one transaction,
MinHash signatures, story ids from one StoryIndex shared by every batch, jieba search tokens for
Chinese items, and the INSERT ... ON CONFLICT upsert. Articles are built beforehand (not timed) from
the real texts of the labelled set (nlp/data/labelled.jsonl, a third Chinese): each is a random draw
of its sentences, and every tenth repeats an earlier article's text under another address, as a
syndicated copy does. Two passes are timed: new rows, then the same rows again (nothing changed, so
nothing is written: what re-fetching stored pages costs). Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import throwaway_database  # noqa: E402

_SENTENCE = re.compile(r"(?<=[.!?。！？])\s*")


def sentence_pools() -> dict[str, list[str]]:
    from nlp.training import labelled

    pools: dict[str, list[str]] = {"en": [], "zh": []}
    for item in labelled.load():
        lang = "zh" if item.lang == "zh" else "en"
        for sentence in _SENTENCE.split(f"{item.title}. {item.text}" if lang == "en" else f"{item.title}。{item.text}"):
            if len(sentence.strip()) >= 12:
                pools[lang].append(sentence.strip())
    return {lang: sorted(set(pool)) for lang, pool in pools.items()}


def make_articles(n: int, seed: int = 7) -> list:
    from chainwatch.contracts import Article
    from spiders.extract import content_hash

    rng = random.Random(seed)
    pools = sentence_pools()
    start = datetime(2026, 1, 5, tzinfo=UTC)
    fetched = datetime.now(UTC)
    articles = []
    for i in range(n):
        if i % 10 == 9 and articles:  # a syndicated copy of an earlier article
            src = articles[rng.randrange(len(articles))]
            title, text, lang, published = src.title, src.text, src.lang, src.published
        else:
            lang = "zh" if rng.random() < 0.33 else "en"
            pool = pools[lang]
            title = rng.choice(pool)[:160]
            text = ("" if lang == "zh" else " ").join(rng.choice(pool) for _ in range(rng.randint(6, 14)))
            published = start + timedelta(minutes=7 * i)
        source = "bench_zh" if lang == "zh" else "bench_en"
        url = f"https://{source}.example/news/{i}"
        articles.append(
            Article(
                url=url,
                canonical_url=url,
                source=source,
                title=title,
                text=text,
                published=published,
                lang=lang,
                content_hash=content_hash(title, text),
                fetched_at=fetched,
                lead=text[:300],
            )
        )
    return articles


def upsert_all(url: str, articles: list, batch: int) -> tuple[float, list]:
    import psycopg2

    from chainwatch.storage.articles import upsert_articles
    from chainwatch.storage.stories import StoryIndex

    conn = psycopg2.connect(url)
    results = []
    try:
        with conn, conn.cursor() as cur:
            stories = StoryIndex.load(cur)
        started = time.perf_counter()
        for i in range(0, len(articles), batch):
            with conn, conn.cursor() as cur:
                results.append(upsert_articles(cur, articles[i : i + batch], stories=stories))
        return time.perf_counter() - started, results
    finally:
        conn.close()


def run(rows: int, batch: int) -> dict:
    import psycopg2

    t = time.perf_counter()
    articles = make_articles(rows)
    build_s = time.perf_counter() - t
    from chainwatch.storage.stories import signature

    signature("warm", "up the permutations")  # drawn once per process, outside the timing
    with throwaway_database("chainwatch_bench_ingest") as url:
        conn = psycopg2.connect(url)
        with conn, conn.cursor() as cur:
            for sid, lang in (("bench_en", "en"), ("bench_zh", "zh")):
                cur.execute(
                    "INSERT INTO sources (id, name, domain, lang, kind) VALUES (%s, %s, %s, %s, 'feed')",
                    (sid, sid, f"{sid}.example", lang),
                )
        conn.close()
        new_s, first = upsert_all(url, articles, batch)
        same_s, second = upsert_all(url, articles, batch)
        conn = psycopg2.connect(url)
        with conn, conn.cursor() as cur:
            cur.execute("SELECT count(*), count(DISTINCT story_id), pg_total_relation_size('articles') FROM articles")
            stored, stories, size = cur.fetchone()
        conn.close()
    return {
        "ingest_rows": rows,
        "ingest_batch": batch,
        "ingest_build_s": build_s,
        "ingest_seconds": new_s,
        "ingest_rows_per_s": rows / new_s,
        "ingest_unchanged_rows_per_s": rows / same_s,
        "ingest_inserted": sum(r.inserted for r in first),
        "ingest_unchanged": sum(r.unchanged for r in second),
        "ingest_stored": stored,
        "ingest_stories": stories,
        "ingest_table_mb": size / 1024 / 1024,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--batch", type=int, default=100, help="articles per upsert (CHAINWATCH_BATCH_SIZE)")
    ap.add_argument("--json", metavar="PATH", help="also write the figures to PATH (python -m bench)")
    args = ap.parse_args()
    r = run(args.rows, args.batch)
    print(
        f"ingest: {r['ingest_rows']:,} articles in batches of {r['ingest_batch']} "
        f"({r['ingest_stored']:,} stored, {r['ingest_stories']:,} stories, table {r['ingest_table_mb']:.0f} MB)"
    )
    print(f"new rows:       {r['ingest_rows_per_s']:,.0f} rows/s ({r['ingest_seconds']:.1f} s)")
    print(f"unchanged rows: {r['ingest_unchanged_rows_per_s']:,.0f} rows/s (nothing written)")
    if args.json:
        Path(args.json).write_text(json.dumps(r), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
