"""Item pipelines, one job each, ordered in settings.ITEM_PIPELINES:

1. SkipSeenPipeline: an article whose canonical URL was already emitted in this process (two
   feeds, or two sources, linking one page; a redirect onto a stored page) is dropped and counted
   as skipped.
2. StorePipeline: batched idempotent upserts (chainwatch.storage.articles), near-duplicate story
   ids from one StoryIndex shared by every source crawled in the process.
"""
from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from spiders import stats as st

log = logging.getLogger(__name__)

_EMITTED: set[str] = set()   # canonical URLs emitted in this process, across all sources
_STORIES = None              # spiders.dedup.StoryIndex, loaded once per process


class SkipSeenPipeline:
    @classmethod
    def from_crawler(cls, crawler):
        pipe = cls()
        pipe.crawler = crawler
        return pipe

    def process_item(self, item):
        spider = self.crawler.spider
        stored = getattr(spider, "stored", ())
        if item.canonical_url in _EMITTED or item.canonical_url in stored:
            self.crawler.stats.inc_value(st.SKIPPED)
            raise DropItem(f"already seen: {item.canonical_url}", log_level="DEBUG")
        _EMITTED.add(item.canonical_url)
        return item


class StorePipeline:
    def __init__(self, crawler, batch_size: int):
        self.crawler = crawler
        self.batch_size = batch_size
        self.batch: list = []
        self.conn = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getint("CHAINWATCH_BATCH_SIZE", 100))

    def open_spider(self):
        from chainwatch.db import connect

        self.conn = connect()

    def process_item(self, item):
        self.batch.append(item)
        if len(self.batch) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self):
        try:
            self.flush()
        finally:
            if self.conn is not None:
                self.conn.close()

    def _stories(self, cur):
        global _STORIES
        if _STORIES is None:
            from spiders.dedup import StoryIndex

            _STORIES = StoryIndex.load(cur)
        return _STORIES

    def _upsert(self, articles: list) -> None:
        from chainwatch.db import connect
        from chainwatch.storage.articles import upsert_articles

        if self.conn is None or self.conn.closed:
            self.conn = connect()
        with self.conn, self.conn.cursor() as cur:
            result = upsert_articles(cur, articles, stories=self._stories(cur))
        self.crawler.stats.inc_value(st.STORED, result.inserted + result.updated)
        self.crawler.stats.inc_value(st.SKIPPED, result.unchanged)

    def flush(self) -> None:
        global _STORIES
        batch, self.batch = self.batch, []
        if not batch:
            return
        try:
            self._upsert(batch)
            return
        except Exception as exc:  # noqa: BLE001 (a bad batch must not lose the good rows in it)
            _STORIES = None  # it may hold ids of the rolled-back rows; reload on next use
            log.warning("%s: batch of %d failed (%s); storing one by one",
                        self.crawler.spider.name, len(batch), str(exc).strip().splitlines()[0])
        for article in batch:   # isolate the bad row(s) so the rest of the batch is kept
            try:
                self._upsert([article])
            except Exception as exc:  # noqa: BLE001
                _STORIES = None
                st.count_error(self.crawler, "db_error",
                               f"{article.canonical_url}: {str(exc).strip().splitlines()[0]}")
