"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds -> article links with their titles, dates and summaries."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree

from spiders.discovery import BadEntryPage, Discovered, Link
from spiders.discovery.sitemap import parse_sitemap
from spiders.discovery.xml import local_name, parse_xml
from spiders.metadata import clean_space

_DATE_TAGS = ("pubdate", "published", "date", "issued", "updated", "modified")
_SUMMARY_TAGS = ("encoded", "content", "description", "summary")  # content:encoded first: the full body


def _children(el: etree._Element) -> dict[str, list[etree._Element]]:
    found: dict[str, list[etree._Element]] = {}
    for child in el:
        found.setdefault(local_name(child), []).append(child)
    return found


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    value = "".join(el.itertext()).strip()
    return value or None


def _plain_title(title: str | None) -> str | None:
    # CDATA titles sometimes carry markup (<h1>...</h1> in the ETHNews snapshot)
    return clean_space(re.sub(r"<[^>]+>", " ", title or "")) or None


def _item_link(kids: dict[str, list[etree._Element]]) -> str | None:
    if kids.get("origlink"):  # feedburner:origLink: the publisher's own URL
        return _text(kids["origlink"][0])
    for link in kids.get("link", []):
        href: str | None = link.get("href")
        if href is None:  # RSS: <link>URL</link>
            return _text(link)
        if link.get("rel") in (None, "alternate"):  # Atom: <link rel="alternate" href=...>
            return href
    for guid in kids.get("guid", []):
        value = _text(guid)
        if value and value.startswith("http") and guid.get("isPermaLink", "true").lower() != "false":
            return value
    return None


def parse_feed(body: bytes, base_url: str) -> Discovered:
    root, damage = parse_xml(body)
    kind = local_name(root)
    if kind in ("urlset", "sitemapindex"):  # a sitemap where a feed was listed: read it as one
        return parse_sitemap(body, base_url)
    if kind not in ("rss", "rdf", "feed", "channel"):
        raise BadEntryPage("not_a_feed", f"root element <{kind}> is not RSS or Atom")
    found = Discovered(problem="bad_xml" if damage else None, message=damage or "")
    for item in root.iter("{*}item", "{*}entry", "item", "entry"):
        kids = _children(item)
        href = _item_link(kids)
        if not href:
            continue
        summary = next((_text(kids[t][0]) for t in _SUMMARY_TAGS if kids.get(t) and _text(kids[t][0])), None)
        found.links.append(
            Link(
                url=urljoin(base_url, href.strip()),
                title=_plain_title(_text(kids["title"][0])) if kids.get("title") else None,
                published=next((_text(kids[t][0]) for t in _DATE_TAGS if kids.get(t)), None),
                summary=summary,
            )
        )
    return found
