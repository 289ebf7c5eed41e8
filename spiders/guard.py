"""Where the crawler may go: a source's own hosts, its ports, and (live) only public addresses.

Every request passes `RequestGuardMiddleware`, entry pages and redirects included: Scrapy's own
OffsiteMiddleware lets `dont_filter` requests through, and a redirect inherits that flag, so a feed
answering 302 to `http://127.0.0.1:8080/` would otherwise be followed. A request is refused when
- its scheme is not http or https;
- its host is not one of the source's `allowed_domains` (or a subdomain of one);
- its port is not 80, 443 or one of the source's `ports` (ports written in its entry URLs count);
- in a live crawl, its host is, or resolves to, a loopback, private, link-local, shared, reserved
  or multicast address (cloud metadata services live on link-local 169.254.169.254).
The address check is off when CHAINWATCH_ALLOW_PRIVATE_ADDRESSES is set: the replay proxy and tests
serve on 127.0.0.1. The answer is resolved through Scrapy's caching resolver, so the connection
that follows uses the same cached address (no second lookup an attacker's DNS could change).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

log = logging.getLogger(__name__)

DEFAULT_PORTS = frozenset({80, 443})


class BlockedRequest(IgnoreRequest):
    """A request the guard refused; `kind` is its crawl_runs error_counts key."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def host_allowed(host: str, domains: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def url_problem(url: str, domains: Iterable[str], ports: Iterable[int] = ()) -> tuple[str, str] | None:
    """(kind, message) when `url` leaves the source's hosts or ports; None when it may be fetched."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "bad_link", f"unusable address {url[:200]!r}"
    if parts.scheme not in ("http", "https"):
        return "blocked_scheme", f"{parts.scheme or 'no'} scheme in {url[:200]!r}"
    host = parts.hostname or ""
    if not host_allowed(host, domains):
        return "offsite", f"{host!r} is not one of the source's domains"
    if port is not None and port not in DEFAULT_PORTS and port not in set(ports):
        return "blocked_port", f"port {port} of {host} is not 80, 443 or a port of the source"
    return None


def is_public(address: str) -> bool:
    """False for loopback, private, link-local, shared (CGNAT), reserved, multicast, unspecified."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def literal_ip(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class RequestGuardMiddleware:
    """Refuse every request (redirects included) that leaves the source's hosts, ports or the public internet."""

    def __init__(self, crawler: Crawler, allow_private: bool) -> None:
        self.crawler = crawler
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestGuardMiddleware:
        return cls(crawler, crawler.settings.getbool("CHAINWATCH_ALLOW_PRIVATE_ADDRESSES"))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        domains = getattr(spider, "allowed_domains", None) or ()
        source = getattr(spider, "source", None)
        problem = url_problem(request.url, domains, getattr(source, "ports", ()))
        if problem is None and not self.allow_private:
            problem = await self._address_problem(urlsplit(request.url).hostname or "")
        if problem is not None:
            kind, message = problem
            if request.meta.get("redirect_times"):
                message = f"redirect refused: {message}"
            raise BlockedRequest(kind, message)
        return None

    async def _address_problem(self, host: str) -> tuple[str, str] | None:
        address = literal_ip(host)
        if address is None:
            from twisted.internet import reactor  # imported late: importing it installs a reactor

            try:
                resolved: str | None = await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001 (an unresolvable host fails later as `dns`, as before)
                return None
            address = resolved
        if address is None:
            return None
        if not is_public(address):
            return "blocked_address", f"{host} is a non-public address ({address})"
        return None
