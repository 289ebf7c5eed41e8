"""`chainwatch import-warc FILE...`: articles from web archives (CC-NEWS, a crawler's own WARCs).

Every `response` record with status 200 and an HTML body whose host belongs to a registered source
(its domain or allowed_domains) is extracted with spiders.extract.extract(), as a crawled page would
be, and stored with the same idempotent upsert. Records of other hosts, non-HTML bodies and pages
that give no article are counted and skipped. Re-running, or running again after a kill, stores
nothing twice: URLs already stored for the source are skipped before extraction, and the upsert
leaves identical rows alone. Progress goes to stderr every PROGRESS_EVERY records; the summary line
is returned for the caller to print.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from chainwatch import db
from chainwatch.contracts import Article
from chainwatch.errors import ChainWatchError
from chainwatch.storage.articles import stored_urls, upsert_articles
from chainwatch.storage.sources import sync_sources
from chainwatch.storage.stories import StoryIndex
from spiders.canonical import canonical_url
from spiders.extract import ExtractionFailure, extract
from spiders.registry import Source, load_sources

log = logging.getLogger(__name__)

PROGRESS_EVERY = 1000
BATCH = 100
MAX_BODY = 5 * 1024 * 1024


@dataclass
class WarcSummary:
    records: int = 0
    pages: int = 0  # HTML responses of registered hosts
    stored: int = 0
    skipped: int = 0  # already stored, or unchanged
    other_hosts: int = 0
    not_extracted: int = 0
    per_source: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        by_source = ", ".join(f"{k} {v}" for k, v in sorted(self.per_source.items()))
        return (
            f"import-warc: {self.records} records, {self.pages} pages of registered sources, {self.stored} stored, "
            f"{self.skipped} already stored, {self.not_extracted} without an article, {self.other_hosts} "
            f"of other hosts" + (f" ({by_source})" if by_source else "")
        )


def source_for_host(sources: list[Source]) -> Callable[[str], Source | None]:
    """host -> the registered source it belongs to (the longest matching domain wins)."""
    domains = sorted(((d, s) for s in sources for d in s.allowed_domains), key=lambda x: -len(x[0]))

    def find(host: str) -> Source | None:
        host = host.lower().removeprefix("www.")
        return next((s for d, s in domains if host == d or host.endswith("." + d)), None)

    return find


def _pages(paths: Iterable[Path]) -> Iterator[tuple[str, bytes, str] | None]:
    """(url, body, content type) of every HTTP 200 response record."""
    for path in paths:
        try:
            with open(path, "rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type != "response" or record.http_headers is None:
                        yield None
                        continue
                    if record.http_headers.get_statuscode() != "200":
                        yield None
                        continue
                    url = record.rec_headers.get_header("WARC-Target-URI") or ""
                    ctype = record.http_headers.get_header("Content-Type") or ""
                    yield url, record.content_stream().read(MAX_BODY + 1), ctype
        except OSError as exc:
            raise ChainWatchError(f"cannot read {path}: {exc}") from exc


def import_warc(paths: list[Path], *, database_url: str | None = None, progress: bool = True) -> WarcSummary:
    url = database_url or db.database_url()
    sources = [s for s in load_sources() if s.enabled]
    find = source_for_host(sources)
    summary = WarcSummary()
    with db.transaction(url) as cur:
        sync_sources(cur, sources)
    conn = db.connect(url)
    stored: dict[str, set[str]] = {}
    batch: list[Article] = []
    try:
        with conn, conn.cursor() as cur:
            stories = StoryIndex.load(cur)

        def flush() -> None:
            if not batch:
                return
            with conn, conn.cursor() as cur:
                result = upsert_articles(cur, batch, stories=stories)
            summary.stored += result.inserted + result.updated
            summary.skipped += result.unchanged
            batch.clear()

        for page in _pages(paths):
            summary.records += 1
            if progress and summary.records % PROGRESS_EVERY == 0:
                print(
                    f"import-warc: {summary.records} records, {summary.stored + len(batch)} stored so far",
                    file=sys.stderr,
                    flush=True,
                )
            if page is None:
                continue
            page_url, body, ctype = page
            source = find(urlsplit(page_url).hostname or "")
            if source is None:
                summary.other_hosts += 1
                continue
            if "html" not in ctype.lower() or len(body) > MAX_BODY:
                summary.not_extracted += 1
                continue
            summary.pages += 1
            if source.id not in stored:
                with conn, conn.cursor() as cur:
                    stored[source.id] = stored_urls(cur, source.id)
            try:
                canonical = canonical_url(page_url)
            except ValueError:
                summary.not_extracted += 1
                continue
            if canonical in stored[source.id] or page_url in stored[source.id]:
                summary.skipped += 1
                continue
            article = extract(body, page_url, source=source, content_type=ctype)
            if isinstance(article, ExtractionFailure):
                summary.not_extracted += 1
                log.info("%s: %s: %s", source.id, article.kind, page_url)
                continue
            stored[source.id].add(article.canonical_url)
            summary.per_source[source.id] = summary.per_source.get(source.id, 0) + 1
            batch.append(article)
            if len(batch) >= BATCH:
                flush()
        flush()
    finally:
        conn.close()
    return summary
