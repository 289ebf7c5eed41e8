"""Item pipelines, one job each, ordered in settings.ITEM_PIPELINES:

1. SkipSeenPipeline: an article whose canonical URL was already emitted in this process (two
   feeds, or two sources, linking one page; a redirect onto a stored page) is dropped and counted
   as skipped.
2. StorePipeline: batched idempotent upserts (chainwatch.storage.articles), near-duplicate story
   ids from one StoryIndex shared by every source crawled in the process. When the database
   connection is lost (a restart, a failover), it reconnects and stores the whole batch again
   (the upsert is idempotent) for up to CHAINWATCH_DB_RECONNECT_S seconds; only then are the
   batch's articles counted as `db_unavailable` (not stored, so the next run fetches them again).
"""

from __future__ import annotations

import logging
import time

import psycopg2
from psycopg2.extensions import connection as Connection
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from chainwatch.contracts import Article
from chainwatch.db import connect
from chainwatch.errors import DatabaseUnavailable
from chainwatch.storage.articles import upsert_articles
from chainwatch.storage.stories import forget_shared_index, shared_index
from spiders import stats as st

log = logging.getLogger(__name__)

_EMITTED: set[str] = set()  # canonical URLs emitted in this process, across all sources

# OperationalError: the server went away mid-statement (restart, failover, network), or a
# deadlock / serialization failure; InterfaceError: the connection was already closed.
_CONNECTION_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError, DatabaseUnavailable)


class SkipSeenPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipSeenPipeline:
        return cls(crawler)

    def process_item(self, item: Article) -> Article:
        spider = self.crawler.spider
        stored = getattr(spider, "stored", ())
        if item.canonical_url in _EMITTED or item.canonical_url in stored:
            self.crawler.stats.inc_value(st.SKIPPED)
            raise DropItem(f"already seen: {item.canonical_url}", log_level="DEBUG")
        _EMITTED.add(item.canonical_url)
        return item


class StorePipeline:
    def __init__(self, crawler: Crawler, batch_size: int, reconnect_s: float = 30.0) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        self.reconnect_s = reconnect_s
        self.batch: list[Article] = []
        self.conn: Connection | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(
            crawler,
            crawler.settings.getint("CHAINWATCH_BATCH_SIZE", 100),
            crawler.settings.getfloat("CHAINWATCH_DB_RECONNECT_S", 30.0),
        )

    def open_spider(self) -> None:
        self.conn = connect()

    def process_item(self, item: Article) -> Article:
        self.batch.append(item)
        if len(self.batch) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        try:
            self.flush()
        finally:
            if self.conn is not None:
                self.conn.close()

    def _upsert(self, articles: list[Article]) -> None:
        if self.conn is None or self.conn.closed:
            self.conn = connect()
        with self.conn, self.conn.cursor() as cur:
            result = upsert_articles(cur, articles, stories=shared_index(cur))
        self.crawler.stats.inc_value(st.STORED, result.inserted + result.updated)
        self.crawler.stats.inc_value(st.SKIPPED, result.unchanged)

    def _store(self, articles: list[Article]) -> None:
        """_upsert, reconnecting and retrying the same articles while the connection is lost."""
        deadline = time.monotonic() + self.reconnect_s
        delay = 0.25
        while True:
            try:
                self._upsert(articles)
                return
            except _CONNECTION_ERRORS as exc:
                forget_shared_index()  # it may hold ids of the rolled-back rows
                if self.conn is not None:
                    self.conn.close()
                    self.conn = None
                if time.monotonic() + delay > deadline:
                    raise DatabaseLost(_first_line(exc)) from exc
                log.warning(
                    "%s: database connection lost (%s); retrying %d article(s) in %.2f s",
                    st.spider_name(self.crawler),
                    _first_line(exc),
                    len(articles),
                    delay,
                )
                time.sleep(delay)  # blocks the crawl too: nothing can be stored meanwhile
                delay = min(delay * 2, 5.0)

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        try:
            self._store(batch)
            return
        except DatabaseLost as exc:
            for article in batch:
                st.count_error(self.crawler, "db_unavailable", f"{article.canonical_url}: not stored: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 (a bad batch must not lose the good rows in it)
            forget_shared_index()  # it may hold ids of the rolled-back rows
            log.warning(
                "%s: batch of %d failed (%s); storing one by one",
                st.spider_name(self.crawler),
                len(batch),
                _first_line(exc),
            )
        for article in batch:  # isolate the bad row(s) so the rest of the batch is kept
            try:
                self._store([article])
            except DatabaseLost as exc:
                st.count_error(self.crawler, "db_unavailable", f"{article.canonical_url}: not stored: {exc}")
            except Exception as exc:  # noqa: BLE001
                forget_shared_index()
                st.count_error(self.crawler, "db_error", f"{article.canonical_url}: {_first_line(exc)}")


class DatabaseLost(Exception):
    """The database stayed unreachable for CHAINWATCH_DB_RECONNECT_S seconds."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
