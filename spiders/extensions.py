"""Scrapy extensions: the crawl_runs bookkeeping for each source, and progress lines on stderr."""

from __future__ import annotations

import logging
import sys
import time

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.internet import task

from chainwatch.db import transaction
from chainwatch.storage.crawl_runs import RunStats, save_run, start_run
from spiders import stats as st

log = logging.getLogger(__name__)

_ACTIVE: dict[str, RunRecorder] = {}  # recorders of the sources crawling in this process
_progress_loop: task.LoopingCall | None = None


class RunRecorder:
    """Writes the source's crawl_runs row: opened at start, refreshed while crawling (so a killed
    crawl keeps its counts), closed with a status when the spider finishes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        # crawl() always passes one; a bare `scrapy crawl source -a source=ID` gets its own
        self.run_id = settings.get("CHAINWATCH_RUN_ID") or f"scrapy-{time.strftime('%Y%m%dT%H%M%S')}"
        self.min_extraction = settings.getfloat("CHAINWATCH_MIN_EXTRACTION_RATE", 0.7)
        self.max_errors = settings.getfloat("CHAINWATCH_MAX_ERROR_RATE", 0.5)
        self.progress = settings.getbool("CHAINWATCH_PROGRESS")
        self.interval = settings.getfloat("CHAINWATCH_PROGRESS_INTERVAL", 5.0)
        self.loop: task.LoopingCall | None = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    @property
    def source_id(self) -> str:
        spider = self.crawler.spider
        assert spider is not None  # signals only fire once the crawler has its spider
        return spider.name

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if not (request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt")):
            self.crawler.stats.inc_value(st.PAGES)

    def run_stats(self) -> RunStats:

        get = self.crawler.stats.get_value
        return RunStats(
            pages_fetched=get(st.PAGES, 0),
            items_stored=get(st.STORED, 0),
            items_skipped=get(st.SKIPPED, 0),
            error_counts=st.error_counts(self.crawler),
        )

    def _save(self, status: str = "running", note: str | None = None) -> None:

        try:
            # the final status must not be lost to a database restart: retry the connection (~15 s)
            with transaction(retries=0 if status == "running" else 4) as cur:
                if status == "opening":
                    start_run(cur, self.run_id, self.source_id)
                else:
                    save_run(cur, self.run_id, self.source_id, self.run_stats(), status=status, note=note)
        except Exception as exc:  # noqa: BLE001 (bookkeeping must never stop the crawl)
            log.error("%s: could not write crawl_runs: %s", self.source_id, str(exc).splitlines()[0])

    def spider_opened(self, spider: Spider) -> None:
        self._save("opening")
        self.loop = task.LoopingCall(self._save)
        self.loop.start(max(self.interval, 1.0), now=False)
        _ACTIVE[self.source_id] = self
        if self.progress:
            _start_progress(self.interval)

    def status(self, reason: str) -> tuple[str, str | None]:
        """ok | degraded | blocked | js_required | failed | interrupted, with a note saying why when not ok.

        `blocked` / `js_required`: the pages were bot challenges, login or consent walls, or script-only
        shells, and nothing was read (every entry page walled, or no item came through)."""
        if reason in ("shutdown", "cancelled"):
            return "interrupted", "crawl stopped before it finished"
        if reason != "finished":
            return "failed", f"spider closed: {reason}"
        get = self.crawler.stats.get_value
        stats = self.run_stats()
        walled = st.walled_counts(self.crawler)
        if walled and (get(st.ENTRY_OK, 0) == 0 or stats.items_stored + stats.items_skipped == 0):
            kind = max(sorted(walled), key=walled.__getitem__)
            return kind, (
                f"{sum(walled.values())} page(s) behind a bot wall or script-only "
                f"({', '.join(f'{k} {v}' for k, v in sorted(walled.items()))}); nothing read"
            )
        if get(st.ENTRY_OK, 0) == 0:
            return "failed", "no feed, sitemap, listing or API could be read"
        notes: list[str] = []
        if walled:
            notes.append(f"{sum(walled.values())} page(s) behind a bot wall or script-only")
        if get(st.ENTRY_FAILED, 0):
            notes.append(f"{get(st.ENTRY_FAILED)} entry page(s) failed")
        tried = get(st.EXTRACTED, 0) + get(st.NOT_EXTRACTED, 0)
        if tried and get(st.EXTRACTED, 0) / tried < self.min_extraction:
            notes.append(f"extraction success {get(st.EXTRACTED, 0)}/{tried} below {self.min_extraction:.0%}")
        if stats.pages_fetched and stats.errors / stats.pages_fetched > self.max_errors:
            notes.append(f"{stats.errors} errors in {stats.pages_fetched} pages")
        if notes:
            return "degraded", "; ".join(notes)
        # Nothing listed at all is flagged by source_health as no_items (the run itself went fine).
        return "ok", None if stats.items_stored + stats.items_skipped else "no items"

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        status, note = self.status(reason)
        self._save(status, note)
        _ACTIVE.pop(self.source_id, None)
        if self.progress:
            s = self.run_stats()
            print(
                f"crawl: {self.source_id}: {status} ({s.pages_fetched} pages, {s.items_stored} stored, "
                f"{s.items_skipped} skipped, {s.errors} errors){' - ' + note if note else ''}",
                file=sys.stderr,
                flush=True,
            )


def _start_progress(interval: float) -> None:
    global _progress_loop
    if _progress_loop is None:
        _progress_loop = task.LoopingCall(_print_progress)
        _progress_loop.start(max(interval, 1.0), now=False)


def _print_progress() -> None:
    if not _ACTIVE:
        return
    totals = [r.run_stats() for r in _ACTIVE.values()]
    print(
        f"crawl: {len(_ACTIVE)} source(s) running: {sum(t.pages_fetched for t in totals)} pages, "
        f"{sum(t.items_stored for t in totals)} stored, {sum(t.items_skipped for t in totals)} skipped, "
        f"{sum(t.errors for t in totals)} errors",
        file=sys.stderr,
        flush=True,
    )
