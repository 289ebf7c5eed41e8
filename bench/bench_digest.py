"""Benchmark: build the digest of a week of 10,000 items in a database of 1,000,000 articles.

Generates the data with generate_series into a throwaway database on 127.0.0.1:5432 (dropped at
the end unless --keep), with classifications (3 per article, 1-2 positive), near-duplicate
stories, Chinese items, gazetteer names and a week of crawl runs; then times build_digest().

    .venv/bin/python bench/bench_digest.py                 # 1M articles, 10k in the digest week
    .venv/bin/python bench/bench_digest.py --articles 200000 --explain

Prints the generation time, the first build (includes imports and matplotlib's start-up), the
median of the following builds, and with --explain the plan and time of every digest query.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg2
from psycopg2 import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import admin_connection, db_url  # noqa: E402
from chainwatch import (
    db,  # noqa: E402
    taxonomy,  # noqa: E402
)
from chainwatch.digests import build, build_digest, fetch  # noqa: E402
from chainwatch.digests.weeks import parse_week  # noqa: E402
from chainwatch.storage.labels import sync_labels  # noqa: E402

WEEK = "2026-W47"
SOURCES = 40
LOADED_TABLES = ("articles", "classified_articles", "classifications")

# One statement per table, all set-based. Article i (1..N) is in the digest week when
# i > N - week_items; the others spread evenly over the `history_weeks` weeks before it.
ARTICLES = """
INSERT INTO articles (id, url, canonical_url, source_id, title, lead, text, published_at, fetched_at, lang,
                      content_hash, story_id, zh_tokens)
SELECT i, u, u, 'src' || (i %% %(sources)s),
       CASE WHEN zh THEN '交易所' || (ARRAY['币安', '火币', '欧易'])[1 + i %% 3] || '新闻 ' || i
            ELSE (ARRAY['Binance', 'Coinbase', 'Kraken', 'Tether', 'the SEC'])[1 + i %% 5] || ' update ' || i END,
       NULL,
       CASE WHEN zh THEN '监管机构表示，' || (ARRAY['香港', '新加坡', '美国'])[1 + i %% 3] || '的交易所被盗。'
            ELSE 'Regulators in ' || (ARRAY['Singapore', 'Hong Kong', 'the United Kingdom', 'Japan'])[1 + i %% 4]
                 || ' said the exchange lost funds in an exploit; traders reacted as prices moved. '
                 || CASE WHEN new_names THEN 'Bybit and El Salvador were named. ' ELSE '' END
                 || 'Item ' || i || '.' END,
       published, published, CASE WHEN zh THEN 'zh' ELSE 'en' END,
       md5(i::text),
       CASE WHEN i %% 10 IN (4, 5) THEN i - i %% 10 + 3 ELSE i END,  -- near-duplicates of article ...3
       CASE WHEN zh THEN '交易所 ' || (ARRAY['币安', '火币', '欧易'])[1 + i %% 3] || ' 新闻 监管 机构 表示 '
                         || (ARRAY['香港', '新加坡', '美国'])[1 + i %% 3] || ' 交易 交易所 被盗' END
FROM (
    SELECT i,
           'https://src' || (i %% %(sources)s) || '.example/news/' || i AS u,
           i %% 20 = 7 AS zh,
           i > %(n)s - %(week_items)s AND i %% 97 = 0 AS new_names,
           CASE WHEN i > %(n)s - %(week_items)s
                THEN %(week_start)s + ((i * 7919) %% 604800) * interval '1 second'
                ELSE %(week_start)s - interval '1 week' * (1 + i %% %(history_weeks)s)
                     + ((i * 104729) %% 604800) * interval '1 second' END AS published
    FROM generate_series(1, %(n)s::bigint) AS i
) g;
"""
CLASSIFIED = """
INSERT INTO classified_articles (article_id, model_version, status, classified_at)
SELECT i, 'bench-v1', 'ok', now() FROM generate_series(1, %(n)s) AS i;
"""
# Per article: one positive label, a second positive for a third of them, one negative. In the
# digest week, market_manipulation is boosted so the digest has a spike to report.
CLASSIFICATIONS = """
INSERT INTO classifications (article_id, model_version, label, probability, positive, evidence)
SELECT a.i, 'bench-v1', l.label, l.p, l.p >= 0.5, CASE WHEN l.p >= 0.5 THEN 'Evidence sentence for item ' || a.i || '.' END
FROM generate_series(1, %(n)s) AS a(i)
CROSS JOIN LATERAL (VALUES
    ((%(labels)s::text[])[1 + a.i %% %(nlabels)s], 0.55 + (a.i %% 45) / 100.0),
    ((%(labels)s::text[])[1 + (a.i * 7 + 3) %% %(nlabels)s], CASE WHEN a.i %% 3 = 0 THEN 0.7 ELSE 0.2 END),
    ('market_manipulation', CASE WHEN a.i > %(n)s - %(week_items)s AND a.i %% 4 = 0 THEN 0.8 ELSE 0.05 END)
) AS l(label, p)
ON CONFLICT DO NOTHING;
"""
CRAWL_RUNS = """
INSERT INTO crawl_runs (run_id, source_id, started_at, finished_at, status, pages_fetched, items_stored,
                        items_skipped, errors, error_counts)
