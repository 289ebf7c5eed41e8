"""Listing pages (section fronts, press-release indexes): article links picked by a CSS or XPath selector."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from cssselect import SelectorError
from parsel import Selector

from spiders.discovery import BadEntryPage, Discovered, Link
from spiders.metadata import clean_space


def parse_listing(html: str, base_url: str, selector: str, article_pattern: str | None = None) -> Discovered:
    if not html or not html.strip():
        raise BadEntryPage("empty_listing", "listing page is empty")
    page = Selector(text=html)
    try:
        picked = page.xpath(selector) if selector.startswith(("/", "(")) else page.css(selector)
    except (ValueError, SelectorError) as exc:
        raise BadEntryPage("bad_selector", f"selector {selector!r} is invalid: {exc}") from exc
    pattern = re.compile(article_pattern) if article_pattern else None
    found = Discovered()
    seen: set[str] = set()
    for node in picked:
        root = node.root
        if isinstance(root, str):  # a::attr(href) or text() selections
            href, title = root, None
        else:
            href = root.get("href") or (node.css("a::attr(href)").get() or "")
            title = clean_space(node.xpath("string()").get()) or None
        href = (href or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urljoin(base_url, href)
        if url in seen or (pattern and not pattern.search(url)):
            continue
        seen.add(url)
        found.links.append(Link(url=url, title=title))
    return found
