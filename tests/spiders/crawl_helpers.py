"""Helpers shared by the crawl-stage tests (plain functions; fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import psycopg2

from spiders.registry import Source
from tests.factories import query  # noqa: F401  (the crawl tests import it from here)

# Real pages and feeds copied from the shared data set (see its PROVENANCE.md).
SHARED_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "shared_data"


def truncate(db_url: str) -> None:
    conn = psycopg2.connect(db_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("TRUNCATE articles, crawl_runs, sources RESTART IDENTITY CASCADE")
    finally:
        conn.close()


def ad_hoc_source(source_id: str, host: str, feeds=(), **extra) -> Source:
    """A source that exists only in a test (crawl() accepts Source entries as well as ids)."""
    return Source.from_dict(
        {"id": source_id, "name": source_id, "domain": host, "lang": "en", "feeds": list(feeds), **extra}
    )


def rss(items: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{u}</link><pubDate>Tue, 05 Jul 2022 04:00:00 +0000</pubDate></item>"
        for t, u in items
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'


def article_html(
    title: str, paragraphs: list[str], published: str = "2022-07-05T04:00:00+00:00", charset: str = "utf-8"
) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="{charset}"><title>{title}</title>'
        f'<meta property="og:title" content="{title}"><meta property="article:published_time" content="{published}">'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )
