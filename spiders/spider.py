"""The one spider class: a registry entry tells it where to start; every source runs its own instance.

Entry pages (feeds, sitemaps, listings, JSON APIs) are turned into links by spiders.discovery; each
link is canonicalised and skipped when already stored (unless refetching), seen this run, off-site or
over the source's item limit; the rest are fetched and extracted into Article items. An API item that
carries its whole text is stored without fetching its page; one whose page is a script shell has its
text fetched from the API's detail JSON. A bot challenge, login or consent wall or a script-only page
(spiders.walls) is counted as `blocked` or `js_required`, never read as a page with no links. Every
failure is a log line plus a counter (spiders.stats), never an exception that stops the crawl.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from chainwatch.contracts import Article
from chainwatch.db import transaction
from chainwatch.storage.articles import stored_urls
from chainwatch.storage.crawl_runs import last_finished_start
from spiders import stats as st
from spiders.backfill import Window
from spiders.canonical import canonical_url
from spiders.dates import local_day, parse_local
from spiders.discovery import BadEntryPage, Link
from spiders.discovery.api import detail_text, parse_api
from spiders.discovery.feed import parse_feed
from spiders.discovery.listing import next_page, parse_listing
from spiders.discovery.sitemap import parse_sitemap
from spiders.extract import ExtractionFailure, Hints, extract, extract_inline
from spiders.guard import url_problem
from spiders.middlewares import ORIGINAL_URL
from spiders.registry import ApiEndpoint, Listing, Source, get_source
from spiders.walls import detect_wall

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

    def __init__(
        self,
        source: Source | dict[str, Any] | str,
        refetch: bool | str = False,  # `scrapy crawl -a refetch=1` passes a string
        since: str | None = None,
        until: str | None = None,
        **kwargs: Any,
    ) -> None:
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
        self.sitemaps_since: datetime | None = None
        self.seen: set[str] = set()
        self.queued = 0
        self.sitemaps_followed = 0
        # a backfill (spiders.backfill): the window, the listing chains that reached `since`, pages walked
        self.window = Window.parse(since, until) if since else None
        self.chains_done: set[str] = set()
        self.entries_seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._spider_error, signal=signals.spider_error)
        return spider

    # -- start: what is already stored, then the entry pages ---------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.refetch:
            self._load_state()
        if self.window is not None:
            self.sitemaps_since = self.window.since_instant  # every sitemap entry changed since `since`
        for url in self.source.feeds:
            yield self._entry(url, "feed")
        for url in self.source.sitemaps:
            yield self._entry(url, "sitemap")
        for listing in self.source.listings:
            yield self._listing_entry(listing)
        if self.window is not None:
            for archive in self.source.archives:
                for page in self.window.archive_pages(archive):
                    yield self._listing_entry(archive, page)
        for index, api in enumerate(self.source.apis):
            yield self._api_entry(api, index)

    def _load_state(self) -> None:
        with transaction() as cur:
            self.stored = stored_urls(cur, self.source.id)
            self.sitemaps_since = last_finished_start(cur, self.source.id)

    def _entry(
        self, url: str, kind: str, selector: str | None = None, dont_filter: bool = True, depth: int = 0
    ) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_entry,
            errback=self.on_error,
            priority=10,
            dont_filter=dont_filter,
            meta={"cw_role": "entry", "cw_kind": kind, "cw_selector": selector, "cw_depth": depth},
        )

    def _listing_entry(
        self, listing: Listing, url: str | None = None, chain: str | None = None, page: int = 1
    ) -> scrapy.Request:
        """A listing or archive page; in a backfill, `chain` (its first page) ties it to its older pages."""
        url = url or listing.url
        request = self._entry(url, "listing", selector=listing.links, dont_filter=page == 1)
        if page > 1:
            request = request.replace(priority=-1)  # the newer page's articles first: they tell where `since` is
        request.meta.update(cw_listing=listing, cw_chain=chain or url, cw_page=page)
        self.entries_seen.add(url)
        return request

    def _api_entry(self, api: ApiEndpoint, index: int, url: str | None = None, page: int = 1) -> scrapy.Request:
        meta = {"cw_role": "entry", "cw_kind": "api", "cw_api": index, "cw_chain": api.url, "cw_page": page}
        if page > 1:  # a backfill's older page (api `pages`): after the newer page's articles
            self.entries_seen.add(url or api.url)
            return scrapy.Request(
                url or api.url,
                callback=self.parse_entry,
                errback=self.on_error,
                priority=-1,
                headers={"Accept": "application/json"},
                meta=meta,
            )
        if api.method == "POST" and api.json_body is not None:
            return scrapy.Request(
                api.url,
                method="POST",
                body=api.json_body.encode("utf-8"),
                priority=10,
                headers={"Content-Type": "application/json", "Accept": "application/json"},
                callback=self.parse_entry,
                errback=self.on_error,
                dont_filter=True,
                meta=meta,
            )
        if api.method == "POST":
            return scrapy.FormRequest(
                api.url,
                formdata=dict(api.form),
                priority=10,
                callback=self.parse_entry,
                errback=self.on_error,
                dont_filter=True,
                meta=meta,
            )
        return scrapy.Request(
            api.url,
            callback=self.parse_entry,
            errback=self.on_error,
            priority=10,
            dont_filter=True,
            headers={"Accept": "application/json"},
            meta=meta,
        )

    def _walled(self, response: Response, what: str) -> bool:
        """Count a bot wall or script-only page (True), or say the response is what it claims (False)."""
        wall = detect_wall(response.status, response.headers, response.body)
        if wall is None:
            return False
        st.count_wall(self.crawler, wall, f"{what} {real_url(response)}")
        return True

    # -- entry pages -> links -----------------------------------------------------------------
    def parse_entry(self, response: Response) -> Iterator[scrapy.Request | Article]:
        kind, url = response.meta["cw_kind"], real_url(response)
        chain = response.meta.get("cw_chain")
        if chain in self.chains_done:
            self.crawler.stats.inc_value("cw/backfill_pages_past_since")  # a page fetched before the stop was known
            return
        if self._walled(response, kind):
            self.crawler.stats.inc_value(st.ENTRY_FAILED)
            return
        try:
            if kind == "api":
                found = parse_api(response.body, url, self.source.apis[response.meta["cw_api"]])
            elif kind == "feed":
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
        depth = response.meta.get("cw_depth", 0) + 1
        for child in found.follow:
            if self._may_follow_sitemap(child, depth):
                yield self._entry(child, "sitemap", dont_filter=False, depth=depth)
        for link in found.links:
            request = self._article_request(link, api=response.meta.get("cw_api"), chain=chain)
            if request is not None:
                yield request
        if self.window is not None and kind in ("listing", "api") and found.links:
            older = self._older_page(response, kind, url)
            if older is not None:
                yield older

    def _older_page(self, response: Response, kind: str, url: str) -> scrapy.Request | None:
        """A backfill's next (older) page of a listing or API (`next` link or numbered `pages`), unless the
        chain reached `since`, loops or hit the page limit."""
        meta = response.meta
        page = meta["cw_page"]
        if meta["cw_chain"] in self.chains_done:  # this page's dated items already reached `since`
            return None
        api = self.source.apis[meta["cw_api"]] if kind == "api" else None
        listing: Listing | None = meta.get("cw_listing")
        if api is not None:
            older = api.pages.format(page=page + 1) if api.pages else None
        elif listing is not None and listing.pages:
            older = listing.pages.format(page=page + 1)
        elif listing is not None and listing.next:
            try:
                older = next_page(response.text, url, listing.next)
            except BadEntryPage as exc:
                st.count_error(self.crawler, exc.kind, f"listing {url}: next page: {exc.message}")
                return None
        else:
            return None
        if older is None or older in self.entries_seen:
            return None
        if page >= self.crawler.settings.getint("CHAINWATCH_BACKFILL_MAX_PAGES", 200):
            st.count_error(self.crawler, "backfill_page_limit", f"{kind} {url}: page limit reached; {older} not read")
            return None
        if api is not None:
            return self._api_entry(api, meta["cw_api"], older, page + 1)
        assert listing is not None  # without an api or a listing, the branches above returned None
        return self._listing_entry(listing, older, meta["cw_chain"], page + 1)

    def _outside_window(self, day: date | None, chain: str | None) -> bool:
        """A backfill's window check on the publisher's day (None: unknown, kept); an article older than
        `since` also ends its listing chain."""
        if self.window is None or day is None or self.window.contains(day):
            return False
        if chain is not None and day < self.window.since:
            self.chains_done.add(chain)
        self.crawler.stats.inc_value(st.SKIPPED)
        self.crawler.stats.inc_value("cw/out_of_window")
        return True

    def _may_follow_sitemap(self, url: str, depth: int) -> bool:
        """Child sitemaps are bounded in depth and in number per run: a chain or a flood of sitemap
        indexes (a trap, or a broken generator) is cut, and every cut is counted."""
        settings = self.crawler.settings
        if depth > settings.getint("CHAINWATCH_SITEMAP_MAX_DEPTH", 3):
            st.count_error(self.crawler, "sitemap_too_deep", f"sitemap {url}: nested {depth} levels deep; not followed")
            return False
        if self.sitemaps_followed >= settings.getint("CHAINWATCH_SITEMAP_MAX_REQUESTS", 200):
            st.count_error(
                self.crawler,
                "sitemap_limit",
                f"sitemap {url}: over the per-run sitemap limit; not followed",
                level=logging.DEBUG,
            )
            return False
        self.sitemaps_followed += 1
        return True

    def _article_request(
        self, link: Link, api: int | None = None, chain: str | None = None
    ) -> scrapy.Request | Article | None:
        try:
            canonical = canonical_url(link.url)
        except ValueError:
            st.count_error(self.crawler, "bad_link", f"unusable link {link.url!r}")
            return None
        if url_problem(link.url, self.allowed_domains, self.source.ports) is not None:
            self.crawler.stats.inc_value("cw/offsite_links")  # another site, or another port of this one
            return None
        if self.pattern and not self.pattern.search(link.url):
            return None
        if canonical in self.seen:
            return None
        self.seen.add(canonical)
        if self.window is not None and self._outside_window(
            local_day(parse_local(link.published, tz=self.source.timezone), self.source.timezone), chain
        ):
            return None  # the feed or sitemap already dates it outside the window: not fetched
        if canonical in self.stored or link.url in self.stored:
            self.crawler.stats.inc_value(st.SKIPPED)  # stored by an earlier run: not fetched again
            return None
        if self.queued >= self.source.max_items:
            self.crawler.stats.inc_value("cw/over_item_limit")
            return None
        self.queued += 1
        if link.body:
            return self._inline_article(link.url, link.body, link)
        if link.detail and api is not None:
            return scrapy.Request(
                link.detail,
                callback=self.parse_detail,
                errback=self.on_error,
                headers={"Accept": "application/json"},
                meta={"cw_role": "article", "cw_link": link, "cw_api": api},
            )
        return scrapy.Request(
            link.url,
            callback=self.parse_article,
            errback=self.on_error,
            meta={"cw_role": "article", "cw_link": link, "cw_chain": chain},
        )

    def _inline_article(self, url: str, body: str, link: Link) -> Article | None:
        result = extract_inline(
            url, body, source=self.source, hints=Hints(title=link.title, published=link.published, summary=link.summary)
        )
        if isinstance(result, ExtractionFailure):
            self.crawler.stats.inc_value(st.NOT_EXTRACTED)
            st.count_error(self.crawler, result.kind, f"{url}: {result.message}")
            return None
        self.crawler.stats.inc_value(st.EXTRACTED)
        return None if self._outside_window(result.published_day, None) else result

    def parse_detail(self, response: Response) -> Iterator[Article]:
        """An API item's detail JSON -> the article, stored under the item's page address."""
        link: Link = response.meta["cw_link"]
        if self._walled(response, "detail"):
            self.crawler.stats.inc_value(st.NOT_EXTRACTED)
            return
        path = self.source.apis[response.meta["cw_api"]].detail_body or ""
        try:
            body = detail_text(response.body, path)
        except BadEntryPage as exc:
            self.crawler.stats.inc_value(st.NOT_EXTRACTED)
            st.count_error(self.crawler, exc.kind, f"detail {real_url(response)}: {exc.message}")
            return
        if not body:
            self.crawler.stats.inc_value(st.NOT_EXTRACTED)
            st.count_error(self.crawler, "no_text", f"detail {real_url(response)}: nothing at {path!r}")
            return
        article = self._inline_article(link.url, body, link)
        if article is not None:
            yield article

    # -- article pages -> Article items ---------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[Article]:
        link: Link = response.meta["cw_link"]
        url = real_url(response)
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if ctype.lower().startswith(_NOT_HTML_TYPES):
            self.crawler.stats.inc_value(st.NOT_EXTRACTED)
            st.count_error(self.crawler, "not_html", f"{url}: served as {ctype}")
            return
        if self._walled(response, "article"):
            self.crawler.stats.inc_value(st.NOT_EXTRACTED)
            return
        result = extract(
            response.body,
            url,
            source=self.source,
            content_type=ctype or None,
            hints=Hints(title=link.title, published=link.published, summary=link.summary),
        )
        if isinstance(result, ExtractionFailure):
            self.crawler.stats.inc_value(st.NOT_EXTRACTED)
            st.count_error(self.crawler, result.kind, f"{url}: {result.message}")
            return
        self.crawler.stats.inc_value(st.EXTRACTED)
        if self._outside_window(result.published_day, response.meta.get("cw_chain")):
            return
        for problem in result.extra.get("warnings", ()):
            st.count_error(
                self.crawler, problem, f"{url}: page text decoded after an encoding problem", level=logging.DEBUG
            )  # extract() already logged it
        yield result

    # -- failures -------------------------------------------------------------------------------
    def on_error(self, failure: Failure) -> None:
        # Scrapy attaches the failed request to the Failure it passes to an errback; Twisted's class does not declare it.
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        role = request.meta.get("cw_role", "page")
        kind = st.failure_kind(failure)
        url = request.meta.get(ORIGINAL_URL, request.url)
        if role == "entry":
            self.crawler.stats.inc_value(st.ENTRY_FAILED)
        response = getattr(failure.value, "response", None)
        if response is not None:  # a 403/503 challenge page is a wall, not just an HTTP error
            wall = detect_wall(response.status, response.headers, response.body)
            if wall is not None:
                if role == "article":
                    self.crawler.stats.inc_value(st.NOT_EXTRACTED)
                st.count_wall(self.crawler, wall, f"{role} {url}")
                return
        st.count_error(
            self.crawler,
            kind,
            f"{role} {url}: {failure.getErrorMessage()[:200]}",
            level=logging.INFO if kind == "robots_disallowed" else logging.WARNING,
        )

    def _spider_error(self, failure: Failure, response: Response, spider: scrapy.Spider) -> None:
        if spider is self:
            st.count_error(
                self.crawler,
                "spider_exception",
                f"{real_url(response)}: {failure.value.__class__.__name__}: {failure.value}",
                level=logging.ERROR,
            )


def real_url(response: Response) -> str:
    """The real address of a response (the replay proxy fetches https pages over http)."""
    original: str | None = response.meta.get(ORIGINAL_URL)
    return original or response.url
