"""`render: true` sources: article and listing pages rendered by Debian's headless chromium.

Some sites send a script shell and build the article in the browser. For a source marked
`render: true`, every HTML page the spider reads as an article or a listing is fetched as usual
first (robots.txt, politeness, retries, status codes and wall detection on the raw response all
apply), then loaded again in headless chromium (`--dump-dom`, with a virtual-time budget so that
timers and fetches of the page's scripts run) and the rendered DOM replaces the body. Nothing is
downloaded: the browser is the system's (CHAINWATCH_CHROMIUM, default `chromium` on PATH). Other
hosts' scripts, styles and images are not loaded (`--host-resolver-rules` maps every host outside
the source's domains to nothing), and at most CHAINWATCH_RENDER_CONCURRENCY browsers run at once.
A page chromium cannot render is counted (`render_failed`) and read as fetched.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import DeferredSemaphore
from twisted.internet.threads import deferToThread

from spiders import stats as st
from spiders.middlewares import ORIGINAL_URL
from spiders.registry import Source

log = logging.getLogger(__name__)

FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--blink-settings=imagesEnabled=false",
)


class RenderFailed(Exception):
    """chromium gave no page: the message says why, in one line."""


@dataclass(frozen=True)
class Chromium:
    """How one source's pages are rendered: a `chromium --dump-dom` command line."""

    binary: str
    user_agent: str
    budget_ms: int  # virtual time the page's scripts get (timers and fetches run within it)
    allowed_domains: tuple[str, ...] = ()  # the only hosts a live page may load from
    no_sandbox: bool = False  # root (a container) cannot use chromium's sandbox
    proxy: str | None = None  # the local replay, which answers for every host

    def command(self, url: str, profile: str) -> list[str]:
        cmd = [self.binary, *FLAGS, f"--user-data-dir={profile}", f"--user-agent={self.user_agent}"]
        cmd += ["--dump-dom", f"--virtual-time-budget={self.budget_ms}"]
        if self.no_sandbox:
            cmd.append("--no-sandbox")
        if self.proxy:
            cmd.append(f"--proxy-server={self.proxy}")
        elif self.allowed_domains:
            excluded = ", ".join(f"EXCLUDE {d}, EXCLUDE *.{d}" for d in self.allowed_domains)
            cmd.append(f"--host-resolver-rules=MAP * ~NOTFOUND, {excluded}")
        return [*cmd, url]

    def render(self, url: str, timeout: float) -> bytes:
        """The rendered DOM (UTF-8), from a run in a throwaway profile. Raises RenderFailed."""
        with tempfile.TemporaryDirectory(prefix="chainwatch-chromium-") as profile:
            try:
                done = subprocess.run(self.command(url, profile), capture_output=True, timeout=timeout, check=False)
            except subprocess.TimeoutExpired:
                raise RenderFailed(f"chromium took over {timeout:.0f} s") from None
            except OSError as exc:
                raise RenderFailed(f"chromium could not start: {exc}") from None
        if done.returncode != 0 or not done.stdout.strip():
            last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1][:200]
            raise RenderFailed(f"chromium exited {done.returncode} with {len(done.stdout)} bytes: {last}")
        return done.stdout


def _renderable(request: Request, response: Response) -> bool:
    """An article or listing page that came back as HTML (feeds, sitemaps, APIs and errors are left alone)."""
    role, kind = request.meta.get("cw_role"), request.meta.get("cw_kind")
    if role != "article" and not (role == "entry" and kind == "listing"):
        return False
    ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    return response.status == 200 and ("html" in ctype or (not ctype and isinstance(response, HtmlResponse)))


class RenderMiddleware:
    """Downloader middleware: a `render: true` source's pages, as chromium renders them (module docstring)."""

    def __init__(self, crawler: Crawler, source: Source):
        settings = crawler.settings
        self.crawler = crawler
        self.timeout = settings.getfloat("CHAINWATCH_RENDER_TIMEOUT", 60.0)
        self.slots = DeferredSemaphore(max(settings.getint("CHAINWATCH_RENDER_CONCURRENCY", 2), 1))
        self.chromium = Chromium(
            binary=settings.get("CHAINWATCH_CHROMIUM") or shutil.which("chromium") or "chromium",
            user_agent=settings.get("USER_AGENT") or "",
            budget_ms=settings.getint("CHAINWATCH_RENDER_BUDGET_MS", 5000),
            allowed_domains=tuple(source.allowed_domains),
            no_sandbox=os.geteuid() == 0,
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RenderMiddleware:
        source = getattr(crawler.spider, "source", None)
        if not isinstance(source, Source) or not source.render:
            raise NotConfigured  # the other sources' pages are read as fetched
        return cls(crawler, source)

    async def process_response(self, request: Request, response: Response, spider: object = None) -> Response:
        if not _renderable(request, response):
            return response
        url = request.meta.get(ORIGINAL_URL) or request.url
        chromium = replace(self.chromium, proxy=request.meta.get("proxy"))
        try:
            body = await maybe_deferred_to_future(
                self.slots.run(deferToThread, chromium.render, request.url, self.timeout)
            )
        except RenderFailed as exc:
            st.count_error(self.crawler, "render_failed", f"{url}: {exc}; read as fetched")
            return response
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("cw/rendered")
        headers = response.headers.copy()
        headers[b"Content-Type"] = b"text/html; charset=utf-8"  # chromium writes the DOM as UTF-8
        headers.pop(b"Content-Encoding", None)
        return HtmlResponse(
            url=response.url,
            status=response.status,
            headers=headers,
            body=body,
            encoding="utf-8",
            request=request,
            flags=[*response.flags, "rendered"],
        )
