"""News sitemaps and sitemap indexes, read incrementally through lastmod / publication_date.

Entries (and child sitemaps) last changed before `since` (the start of the source's previous
completed run, minus a margin for clock skew) are skipped; entries without dates are kept, and
the crawl's stored-URL check stops those from being fetched twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urljoin

from lxml import etree

from spiders.dates import parse_date
from spiders.discovery import BadEntryPage, Discovered, Link
from spiders.discovery.xml import local_name, parse_xml

SKEW = timedelta(hours=2)


def _first(el: etree._Element, name: str) -> etree._Element | None:
    for child in el.iter():
        if local_name(child) == name:
            return child
    return None


def _value(el: etree._Element, name: str) -> str | None:
    found = _first(el, name)
    text = "".join(found.itertext()).strip() if found is not None else ""
    return text or None


def parse_sitemap(body: bytes, base_url: str, since: datetime | None = None) -> Discovered:
    root, damage = parse_xml(body)
    kind = local_name(root)
    if kind not in ("urlset", "sitemapindex"):
        raise BadEntryPage("not_a_sitemap", f"root element <{kind}> is not a sitemap")
    cutoff = since - SKEW if since else None
    found = Discovered(problem="bad_xml" if damage else None, message=damage or "")
    for entry in root:
        name = local_name(entry)
        loc = _value(entry, "loc")
        if name not in ("url", "sitemap") or not loc:
            continue
        published = _value(entry, "publication_date")
        changed = parse_date(_value(entry, "lastmod") or published)
        if cutoff and changed and changed < cutoff:
            continue
        url = urljoin(base_url, loc)
        if name == "sitemap":
            found.follow.append(url)
        else:
            found.links.append(Link(url=url, title=_value(entry, "title"), published=published, lastmod=changed))
    return found
