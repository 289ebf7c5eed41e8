"""Finding article links on entry pages: RSS/Atom feeds, news sitemaps, listing pages, JSON APIs.

Each kind is a pure function from (bytes, URL) to `Discovered`, so it can be tested without
Scrapy. A page that cannot be read raises `BadEntryPage` with an error kind for crawl_runs;
a page that was damaged but partly readable returns its links plus `problem` (also counted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class BadEntryPage(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class Link:
    url: str
    title: str | None = None
    published: str | None = None  # as written in the feed or sitemap
    summary: str | None = None  # feed description / content:encoded (may hold HTML)
    lastmod: datetime | None = None
    body: str | None = None  # the whole text, when an API item carries it (flash news): no page fetch
    detail: str | None = None  # a JSON URL holding the whole text (api `detail`), fetched instead of the page


@dataclass
class Discovered:
    links: list[Link] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)  # child sitemaps to fetch next
    problem: str | None = None  # e.g. "bad_xml" when items were recovered
    message: str = ""
