"""Saved pages per source, and what extracting them must give (Fundus-style parser tests).

Layout under tests/fixtures/spiders/:
    site/<host>/<path>          one replay snapshot for every source (served by ReplayServer)
    sources/<id>.json           {"pages": [...], "expected": [...]} for one source

A page record: {"url", "file" (under site/), "role" (robots|feed|sitemap|listing|article),
"recorded" (date), "origin" (where it came from)}. "expected" is what the crawl must store for
each article page; spiders.tools.regenerate_expected rewrites it after a deliberate change.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from chainwatch.config import PROJECT_ROOT
from spiders.canonical import canonical_url
from spiders.discovery import BadEntryPage
from spiders.discovery.feed import parse_feed
from spiders.discovery.listing import parse_listing
from spiders.discovery.sitemap import parse_sitemap
from spiders.extract import Hints, extract
from spiders.registry import Source

FIXTURES_DIR = PROJECT_ROOT / "tests" / "fixtures" / "spiders"
ENTRY_ROLES = ("feed", "sitemap", "listing")


def site_dir(base: Path | None = None) -> Path:
    return (base or FIXTURES_DIR) / "site"


def record_path(source_id: str, base: Path | None = None) -> Path:
    return (base or FIXTURES_DIR) / "sources" / f"{source_id}.json"


def site_file(url: str) -> str:
    """Where the replay server looks for a URL: <host without www>/<path>, dir/ -> dir/index.html."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path or "/")
    return host + (path + "index.html" if path.endswith("/") else path)


def load_record(source_id: str, base: Path | None = None) -> dict:
    path = record_path(source_id, base)
    if not path.exists():
        return {"pages": [], "expected": []}
    return json.loads(path.read_text(encoding="utf-8"))


def save_record(source_id: str, record: dict, base: Path | None = None) -> Path:
    path = record_path(source_id, base)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def sniff_role(url: str, body: bytes, source: Source) -> str:
    if urlsplit(url).path == "/robots.txt":
        return "robots"
    if url in source.feeds:
        return "feed"
    if url in source.sitemaps:
        return "sitemap"
    if any(url == lst.url for lst in source.listings):
        return "listing"
    head = body[:2048].lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    return "article"


def record_page(
    source: Source,
    url: str,
    body: bytes,
    *,
    origin: str,
    role: str | None = None,
    recorded: str | None = None,
    base: Path | None = None,
) -> dict:
    """Save one page into the snapshot and list it in the source's record."""
    rel = site_file(url)
    target = site_dir(base) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    page = {
        "url": url,
        "file": rel,
        "role": role or sniff_role(url, body, source),
        "recorded": recorded or date.today().isoformat(),
        "origin": origin,
    }
    record = load_record(source.id, base)
    record["pages"] = [p for p in record["pages"] if p["url"] != url] + [page]
    save_record(source.id, record, base)
    return page


def _hints(source: Source, pages: list[dict], base: Path | None) -> dict:
    """What the source's saved entry pages say about each linked article (as the crawl sees it)."""

    selectors = {lst.url: lst.links for lst in source.listings}
    hints: dict[str, Hints] = {}
    for page in pages:
        if page["role"] not in ENTRY_ROLES:
            continue
        body = (site_dir(base) / page["file"]).read_bytes()
        try:
            if page["role"] == "feed":
                found = parse_feed(body, page["url"])
            elif page["role"] == "sitemap":
                found = parse_sitemap(body, page["url"])
            else:
                found = parse_listing(
                    body.decode("utf-8", "replace"),
                    page["url"],
                    selectors.get(page["url"], "a"),
                    source.article_pattern,
                )
        except BadEntryPage:
            continue
        for link in found.links:
            hints.setdefault(canonical_url(link.url), Hints(link.title, link.published, link.summary))
    return hints


def article_record(article) -> dict:
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "lang": article.lang,
        "content_hash": article.content_hash,
        "text_start": article.text[:80],
    }


def extract_fixture(source: Source, base: Path | None = None) -> list[dict]:
    """Extract every saved article page of a source, with the hints its saved feed gives."""

    pages = load_record(source.id, base)["pages"]
    hints = _hints(source, pages, base)
    results = []
    for page in pages:
        if page["role"] != "article":
            continue
        body = (site_dir(base) / page["file"]).read_bytes()
        article = extract(body, page["url"], source=source, hints=hints.get(canonical_url(page["url"]), Hints()))
        results.append(article_record(article) if article else {"url": page["url"], "failure": article.kind})
    return sorted(results, key=lambda r: r["url"])
