"""Names of the per-source counters kept in Scrapy's stats, and how they are classified.

The spider, the pipelines and the run recorder all count through these helpers, so the keys
written to crawl_runs (pages_fetched, items_stored, items_skipped, error_counts) have one spelling.
"""

from __future__ import annotations

import logging

from scrapy import exceptions as sx
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

from spiders.guard import BlockedRequest
from spiders.walls import Wall

PAGES = "cw/pages_fetched"
STORED = "cw/items_stored"
SKIPPED = "cw/items_skipped"
ENTRY_OK = "cw/entry_ok"  # feeds / sitemaps / listings read
ENTRY_FAILED = "cw/entry_failed"
EXTRACTED = "cw/extracted"  # article pages that gave an article
NOT_EXTRACTED = "cw/not_extracted"
ERROR_PREFIX = "cw/error/"
WALLED_PREFIX = "cw/walled/"  # + blocked | js_required: pages that were a bot wall or a script shell

log = logging.getLogger("spiders")


def spider_name(crawler: Crawler) -> str:
    """The crawling spider's name (its source id) for log lines; "?" before the crawler has a spider."""
    spider = crawler.spider
    return spider.name if spider else "?"


def count_error(crawler: Crawler, kind: str, message: str, *, level: int = logging.WARNING) -> None:
    """One clear log line and one counter per bad input; never an exception."""
    crawler.stats.inc_value(ERROR_PREFIX + kind)
    log.log(level, "%s: %s: %s", spider_name(crawler), kind, message)


def count_wall(crawler: Crawler, wall: Wall, what: str) -> None:
    """A walled page: counted under its kind (blocked | js_required) as an error and as a wall."""
    crawler.stats.inc_value(WALLED_PREFIX + wall.kind)
    count_error(crawler, wall.kind, f"{what}: {wall.message()}")


def walled_counts(crawler: Crawler) -> dict[str, int]:
    return {
        key[len(WALLED_PREFIX) :]: value
        for key, value in crawler.stats.get_stats().items()
        if key.startswith(WALLED_PREFIX) and value
    }


def error_counts(crawler: Crawler) -> dict[str, int]:
    return {
        key[len(ERROR_PREFIX) :]: value
        for key, value in crawler.stats.get_stats().items()
        if key.startswith(ERROR_PREFIX)
    }


def failure_kind(failure: Failure) -> str:
    """The error_counts key for a failed request."""
    exc = failure.value
    if isinstance(exc, BlockedRequest):
        return exc.kind
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        return "robots_disallowed" if "robots.txt" in str(exc) else "ignored"
    if isinstance(exc, (sx.DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError)):
        return "timeout"
    if isinstance(exc, (sx.DownloadCancelledError, CancelledError)):
        return "too_large"
    if isinstance(exc, (sx.CannotResolveHostError, tx_error.DNSLookupError)):
        return "dns"
    if isinstance(
        exc,
        (
            sx.DownloadConnectionRefusedError,
            sx.DownloadFailedError,
            sx.ResponseDataLossError,
            tx_error.ConnectError,
            tx_error.ConnectionLost,
            tx_error.ConnectionDone,
        ),
    ):
        return "connection"
    return "download_error"
