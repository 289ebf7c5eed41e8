"""Saved pages per source, and what extracting them must give (Fundus-style parser tests).

Layout under tests/fixtures/spiders/:
    site/<host>/<path>          one replay snapshot for every source (served by ReplayServer)
    sources/<id>.json           {"pages": [...], "expected": [...]} for one source

A page record: {"url", "file" (under site/), "role" (robots|feed|sitemap|listing|api|detail|article),
"recorded" (date), "origin" (where it came from)}. "expected" is what the crawl must store for
each article: every article page, every API item that carries its text, every detail JSON;
spiders.tools.regenerate_expected rewrites it after a deliberate change. An address with a query
(an API) is saved under a name that includes a hash of the query, and listed in site/manifest.json
under "host/path?query" so that the replay server tells such addresses apart.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import TypedDict
from urllib.parse import unquote, urlsplit

from chainwatch.config import PROJECT_ROOT
from chainwatch.contracts import Article
from chainwatch.replay import ManifestEntry
from spiders.canonical import canonical_url
from spiders.discovery import BadEntryPage, Link
from spiders.discovery.api import detail_text, parse_api
from spiders.discovery.feed import parse_feed
from spiders.discovery.listing import parse_listing
from spiders.discovery.sitemap import parse_sitemap
from spiders.extract import ExtractionFailure, Hints, extract, extract_inline
from spiders.registry import Source

FIXTURES_DIR = PROJECT_ROOT / "tests" / "fixtures" / "spiders"
ENTRY_ROLES = ("feed", "sitemap", "listing", "api")


class PageRecord(TypedDict):
    """One saved page (see the module docstring)."""

    url: str
    file: str  # under site/
    role: str  # robots | feed | sitemap | listing | api | detail | article
    recorded: str  # ISO date
    origin: str


class ArticleRecord(TypedDict):
    """What the crawl must store for one saved article."""

    url: str
    canonical_url: str
    title: str
    published: str | None  # ISO 8601
    lang: str | None
    content_hash: str
    text_start: str  # the first 80 characters


class FailureRecord(TypedDict):
    """A saved article page that must give no article, and the failure kind it must give."""

    url: str
    failure: str


class SourceRecord(TypedDict):
    """sources/<id>.json."""

    pages: list[PageRecord]
    expected: list[ArticleRecord | FailureRecord]


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


def fixture_file(url: str, role: str) -> str:
    """site_file, made unique per query for addresses that have one; listing pages get a suffix
    too, since their address is often also the folder of their articles (/recent-actions and
    /recent-actions/20190305)."""
    query = urlsplit(url).query
    rel = site_file(url)
    if query or role == "listing":
        return f"{rel}.{hashlib.sha1(query.encode()).hexdigest()[:10]}"
    return rel


def _add_to_manifest(url: str, rel: str, base: Path | None) -> None:
    parts = urlsplit(url)
    if rel == site_file(url):
        return
    manifest_path = site_dir(base) / "manifest.json"
    manifest: dict[str, ManifestEntry] = (
        json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    )
    host = (parts.hostname or "").lower().removeprefix("www.")
    key = (
        host + unquote(parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    )  # as the replay server looks up
    manifest[key] = {"file": rel}
    manifest_path.write_text(
        json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def load_record(source_id: str, base: Path | None = None) -> SourceRecord:
    path = record_path(source_id, base)
    if not path.exists():
        return {"pages": [], "expected": []}
    record: SourceRecord = json.loads(path.read_text(encoding="utf-8"))
    return record


def save_record(source_id: str, record: SourceRecord, base: Path | None = None) -> Path:
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
    if any(url == api.url for api in source.apis):
        return "api"
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
) -> PageRecord:
    """Save one page into the snapshot and list it in the source's record."""
    role = role or sniff_role(url, body, source)
    rel = fixture_file(url, role)
    target = site_dir(base) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    _add_to_manifest(url, rel, base)
    page: PageRecord = {
        "url": url,
        "file": rel,
        "role": role,
        "recorded": recorded or date.today().isoformat(),
        "origin": origin,
    }
    record = load_record(source.id, base)
    record["pages"] = [p for p in record["pages"] if p["url"] != url] + [page]
    save_record(source.id, record, base)
    return page


def _links(source: Source, pages: list[PageRecord], base: Path | None) -> dict[str, tuple[Link, int | None]]:
    """What the source's saved entry pages say about each linked article (as the crawl sees it):
    canonical URL -> (Link, index of the API it came from or None)."""

    selectors = {lst.url: lst.links for lst in source.listings}
    apis = {api.url: i for i, api in enumerate(source.apis)}
    links: dict[str, tuple[Link, int | None]] = {}
    for page in pages:
        if page["role"] not in ENTRY_ROLES:
            continue
        body = (site_dir(base) / page["file"]).read_bytes()
        try:
            if page["role"] == "api":
                found = parse_api(body, page["url"], source.apis[apis[page["url"]]])
            elif page["role"] == "feed":
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
            links.setdefault(canonical_url(link.url), (link, apis.get(page["url"])))
    return links


def article_record(article: Article) -> ArticleRecord:
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "lang": article.lang,
        "content_hash": article.content_hash,
        "text_start": article.text[:80],
    }


def _expected(result: Article | ExtractionFailure, url: str) -> ArticleRecord | FailureRecord:
    if isinstance(result, ExtractionFailure):
        return {"url": url, "failure": result.kind}
    return article_record(result)


def extract_fixture(source: Source, base: Path | None = None) -> list[ArticleRecord | FailureRecord]:
    """Extract every saved article of a source (pages, API items with their text, detail JSON),
    with the hints its saved entry pages give."""

    pages = load_record(source.id, base)["pages"]
    links = _links(source, pages, base)
    by_detail = {link.detail: (link, api) for link, api in links.values() if link.detail}

    def hints(link: Link | None) -> Hints:
        return Hints(link.title, link.published, link.summary) if link else Hints()

    results: list[ArticleRecord | FailureRecord] = []
    for page in pages:
        body = (site_dir(base) / page["file"]).read_bytes() if page["role"] in ("article", "detail") else b""
        if page["role"] == "article":
            link = links.get(canonical_url(page["url"]), (None, None))[0]
            article = extract(body, page["url"], source=source, hints=hints(link))
            url = page["url"]
        elif page["role"] == "detail" and page["url"] in by_detail:
            link, api = by_detail[page["url"]]
            assert api is not None  # detail links come from API pages only
            text = detail_text(body, source.apis[api].detail_body or "") or ""
            article, url = extract_inline(link.url, text, source=source, hints=hints(link)), link.url
        else:
            continue
        results.append(_expected(article, url))
    for link, _ in links.values():
        if link.body:
            article = extract_inline(link.url, link.body, source=source, hints=hints(link))
            results.append(_expected(article, link.url))
    return sorted(results, key=lambda r: r["url"])
