"""Crawl throughput: the whole crawl stage against trafilatura-only extraction of the same pages.

    .venv/bin/python bench/bench_crawl.py [--data ../shared/data] [--limit N] [--keep DIR]

1. Builds a local replay of every item in the real corpus (news/.../cryptonews.csv, about 7,400
   article pages on three hosts plus their RSS feeds), with the offline demo's page template
   (replay/build_snapshot.py), in a temporary folder.
2. Extraction only, in this process: trafilatura over every article page read from disk, once with
   trafilatura's defaults (`trafilatura.extract`) and once with the options the crawl uses
   (`bare_extraction(fast=True, favor_precision=True)`).
3. The pipeline: `chainwatch.runners.crawl.crawl()` through a ReplayServer into a throwaway PostgreSQL database
   (fetch, robots.txt, extraction with metadata/date/language, canonical URLs, MinHash story ids,
   batched upserts, crawl_runs).
Prints pages/s for each and the ratios. Not a test: nothing is asserted, figures vary by machine.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SOURCES = ["cointelegraph", "cryptonews", "cryptopotato"]


def load_builder():
    spec = importlib.util.spec_from_file_location("build_snapshot", ROOT / "replay" / "build_snapshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_replay(data: Path, out: Path, limit: int | None) -> list[Path]:
    """Every corpus item as an article page (the demo's template) and one RSS feed per host."""
    builder = load_builder()
    items, seen = [], set()
    with (data / builder.CORPUS).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            url = builder.fix_url(row["url"].strip())
            if row["source"] not in builder.SITES or url in seen or not row["title"].strip():
                continue
            seen.add(url)
            items.append(
                {
                    "title": row["title"].strip(),
                    "lead": " ".join(row["text"].split()),
                    "url": url,
                    "source": row["source"],
                    "subject": row["subject"],
                    "published": datetime.strptime(row["date"], "%d-%m-%Y %H:%M").replace(tzinfo=UTC),
                }
            )
    items = items[:limit] if limit else items
    for item in items:
        builder.write_page(out, item)
    manifest: dict = {}
    for source in builder.SITES:
        builder.write_feed(out, source, [i for i in items if i["source"] == source], manifest)
    import json

    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return [out / builder.site_path(i["url"]) for i in items]


def throwaway_database() -> tuple[str, str]:
    name = f"chainwatch_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(ADMIN_URL)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    from urllib.parse import urlsplit, urlunsplit

    return name, urlunsplit(urlsplit(ADMIN_URL)._replace(path="/" + name))


def drop_database(name: str) -> None:
    admin = psycopg2.connect(ADMIN_URL)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    admin.close()


def extraction_only(pages: list[Path]) -> tuple[float, float]:
    import trafilatura

    docs = [p.read_bytes().decode("utf-8") for p in pages]
    trafilatura.extract(docs[0])  # imports and caches outside the timing
    started = time.perf_counter()
    for doc in docs:
        trafilatura.extract(doc)
    defaults = len(docs) / (time.perf_counter() - started)
    started = time.perf_counter()
    for doc in docs:
        trafilatura.bare_extraction(doc, fast=True, favor_precision=True, include_comments=False, with_metadata=False)
    crawl_options = len(docs) / (time.perf_counter() - started)
    return defaults, crawl_options


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N corpus items")
    ap.add_argument("--keep", type=Path, default=None, help="build the replay here and keep it")
    ap.add_argument("--json", metavar="PATH", help="also write the figures to PATH (python -m bench)")
    args = ap.parse_args()

    from chainwatch import db
    from chainwatch.replay import ReplayServer
    from chainwatch.runners.crawl import crawl

    with tempfile.TemporaryDirectory(prefix="chainwatch-bench-") as tmp:
        site = args.keep or Path(tmp) / "site"
        site.mkdir(parents=True, exist_ok=True)
        pages = build_replay(args.data, site, args.limit)
        print(
            f"replay: {len(pages)} article pages, {sum(p.stat().st_size for p in pages) / len(pages) / 1024:.1f} KiB "
            f"average, in {site}",
            file=sys.stderr,
        )

        defaults_rate, options_rate = extraction_only(pages)

        name, url = throwaway_database()
        try:
            db.upgrade(url)
            with ReplayServer(site) as srv:
                started = time.perf_counter()
                summary = crawl(SOURCES, replay_proxy=srv.proxy_url, database_url=url)
                seconds = time.perf_counter() - started
            with db.transaction(url) as cur:
                cur.execute("SELECT count(*), count(published_at), count(lang), count(DISTINCT story_id) FROM articles")
                stored, dated, with_lang, stories = cur.fetchone()
        finally:
            drop_database(name)

    pipeline_rate = summary.pages_fetched / seconds
    article_rate = stored / seconds
    print(
        f"pages: {summary.pages_fetched} fetched, {stored} stored ({dated} dated, {with_lang} with language, "
        f"{stories} stories), {summary.errors} errors; statuses {summary.statuses}"
    )
    for source_id, row in summary.per_source.items():
        if row["error_counts"]:
            print(f"  {source_id} error kinds: {row['error_counts']}")
    print(
        f"pipeline (fetch+extract+dedup+store, wall clock incl. process start): {pipeline_rate:.0f} pages/s "
        f"({article_rate:.0f} articles/s, {seconds:.1f}s)"
    )
    print(f"trafilatura only, defaults (trafilatura.extract):        {defaults_rate:.0f} pages/s")
    print(f"trafilatura only, crawl options (fast, favor_precision): {options_rate:.0f} pages/s")
    print(f"ratio pipeline / trafilatura defaults:      {pipeline_rate / defaults_rate:.2f}")
    print(f"ratio pipeline / trafilatura crawl options: {pipeline_rate / options_rate:.2f}")
    if args.json:
        import json

        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(
                {
                    "crawl_article_pages": len(pages),
                    "crawl_pages_fetched": summary.pages_fetched,
                    "crawl_articles_stored": stored,
                    "crawl_errors": summary.errors,
                    "crawl_seconds": seconds,
                    "crawl_pages_per_s": pipeline_rate,
                    "crawl_articles_per_s": article_rate,
                    "extraction_pages_per_s": defaults_rate,
                    "extraction_crawl_options_pages_per_s": options_rate,
                    "crawl_vs_extraction_ratio": pipeline_rate / defaults_rate,
                },
                fh,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
