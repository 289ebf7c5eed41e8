"""Listing pages (section fronts, press-release indexes): article links picked by a CSS or XPath selector."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from cssselect import SelectorError
from parsel import Selector, SelectorList

from spiders.discovery import BadEntryPage, Discovered, Link
from spiders.metadata import clean_space


def _pick(page: Selector, selector: str) -> SelectorList[Selector]:
    try:
        return page.xpath(selector) if selector.startswith(("/", "(")) else page.css(selector)
    except (ValueError, SelectorError) as exc:
        raise BadEntryPage("bad_selector", f"selector {selector!r} is invalid: {exc}") from exc


def _href(node: Selector) -> str | None:
    """The link a picked node stands for (an <a>, an element holding one, or a selected attribute)."""
    root = node.root
    href = root if isinstance(root, str) else (root.get("href") or node.css("a::attr(href)").get() or "")
    href = (href or "").strip()
    return None if not href or href.startswith(("#", "javascript:", "mailto:")) else href


def next_page(html: str, base_url: str, selector: str) -> str | None:
    """The address of a paginated listing's next (older) page: the first link `selector` picks."""
    for node in _pick(Selector(text=html), selector):
        href = _href(node)
        if href:
            return urljoin(base_url, href)
    return None


def parse_listing(html: str, base_url: str, selector: str, article_pattern: str | None = None) -> Discovered:
    if not html or not html.strip():
        raise BadEntryPage("empty_listing", "listing page is empty")
    picked = _pick(Selector(text=html), selector)
    pattern = re.compile(article_pattern) if article_pattern else None
    found = Discovered()
    seen: set[str] = set()
    for node in picked:
        href = _href(node)
        if href is None:
            continue
        # a::attr(href) or text() selections carry no title
        title = None if isinstance(node.root, str) else clean_space(node.xpath("string()").get()) or None
        url = urljoin(base_url, href)
        if url in seen or (pattern and not pattern.search(url)):
            continue
        seen.add(url)
        found.links.append(Link(url=url, title=title))
    return found