SELECT 'run-' || r, 'src' || s, %(week_start)s + r * interval '12 hours', %(week_start)s + r * interval '12 hours',
       CASE WHEN s = 3 THEN 'failed' WHEN s = 5 AND r %% 2 = 0 THEN 'degraded' ELSE 'ok' END,
       40, 30, 10, CASE WHEN s IN (3, 5) THEN 12 ELSE 0 END,
       CASE WHEN s IN (3, 5) THEN '{"http_503": 12}'::jsonb ELSE '{}'::jsonb END
FROM generate_series(0, 13) AS r, generate_series(0, %(sources)s - 1) AS s;
"""


def _step(label: str, started: float) -> float:
    now = time.monotonic()
    print(f"  {label}: {now - started:.1f} s", file=sys.stderr, flush=True)
    return now


def generate(url: str, n: int, week_items: int, history_weeks: int) -> float:
    """Fill the database; returns seconds. Secondary indexes of the loaded tables are dropped
    for the load and rebuilt after it, from their own definitions (much faster than keeping
    them up to date row by row, and the result is the same schema)."""
    started = t = time.monotonic()
    labels = taxonomy.load()
    params = {
        "n": n,
        "week_items": week_items,
        "history_weeks": history_weeks,
        "sources": SOURCES,
        "week_start": parse_week(WEEK).start,
        "labels": [lab.id for lab in labels],
        "nlabels": len(labels),
    }
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET synchronous_commit = off")
        sync_labels(cur, labels)
        cur.execute("INSERT INTO model_versions (version, encoder) VALUES ('bench-v1', 'bench')")
        for i in range(SOURCES):
            cur.execute(
                "INSERT INTO sources (id, name, domain, lang, kind) VALUES (%s, %s, %s, 'en', 'feed')",
                (f"src{i}", f"Source {i}", f"src{i}.example"),
            )
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.tablename = ANY(%s) AND i.schemaname = 'public' AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            (list(LOADED_TABLES),),
        )
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        cur.execute(ARTICLES, params)
        cur.execute("SELECT setval('articles_id_seq', %s)", (n,))
        t = _step(f"{n:,} articles", t)
        cur.execute(CLASSIFIED, params)
        cur.execute(CLASSIFICATIONS, params)
        t = _step("classifications", t)
        cur.execute(CRAWL_RUNS, params)
        for _name, definition in indexes:
            cur.execute(definition)
        t = _step(f"{len(indexes)} indexes rebuilt", t)
        cur.execute("VACUUM ANALYZE")
        _step("vacuum analyze", t)
    conn.close()
    return time.monotonic() - started


def explain(url: str) -> None:
    """EXPLAIN ANALYZE every query of the digest, with the parameters build_digest sends."""
    week = parse_week(WEEK)
    window = week.window(build.TREND_WEEKS)
    rng = {"start": week.start, "end": week.end}
    queries = {
        "week_totals": rng,
        "trend": {"start": window[0].start, "end": week.end},
        "week_labels": rng,
        "top_stories": {**rng, "per_label": 3},
        "new_sources": rng,
        "new_entities": {**rng, "window_start": week.shift(-build.NEW_WINDOW_WEEKS).start, "limit": 20},
        "source_health_week": rng,
    }
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute(fetch.sql("session"))  # the settings build_digest uses
        for name, params in queries.items():
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + fetch.sql(name), params)
            plan = [row[0] for row in cur.fetchall()]
            print(f"\n--- {name}: {plan[-1].strip()}\n" + "\n".join(plan[:40]))
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--week-items", type=int, default=10_000)
    ap.add_argument("--history-weeks", type=int, default=99, help="weeks the other articles spread over")
    ap.add_argument(
        "--runs", type=int, default=5, choices=range(1, 101), metavar="1..100", help="timed builds after the first"
    )
    ap.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of every digest query")
    ap.add_argument("--keep", metavar="DBNAME", help="use (or create and keep) this database")
    ap.add_argument("--json", metavar="PATH", help="also write the figures to PATH (python -m bench)")
    args = ap.parse_args()

    name = args.keep or f"chainwatch_digest_bench_{uuid.uuid4().hex[:8]}"
    admin = admin_connection()
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        exists = cur.fetchone() is not None
        if not exists:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = db_url(name)
    try:
        db.upgrade(url)
        if exists:
            print(f"reusing database {name}", file=sys.stderr)
            gen_s = 0.0
        else:
            print(f"generating {args.articles:,} articles in {name} ...", file=sys.stderr)
            gen_s = generate(url, args.articles, args.week_items, args.history_weeks)
        with tempfile.TemporaryDirectory() as out:
            t = time.monotonic()
            first = build_digest(WEEK, database_url=url, out_dir=Path(out))
            cold = time.monotonic() - t
            times = []
            for _ in range(args.runs):
                t = time.monotonic()
                build_digest(WEEK, database_url=url, out_dir=Path(out))
                times.append(time.monotonic() - t)
        if args.explain:
            explain(url)
        print(
            f"digest {first.iso_week}: {first.item_count:,} items of {args.articles:,} articles; "
            f"generation {gen_s:.0f} s; first build {cold:.2f} s (imports included); "
            f"median of {len(times)} builds {statistics.median(times):.2f} s (min {min(times):.2f} s)"
        )
        if args.json:
            import json

            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(
                    {
                        "digest_articles": args.articles,
                        "digest_items": first.item_count,
                        "digest_generation_s": gen_s,
                        "digest_first_build_s": cold,
                        "digest_build_s": statistics.median(times),
                        "digest_build_min_s": min(times),
                    },
                    fh,
                )
    finally:
        if not args.keep:
            with admin.cursor() as cur:
                cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.close()


if __name__ == "__main__":
    main()
