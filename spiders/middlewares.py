"""Downloader middlewares: the local replay proxy, and retries that back off."""

from __future__ import annotations

import logging

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

log = logging.getLogger(__name__)

ORIGINAL_URL = "cw_url"  # request.meta key: the real (https) address behind a replayed request


class ReplayProxyMiddleware:
    """Fetch the sources' real URLs from a chainwatch.replay.ReplayServer.

    Enabled by the CHAINWATCH_REPLAY_PROXY setting ("http://127.0.0.1:PORT"). The replay server is a
    plain HTTP proxy, so https is rewritten to http (no CONNECT tunnel) and the real address is
    kept in meta so that stored URLs stay the real https ones. It sits after OffsiteMiddleware and
    before RobotsTxtMiddleware, so robots.txt is also fetched through the proxy.
    """

    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayProxyMiddleware:
        proxy = crawler.settings.get("CHAINWATCH_REPLAY_PROXY")
        if not proxy:
            raise NotConfigured
        return cls(proxy)

    def process_request(self, request: Request, spider: Spider | None = None) -> Request | None:
        if request.url.startswith("https://"):
            meta = {**request.meta, ORIGINAL_URL: request.url, "proxy": self.proxy}
            # A new request goes back through the scheduler; the original already passed the
            # duplicate filter, so this one must not be filtered as a duplicate of itself.
            return request.replace(url="http://" + request.url[len("https://") :], meta=meta, dont_filter=True)
        original = request.meta.get(ORIGINAL_URL)
        if original and original[len("https://") :] != request.url[len("http://") :]:
            del request.meta[ORIGINAL_URL]  # a redirect copied the meta of the page it came from
        request.meta["proxy"] = self.proxy
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (RETRY_TIMES, RETRY_HTTP_CODES), waiting before each retry:
    RETRY_BACKOFF_BASE * 2**(attempt-1) seconds, capped at RETRY_BACKOFF_MAX, or the server's
    Retry-After when it asks for longer (still capped)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def _delay(self, retry_request: Request, response: Response | None = None) -> float:
        attempt: int = retry_request.meta.get("retry_times", 1)
        delay: float = self.base * 2 ** (attempt - 1)
        if response is not None:
            after = response.headers.get(b"Retry-After")
            if after and after.strip().isdigit():
                delay = max(delay, float(after))
        return min(delay, self.cap)

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            from twisted.internet import reactor  # imported late: importing it installs a reactor

            await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))

    # Async overrides of the base's sync methods: Scrapy's downloader middleware manager awaits
    # coroutine methods, so the incompatible return types are what Scrapy expects here.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):  # a retry; else the response itself
            await self._wait(self._delay(result, response))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):  # a retry (the base returns a Request or None)
            await self._wait(self._delay(result))
        return result
