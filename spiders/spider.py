"""The one spider class: a registry entry tells it where to start; every source runs its own instance.

Entry pages (feeds, sitemaps, listings) are turned into links by spiders.discovery; each link is
canonicalised and skipped when already stored (unless refetching), seen this run, off-site or over
the source's item limit; the rest are fetched and extracted into Article items. Every failure is a
log line plus a counter (spiders.stats), never an exception that stops the crawl.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import scrapy
from scrapy import signals

from chainwatch.db import transaction
from chainwatch.storage.articles import stored_urls
from chainwatch.storage.crawl_runs import last_finished_start
from spiders import stats as st
from spiders.canonical import canonical_url
from spiders.discovery import BadEntryPage, Link
from spiders.discovery.feed import parse_feed
from spiders.discovery.listing import parse_listing
from spiders.discovery.sitemap import parse_sitemap
from spiders.extract import Hints, extract
from spiders.middlewares import ORIGINAL_URL
from spiders.registry import Source, get_source

log = logging.getLogger(__name__)

_NOT_HTML_TYPES = ("application/pdf", "image/", "video/", "audio/", "application/zip", "application/octet-stream")


class SourceSpider(scrapy.Spider):
    name = "source"

    @classmethod
    def for_source(cls, source: Source, *, polite: bool = True) -> type[SourceSpider]:
        """The class to crawl one source with: a subclass when the source has its own politeness settings."""
        if polite and source.download_delay is not None:
            return type(
                f"SourceSpider_{source.id}", (cls,), {"custom_settings": {"DOWNLOAD_DELAY": source.download_delay}}
            )
        return cls

    def __init__(self, source: Source | dict | str, refetch: bool = False, **kwargs):
        if isinstance(source, dict):
            source = Source.from_dict(source)
        elif isinstance(source, str):
            source = get_source(source)
        super().__init__(name=source.id, **kwargs)
        self.source = source
        self.refetch = refetch in (True, "1", "true", "True")
        self.allowed_domains = list(source.allowed_domains)
        self.pattern = re.compile(source.article_pattern) if source.article_pattern else None
        self.stored: set[str] = set()
        self.sitemaps_since = None
        self.seen: set[str] = set()
        self.queued = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._spider_error, signal=signals.spider_error)
        return spider

    # -- start: what is already stored, then the entry pages ---------------------------------
    async def start(self):
        if not self.refetch:
            self._load_state()
        for url in self.source.feeds:
            yield self._entry(url, "feed")
        for url in self.source.sitemaps:
            yield self._entry(url, "sitemap")
        for listing in self.source.listings:
            yield self._entry(listing.url, "listing", selector=listing.links)

    def _load_state(self) -> None:

        with transaction() as cur:
            self.stored = stored_urls(cur, self.source.id)
            self.sitemaps_since = last_finished_start(cur, self.source.id)

    def _entry(self, url: str, kind: str, selector: str | None = None, dont_filter: bool = True):
        return scrapy.Request(
            url,
            callback=self.parse_entry,
            errback=self.on_error,
            priority=10,
            dont_filter=dont_filter,
            meta={"cw_role": "entry", "cw_kind": kind, "cw_selector": selector},
        )

    # -- entry pages -> links -----------------------------------------------------------------
    def parse_entry(self, response):
        kind, url = response.meta["cw_kind"], real_url(response)
        try:
            if kind == "feed":
                found = parse_feed(response.body, url)
            elif kind == "sitemap":
                found = parse_sitemap(response.body, url, since=self.sitemaps_since)
            else:
                found = parse_listing(response.text, url, response.meta["cw_selector"], self.source.article_pattern)
        except BadEntryPage as exc:
            self.crawler.stats.inc_value(st.ENTRY_FAILED)
            st.count_error(self.crawler, exc.kind, f"{kind} {url}: {exc.message}")
            return
        self.crawler.stats.inc_value(st.ENTRY_OK)
        if found.problem:
            st.count_error(self.crawler, found.problem, f"{kind} {url}: {found.message}")
        if not found.links and not found.follow:
            log.warning("%s: %s %s lists no articles", self.name, kind, url)
        for child in found.follow:
            yield self._entry(child, "sitemap", dont_filter=False)
        for link in found.links:
            request = self._article_request(link)
            if request is not None:
                yield request

    def _article_request(self, link: Link):
        try:
            canonical = canonical_url(link.url)
        except ValueError:
            st.count_error(self.crawler, "bad_link", f"unusable link {link.url!r}")
            return None
        host = urlsplit(canonical).hostname or ""
        if not any(host == d or host.endswith("." + d) for d in self.allowed_domains):
            self.crawler.stats.inc_value("cw/offsite_links")
            return None
        if self.pattern and not self.pattern.search(link.url):
            return None
        if canonical in self.seen:
            return None
        self.seen.add(canonical)
        if canonical in self.stored or link.url in self.stored:
            self.crawler.stats.inc_value(st.SKIPPED)  # stored by an earlier run: not fetched again
            return None
        if self.queued >= self.source.max_items:
            self.crawler.stats.inc_value("cw/over_item_limit")
            return None
        self.queued += 1
        return scrapy.Request(
            link.url, callback=self.parse_article, errback=self.on_error, meta={"cw_role": "article", "cw_link": link}
        )

    # -- article pages -> Article items ---------------------------------------------------------
    def parse_article(self, response):
        link: Link = response.meta["cw_link"]
        url = real_url(response)
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if ctype.lower().startswith(_NOT_HTML_TYPES):
            self.crawler.stats.inc_value(st.NOT_EXTRACTED)
            st.count_error(self.crawler, "not_html", f"{url}: served as {ctype}")
            return
        result = extract(
            response.body,
            url,
            source=self.source,
            content_type=ctype or None,
            hints=Hints(title=link.title, published=link.published, summary=link.summary),
        )
        if not result:
            self.crawler.stats.inc_value(st.NOT_EXTRACTED)
            st.count_error(self.crawler, result.kind, f"{url}: {result.message}")
            return
        self.crawler.stats.inc_value(st.EXTRACTED)
        for problem in result.extra.get("warnings", ()):
            st.count_error(
                self.crawler, problem, f"{url}: page text decoded after an encoding problem", level=logging.DEBUG
            )  # extract() already logged it
        yield result

    # -- failures -------------------------------------------------------------------------------
    def on_error(self, failure):
        request = failure.request
        role = request.meta.get("cw_role", "page")
        kind = st.failure_kind(failure)
        url = request.meta.get(ORIGINAL_URL, request.url)
        if role == "entry":
            self.crawler.stats.inc_value(st.ENTRY_FAILED)
        st.count_error(
            self.crawler,
            kind,
            f"{role} {url}: {failure.getErrorMessage()[:200]}",
            level=logging.INFO if kind == "robots_disallowed" else logging.WARNING,
        )

    def _spider_error(self, failure, response, spider):
        if spider is self:
            st.count_error(
                self.crawler,
                "spider_exception",
                f"{real_url(response)}: {failure.value.__class__.__name__}: {failure.value}",
                level=logging.ERROR,
            )


def real_url(response) -> str:
    """The real address of a response (the replay proxy fetches https pages over http)."""
    return response.meta.get(ORIGINAL_URL) or response.url
